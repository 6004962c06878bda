# Where resources now live under another address, so that an existing deployment's
# state follows them: each block renames the object in state, and no plan destroys or
# recreates it. Keep them: a deployment that applies a later version without having
# applied this one still needs them (tests/terraform checks every renamed address has
# its block). They can go once every deployment has applied them.

# Log-based metrics and their alerts: one resource each, over local maps (monitoring.tf).
moved {
  from = google_logging_metric.api_5xx
  to   = google_logging_metric.log_count["api_5xx"]
}

moved {
  from = google_logging_metric.jobs_started
  to   = google_logging_metric.log_count["jobs_started"]
}

moved {
  from = google_logging_metric.jobs_failed
  to   = google_logging_metric.log_count["jobs_failed"]
}

moved {
  from = google_logging_metric.worker_errors
  to   = google_logging_metric.log_count["worker_errors"]
}

moved {
  from = google_logging_metric.gemini_429
  to   = google_logging_metric.log_count["gemini_429"]
}

moved {
  from = google_logging_metric.uploads_infected
  to   = google_logging_metric.log_count["uploads_infected"]
}

moved {
  from = google_logging_metric.webhook_delivery_failures
  to   = google_logging_metric.log_count["webhook_delivery_failures"]
}

moved {
  from = google_logging_metric.webhook_endpoints_disabled
  to   = google_logging_metric.log_count["webhook_endpoints_disabled"]
}

moved {
  from = google_monitoring_alert_policy.api_5xx_rate
  to   = google_monitoring_alert_policy.log_alert["api_5xx_rate"]
}

moved {
  from = google_monitoring_alert_policy.job_failure_rate
  to   = google_monitoring_alert_policy.log_alert["job_failure_rate"]
}

moved {
  from = google_monitoring_alert_policy.worker_errors
  to   = google_monitoring_alert_policy.log_alert["worker_errors"]
}

moved {
  from = google_monitoring_alert_policy.gemini_429_rate
  to   = google_monitoring_alert_policy.log_alert["gemini_429_rate"]
}

moved {
  from = google_monitoring_alert_policy.uploads_infected
  to   = google_monitoring_alert_policy.log_alert["uploads_infected"]
}

moved {
  from = google_monitoring_alert_policy.webhook_delivery_failures
  to   = google_monitoring_alert_policy.log_alert["webhook_delivery_failures"]
}

moved {
  from = google_monitoring_alert_policy.webhook_endpoint_disabled
  to   = google_monitoring_alert_policy.log_alert["webhook_endpoint_disabled"]
}

# The deployment's keys and their readers: one resource each (secrets.tf).
moved {
  from = google_secret_manager_secret.gemini_api_key
  to   = google_secret_manager_secret.keys["gemini_api_key"]
}

moved {
  from = google_secret_manager_secret.webhook_signing_key
  to   = google_secret_manager_secret.keys["webhook_signing_key"]
}

moved {
  from = google_secret_manager_secret_iam_member.gemini_api_key_accessors["api"]
  to   = google_secret_manager_secret_iam_member.key_accessors["gemini_api_key api"]
}

moved {
  from = google_secret_manager_secret_iam_member.gemini_api_key_accessors["trigger"]
  to   = google_secret_manager_secret_iam_member.key_accessors["gemini_api_key trigger"]
}

moved {
  from = google_secret_manager_secret_iam_member.gemini_api_key_accessors["worker"]
  to   = google_secret_manager_secret_iam_member.key_accessors["gemini_api_key worker"]
}

moved {
  from = google_secret_manager_secret_iam_member.webhook_signing_key_accessors["api"]
  to   = google_secret_manager_secret_iam_member.key_accessors["webhook_signing_key api"]
}

moved {
  from = google_secret_manager_secret_iam_member.webhook_signing_key_accessors["worker"]
  to   = google_secret_manager_secret_iam_member.key_accessors["webhook_signing_key worker"]
}

# The worker's two invokers: one resource (functions.tf).
moved {
  from = google_cloud_run_v2_service_iam_member.worker_invoker
  to   = google_cloud_run_v2_service_iam_member.worker_invokers["tasks"]
}

moved {
  from = google_cloud_run_v2_service_iam_member.worker_invoker_webhooks
  to   = google_cloud_run_v2_service_iam_member.worker_invokers["webhook_tasks"]
}
