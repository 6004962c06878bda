# The deployment's keys in Secret Manager, each created EMPTY on purpose: no value lives
# in this repository or in Terraform state, and nothing creates one at runtime. An
# operator adds each version by hand (README, Deployment, "Secrets": also how to rotate
# them). Prefixed like every other name, so two deployments in one project keep their
# own keys. Each is read only by the functions named in its `readers`
# (local.function_accounts), with the secret accessor role on that secret alone.

locals {
  secret_keys = {
    # The Gemini API key (shared/adapters/secrets.py reads its latest version). Until a
    # version is added jobs run on the offline engine; add one with
    #   printf %s "$KEY" | gcloud secrets versions add PREFIX-gemini-api-key --data-file=-
    # The functions use a new version within a minute, at once when Gemini refuses the
    # old key, and read the name from FNT_GEMINI_KEY_SECRET.
    # Readers: the three functions. The worker calls the model; the API decides a job's
    # engine (`auto` means Gemini when a key is set) and estimates costs; the trigger
    # builds the same dependencies at start (shared/bootstrap.py reads the key there),
    # so a refused read would fail every upload event.
    gemini_api_key = {
      secret_id = "${var.name_prefix}-gemini-api-key"
      readers   = ["api", "trigger", "worker"]
    }

    # The key that encrypts each webhook endpoint's signing secret in Firestore
    # (AES-GCM): base64 of 32 random bytes, ONE key for the deployment. Add its first
    # version once, before the first webhook endpoint is created:
    #   head -c 32 /dev/urandom | base64 | tr -d '\n' | gcloud secrets versions add PREFIX-webhook-signing-key --data-file=-
    # The functions read the name from FNT_WEBHOOK_KEY_SECRET.
    # Readers: the API (creates and rotates endpoints' secrets) and the worker (signs
    # each delivery with the endpoint's secret). The trigger only enqueues deliveries and
    # never reads it.
    webhook_signing_key = {
      secret_id = "${var.name_prefix}-webhook-signing-key"
      readers   = ["api", "worker"]
    }
  }

  # One grant per key and reader: "KEY ROLE" => { key, role }.
  secret_key_readers = {
    for grant in flatten([
      for key, secret in local.secret_keys : [for role in secret.readers : { key = key, role = role }]
    ]) : "${grant.key} ${grant.role}" => grant
  }
}

resource "google_secret_manager_secret" "keys" {
  for_each = local.secret_keys

  secret_id = each.value.secret_id

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret_iam_member" "key_accessors" {
  for_each = local.secret_key_readers

  project   = var.project_id
  secret_id = google_secret_manager_secret.keys[each.value.key].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${local.function_accounts[each.value.role]}"
}
