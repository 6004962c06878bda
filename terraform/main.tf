# Names, shared settings and the APIs the system uses.

locals {
  labels = merge(var.labels, {
    app        = "french-novel-tool"
    managed-by = "terraform"
  })

  function_names = {
    api     = "${var.name_prefix}-api"
    trigger = "${var.name_prefix}-on-pdf-uploaded"
    worker  = "${var.name_prefix}-run-task"
  }

  # The worker's URL is both where tasks are posted and the OIDC audience the
  # worker checks (shared/adapters/oidc_callers.py), so every function must hold the same
  # string. It cannot come from the worker's own resource (the worker needs it in
  # its environment before it exists), so it is the function's predictable
  # cloudfunctions.net URL, which Cloud Functions also accepts as a token audience.
  # A postcondition on the worker (functions.tf) stops the apply if Google ever reports
  # a different URL for it.
  worker_url = "https://${var.region}-${var.project_id}.cloudfunctions.net/${local.function_names.worker}"

  # Cloud Run gives an instance more than 4 GiB only with 2 vCPUs (8 GiB at most).
  worker_cpu = { "1Gi" = "1", "2Gi" = "1", "4Gi" = "1", "8Gi" = "2" }[var.worker_memory]

  # How long Google takes to see what was just created, where the provider does not
  # retry: IAM grants and service agents (Eventarc), log-based metrics (Monitoring).
  iam_propagation        = "3m"
  log_metric_propagation = "10m"

  # Must equal FNT_CHUNK_MAX_ATTEMPTS: the worker fails the job on the queue's last
  # attempt. It is set in the functions' environment from here too, so the two can
  # not drift; tests/terraform checks it against the code's default.
  chunk_max_attempts = 10

  # Gemini pacing. A chunk keeps up to gemini_parallel_calls calls in flight, each
  # about seconds_per_gemini_call long, so one running chunk spends about
  # parallel * 60 / seconds requests per minute of the quota.
  seconds_per_gemini_call   = 10
  gemini_rpm_per_chunk      = var.gemini_parallel_calls * 60 / local.seconds_per_gemini_call
  gemini_quota_concurrency  = max(1, floor(var.gemini_requests_per_minute / local.gemini_rpm_per_chunk))
  gemini_max_concurrent     = min(local.gemini_quota_concurrency, floor(var.worker_max_instances / 2))
  gemini_dispatches_per_sec = max(0.01, var.gemini_requests_per_minute / 60 / var.gemini_calls_per_chunk)
  # Both queues post to the same worker (one request per instance): together they
  # never dispatch more at once than there are instances, or Cloud Run would answer
  # 429 and each of those would use up one of the task's attempts.
  chunks_max_concurrent = var.worker_max_instances - local.gemini_max_concurrent

  apis = toset([
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudresourcemanager.googleapis.com", # project IAM grants
    "cloudtasks.googleapis.com",
    "cloudtrace.googleapis.com",
    "drive.googleapis.com",
    "eventarc.googleapis.com",
    "firebase.googleapis.com",        # the Firebase project and web app (hosting.tf)
    "firebasehosting.googleapis.com", # the web app's site
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "identitytoolkit.googleapis.com", # Identity Platform: sign-in (identity.tf)
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "cloudscheduler.googleapis.com",
    "secretmanager.googleapis.com",
    "sheets.googleapis.com",
    "storage.googleapis.com",
  ])
}

resource "google_project_service" "enabled" {
  for_each = local.apis

  project = var.project_id
  service = each.value

  # Destroying this stack must not switch APIs off under anything else in the
  # project (and switching Firestore off does not delete its data anyway).
  disable_on_destroy         = false
  disable_dependent_services = false
}

# Service agents that must exist before the storage trigger is created: Eventarc's
# (it creates the trigger's Pub/Sub subscription) and Pub/Sub's (it mints the push
# tokens). Asking for them up front avoids the "service agent not found" failure of
# a first apply in a new project.
resource "google_project_service_identity" "agents" {
  provider = google-beta
  for_each = toset(["eventarc.googleapis.com", "pubsub.googleapis.com"])

  project = var.project_id
  service = each.value

  depends_on = [google_project_service.enabled]
}
