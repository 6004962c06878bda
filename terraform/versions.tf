# Providers and state.
#
# google and google-beta are pinned to the 6.x line: every resource here is read
# against that schema. google-beta is used where a resource exists in beta alone
# (google_project_service_identity, which makes the Eventarc and Pub/Sub service
# agents exist before the storage trigger is created; Firebase: the project, the web
# app, the Hosting site) and for Identity Platform. It bills its calls to the
# project itself (user_project_override): the Firebase and Identity Toolkit APIs
# refuse a deployer's own user credentials without a quota project.
# archive zips the function source (functions/main.py + shared/ + requirements.txt)
# at plan time, so no separate packaging step is needed for `terraform apply`.
# time waits out Google's eventual consistency where the provider does not retry:
# new IAM grants before the storage trigger, new log-based metrics before the alert
# policies on them (README, Deployment, "First apply").
terraform {
  required_version = ">= 1.6"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = "~> 6.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.4"
    }
    time = {
      source  = "hashicorp/time"
      version = "~> 0.12"
    }
  }

  # Remote state. Local state (the default) is fine for a first try in a scratch
  # project; anything shared (a team, Cloud Build) needs state in a bucket, with
  # object versioning on so a broken state can be restored:
  #
  #   gcloud storage buckets create gs://PROJECT_ID-tfstate --location=REGION \
  #     --uniform-bucket-level-access --public-access-prevention
  #   gcloud storage buckets update gs://PROJECT_ID-tfstate --versioning
  #
  # then uncomment this block (a backend block cannot read variables) and run
  # `terraform init -migrate-state`:
  #
  # backend "gcs" {
  #   bucket = "PROJECT_ID-tfstate"
  #   prefix = "french-novel-tool/prod"
  # }
  #
  # Cloud Build does the same without editing this file: it writes a
  # backend_override.tf holding `terraform { backend "gcs" {} }` and passes the
  # bucket and prefix with -backend-config (see cloudbuild.yaml).
}

provider "google" {
  project = var.project_id
  region  = var.region

  # Every resource that takes labels gets these (Firestore, queues and IAM do not).
  default_labels = local.labels
}

provider "google-beta" {
  project        = var.project_id
  region         = var.region
  default_labels = local.labels

  user_project_override = true
  billing_project       = var.project_id
}
