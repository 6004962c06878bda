# Identities: one service account per function, one that Cloud Tasks signs the
# worker's OIDC tokens as (and one more for webhook deliveries), one that builds the
# functions. Each gets the least it needs, on the narrowest resource that grants it
# (bucket, queue, secret, service account) rather than the project wherever Google
# allows it.

resource "google_service_account" "api" {
  account_id   = "${var.name_prefix}-api"
  display_name = "French Novel Tool API function"
  description  = "Runs the api function: Firestore, the uploads and exports buckets, enqueues tasks, signs URLs as itself."

  depends_on = [google_project_service.enabled]
}

resource "google_service_account" "trigger" {
  account_id   = "${var.name_prefix}-trigger"
  display_name = "French Novel Tool storage trigger"
  description  = "Runs on_pdf_uploaded and is the identity Eventarc delivers upload events as."

  depends_on = [google_project_service.enabled]
}

resource "google_service_account" "worker" {
  account_id   = "${var.name_prefix}-worker"
  display_name = "French Novel Tool chunk worker"
  description  = "Runs run_task: reads uploads, writes results and export files, calls Gemini."

  depends_on = [google_project_service.enabled]
}

resource "google_service_account" "tasks" {
  account_id   = "${var.name_prefix}-tasks"
  display_name = "French Novel Tool Cloud Tasks caller"
  description  = "Cloud Tasks signs its calls to the worker as this account (OIDC); it can invoke the worker and nothing else."

  depends_on = [google_project_service.enabled]
}

# Cloud Tasks signs the webhooks queue's calls to the worker as this account (the
# queue sets it on every task, tasks.tf). Its own account rather than the tasks one, so
# the worker can tell a delivery from a chunk by who sent it. Its one role: invoking the
# worker (functions.tf, worker_invokers).
resource "google_service_account" "webhook_tasks" {
  account_id   = "${var.name_prefix}-webhook-tasks"
  display_name = "French Novel Tool webhook deliveries caller"
  description  = "Cloud Tasks signs the webhooks queue's calls to the worker as this account (OIDC); it can invoke the worker and nothing else."

  depends_on = [google_project_service.enabled]
}

resource "google_service_account" "build" {
  account_id   = "${var.name_prefix}-build"
  display_name = "French Novel Tool function builds"
  description  = "Cloud Build runs the functions' container builds as this account."

  depends_on = [google_project_service.enabled]
}

locals {
  function_accounts = {
    api     = google_service_account.api.email
    trigger = google_service_account.trigger.email
    worker  = google_service_account.worker.email
  }

  # Project-level roles: Firestore has no finer IAM than the project, and telemetry
  # is written per project.
  function_project_roles = {
    for pair in setproduct(keys(local.function_accounts), [
      "roles/datastore.user",          # Firestore reads and writes
      "roles/monitoring.metricWriter", # OpenTelemetry metrics (shared/observability)
      "roles/cloudtrace.agent",        # OpenTelemetry traces
    ]) : "${pair[0]} ${pair[1]}" => { account = local.function_accounts[pair[0]], role = pair[1] }
  }
}

# The api alone manages users' accounts: an admin setting a user's plan writes the
# user's custom claims (Firebase Auth has no finer IAM than the project).
resource "google_project_iam_member" "api_manages_users" {
  project = var.project_id
  role    = "roles/firebaseauth.admin"
  member  = "serviceAccount:${google_service_account.api.email}"

  depends_on = [google_project_service.enabled]
}

resource "google_project_iam_member" "functions" {
  for_each = local.function_project_roles

  project = var.project_id
  role    = each.value.role
  member  = "serviceAccount:${each.value.account}"
}

# Eventarc delivers the storage events as the trigger's account.
resource "google_project_iam_member" "trigger_event_receiver" {
  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = "serviceAccount:${google_service_account.trigger.email}"
}

# Cloud Storage publishes object events to the trigger's Pub/Sub topic as its
# service agent.
data "google_storage_project_service_account" "gcs_agent" {
  project = var.project_id

  depends_on = [google_project_service.enabled]
}

resource "google_project_iam_member" "gcs_agent_pubsub_publisher" {
  project = var.project_id
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${data.google_storage_project_service_account.gcs_agent.email_address}"
}

# Function builds: with their own account instead of the default compute one (which
# new projects no longer make an editor), and with the roles Cloud Run documents for a
# custom build account of a function ("Configure the build service account") rather
# than the broad Cloud Build builder role: Logs Writer for the build logs, Artifact
# Registry Writer for the images (the gcf-artifacts repository Cloud Functions creates
# on the first deploy, so project-wide), Storage Object Admin for the source archive
# (below, on the source buckets only).
resource "google_project_iam_member" "build" {
  for_each = toset([
    "roles/logging.logWriter",
    "roles/artifactregistry.writer",
  ])

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.build.email}"
}

# The build fetches the archive where Cloud Functions stages it (its own
# gcf-v2-sources-PROJECT_NUMBER-REGION bucket, created on the first deploy, hence a
# condition rather than a grant on a bucket that does not exist yet) or from the
# sources bucket: the Storage Object Admin role the documentation names for this, on
# those buckets only, never the uploads or exports.
resource "google_project_iam_member" "build_reads_sources" {
  project = var.project_id
  role    = "roles/storage.objectAdmin"
  member  = "serviceAccount:${google_service_account.build.email}"

  condition {
    title       = "function-sources-only"
    description = "Only the buckets that hold function source archives."
    expression  = "resource.name.startsWith(\"projects/_/buckets/gcf-v2-sources-\") || resource.name.startsWith(\"projects/_/buckets/${google_storage_bucket.sources.name}\")"
  }
}

# Buckets ---------------------------------------------------------------------

locals {
  bucket_grants = {
    # uploads: the API signs PUT URLs, copies (retry/duplicate) and deletes PDFs; the
    # trigger reads and may delete a refused object; the worker only reads.
    "uploads api" = {
      bucket  = google_storage_bucket.uploads.name
      role    = "roles/storage.objectAdmin"
      account = google_service_account.api.email
    }
    # GET /health?deep=1 looks the bucket up (storage.buckets.get), which objectAdmin
    # does not grant.
    "uploads api bucket-reader" = {
      bucket  = google_storage_bucket.uploads.name
      role    = "roles/storage.legacyBucketReader"
      account = google_service_account.api.email
    }
    "uploads trigger" = {
      bucket  = google_storage_bucket.uploads.name
      role    = "roles/storage.objectAdmin"
      account = google_service_account.trigger.email
    }
    "uploads worker" = {
      bucket  = google_storage_bucket.uploads.name
      role    = "roles/storage.objectViewer"
      account = google_service_account.worker.email
    }
    # exports: small exports are written by the API during the request, large ones by
    # the worker as a task; both sign the download URL.
    "exports api" = {
      bucket  = google_storage_bucket.exports.name
      role    = "roles/storage.objectAdmin"
      account = google_service_account.api.email
    }
    "exports worker" = {
      bucket  = google_storage_bucket.exports.name
      role    = "roles/storage.objectAdmin"
      account = google_service_account.worker.email
    }
  }
}

resource "google_storage_bucket_iam_member" "grants" {
  for_each = local.bucket_grants

  bucket = each.value.bucket
  role   = each.value.role
  member = "serviceAccount:${each.value.account}"
}

# Queues ----------------------------------------------------------------------

# The API (upload expiry, retries, duplicates, large exports) and the trigger (the
# chunks of a job) create tasks. The worker creates none on these two queues.
resource "google_cloud_tasks_queue_iam_member" "enqueuers" {
  for_each = {
    for pair in setproduct(["chunks", "gemini"], ["api", "trigger"]) :
    "${pair[0]} ${pair[1]}" => { queue = pair[0], account = local.function_accounts[pair[1]] }
  }

  project  = var.project_id
  location = var.region
  name     = each.value.queue == "chunks" ? google_cloud_tasks_queue.chunks.name : google_cloud_tasks_queue.gemini.name
  role     = "roles/cloudtasks.enqueuer"
  member   = "serviceAccount:${each.value.account}"
}

# Webhook deliveries: the API (a test ping), the trigger and the worker (a job's end)
# enqueue them, and the worker enqueues each retry of a failed one. On this queue only.
resource "google_cloud_tasks_queue_iam_member" "webhook_enqueuers" {
  for_each = local.webhook_enqueuers

  project  = var.project_id
  location = var.region
  name     = google_cloud_tasks_queue.webhooks.name
  role     = "roles/cloudtasks.enqueuer"
  member   = "serviceAccount:${each.value}"
}

locals {
  # All three functions.
  webhook_enqueuers = local.function_accounts
}

# GET /health?deep=1 reads the chunks queue (cloudtasks.queues.get).
resource "google_cloud_tasks_queue_iam_member" "api_queue_viewer" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_tasks_queue.chunks.name
  role     = "roles/cloudtasks.viewer"
  member   = "serviceAccount:${google_service_account.api.email}"
}

# Service accounts ------------------------------------------------------------

# A task that carries an OIDC token of the tasks account may only be created by a
# principal allowed to act as that account.
resource "google_service_account_iam_member" "tasks_act_as" {
  for_each = {
    api     = google_service_account.api.email
    trigger = google_service_account.trigger.email
  }

  service_account_id = google_service_account.tasks.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${each.value}"
}

# The same for the webhook tasks account, by whoever enqueues a delivery.
resource "google_service_account_iam_member" "webhook_tasks_act_as" {
  for_each = local.webhook_enqueuers

  service_account_id = google_service_account.webhook_tasks.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${each.value}"
}

# Signed URLs: a function's credentials hold no private key, so the API and the
# worker sign through IAM signBlob as themselves (FNT_SIGNING_SERVICE_ACCOUNT is
# their own account), which needs the token creator role on that same account.
# The trigger signs nothing and gets no such role.
resource "google_service_account_iam_member" "sign_as_self" {
  for_each = {
    api    = google_service_account.api
    worker = google_service_account.worker
  }

  service_account_id = each.value.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${each.value.email}"
}

# Whoever deploys creates functions that run as these accounts and are built as
# the build account: that needs iam.serviceAccountUser on them, which the deployer
# (a project owner, or Cloud Build's account; README, Deployment) already has at
# project level. It is not granted here so this configuration never widens who can
# act as the functions.
