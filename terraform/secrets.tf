# The Gemini API key (shared/adapters/secrets.py reads its latest version). Created
# EMPTY on purpose: no value lives in this repository or in Terraform state. Until a
# version is added jobs run on the offline engine; add one with
#   printf %s "$KEY" | gcloud secrets versions add PREFIX-gemini-api-key --data-file=-
# (README, Deployment, "Secrets": also how to rotate it). The functions use a new version
# within a minute, at once when Gemini refuses the old key. Prefixed like every other
# name, so two deployments in one project keep their own keys; the functions read the
# name from FNT_GEMINI_KEY_SECRET.

resource "google_secret_manager_secret" "gemini_api_key" {
  secret_id = "${var.name_prefix}-gemini-api-key"

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}

# Readers: the three functions. The worker calls the model; the API decides a job's
# engine (`auto` means Gemini when a key is set) and estimates costs; the trigger
# builds the same dependencies at start (shared/bootstrap.py reads the key there),
# so a refused read would fail every upload event.
resource "google_secret_manager_secret_iam_member" "gemini_api_key_accessors" {
  for_each = {
    api     = google_service_account.api.email
    trigger = google_service_account.trigger.email
    worker  = google_service_account.worker.email
  }

  project   = var.project_id
  secret_id = google_secret_manager_secret.gemini_api_key.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${each.value}"
}

# The key that encrypts each webhook endpoint's signing secret in Firestore (AES-GCM):
# base64 of 32 random bytes, ONE key for the deployment. Created EMPTY like the Gemini
# key: no value in this repository or in Terraform state, and nothing creates one at
# runtime. Add its first version once, before the first webhook endpoint is created:
#   head -c 32 /dev/urandom | base64 | tr -d '\n' | gcloud secrets versions add PREFIX-webhook-signing-key --data-file=-
# (README, Deployment, "Secrets"). The functions read the name from
# FNT_WEBHOOK_KEY_SECRET.
resource "google_secret_manager_secret" "webhook_signing_key" {
  secret_id = "${var.name_prefix}-webhook-signing-key"

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}

# Readers: the API (creates and rotates endpoints' secrets) and the worker (signs each
# delivery with the endpoint's secret). The trigger only enqueues deliveries and never
# reads it.
resource "google_secret_manager_secret_iam_member" "webhook_signing_key_accessors" {
  for_each = {
    api    = google_service_account.api.email
    worker = google_service_account.worker.email
  }

  project   = var.project_id
  secret_id = google_secret_manager_secret.webhook_signing_key.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${each.value}"
}
