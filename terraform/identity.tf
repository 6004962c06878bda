# Sign-in: Identity Platform (Firebase Auth's upgrade, the same ID tokens the API
# verifies). Learners sign in with an email link (passwordless) or, once an OAuth
# client is set up, with Google. The API holds no session: it checks each request's
# Firebase ID token against this project.
#
# Created once per project and never deleted by Terraform. A project where Identity
# Platform is already on must import it before the first apply (README, Deployment):
#   terraform import google_identity_platform_config.auth projects/PROJECT_ID/config

locals {
  # Where sign-in may redirect to and email links may continue to: the app's hosts
  # (the site's two and those of var.cors_origins), and the project's default
  # Firebase domains, which serve the email action handler (/__/auth/action). No
  # localhost unless an origin names it: any page on a machine's localhost could
  # otherwise complete a sign-in.
  auth_authorized_domains = distinct(concat(
    [for origin in local.app_origins : regex("^https?://([^:/]+)", origin)[0]],
    ["${var.project_id}.firebaseapp.com", "${var.project_id}.web.app"],
  ))

  # Google sign-in is offered once its OAuth client is named (the client itself can
  # only be made in the console: variables.tf, google_oauth_client_id).
  google_sign_in = var.google_oauth_client_id != ""
}

resource "google_identity_platform_config" "auth" {
  provider = google-beta
  project  = var.project_id

  authorized_domains = local.auth_authorized_domains

  sign_in {
    allow_duplicate_emails = false

    # Email link: the address is proven by the link itself, and no password is kept.
    email {
      enabled           = true
      password_required = false
    }
  }

  depends_on = [google_firebase_project.main]
}

# The Google OAuth client's secret, created empty like the deployment's other keys
# (secrets.tf): the operator adds it as a version after making the client (README,
# Deployment). Terraform reads it to configure the provider, so it is in the state
# (which is private to the deployers), never in this repository or a tfvars file.
resource "google_secret_manager_secret" "google_oauth_client_secret" {
  secret_id = "${var.name_prefix}-google-oauth-client-secret"

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}

data "google_secret_manager_secret_version" "google_oauth_client_secret" {
  count = local.google_sign_in ? 1 : 0

  secret = google_secret_manager_secret.google_oauth_client_secret.id
}

resource "google_identity_platform_default_supported_idp_config" "google" {
  count    = local.google_sign_in ? 1 : 0
  provider = google-beta
  project  = var.project_id

  idp_id        = "google.com"
  enabled       = true
  client_id     = var.google_oauth_client_id
  client_secret = data.google_secret_manager_secret_version.google_oauth_client_secret[0].secret_data

  depends_on = [google_identity_platform_config.auth]
}
