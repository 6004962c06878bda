# Cloud Tasks queues. Both post to the worker (run_task) with an OIDC token of
# the tasks service account; which queue a chunk goes to depends on its job's engine
# (shared/service/dispatch.py). `chunks` also carries upload-expiry and export tasks.
#
# Retries: a transient failure answers 503 (or 429 from Gemini) and Cloud Tasks
# tries again with backoff; the worker fails the job on the last attempt, so
# max_attempts must equal FNT_CHUNK_MAX_ATTEMPTS (both come from
# local.chunk_max_attempts).

resource "google_cloud_tasks_queue" "chunks" {
  name     = "${var.name_prefix}-chunks"
  location = var.region

  rate_limits {
    max_dispatches_per_second = 20
    max_concurrent_dispatches = local.chunks_max_concurrent
  }

  retry_config {
    max_attempts       = local.chunk_max_attempts
    max_retry_duration = "0s" # no time limit: the attempts decide
    min_backoff        = "10s"
    max_backoff        = "600s"
    max_doublings      = 5 # 10 s, 20 s, 40 s, 80 s, 160 s, 320 s, then 600 s
  }

  stackdriver_logging_config {
    sampling_ratio = 1.0 # every attempt logged: a job is tens of tasks, not millions
  }

  depends_on = [google_project_service.enabled]
}

# Paced to the model's quota: a 429 still only delays a task (it is retried with this
# backoff), but a queue that starts more work than the quota allows burns attempts.
resource "google_cloud_tasks_queue" "gemini" {
  name     = "${var.name_prefix}-gemini"
  location = var.region

  rate_limits {
    max_dispatches_per_second = local.gemini_dispatches_per_sec
    max_concurrent_dispatches = local.gemini_max_concurrent
  }

  retry_config {
    max_attempts       = local.chunk_max_attempts
    max_retry_duration = "0s"
    # Longer than the chunks queue: a per-minute quota frees up within a minute.
    min_backoff   = "30s"
    max_backoff   = "900s"
    max_doublings = 4 # 30 s, 60 s, 120 s, 240 s, 480 s, then 900 s
  }

  stackdriver_logging_config {
    sampling_ratio = 1.0
  }

  depends_on = [google_project_service.enabled]
}
