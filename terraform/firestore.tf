# Firestore (native mode): jobs and their results, batches, user settings, exports,
# webhook endpoints and their delivery logs, teams and their invitations, rate-limit
# slots and the Gemini rewrite cache (shared/adapters/firestore_*.py).
#
# One database per deployment (`firestore_database`, FNT_FIRESTORE_DATABASE), holding
# its indexes and TTL policies: two deployments in one project share nothing. A
# project with Firebase usually has its "(default)" database already: import it
# (README, Deployment, "First apply"), or set create_firestore_database = false to use
# it as it is, unmanaged (its protection and recovery settings are then its own).

resource "google_firestore_database" "main" {
  count = var.create_firestore_database ? 1 : 0

  project     = var.project_id
  name        = var.firestore_database
  location_id = coalesce(var.firestore_location, var.region)
  type        = "FIRESTORE_NATIVE"

  app_engine_integration_mode       = "DISABLED"
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = var.deletion_protection ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED"
  # ABANDON: `terraform destroy` forgets a protected database instead of deleting it.
  deletion_policy = var.deletion_protection ? "ABANDON" : "DELETE"

  depends_on = [google_project_service.enabled]
}

# The history (GET /api/v1/jobs, FirestoreJobRepository.list_for_owner):
#   jobs where owner_uid == U order by created_at desc, __name__ desc
#   jobs where owner_uid == U and status == S order by created_at desc, __name__ desc
# __name__ is the cursor's tie-break between jobs created in the same instant.
# A team's jobs (FirestoreJobRepository.list_for_team), likewise on team_id:
#   jobs where team_id == T [and status == S] order by created_at desc, __name__ desc
# The batches (FirestoreBatchRepository.list_for_owner), likewise:
#   batches where owner_uid == U order by created_at desc, __name__ desc
# The usage report (FirestoreUsageCounters.rows): a dimension's days in a range,
#   usage where dimension == D and day >= A and day <= B
# Usage documents and their once-marks (usage_marks) are kept: no TTL.
# A team's invitations (FirestoreInviteRepository.list_for_team):
#   invites where team_id == T order by created_at desc
# A user's teams (FirestoreTeamRepository.list_for_member) are found by
# member_uids array-contains U alone (sorted in the function): the single-field index.
# Webhook endpoints are listed by owner_uid == U alone (sorted in the function) and a
# delivery log by `at` alone (the id follows its direction): single-field indexes
# serve both.
locals {
  firestore_indexes = {
    jobs_by_owner = {
      collection = "jobs"
      fields = [
        { field_path = "owner_uid", order = "ASCENDING" },
        { field_path = "created_at", order = "DESCENDING" },
        { field_path = "__name__", order = "DESCENDING" },
      ]
    }
    jobs_by_owner_and_status = {
      collection = "jobs"
      fields = [
        { field_path = "owner_uid", order = "ASCENDING" },
        { field_path = "status", order = "ASCENDING" },
        { field_path = "created_at", order = "DESCENDING" },
        { field_path = "__name__", order = "DESCENDING" },
      ]
    }
    jobs_by_team = {
      collection = "jobs"
      fields = [
        { field_path = "team_id", order = "ASCENDING" },
        { field_path = "created_at", order = "DESCENDING" },
        { field_path = "__name__", order = "DESCENDING" },
      ]
    }
    jobs_by_team_and_status = {
      collection = "jobs"
      fields = [
        { field_path = "team_id", order = "ASCENDING" },
        { field_path = "status", order = "ASCENDING" },
        { field_path = "created_at", order = "DESCENDING" },
        { field_path = "__name__", order = "DESCENDING" },
      ]
    }
    invites_by_team = {
      collection = "invites"
      fields = [
        { field_path = "team_id", order = "ASCENDING" },
        { field_path = "created_at", order = "DESCENDING" },
      ]
    }
    batches_by_owner = {
      collection = "batches"
      fields = [
        { field_path = "owner_uid", order = "ASCENDING" },
        { field_path = "created_at", order = "DESCENDING" },
        { field_path = "__name__", order = "DESCENDING" },
      ]
    }
    batches_by_team = {
      collection = "batches"
      fields = [
        { field_path = "team_id", order = "ASCENDING" },
        { field_path = "created_at", order = "DESCENDING" },
        { field_path = "__name__", order = "DESCENDING" },
      ]
    }
    usage_by_dimension = {
      collection = "usage"
      fields = [
        { field_path = "dimension", order = "ASCENDING" },
        { field_path = "day", order = "ASCENDING" },
      ]
    }
  }
}

resource "google_firestore_index" "composite" {
  for_each = local.firestore_indexes

  project     = var.project_id
  database    = var.firestore_database
  collection  = each.value.collection
  query_scope = "COLLECTION"

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path = fields.value.field_path
      order      = fields.value.order
    }
  }

  depends_on = [google_firestore_database.main]
}

# Expiring documents: Firestore deletes them (within about a day) once `expires_at`
# has passed. Nothing queries `expires_at`, so its single-field indexes are
# switched off (an empty index_config): less write cost, and no hot index on an
# ever-increasing timestamp.

# One document per admitted API request (shared/adapters/firestore_rate_limiter.py):
# rate_limits/{window}/rate_limit_slots/{n}, expiring an hour after its window.
resource "google_firestore_field" "rate_limit_slots_ttl" {
  project    = var.project_id
  database   = var.firestore_database
  collection = "rate_limit_slots"
  field      = "expires_at"

  ttl_config {}
  index_config {}

  depends_on = [google_firestore_database.main]
}

# Accepted Gemini rewrites, kept 90 days (shared/adapters/firestore_cache.py).
resource "google_firestore_field" "rewrite_cache_ttl" {
  project    = var.project_id
  database   = var.firestore_database
  collection = "rewrite_cache"
  field      = "expires_at"

  ttl_config {}
  index_config {}

  # Firestore applies one field configuration at a time per database.
  depends_on = [google_firestore_field.rate_limit_slots_ttl]
}

# Slots of the read quota leased in blocks (shared/adapters/firestore_quota_ledger.py):
# rate_leases/{key}:{window}, one counter per user and window, expiring an hour after it.
resource "google_firestore_field" "rate_leases_ttl" {
  project    = var.project_id
  database   = var.firestore_database
  collection = "rate_leases"
  field      = "expires_at"

  ttl_config {}
  index_config {}

  depends_on = [google_firestore_field.rewrite_cache_ttl]
}

# Compressed blobs that nothing queries: a result part's sentences
# (shared/adapters/firestore_jobs.py, `packed`) and the pages the trigger cleaned for the
# chunks (`data`). Exempt from indexing: no index entries to write with each part.
resource "google_firestore_field" "unindexed_blobs" {
  for_each = {
    results_packed = { collection = "results", field = "packed" }
    pages_data     = { collection = "pages", field = "data" }
  }

  project    = var.project_id
  database   = var.firestore_database
  collection = each.value.collection
  field      = each.value.field

  index_config {}

  depends_on = [google_firestore_field.rate_leases_ttl]
}

# The webhooks' delivery logs (shared/adapters/firestore_webhooks.py):
# webhooks/{endpoint}/deliveries/{message}-{attempt}, one entry per attempt, kept 30 days
# after the attempt (`expire_at`). The log is ordered by `at`, never by `expire_at`.
resource "google_firestore_field" "webhook_deliveries_ttl" {
  project    = var.project_id
  database   = var.firestore_database
  collection = "deliveries"
  field      = "expire_at"

  ttl_config {}
  index_config {}

  depends_on = [google_firestore_field.unindexed_blobs]
}
