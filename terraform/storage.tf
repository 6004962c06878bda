# Buckets: uploaded PDFs, export files and the functions' source archives.
# All three: one access model (IAM only, no ACLs) and never public; objects are
# reached through the functions or through V4 signed URLs, which work with both.

resource "google_storage_bucket" "uploads" {
  #checkov:skip=CKV_GCP_62:PDFs are written and read through V4 signed URLs issued by the API, and each issuance is logged with its request id, job and hashed user; storage usage logs would need one more bucket (itself unlogged). Enable Data Access audit logs for storage.googleapis.com project-wide if per-object access records are needed.
  name     = "${var.project_id}-${var.name_prefix}-uploads"
  location = var.region # the storage trigger only hears buckets of its own region

  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = !var.deletion_protection

  # On: a job accepts one generation of its object, and its chunk workers read that
  # generation even if the browser overwrote the object meanwhile (README, Jobs).
  versioning {
    enabled = true
  }

  # A deleted job's PDF must really be gone: no soft-delete copy on top of the
  # one-day noncurrent version below.
  soft_delete_policy {
    retention_duration_seconds = 0
  }

  lifecycle_rule {
    condition {
      age = var.upload_retention_days
    }
    action {
      type = "Delete"
    }
  }

  # Overwritten or deleted generations: kept a day, long enough for the chunks of a
  # job that accepted one to finish, then gone.
  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 1
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  # The web app PUTs the PDF straight to its signed URL, with exactly the signed
  # headers (content-type and x-goog-content-length-range): a cross-origin PUT with
  # headers a simple request cannot carry, so the browser first sends an OPTIONS
  # preflight. Cloud Storage answers it from this block: the origin and method must
  # be listed, and `response_header` is both the request headers allowed
  # (Access-Control-Allow-Headers) and the response headers exposed. The app's
  # origins (hosting.tf) are always in.
  cors {
    origin          = local.app_origins
    method          = ["PUT", "OPTIONS"]
    response_header = ["content-type", "x-goog-content-length-range"]
    max_age_seconds = 3600
  }

  depends_on = [google_project_service.enabled]
}

resource "google_storage_bucket" "exports" {
  #checkov:skip=CKV_GCP_62:Export files are read through 15-minute signed URLs issued by the API, which logs each export; see the uploads bucket for Data Access audit logs.
  name     = "${var.project_id}-${var.name_prefix}-exports"
  location = var.region

  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = !var.deletion_protection

  # Each export is a new object; versioning only guards against an accidental
  # overwrite, and its noncurrent copies go after a day.
  versioning {
    enabled = true
  }

  soft_delete_policy {
    retention_duration_seconds = 0
  }

  lifecycle_rule {
    condition {
      age = var.export_retention_days
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 1
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  # The web app may fetch a file (rather than navigate to it): a cross-origin GET of
  # its signed URL, which may read the file's type and name.
  cors {
    origin          = local.app_origins
    method          = ["GET"]
    response_header = ["content-type", "content-disposition"]
    max_age_seconds = 3600
  }

  depends_on = [google_project_service.enabled]
}

resource "google_storage_bucket" "sources" {
  #checkov:skip=CKV_GCP_62:Only Terraform writes here and only function builds read; both are recorded by Admin Activity and Cloud Build logs.
  name     = "${var.project_id}-${var.name_prefix}-sources"
  location = var.region

  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = !var.deletion_protection

  # Archives are named by their content hash. A deploy replaces the object, so the
  # previous archive lives on as a noncurrent version for rollbacks (README,
  # Deployment); applying an older commit uploads its archive again anyway.
  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 90
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.enabled]
}
