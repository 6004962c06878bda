# What the frontend, operators and CI need after an apply (`terraform output`).

output "api_url" {
  description = "Base URL of the HTTP API for the frontend: every route is under it (e.g. POST {api_url}/uploads)."
  value       = "${google_cloudfunctions2_function.api.service_config[0].uri}/api/v1"
}

output "api_function_uri" {
  description = "The API function's own URI (Cloud Run), without the /api/v1 prefix."
  value       = google_cloudfunctions2_function.api.service_config[0].uri
}

output "worker_url" {
  description = "The worker's URL: Cloud Tasks posts there and it is the OIDC audience (FNT_WORKER_URL). Only the tasks service account may call it."
  value       = local.worker_url
}

output "uploads_bucket" {
  description = "Bucket of uploaded PDFs (versioned; the browser PUTs to signed URLs)."
  value       = google_storage_bucket.uploads.name
}

output "exports_bucket" {
  description = "Bucket of CSV/XLSX exports (read through signed URLs)."
  value       = google_storage_bucket.exports.name
}

output "sources_bucket" {
  description = "Bucket of the functions' source archives (one per code version, kept for rollbacks)."
  value       = google_storage_bucket.sources.name
}

output "function_source_object" {
  description = "The source archive the functions are deployed from (gs://sources_bucket/this)."
  value       = google_storage_bucket_object.function_source.name
}

output "queues" {
  description = "Cloud Tasks queues by role: `chunks` (offline chunks, expiries, exports), `gemini` (paced to the model quota) and `webhooks` (webhook deliveries)."
  value = {
    chunks   = google_cloud_tasks_queue.chunks.name
    gemini   = google_cloud_tasks_queue.gemini.name
    webhooks = google_cloud_tasks_queue.webhooks.name
  }
}

output "service_accounts" {
  description = "Service account emails: one per function, the Cloud Tasks OIDC identities (chunk queues, webhook deliveries) and the build identity."
  value = {
    api           = google_service_account.api.email
    trigger       = google_service_account.trigger.email
    worker        = google_service_account.worker.email
    tasks         = google_service_account.tasks.email
    webhook_tasks = google_service_account.webhook_tasks.email
    build         = google_service_account.build.email
  }
}

output "functions" {
  description = "Function names by role (each is also the name of its Cloud Run service, for logs)."
  value       = local.function_names
}

output "gemini_api_key_secret" {
  description = "Secret Manager secret to put the Gemini API key in (created empty)."
  value       = google_secret_manager_secret.keys["gemini_api_key"].secret_id
}

output "webhook_signing_key_secret" {
  description = "Secret Manager secret to put the webhook signing key in (created empty; README, Deployment, Secrets)."
  value       = google_secret_manager_secret.keys["webhook_signing_key"].secret_id
}

output "firestore_database" {
  description = "The deployment's Firestore database (FNT_FIRESTORE_DATABASE), and where it is when this configuration created it."
  value       = var.create_firestore_database ? "${var.firestore_database} (${google_firestore_database.main[0].location_id})" : var.firestore_database
}

output "dashboard_url" {
  description = "The monitoring dashboard in the console."
  value       = "https://console.cloud.google.com/monitoring/dashboards/builder/${basename(google_monitoring_dashboard.main.id)}?project=${var.project_id}"
}

output "app_url" {
  description = "The web app's address: its Firebase Hosting site (cloudbuild.yaml deploys each release there)."
  value       = "https://${google_firebase_hosting_site.app.site_id}.web.app"
}

output "hosting_site" {
  description = "The Firebase Hosting site id, as `firebase deploy --only hosting:SITE` names it."
  value       = google_firebase_hosting_site.app.site_id
}

output "web_config" {
  description = "What the web app's build and deploy need (cloudbuild.yaml passes these to infra.web_hosting, which writes the app's config.json): the API base URL, the Firebase web config the SDK starts with (the API key is public by design: it names the project, sign-in rules protect it), the Hosting site, and whether Google sign-in is on."
  value = {
    api_url        = "${google_cloudfunctions2_function.api.service_config[0].uri}/api/v1"
    project_id     = var.project_id
    api_key        = data.google_firebase_web_app_config.app.api_key
    auth_domain    = local.auth_domain
    hosting_site   = google_firebase_hosting_site.app.site_id
    google_sign_in = local.google_sign_in
  }
}

output "google_oauth_client_secret" {
  description = "Secret Manager secret to put the Google sign-in OAuth client's secret in (created empty; then set google_oauth_client_id)."
  value       = google_secret_manager_secret.google_oauth_client_secret.secret_id
}
