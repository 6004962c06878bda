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

# Each counts the log lines its filter matches (a DELTA count), by the labels it
# extracts from them if any.
locals {
  log_metrics = {
    api_5xx = {
      name         = "${var.name_prefix}-api-5xx"
      description  = "API answers with a 5xx status (Cloud Run request logs)."
      display_name = "API 5xx answers"
      filter       = "${local.service_logs.api} AND ${local.request_logs} AND httpRequest.status>=500"
      labels       = {}
    }

    # Uploads the trigger decided on: queued for processing, or refused with a code
    # ("event E for NAME: queued: N chunks" / "...: rejected: CODE").
    jobs_started = {
      name         = "${var.name_prefix}-jobs-started"
      description  = "Uploads the storage trigger queued or refused: the jobs that started processing."
      display_name = "Jobs started"
      filter       = "${local.service_logs.trigger} AND jsonPayload.message=~\": (queued|rejected): \""
      labels       = {}
    }

    # Jobs that failed: refused by the trigger, or failed by a chunk's outcome
    # ("task T attempt N: failed: CODE ...", e.g. PDF_DAMAGED or CHUNK_FAILED after the
    # last attempt). The code is kept as a label.
    jobs_failed = {
      name         = "${var.name_prefix}-jobs-failed"
      description  = "Jobs failed: refused uploads (trigger) and failed chunk outcomes (worker), by error code."
      display_name = "Jobs failed"
      filter = join(" OR ", [
        "(${local.service_logs.trigger} AND jsonPayload.message=~\": rejected: \")",
        "(${local.service_logs.worker} AND jsonPayload.message=~\"attempt [0-9]+: failed: \")",
      ])
      labels = {
        error_code = {
          description = "The job's error code."
          extractor   = "REGEXP_EXTRACT(jsonPayload.message, \"(?:failed|rejected): ([A-Z_]+)\")"
        }
      }
    }

    # The worker's own error lines (not the request logs: a 503 that asks Cloud Tasks to
    # retry is normal operation). A webhook endpoint disabled is its owner's failure, not
    # the worker's, and has its own metric and alert (below).
    worker_errors = {
      name         = "${var.name_prefix}-worker-errors"
      description  = "Log lines of severity ERROR or above from the chunk worker's code."
      display_name = "Worker errors"
      filter       = "${local.service_logs.worker} AND NOT ${local.request_logs} AND severity>=ERROR AND NOT jsonPayload.event=\"webhook_endpoint_disabled\""
      labels       = {}
    }

    # A 429 from Gemini, as the worker logs the failed attempt ("Gemini answered 429
    # RESOURCE_EXHAUSTED: ..."); Cloud Run's own 429s (no free instance) do not match.
    gemini_429 = {
      name         = "${var.name_prefix}-gemini-429"
      description  = "Gemini answers 429 (quota exhausted) seen by the chunk worker."
      display_name = "Gemini 429 answers"
      filter       = "${local.service_logs.worker} AND jsonPayload.message=~\"Gemini answered 429\""
      labels       = {}
    }

    # Uploads the malware scanner found infected, as the trigger logs their move to
    # quarantine (malware_scanner.tf). Its name has a form of its own, kept: a metric's
    # name is its identity, and a new one would be a new, empty metric.
    uploads_infected = {
      name         = "${var.name_prefix}/uploads_infected"
      description  = "Uploads the malware scanner found infected (moved to quarantine)."
      display_name = "Infected uploads"
      filter       = "${local.service_logs.trigger} AND jsonPayload.message=~\"^upload infected: \""
      labels       = {}
    }

    # Webhook deliveries, as the worker logs them: each failed attempt (the endpoint
    # answered non-2xx, or did not answer) and each endpoint disabled after failing too
    # long. Matched on the line's `event` field (a JSON field of the line, logged with
    # `extra=`), not its message. The status code is kept as a label (empty when the
    # endpoint did not answer); which endpoint is in the line only (`webhook_id`).
    webhook_delivery_failures = {
      name         = "${var.name_prefix}-webhook-delivery-failures"
      description  = "Webhook delivery attempts that failed (the endpoint answered non-2xx or not at all), by status code."
      display_name = "Webhook delivery failures"
      filter       = "${local.service_logs.worker} AND jsonPayload.event=\"webhook_delivery_failed\""
      labels = {
        status_code = {
          description = "The endpoint's HTTP status (empty: no answer)."
          extractor   = "EXTRACT(jsonPayload.status_code)"
        }
      }
    }
    webhook_endpoints_disabled = {
      name         = "${var.name_prefix}-webhook-endpoints-disabled"
      description  = "Webhook endpoints disabled after their deliveries failed for too long."
      display_name = "Webhook endpoints disabled"
      filter       = "${local.service_logs.worker} AND jsonPayload.event=\"webhook_endpoint_disabled\""
      labels       = {}
    }
  }
}

resource "google_logging_metric" "log_count" {
  for_each = local.log_metrics

  name        = each.value.name
  description = each.value.description
  filter      = each.value.filter

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = each.value.display_name

    dynamic "labels" {
      for_each = each.value.labels
      content {
        key         = labels.key
        value_type  = "STRING"
        description = labels.value.description
      }
    }
  }

  label_extractors = length(each.value.labels) == 0 ? null : {
    for key, label in each.value.labels : key => label.extractor
  }

  depends_on = [google_project_service.enabled]
}

locals {
  # The series of a log-based metric, as alerts and the dashboard select it.
  log_metric_filters = {
    for key, metric in google_logging_metric.log_count :
    key => "metric.type=\"logging.googleapis.com/user/${metric.name}\" AND resource.type=\"cloud_run_revision\""
  }
}

# Monitoring answers "cannot find metric" to an alert policy on a log-based metric for up
# to about ten minutes after the metric is created, and the provider does not retry it:
# the policies on them wait. Waited once, and again only when a metric is replaced. The
# keys stay as they are: a renamed or added key replaces the wait (another ten minutes
# before the alerts are updated).
resource "time_sleep" "log_metrics_visible" {
  create_duration = local.log_metric_propagation

  triggers = {
    api_5xx       = google_logging_metric.log_count["api_5xx"].id
    jobs_started  = google_logging_metric.log_count["jobs_started"].id
    jobs_failed   = google_logging_metric.log_count["jobs_failed"].id
    worker_errors = google_logging_metric.log_count["worker_errors"].id
    gemini_429    = google_logging_metric.log_count["gemini_429"].id
    infected      = google_logging_metric.log_count["uploads_infected"].id
    webhook_fails = google_logging_metric.log_count["webhook_delivery_failures"].id
    webhook_off   = google_logging_metric.log_count["webhook_endpoints_disabled"].id
  }
}

# Alert policies --------------------------------------------------------------

# The alerts on log-based metrics: a metric's count over `period` above `threshold`,
# or, with a `denominator`, its ratio to that series over the same period.
locals {
  log_alerts = {
    api_5xx_rate = {
      title         = "API 5xx rate"
      severity      = "ERROR"
      condition     = "More than ${var.alert_api_5xx_ratio * 100}% of API answers are 5xx (5 min)"
      metric        = "api_5xx"
      denominator   = "metric.type=\"run.googleapis.com/request_count\" AND ${local.service_logs.api}"
      period        = "300s"
      threshold     = var.alert_api_5xx_ratio
      auto_close    = "1800s"
      documentation = "The API answers 5xx. Its logs carry the request id of each failure: Logs Explorer, service `${local.function_names.api}`, severity ERROR. `GET /api/v1/health?deep=1` names a failing dependency."
    }
    job_failure_rate = {
      title         = "job failure rate"
      severity      = "WARNING"
      condition     = "More than ${var.alert_job_failure_ratio * 100}% of started jobs failed (30 min)"
      metric        = "jobs_failed"
      denominator   = local.log_metric_filters.jobs_started
      period        = "1800s"
      threshold     = var.alert_job_failure_ratio
      auto_close    = "3600s"
      documentation = "Many jobs fail. The metric `${google_logging_metric.log_count["jobs_failed"].name}` has the error code as a label: refused files (NOT_A_PDF, PDF_NO_TEXT_LAYER...) are users' files, CHUNK_FAILED or GEMINI_KEY_INVALID are ours."
    }
    worker_errors = {
      title         = "worker errors"
      severity      = "ERROR"
      condition     = "More than ${var.alert_worker_errors_per_5min} worker errors in 5 min"
      metric        = "worker_errors"
      denominator   = null
      period        = "300s"
      threshold     = var.alert_worker_errors_per_5min
      auto_close    = "1800s"
      documentation = "The worker logged errors: chunks failing on their last attempt, dropped tasks with invalid payloads, unexpected exceptions (also in Error Reporting). Service `${local.function_names.worker}`."
    }
    gemini_429_rate = {
      title         = "Gemini 429 rate"
      severity      = "WARNING"
      condition     = "More than ${var.alert_gemini_429_per_5min} Gemini 429s in 5 min"
      metric        = "gemini_429"
      denominator   = null
      period        = "300s"
      threshold     = var.alert_gemini_429_per_5min
      auto_close    = "1800s"
      documentation = "Gemini refuses calls for quota. Each 429 costs a task attempt: lower `gemini_requests_per_minute` (the gemini queue's pace) to the key's real quota, or raise the quota."
    }
    # Any infected upload (malware_scanner.tf).
    uploads_infected = {
      title         = "infected upload"
      severity      = "CRITICAL"
      condition     = "An upload carried malware"
      metric        = "uploads_infected"
      denominator   = null
      period        = "300s"
      threshold     = 0
      auto_close    = "86400s"
      documentation = "The malware scanner found an upload infected; its job failed with UPLOAD_INFECTED and the file is in the `${google_storage_bucket.quarantine.name}` bucket. The trigger's log line names the job and the malware."
    }
    webhook_delivery_failures = {
      title         = "webhook delivery failures"
      severity      = "WARNING"
      condition     = "More than ${var.alert_webhook_failures_per_5min} webhook delivery failures in 5 min"
      metric        = "webhook_delivery_failures"
      denominator   = null
      period        = "300s"
      threshold     = var.alert_webhook_failures_per_5min
      auto_close    = "1800s"
      documentation = "Many webhook deliveries fail. The metric `${google_logging_metric.log_count["webhook_delivery_failures"].name}` has the endpoint's status code as a label (empty: no answer); the worker's lines with `jsonPayload.event=\"webhook_delivery_failed\"` name each endpoint (`webhook_id`). Many endpoints failing at once points at our side (the worker's egress, its errors); one endpoint failing is its owner's, and it is disabled if it keeps failing."
    }
    webhook_endpoint_disabled = {
      title         = "webhook endpoint disabled"
      severity      = "WARNING"
      condition     = "A webhook endpoint was disabled"
      metric        = "webhook_endpoints_disabled"
      denominator   = null
      period        = "300s"
      threshold     = 0
      auto_close    = "86400s"
      documentation = "An endpoint's deliveries failed for too long and the worker disabled it: its owner gets no more events until they enable it again. The worker's line with `jsonPayload.event=\"webhook_endpoint_disabled\"` names it (`webhook_id`); its earlier `webhook_delivery_failed` lines say how it failed."
    }
  }
}

resource "google_monitoring_alert_policy" "log_alert" {
  for_each = local.log_alerts

  display_name          = "FNT (${var.name_prefix}): ${each.value.title}"
  combiner              = "OR"
  severity              = each.value.severity
  notification_channels = local.notification_channels

  conditions {
    display_name = each.value.condition
    condition_threshold {
      filter     = local.log_metric_filters[each.value.metric]
      comparison = "COMPARISON_GT"
      duration   = "0s"
      aggregations {
        alignment_period     = each.value.period
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }
      denominator_filter = each.value.denominator
      dynamic "denominator_aggregations" {
        for_each = each.value.denominator == null ? [] : [each.value.period]
        content {
          alignment_period     = denominator_aggregations.value
          per_series_aligner   = "ALIGN_DELTA"
          cross_series_reducer = "REDUCE_SUM"
        }
      }
      threshold_value = each.value.threshold
      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = each.value.auto_close
  }

  documentation {
    mime_type = "text/markdown"
    content   = each.value.documentation
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
          filter      = local.log_metric_filters.jobs_started
          aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_DELTA", crossSeriesReducer = "REDUCE_SUM" }
        },
        {
          filter      = local.log_metric_filters.jobs_failed
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
        filter      = local.log_metric_filters.worker_errors
        aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_DELTA", crossSeriesReducer = "REDUCE_SUM" }
      }]
    },
    {
      title = "Gemini 429s"
      sets = [{
        filter      = local.log_metric_filters.gemini_429
        aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_DELTA", crossSeriesReducer = "REDUCE_SUM" }
      }]
    },
    {
      title = "Webhook delivery failures and endpoints disabled"
      sets = [
        {
          filter      = local.log_metric_filters.webhook_delivery_failures
          aggregation = { alignmentPeriod = "60s", perSeriesAligner = "ALIGN_DELTA", crossSeriesReducer = "REDUCE_SUM", groupByFields = ["metric.label.status_code"] }
        },
        {
          filter      = local.log_metric_filters.webhook_endpoints_disabled
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

# Usage dashboard -------------------------------------------------------------

# The figures of the admins' usage analytics (GET /api/v1/admin/usage keeps the same
# counts per day and per plan, team or user in Firestore), from the OpenTelemetry
# counters the functions add to as books end, exports are done and API requests are
# admitted (shared/service/usage_counting.py, shared/observability/metrics.py), each by
# plan. Hourly bars.
locals {
  usage_metric_prefix = "workload.googleapis.com/usage."
  usage_tiles = [
    { title = "Books ended, by plan and status", metric = "books", group_by = ["metric.label.plan", "metric.label.status"] },
    { title = "Pages, by plan", metric = "pages", group_by = ["metric.label.plan"] },
    { title = "Sentences, by plan", metric = "sentences", group_by = ["metric.label.plan"] },
    { title = "Model tokens, by kind (prompt, output, thinking)", metric = "model_tokens", group_by = ["metric.label.kind"] },
    { title = "Estimated model cost (millionths of a USD), by plan", metric = "cost_micro_usd", group_by = ["metric.label.plan"] },
    { title = "Exports, by kind", metric = "exports", group_by = ["metric.label.kind"] },
    { title = "Failed books, by error code", metric = "failures", group_by = ["metric.label.code"] },
    { title = "API requests, by rate class and plan", metric = "api_requests", group_by = ["metric.label.class", "metric.label.plan"] },
  ]
}

resource "google_monitoring_dashboard" "usage" {
  dashboard_json = jsonencode({
    displayName = "French Novel Tool usage (${var.name_prefix})"
    mosaicLayout = {
      columns = 48
      # Laid out as the main dashboard's tiles, writing only what Google keeps.
      tiles = [
        for index, tile in local.usage_tiles : merge(
          index % 2 == 0 ? {} : { xPos = 24 },
          index < 2 ? {} : { yPos = floor(index / 2) * 16 },
          {
            width  = 24
            height = 16
            widget = {
              title = tile.title
              xyChart = {
                dataSets = [{
                  plotType           = "STACKED_BAR"
                  targetAxis         = "Y1"
                  minAlignmentPeriod = "60s"
                  timeSeriesQuery = {
                    timeSeriesFilter = {
                      filter = "metric.type=\"${local.usage_metric_prefix}${tile.metric}\""
                      aggregation = {
                        alignmentPeriod    = "3600s"
                        perSeriesAligner   = "ALIGN_DELTA"
                        crossSeriesReducer = "REDUCE_SUM"
                        groupByFields      = tile.group_by
                      }
                    }
                  }
                }]
              }
            }
          },
        )
      ]
    }
  })

  depends_on = [google_project_service.enabled]
}
