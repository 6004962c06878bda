# Cloud Tasks queues. All three post to the worker (run_task). `chunks` and `gemini`
# carry an OIDC token of the tasks service account; which of them a chunk goes to
# depends on its job's engine (shared/service/dispatch.py), and `chunks` also carries
# upload-expiry and export tasks. `webhooks` (below) carries webhook deliveries, with
# a token of an account of its own.
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
    max_concurrent_dispatches = local.chunks_dispatch_concurrency
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

# Webhook deliveries: one task per attempt to deliver one message to one endpoint
# (shared/service/task_messages.py, WebhookTask). The worker signs the message and
# posts it; a failed delivery (the endpoint answered non-2xx or did not answer) is
# not retried by the queue: the worker answers 2xx and enqueues the next attempt
# itself as a new task, scheduled with exponential backoff. So this queue's own
# retries only cover the worker failing to handle the task (a crash, a 5xx, no free
# instance): a few attempts, soon after.
resource "google_cloud_tasks_queue" "webhooks" {
  name     = "${var.name_prefix}-webhooks"
  location = var.region

  rate_limits {
    # Outbound HTTP to users' endpoints, each a short call: a burst of job ends (a
    # batch finishing) is spread out rather than sent at once.
    max_dispatches_per_second = 10
    # One delivery per worker instance: a share of the worker's instances (below).
    max_concurrent_dispatches = local.webhooks_max_concurrent
  }

  retry_config {
    max_attempts       = 5
    max_retry_duration = "0s" # the attempts decide
    min_backoff        = "10s"
    max_backoff        = "300s"
    max_doublings      = 3 # 10 s, 20 s, 40 s, 80 s
  }

  # Every task on this queue goes to the worker, signed as the webhook tasks account
  # for the worker's URL, whatever the task itself says: a delivery task can never
  # carry that token anywhere else (e.g. to a user's endpoint).
  http_target {
    http_method = "POST"

    uri_override {
      scheme                    = "HTTPS"
      host                      = local.worker_host
      uri_override_enforce_mode = "ALWAYS"

      path_override {
        path = "/${local.function_names.worker}"
      }
    }

    oidc_token {
      service_account_email = google_service_account.webhook_tasks.email
      audience              = local.worker_url
    }
  }

  stackdriver_logging_config {
    sampling_ratio = 1.0 # every attempt logged: deliveries are few
  }

  depends_on = [google_project_service.enabled]
}

locals {
  # The host part of the predicted worker URL (main.tf), where the webhooks queue sends
  # every task.
  worker_host = split("/", trimprefix(local.worker_url, "https://"))[0]

  # The three queues post to the same worker, one request per instance: together they
  # never dispatch more at once than there are instances, or Cloud Run would answer 429
  # and each of those would use up one of the task's attempts. The webhooks queue
  # takes at most a quarter of them (at least one), from the chunks queue's share.
  webhooks_max_concurrent     = max(1, min(var.webhook_max_concurrent, floor(var.worker_max_instances / 4)))
  chunks_dispatch_concurrency = local.chunks_max_concurrent - local.webhooks_max_concurrent
}
