# Monitoring: log-based metrics from the functions' logs, alert policies and a
# dashboard.
#
# The functions log JSON lines to stdout (shared/logs.py), which Cloud Logging
# parses into jsonPayload; Cloud Run adds one request log per HTTP request
# (run.googleapis.com/requests, with httpRequest.status). Each 2nd gen function is a
# Cloud Run service of the same name. Alerts use log-based metrics and Google's own
# metrics only: the code's OpenTelemetry metrics (workload.googleapis.com/...) only
# exist once first written, and an alert on a metric that does not exist yet cannot
# be created in a new project (the dashboard shows them).

locals {
  service_logs = {
    for key, name in local.function_names :
    key => "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${name}\""
  }
  request_logs = "log_id(\"run.googleapis.com/requests\")"

  notification_channels = google_monitoring_notification_channel.email[*].id

  queue_ids = [
    google_cloud_tasks_queue.chunks.name,
    google_cloud_tasks_queue.gemini.name,
    google_cloud_tasks_queue.webhooks.name,
  ]
}

resource "google_monitoring_notification_channel" "email" {
  count = var.notification_email == "" ? 0 : 1

  display_name = "French Novel Tool alerts (${var.name_prefix})"
  type         = "email"
  labels = {
    email_address = var.notification_email
  }

  depends_on = [google_project_service.enabled]
}

# Log-based metrics -----------------------------------------------------------

resource "google_logging_metric" "api_5xx" {
  name        = "${var.name_prefix}-api-5xx"
  description = "API answers with a 5xx status (Cloud Run request logs)."
  filter      = "${local.service_logs.api} AND ${local.request_logs} AND httpRequest.status>=500"

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "API 5xx answers"
  }

  depends_on = [google_project_service.enabled]
}

# Uploads the trigger decided on: queued for processing, or refused with a code
# ("event E for NAME: queued: N chunks" / "...: rejected: CODE").
resource "google_logging_metric" "jobs_started" {
  name        = "${var.name_prefix}-jobs-started"
  description = "Uploads the storage trigger queued or refused: the jobs that started processing."
  filter      = "${local.service_logs.trigger} AND jsonPayload.message=~\": (queued|rejected): \""

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "Jobs started"
  }

  depends_on = [google_project_service.enabled]
}

# Jobs that failed: refused by the trigger, or failed by a chunk's outcome
# ("task T attempt N: failed: CODE ...", e.g. PDF_DAMAGED or CHUNK_FAILED after the
# last attempt). The code is kept as a label.
resource "google_logging_metric" "jobs_failed" {
  name        = "${var.name_prefix}-jobs-failed"
  description = "Jobs failed: refused uploads (trigger) and failed chunk outcomes (worker), by error code."
  filter = join(" OR ", [
    "(${local.service_logs.trigger} AND jsonPayload.message=~\": rejected: \")",
    "(${local.service_logs.worker} AND jsonPayload.message=~\"attempt [0-9]+: failed: \")",
  ])

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "Jobs failed"
    labels {
      key         = "error_code"
      value_type  = "STRING"
      description = "The job's error code."
    }
  }

  label_extractors = {
    error_code = "REGEXP_EXTRACT(jsonPayload.message, \"(?:failed|rejected): ([A-Z_]+)\")"
  }

  depends_on = [google_project_service.enabled]
}

# The worker's own error lines (not the request logs: a 503 that asks Cloud Tasks to
# retry is normal operation). A webhook endpoint disabled is its owner's failure, not
# the worker's, and has its own metric and alert (below).
resource "google_logging_metric" "worker_errors" {
  name        = "${var.name_prefix}-worker-errors"
  description = "Log lines of severity ERROR or above from the chunk worker's code."
  filter      = "${local.service_logs.worker} AND NOT ${local.request_logs} AND severity>=ERROR AND NOT jsonPayload.event=\"webhook_endpoint_disabled\""

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "Worker errors"
  }

  depends_on = [google_project_service.enabled]
}

# A 429 from Gemini, as the worker logs the failed attempt ("Gemini answered 429
# RESOURCE_EXHAUSTED: ..."); Cloud Run's own 429s (no free instance) do not match.
resource "google_logging_metric" "gemini_429" {
  name        = "${var.name_prefix}-gemini-429"
  description = "Gemini answers 429 (quota exhausted) seen by the chunk worker."
  filter      = "${local.service_logs.worker} AND jsonPayload.message=~\"Gemini answered 429\""

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "Gemini 429 answers"
  }

  depends_on = [google_project_service.enabled]
}

# Webhook deliveries, as the worker logs them: each failed attempt (the endpoint
# answered non-2xx, or did not answer) and each endpoint disabled after failing too
# long. Matched on the line's `event` field (a JSON field of the line, logged with
# `extra=`), not its message. The status code is kept as a label (empty when the
# endpoint did not answer); which endpoint is in the line only (`webhook_id`).
resource "google_logging_metric" "webhook_delivery_failures" {
  name        = "${var.name_prefix}-webhook-delivery-failures"
  description = "Webhook delivery attempts that failed (the endpoint answered non-2xx or not at all), by status code."
  filter      = "${local.service_logs.worker} AND jsonPayload.event=\"webhook_delivery_failed\""

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "Webhook delivery failures"
    labels {
      key         = "status_code"
      value_type  = "STRING"
      description = "The endpoint's HTTP status (empty: no answer)."
    }
  }

  label_extractors = {
    status_code = "EXTRACT(jsonPayload.status_code)"
  }

  depends_on = [google_project_service.enabled]
}

resource "google_logging_metric" "webhook_endpoints_disabled" {
  name        = "${var.name_prefix}-webhook-endpoints-disabled"
  description = "Webhook endpoints disabled after their deliveries failed for too long."
  filter      = "${local.service_logs.worker} AND jsonPayload.event=\"webhook_endpoint_disabled\""

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "Webhook endpoints disabled"
  }

  depends_on = [google_project_service.enabled]
}

# Monitoring answers "cannot find metric" to an alert policy on a log-based metric for up
# to about ten minutes after the metric is created, and the provider does not retry it:
# the policies on them wait. Waited once, and again only when a metric is replaced.
resource "time_sleep" "log_metrics_visible" {
  create_duration = local.log_metric_propagation

  triggers = {
    api_5xx       = google_logging_metric.api_5xx.id
    jobs_started  = google_logging_metric.jobs_started.id
    jobs_failed   = google_logging_metric.jobs_failed.id
    worker_errors = google_logging_metric.worker_errors.id
    gemini_429    = google_logging_metric.gemini_429.id
    infected      = google_logging_metric.uploads_infected.id
    webhook_fails = google_logging_metric.webhook_delivery_failures.id
    webhook_off   = google_logging_metric.webhook_endpoints_disabled.id
  }
}

# Alert policies --------------------------------------------------------------

resource "google_monitoring_alert_policy" "api_5xx_rate" {
  display_name          = "FNT (${var.name_prefix}): API 5xx rate"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.notification_channels

  conditions {
    display_name = "More than ${var.alert_api_5xx_ratio * 100}% of API answers are 5xx (5 min)"
    condition_threshold {
      filter     = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.api_5xx.name}\" AND resource.type=\"cloud_run_revision\""
      comparison = "COMPARISON_GT"
      duration   = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }
      denominator_filter = "metric.type=\"run.googleapis.com/request_count\" AND ${local.service_logs.api}"
      denominator_aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }
      threshold_value = var.alert_api_5xx_ratio
      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "The API answers 5xx. Its logs carry the request id of each failure: Logs Explorer, service `${local.function_names.api}`, severity ERROR. `GET /api/v1/health?deep=1` names a failing dependency."
  }

  depends_on = [time_sleep.log_metrics_visible]
}

resource "google_monitoring_alert_policy" "job_failure_rate" {
  display_name          = "FNT (${var.name_prefix}): job failure rate"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.notification_channels

  conditions {
    display_name = "More than ${var.alert_job_failure_ratio * 100}% of started jobs failed (30 min)"
    condition_threshold {
      filter     = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.jobs_failed.name}\" AND resource.type=\"cloud_run_revision\""
      comparison = "COMPARISON_GT"
      duration   = "0s"
      aggregations {
        alignment_period     = "1800s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }
      denominator_filter = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.jobs_started.name}\" AND resource.type=\"cloud_run_revision\""
      denominator_aggregations {
        alignment_period     = "1800s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }
      threshold_value = var.alert_job_failure_ratio
      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "3600s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Many jobs fail. The metric `${google_logging_metric.jobs_failed.name}` has the error code as a label: refused files (NOT_A_PDF, PDF_NO_TEXT_LAYER...) are users' files, CHUNK_FAILED or GEMINI_KEY_INVALID are ours."
  }

  depends_on = [time_sleep.log_metrics_visible]
}

resource "google_monitoring_alert_policy" "queue_backlog" {
  display_name          = "FNT (${var.name_prefix}): task queue backlog"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.notification_channels

  conditions {
    display_name = "A queue holds more than ${var.alert_queue_depth} tasks for 15 min"
    condition_threshold {
      filter     = "metric.type=\"cloudtasks.googleapis.com/queue/depth\" AND resource.type=\"cloud_tasks_queue\" AND resource.labels.queue_id=one_of(\"${join("\", \"", local.queue_ids)}\")"
      comparison = "COMPARISON_GT"
      duration   = "900s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_MAX"
        cross_series_reducer = "REDUCE_MAX"
        group_by_fields      = ["resource.label.queue_id"]
      }
      threshold_value = var.alert_queue_depth
      trigger {
        count = 1
      }
    }
  }

  # Cloud Tasks has no "oldest task" metric; how late tasks start is the age that
  # matters here (expiry tasks are scheduled ahead and do not count as late).
  conditions {
    display_name = "Tasks start more than ${var.alert_queue_delay_seconds} s late (p99, 10 min)"
    condition_threshold {
      filter     = "metric.type=\"cloudtasks.googleapis.com/queue/task_attempt_delays\" AND resource.type=\"cloud_tasks_queue\" AND resource.labels.queue_id=one_of(\"${join("\", \"", local.queue_ids)}\")"
      comparison = "COMPARISON_GT"
      duration   = "600s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_PERCENTILE_99"
      }
      threshold_value = var.alert_queue_delay_seconds * 1000 # the metric is in ms
      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "3600s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Tasks pile up or start late. Check the worker's instance count against `worker_max_instances`, its errors, and for the gemini queue the Gemini 429 rate (the queue is paced to `gemini_requests_per_minute`). The webhooks queue also holds deliveries scheduled for a later retry: its depth grows while endpoints are down (`webhook_max_concurrent` is its share of the worker)."
  }
}

resource "google_monitoring_alert_policy" "worker_errors" {
  display_name          = "FNT (${var.name_prefix}): worker errors"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.notification_channels

  conditions {
    display_name = "More than ${var.alert_worker_errors_per_5min} worker errors in 5 min"
    condition_threshold {
      filter     = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.worker_errors.name}\" AND resource.type=\"cloud_run_revision\""
      comparison = "COMPARISON_GT"
      duration   = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }
      threshold_value = var.alert_worker_errors_per_5min
      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "The worker logged errors: chunks failing on their last attempt, dropped tasks with invalid payloads, unexpected exceptions (also in Error Reporting). Service `${local.function_names.worker}`."
  }

  depends_on = [time_sleep.log_metrics_visible]
}

resource "google_monitoring_alert_policy" "gemini_429_rate" {
  display_name          = "FNT (${var.name_prefix}): Gemini 429 rate"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.notification_channels

  conditions {
    display_name = "More than ${var.alert_gemini_429_per_5min} Gemini 429s in 5 min"
    condition_threshold {
      filter     = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.gemini_429.name}\" AND resource.type=\"cloud_run_revision\""
      comparison = "COMPARISON_GT"
      duration   = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }
      threshold_value = var.alert_gemini_429_per_5min
      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Gemini refuses calls for quota. Each 429 costs a task attempt: lower `gemini_requests_per_minute` (the gemini queue's pace) to the key's real quota, or raise the quota."
  }

  depends_on = [time_sleep.log_metrics_visible]
}

resource "google_monitoring_alert_policy" "webhook_delivery_failures" {
  display_name          = "FNT (${var.name_prefix}): webhook delivery failures"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.notification_channels

  conditions {
    display_name = "More than ${var.alert_webhook_failures_per_5min} webhook delivery failures in 5 min"
    condition_threshold {
      filter     = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.webhook_delivery_failures.name}\" AND resource.type=\"cloud_run_revision\""
      comparison = "COMPARISON_GT"
      duration   = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }
      threshold_value = var.alert_webhook_failures_per_5min
      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Many webhook deliveries fail. The metric `${google_logging_metric.webhook_delivery_failures.name}` has the endpoint's status code as a label (empty: no answer); the worker's lines with `jsonPayload.event=\"webhook_delivery_failed\"` name each endpoint (`webhook_id`). Many endpoints failing at once points at our side (the worker's egress, its errors); one endpoint failing is its owner's, and it is disabled if it keeps failing."
  }

  depends_on = [time_sleep.log_metrics_visible]
}

resource "google_monitoring_alert_policy" "webhook_endpoint_disabled" {
  display_name          = "FNT (${var.name_prefix}): webhook endpoint disabled"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.notification_channels

  conditions {
    display_name = "A webhook endpoint was disabled"
    condition_threshold {
      filter     = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.webhook_endpoints_disabled.name}\" AND resource.type=\"cloud_run_revision\""
      comparison = "COMPARISON_GT"
      duration   = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }
      threshold_value = 0
      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "An endpoint's deliveries failed for too long and the worker disabled it: its owner gets no more events until they enable it again. The worker's line with `jsonPayload.event=\"webhook_endpoint_disabled\"` names it (`webhook_id`); its earlier `webhook_delivery_failed` lines say how it failed."
  }

  depends_on = [time_sleep.log_metrics_visible]
}

# Dashboard -------------------------------------------------------------------

locals {
  dashboard_tiles = [
    {
      title = "API requests by status class (per s)"
      sets = [{
        filter      = "metric.type=\"run.googleapis.com/request_count\" AND ${local.service_logs.api}"
        aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_RATE", crossSeriesReducer = "REDUCE_SUM", groupByFields = ["metric.label.response_code_class"] }
      }]
    },
    {
      title = "API latency p95 (ms)"
      sets = [{
        filter      = "metric.type=\"run.googleapis.com/request_latencies\" AND ${local.service_logs.api}"
        aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_PERCENTILE_95" }
      }]
    },
    {
      title = "Jobs started and failed"
      sets = [
        {
          filter      = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.jobs_started.name}\" AND resource.type=\"cloud_run_revision\""
          aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_DELTA", crossSeriesReducer = "REDUCE_SUM" }
        },
        {
          filter      = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.jobs_failed.name}\" AND resource.type=\"cloud_run_revision\""
          aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_DELTA", crossSeriesReducer = "REDUCE_SUM", groupByFields = ["metric.label.error_code"] }
        },
      ]
    },
    {
      title = "Jobs finished by status (OpenTelemetry)"
      sets = [{
        filter      = "metric.type=\"workload.googleapis.com/jobs.finished\""
        aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_DELTA", crossSeriesReducer = "REDUCE_SUM", groupByFields = ["metric.label.status"] }
      }]
    },
    {
      title = "Queue depth"
      sets = [{
        filter      = "metric.type=\"cloudtasks.googleapis.com/queue/depth\" AND resource.type=\"cloud_tasks_queue\""
        aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_MAX", crossSeriesReducer = "REDUCE_SUM", groupByFields = ["resource.label.queue_id"] }
      }]
    },
    {
      title = "Task start delay p99 (ms)"
      sets = [{
        filter      = "metric.type=\"cloudtasks.googleapis.com/queue/task_attempt_delays\" AND resource.type=\"cloud_tasks_queue\""
        aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_PERCENTILE_99" }
      }]
    },
    {
      title = "Task attempts by response"
      sets = [{
        filter      = "metric.type=\"cloudtasks.googleapis.com/queue/task_attempt_count\" AND resource.type=\"cloud_tasks_queue\""
        aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_DELTA", crossSeriesReducer = "REDUCE_SUM", groupByFields = ["resource.label.queue_id", "metric.label.response_code"] }
      }]
    },
    {
      title = "Worker instances"
      sets = [{
        filter      = "metric.type=\"run.googleapis.com/container/instance_count\" AND ${local.service_logs.worker}"
        aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_MAX", crossSeriesReducer = "REDUCE_SUM", groupByFields = ["metric.label.state"] }
      }]
    },
    {
      title = "Worker errors"
      sets = [{
        filter      = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.worker_errors.name}\" AND resource.type=\"cloud_run_revision\""
        aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_DELTA", crossSeriesReducer = "REDUCE_SUM" }
      }]
    },
    {
      title = "Gemini 429s"
      sets = [{
        filter      = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.gemini_429.name}\" AND resource.type=\"cloud_run_revision\""
        aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_DELTA", crossSeriesReducer = "REDUCE_SUM" }
      }]
    },
    {
      title = "Webhook delivery failures and endpoints disabled"
      sets = [
        {
          filter      = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.webhook_delivery_failures.name}\" AND resource.type=\"cloud_run_revision\""
          aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_DELTA", crossSeriesReducer = "REDUCE_SUM", groupByFields = ["metric.label.status_code"] }
        },
        {
          filter      = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.webhook_endpoints_disabled.name}\" AND resource.type=\"cloud_run_revision\""
          aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_DELTA", crossSeriesReducer = "REDUCE_SUM" }
        },
      ]
    },
  ]
}

resource "google_monitoring_dashboard" "main" {
  dashboard_json = jsonencode({
    displayName = "French Novel Tool (${var.name_prefix})"
    mosaicLayout = {
      columns = 48
      # Two tiles a row. Google stores neither a zero position nor an empty list: the
      # JSON holds only what it keeps, or every plan would show a change.
      tiles = [
        for index, tile in local.dashboard_tiles : merge(
          index % 2 == 0 ? {} : { xPos = 24 },
          index < 2 ? {} : { yPos = floor(index / 2) * 16 },
          {
            width  = 24
            height = 16
            widget = {
              title = tile.title
              xyChart = {
                dataSets = [
                  for set in tile.sets : {
                    plotType           = "LINE"
                    targetAxis         = "Y1"
                    minAlignmentPeriod = "60s"
                    timeSeriesQuery = {
                      timeSeriesFilter = {
                        filter      = set.filter
                        aggregation = set.aggregation
                      }
                    }
                  }
                ]
              }
            }
          },
        )
      ]
    }
  })

  depends_on = [google_project_service.enabled]
}
