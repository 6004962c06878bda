# The three Cloud Functions (2nd gen), built from one source archive.
#
# The archive is what the Python runtime expects at its root: main.py (from
# functions/main.py), requirements.txt and the shared/ package beside it, because
# main.py imports `shared.*`. Terraform stages that layout itself with the archive
# provider (no script, no null_resource), so `terraform apply` from a checkout is
# enough. cloudbuild.yaml's `package` step builds the same tree (build/function-source)
# and imports main.py from it before anything is deployed, so a file the archive
# would miss fails the build; tests/terraform checks that the patterns below cover
# every file under shared/.

locals {
  repo_root = "${path.module}/.."
  # Every file the package needs: its modules and Swagger UI's initializer script.
  shared_files = fileset("${local.repo_root}/shared", "**/*.{py,js}")
}

data "archive_file" "function_source" {
  type        = "zip"
  output_path = "${path.module}/.build/function-source.zip"

  source {
    filename = "main.py"
    content  = file("${local.repo_root}/functions/main.py")
  }

  source {
    filename = "requirements.txt"
    content  = file("${local.repo_root}/requirements.txt")
  }

  dynamic "source" {
    for_each = local.shared_files
    content {
      filename = "shared/${source.value}"
      content  = file("${local.repo_root}/shared/${source.value}")
    }
  }
}

# Named by content: a change of code is a new object, which redeploys the functions;
# an unchanged tree keeps the name and deploys nothing.
resource "google_storage_bucket_object" "function_source" {
  bucket       = google_storage_bucket.sources.name
  name         = "function-source/${data.archive_file.function_source.output_sha256}.zip"
  source       = data.archive_file.function_source.output_path
  content_type = "application/zip"
}

locals {
  # What every function needs to start: shared/config.py reads the same Settings
  # in each, and the production profile refuses to start without the worker's and
  # the malware scanner's URLs, the tasks account and a signing account (and with
  # any emulator variable).
  common_env = {
    FNT_PROFILE               = "production"
    GOOGLE_CLOUD_PROJECT      = var.project_id
    FNT_LOCATION              = var.region # where the queues are
    FNT_UPLOADS_BUCKET        = google_storage_bucket.uploads.name
    FNT_EXPORTS_BUCKET        = google_storage_bucket.exports.name
    FNT_CHUNKS_QUEUE          = google_cloud_tasks_queue.chunks.name
    FNT_GEMINI_QUEUE          = google_cloud_tasks_queue.gemini.name
    FNT_WORKER_URL            = local.worker_url
    FNT_SCANNER_URL           = google_cloud_run_v2_service.scanner.uri
    FNT_QUARANTINE_BUCKET     = google_storage_bucket.quarantine.name
    FNT_ACTIVE_CONTENT        = var.active_content
    FNT_TASKS_SERVICE_ACCOUNT = google_service_account.tasks.email
    FNT_CHUNK_MAX_ATTEMPTS    = tostring(local.chunk_max_attempts)
    FNT_GEMINI_KEY_SECRET     = google_secret_manager_secret.keys["gemini_api_key"].secret_id
    FNT_FIRESTORE_DATABASE    = var.firestore_database
    FNT_GEMINI_PARALLEL_CALLS = tostring(var.gemini_parallel_calls)
    FNT_GEMINI_MODEL          = var.gemini_model
    FNT_GEMINI_API_VERSION    = var.gemini_api_version
    FNT_SHEETS_MODE           = var.sheets_mode
    # Webhooks: the api, the trigger and the worker enqueue deliveries onto this queue,
    # signed as this account (the worker accepts it besides the tasks account); only the
    # api and the worker may read the key secret (secrets.tf), named here for all three
    # so that every function holds the same settings.
    FNT_WEBHOOKS_QUEUE                = google_cloud_tasks_queue.webhooks.name
    FNT_WEBHOOK_KEY_SECRET            = google_secret_manager_secret.keys["webhook_signing_key"].secret_id
    FNT_WEBHOOK_TASKS_SERVICE_ACCOUNT = google_service_account.webhook_tasks.email
  }

  build_source = {
    bucket = google_storage_bucket.sources.name
    object = google_storage_bucket_object.function_source.name
  }
}

# api: the HTTP API. Public at the network and IAM level; every route but health and
# the API docs check a Firebase ID token in the code
# (shared/adapters/firebase_tokens.py), with per-user rate limits.
resource "google_cloudfunctions2_function" "api" {
  #checkov:skip=CKV_GCP_124:The API is called by browsers from anywhere; it is meant to be reachable from the internet (ingress ALLOW_ALL). Every route but health and the API docs check a Firebase ID token in the code. The trigger and the worker are internal-only.
  name        = local.function_names.api
  location    = var.region
  description = "French Novel Tool HTTP API (/api/v1)."

  build_config {
    runtime         = var.python_runtime
    entry_point     = "api"
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = local.build_source.bucket
        object = local.build_source.object
      }
    }
  }

  service_config {
    available_memory = "512Mi"
    available_cpu    = "1" # concurrency above 1 needs a whole CPU
    timeout_seconds  = 60
    # Requests mostly wait on Firestore and Cloud Storage: 8 at once per instance,
    # served by 8 threads of the functions framework's server (THREADS).
    max_instance_request_concurrency = 8
    # One instance kept warm: a browser's first request does not wait for a cold start.
    min_instance_count             = var.api_min_instances
    max_instance_count             = var.api_max_instances
    ingress_settings               = "ALLOW_ALL"
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.api.email

    environment_variables = merge(local.common_env, {
      THREADS                     = "8"
      FNT_SIGNING_SERVICE_ACCOUNT = google_service_account.api.email
      FNT_CORS_ORIGINS            = join(",", local.app_origins) # hosting.tf
      FNT_RATE_LIMITS             = length(var.rate_limits) > 0 ? jsonencode(var.rate_limits) : ""
    })
  }

  depends_on = [
    google_project_iam_member.build,
    google_project_iam_member.build_reads_sources,
  ]
}

# on_pdf_uploaded: one Eventarc delivery per finalized object in the uploads bucket.
resource "google_cloudfunctions2_function" "trigger" {
  name        = local.function_names.trigger
  location    = var.region
  description = "French Novel Tool storage trigger: checks an uploaded PDF and enqueues its chunks."

  build_config {
    runtime         = var.python_runtime
    entry_point     = "on_pdf_uploaded"
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = local.build_source.bucket
        object = local.build_source.object
      }
    }
  }

  service_config {
    available_memory = "1Gi" # reads the whole PDF (up to 50 MB) to check it
    available_cpu    = "1"
    timeout_seconds  = 540 # the most an event-driven function may run
    # One upload per instance: each may hold a 50 MB PDF in memory.
    max_instance_request_concurrency = 1
    min_instance_count               = 0
    max_instance_count               = var.trigger_max_instances
    # Eventarc's deliveries count as internal traffic; nothing else needs to reach it.
    ingress_settings               = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.trigger.email

    environment_variables = merge(local.common_env, {
      THREADS = "1" # as many as the requests it takes at once
      # Required by the production profile; the trigger never signs a URL.
      FNT_SIGNING_SERVICE_ACCOUNT = google_service_account.trigger.email
    })
  }

  event_trigger {
    trigger_region = var.region
    event_type     = "google.cloud.storage.object.v1.finalized"
    # At-least-once with retries: a delivery that loses the race for a job's
    # dispatch lease answers an error on purpose so that it is retried (README, Jobs).
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.trigger.email

    event_filters {
      attribute = "bucket"
      value     = google_storage_bucket.uploads.name
    }
  }

  # Created once Eventarc and Pub/Sub can see its agents and grants (the wait below).
  depends_on = [
    google_project_iam_member.build,
    google_project_iam_member.build_reads_sources,
    time_sleep.trigger_grants_visible,
  ]
}

# Eventarc checks its service agent and the grants the trigger needs when the trigger is
# created, and sees new ones minutes later ("Permission denied while using the Eventarc
# Service Agent... it may take a few minutes"); the provider does not retry, even with
# the agents created up front (hashicorp/terraform-provider-google#25294). Waited once,
# and again only when one of them is replaced.
resource "time_sleep" "trigger_grants_visible" {
  create_duration = local.iam_propagation

  triggers = {
    event_receiver = google_project_iam_member.trigger_event_receiver.id
    gcs_publisher  = google_project_iam_member.gcs_agent_pubsub_publisher.id
    agents         = join(",", [for agent in google_project_service_identity.agents : agent.email])
  }
}

# run_task: the Cloud Tasks target; one task (a chunk, an upload's expiry or a large
# export) per request.
resource "google_cloudfunctions2_function" "worker" {
  name        = local.function_names.worker
  location    = var.region
  description = "French Novel Tool task worker: the Cloud Tasks target."

  build_config {
    runtime         = var.python_runtime
    entry_point     = "run_task"
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = local.build_source.bucket
        object = local.build_source.object
      }
    }
  }

  service_config {
    available_memory = var.worker_memory
    available_cpu    = local.worker_cpu
    # A chunk of 30 pages through Gemini with its repairs can take long. Cloud Tasks
    # waits 10 minutes for an answer unless a task sets a longer dispatch deadline
    # (30 minutes at most), so this is the most a task could ask for.
    timeout_seconds = 1800
    # One chunk per instance: the queues' concurrency then is the instance count.
    max_instance_request_concurrency = 1
    min_instance_count               = 0
    max_instance_count               = var.worker_max_instances
    # Cloud Tasks in the same project counts as internal traffic.
    ingress_settings               = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.worker.email

    environment_variables = merge(local.common_env, {
      THREADS                     = "1" # as many as the requests it takes at once
      FNT_SIGNING_SERVICE_ACCOUNT = google_service_account.worker.email
    })
  }

  depends_on = [
    google_project_iam_member.build,
    google_project_iam_member.build_reads_sources,
  ]

  lifecycle {
    # The predicted URL is where tasks are posted and the token audience the worker
    # checks: if Google reports another one, the apply stops here instead of leaving
    # every task failing its audience check.
    postcondition {
      condition     = self.url == local.worker_url
      error_message = "The worker's URL is ${self.url}, not the predicted ${local.worker_url} that FNT_WORKER_URL holds: tasks would miss it or fail the audience check."
    }
  }
}

# Invokers (roles/run.invoker on each function's Cloud Run service).

# Public: authentication is the application's (Firebase ID tokens), as browsers
# cannot send Google-signed tokens.
resource "google_cloud_run_v2_service_iam_member" "api_public" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.api.service_config[0].service
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# Only Eventarc, delivering as the trigger's own account.
resource "google_cloud_run_v2_service_iam_member" "trigger_invoker" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.trigger.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.trigger.email}"
}

# Only Cloud Tasks, with OIDC tokens of the tasks account (the chunk queues) or of the
# webhook tasks account (the webhooks queue, iam.tf: invoking the worker is that
# account's one role). The worker checks the same accounts and audience itself too.
resource "google_cloud_run_v2_service_iam_member" "worker_invokers" {
  for_each = {
    tasks         = google_service_account.tasks.email
    webhook_tasks = google_service_account.webhook_tasks.email
  }

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.worker.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${each.value}"
}
