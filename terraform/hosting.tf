# The learner's web app: a static single-page app (web/) on Firebase Hosting.
#
# Firebase Hosting rather than a bucket behind Cloud CDN and a load balancer:
# - free managed TLS on SITE.web.app (and SITE.firebaseapp.com), nothing to renew;
# - Firebase Auth's handler (/__/auth/handler) is served by every Hosting site, so
#   with the site as the auth domain the Google sign-in popup and redirect stay on
#   the app's own origin and work in browsers that block third-party cookies;
# - each deploy is an atomic, versioned release, never half-uploaded; rolling back is
#   one click in the console's release history, or
#   `firebase hosting:clone SITE@VERSION SITE:live`;
# - no load balancer to pay for by the hour.
# Terraform declares the site and the Firebase web app the SDK is configured from;
# cloudbuild.yaml builds the app and deploys each release to the site, with the
# headers (a strict CSP) that infra/web_hosting.py writes for it.

locals {
  # Site ids are global across Firebase: the project id makes ours unique, the prefix
  # keeps two deployments in one project apart (the project's default site, named
  # after the project alone, is left to whoever owns it).
  hosting_site_id = var.hosting_site_id != "" ? var.hosting_site_id : "${var.project_id}-${var.name_prefix}"

  hosting_origins = [
    "https://${local.hosting_site_id}.web.app",
    "https://${local.hosting_site_id}.firebaseapp.com",
  ]

  # Every origin the app is served from: the site's two, always, then the extras
  # (a custom domain, a developer's localhost). The API's CORS (FNT_CORS_ORIGINS) and
  # both buckets' CORS take this list.
  app_origins = distinct(concat(local.hosting_origins, var.cors_origins))

  # The SDK's authDomain: the site itself rather than PROJECT.firebaseapp.com (what the
  # web app's config says), so the sign-in handler is first-party (above).
  auth_domain = "${local.hosting_site_id}.web.app"
}

# Adds Firebase to the project, or adopts it when it is there already (the provider
# reads the existing one instead of failing); removing it from this configuration
# leaves Firebase in place, as Google cannot take it out of a project.
resource "google_firebase_project" "main" {
  provider = google-beta
  project  = var.project_id

  depends_on = [google_project_service.enabled]
}

# The app as Firebase knows it: its config (the API key the SDK sends) comes from here.
resource "google_firebase_web_app" "app" {
  provider     = google-beta
  project      = var.project_id
  display_name = "French Novel Tool (${var.name_prefix})"

  depends_on = [google_firebase_project.main]
}

data "google_firebase_web_app_config" "app" {
  provider   = google-beta
  project    = var.project_id
  web_app_id = google_firebase_web_app.app.app_id
}

resource "google_firebase_hosting_site" "app" {
  provider = google-beta
  project  = var.project_id
  site_id  = local.hosting_site_id
  app_id   = google_firebase_web_app.app.app_id

  depends_on = [google_firebase_project.main]
}
