# Inputs. Only project_id and region are required; the rest have defaults fit for
# a small production deployment (see prod.tfvars.example and dev.tfvars.example).

variable "project_id" {
  description = "Google Cloud project to deploy into (its id, not its name or number). The code refuses `demo-` projects in production: those are the emulators' kind."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6 to 30 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen."
  }

  validation {
    condition     = !startswith(var.project_id, "demo-")
    error_message = "demo- project ids are for the local emulators; the production profile refuses them."
  }
}

variable "region" {
  description = "Region of the functions, queues and buckets (the uploads bucket must be in the storage trigger's region), e.g. europe-west1."
  type        = string

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a single Google Cloud region such as us-central1 or europe-west1 (not a multi-region)."
  }
}

variable "firestore_location" {
  description = "Location of the Firestore database: a region (null: the same as `region`) or a multi-region such as nam5 or eur3. It cannot be changed once the database exists."
  type        = string
  default     = null

  validation {
    condition     = var.firestore_location == null || can(regex("^[a-z0-9-]+$", coalesce(var.firestore_location, "x")))
    error_message = "firestore_location must be a Firestore location id such as us-central1, nam5 or eur3."
  }
}

variable "firestore_database" {
  description = "The Firestore database of this deployment (FNT_FIRESTORE_DATABASE): \"(default)\", or a name of its own so that two deployments in one project share no data, index or TTL policy. A new name needs create_firestore_database."
  type        = string
  default     = "(default)"

  validation {
    condition     = var.firestore_database == "(default)" || can(regex("^[a-z][a-z0-9-]{2,61}[a-z0-9]$", var.firestore_database))
    error_message = "firestore_database must be \"(default)\" or 4 to 63 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "create_firestore_database" {
  description = "Create the Firestore database. A Firebase project usually has its \"(default)\" database already: import it into this configuration (README, Deployment, First apply), or set this to false to use it unmanaged."
  type        = bool
  default     = true
}

variable "name_prefix" {
  description = "Prefix of every named resource (functions, service accounts, buckets after the project id), so two deployments can share a project."
  type        = string
  default     = "fnt"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,9}$", var.name_prefix)) && !endswith(var.name_prefix, "-")
    error_message = "name_prefix must be 2 to 10 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen (service account ids are at most 30 characters)."
  }
}

variable "labels" {
  description = "Extra labels for every resource that takes labels."
  type        = map(string)
  default     = {}

  validation {
    condition = alltrue([
      for key, value in var.labels :
      can(regex("^[a-z][a-z0-9_-]{0,62}$", key)) && can(regex("^[a-z0-9_-]{0,63}$", value))
    ])
    error_message = "Label keys must start with a lowercase letter; keys and values are at most 63 lowercase letters, digits, underscores or hyphens."
  }
}

variable "notification_email" {
  description = "Email address that alerts are sent to. Empty: alert policies are created without a notification channel (they still show in the console)."
  type        = string
  default     = ""

  validation {
    condition     = var.notification_email == "" || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.notification_email))
    error_message = "notification_email must be empty or one email address."
  }
}

variable "cors_origins" {
  description = "Browser origins of the web app besides its Firebase Hosting site's two (always allowed): a custom domain, a developer's localhost (scheme://host[:port], no path). Each may call the API (FNT_CORS_ORIGINS), PUT uploads and fetch exports with their signed URLs, and is an authorized sign-in domain."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([
      for origin in var.cors_origins :
      can(regex("^https://[a-z0-9.-]+(:[0-9]+)?$", origin)) || can(regex("^http://(localhost|127\\.0\\.0\\.1)(:[0-9]+)?$", origin))
    ])
    error_message = "Each origin must be https://host[:port] without a path or trailing slash (plain http only for localhost)."
  }
}

variable "hosting_site_id" {
  description = "The Firebase Hosting site of the web app, served at https://SITE.web.app: a globally unique DNS label. Empty: PROJECT_ID-NAME_PREFIX. Changing it makes a new site (the old one keeps serving until deleted)."
  type        = string
  default     = ""

  validation {
    condition     = var.hosting_site_id == "" || can(regex("^[a-z0-9][a-z0-9-]{4,61}[a-z0-9]$", var.hosting_site_id))
    error_message = "hosting_site_id must be empty or 6 to 63 lowercase letters, digits or hyphens, not starting or ending with a hyphen."
  }
}

variable "google_oauth_client_id" {
  description = "Client id of the OAuth client (type Web application) that Google sign-in uses. Terraform cannot create it: make it in the console (APIs & Services, Credentials) with the authorized redirect URI https://SITE.web.app/__/auth/handler, put its secret in the PREFIX-google-oauth-client-secret secret (output google_oauth_client_secret), then set this. Empty: Google sign-in off, email links only."
  type        = string
  default     = ""

  validation {
    condition     = var.google_oauth_client_id == "" || can(regex("^[0-9]+-[a-z0-9]+\\.apps\\.googleusercontent\\.com$", var.google_oauth_client_id))
    error_message = "google_oauth_client_id must be empty or an OAuth client id such as 1234567890-abc123.apps.googleusercontent.com."
  }
}

variable "rate_limits" {
  description = "Overrides of the API's per-user rate limits (FNT_RATE_LIMITS): role (free, premium, admin) -> endpoint class (processing, exports, reads) -> [limit, window_seconds]. Empty keeps the code's defaults (README, Platform)."
  type        = map(map(list(number)))
  default     = {}

  validation {
    condition = alltrue(flatten([
      for role, classes in var.rate_limits : [
        for class, pair in classes :
        contains(["free", "premium", "admin"], role) &&
        contains(["processing", "exports", "reads"], class) &&
        length(pair) == 2 && alltrue([for n in pair : n >= 1 && floor(n) == n])
      ]
    ]))
    error_message = "rate_limits: roles are free, premium or admin; classes processing, exports or reads; each value is [limit, window_seconds], two positive integers."
  }
}

variable "sheets_mode" {
  description = "How Google Sheets exports are written (FNT_SHEETS_MODE): `user` with the user's own OAuth token, or `service_account` as the API and worker service accounts, sharing the sheet with the user."
  type        = string
  default     = "user"

  validation {
    condition     = contains(["user", "service_account"], var.sheets_mode)
    error_message = "sheets_mode must be user or service_account."
  }
}

variable "upload_retention_days" {
  description = "Days an uploaded PDF is kept before the bucket's lifecycle deletes it (its job's sentences stay in Firestore; retry and duplicate need the PDF)."
  type        = number
  default     = 30

  validation {
    condition     = var.upload_retention_days >= 1 && var.upload_retention_days <= 3650 && floor(var.upload_retention_days) == var.upload_retention_days
    error_message = "upload_retention_days must be a whole number of days from 1 to 3650."
  }
}

variable "export_retention_days" {
  description = "Days a CSV/XLSX export file is kept (its signed download URL lives 15 minutes; a new one is made per export)."
  type        = number
  default     = 7

  validation {
    condition     = var.export_retention_days >= 1 && var.export_retention_days <= 365 && floor(var.export_retention_days) == var.export_retention_days
    error_message = "export_retention_days must be a whole number of days from 1 to 365."
  }
}

variable "python_runtime" {
  description = "Cloud Functions Python runtime. python311 is the version the test suite runs on."
  type        = string
  default     = "python311"

  validation {
    condition     = contains(["python311", "python312"], var.python_runtime)
    error_message = "python_runtime must be python311 or python312 (the code needs 3.11 or newer)."
  }
}

variable "api_max_instances" {
  description = "Most instances of the API function (each serves 8 requests at once)."
  type        = number
  default     = 20

  validation {
    condition     = var.api_max_instances >= 1 && var.api_max_instances <= 1000 && floor(var.api_max_instances) == var.api_max_instances
    error_message = "api_max_instances must be a whole number from 1 to 1000."
  }
}

variable "api_min_instances" {
  description = "API instances kept running when idle (billed while idle): 1 spares the first request after a quiet spell a cold start; 0 costs nothing at rest."
  type        = number
  default     = 1

  validation {
    condition     = var.api_min_instances >= 0 && var.api_min_instances <= 100 && floor(var.api_min_instances) == var.api_min_instances
    error_message = "api_min_instances must be a whole number from 0 to 100."
  }
}

variable "trigger_max_instances" {
  description = "Most instances of the storage trigger (one upload at a time each: it reads the whole PDF)."
  type        = number
  default     = 10

  validation {
    condition     = var.trigger_max_instances >= 1 && var.trigger_max_instances <= 1000 && floor(var.trigger_max_instances) == var.trigger_max_instances
    error_message = "trigger_max_instances must be a whole number from 1 to 1000."
  }
}

variable "worker_max_instances" {
  description = "Most instances of the chunk worker (one task at a time each). The three queues' concurrent dispatches are split within it, so the queues never send more tasks than there are instances."
  type        = number
  default     = 40

  validation {
    condition     = var.worker_max_instances >= 3 && var.worker_max_instances <= 1000 && floor(var.worker_max_instances) == var.worker_max_instances
    error_message = "worker_max_instances must be a whole number from 3 to 1000 (each of the three queues needs at least one)."
  }
}

variable "webhook_max_concurrent" {
  description = "Most webhook deliveries at once (the webhooks queue's concurrent dispatches). Each takes a worker instance for its HTTP call, so it is capped at a quarter of worker_max_instances (at least 1), taken from the chunks queue's share."
  type        = number
  default     = 4

  validation {
    condition     = var.webhook_max_concurrent >= 1 && var.webhook_max_concurrent <= 100 && floor(var.webhook_max_concurrent) == var.webhook_max_concurrent
    error_message = "webhook_max_concurrent must be a whole number from 1 to 100."
  }
}

variable "worker_memory" {
  description = "Memory of a worker instance (a chunk's pages, the model's answers; a scanned chunk goes to Gemini as a PDF of up to 14 MB). Its vCPUs follow: 1, and 2 for 8Gi (Cloud Run gives more than 4 GiB only with 2)."
  type        = string
  default     = "2Gi"

  validation {
    condition     = contains(["1Gi", "2Gi", "4Gi", "8Gi"], var.worker_memory)
    error_message = "worker_memory must be 1Gi, 2Gi, 4Gi or 8Gi."
  }
}

variable "gemini_requests_per_minute" {
  description = "The Gemini model's request quota per minute for this project's key (the tier's RPM). The gemini queue is paced from it."
  type        = number
  default     = 1000

  validation {
    condition     = var.gemini_requests_per_minute >= 1 && var.gemini_requests_per_minute <= 100000
    error_message = "gemini_requests_per_minute must be from 1 to 100000."
  }
}

variable "gemini_calls_per_chunk" {
  description = "About how many model calls one chunk makes (30 pages at about 40 sentences per call): with the quota it sets how many gemini tasks start per second."
  type        = number
  default     = 25

  validation {
    condition     = var.gemini_calls_per_chunk >= 1 && var.gemini_calls_per_chunk <= 1000
    error_message = "gemini_calls_per_chunk must be from 1 to 1000."
  }
}

variable "gemini_model" {
  description = "The Gemini model (FNT_GEMINI_MODEL). Every instance checks at start that Gemini has it and refuses to start otherwise; run `make smoke-gemini` with the new name first (README, Engines)."
  type        = string
  default     = "gemini-3.5-flash-lite"

  validation {
    condition     = can(regex("^gemini-[a-z0-9.-]+$", var.gemini_model))
    error_message = "gemini_model must be a Gemini model name such as gemini-3.5-flash-lite."
  }
}

variable "gemini_api_version" {
  description = "The Gemini API version the model is called under (FNT_GEMINI_API_VERSION): v1beta, where every field used is documented, or v1 once `make smoke-gemini` passes with it."
  type        = string
  default     = "v1beta"

  validation {
    condition     = contains(["v1", "v1beta"], var.gemini_api_version)
    error_message = "gemini_api_version must be v1 or v1beta."
  }
}

variable "gemini_parallel_calls" {
  description = "Model calls one chunk makes at once (FNT_GEMINI_PARALLEL_CALLS); with the quota it bounds how many gemini chunks run at once."
  type        = number
  default     = 8

  validation {
    condition     = var.gemini_parallel_calls >= 1 && var.gemini_parallel_calls <= 64 && floor(var.gemini_parallel_calls) == var.gemini_parallel_calls
    error_message = "gemini_parallel_calls must be a whole number from 1 to 64 (the code's bounds)."
  }
}

variable "deletion_protection" {
  description = "Protect data from `terraform destroy`: Firestore delete protection on and the database abandoned rather than deleted, buckets not force-destroyed. Turn off only for throwaway environments."
  type        = bool
  default     = true
}

variable "alert_api_5xx_ratio" {
  description = "Alert when more than this share of the API's answers are 5xx over 5 minutes."
  type        = number
  default     = 0.05

  validation {
    condition     = var.alert_api_5xx_ratio > 0 && var.alert_api_5xx_ratio < 1
    error_message = "alert_api_5xx_ratio must be between 0 and 1."
  }
}

variable "alert_job_failure_ratio" {
  description = "Alert when more than this share of the jobs that reached the trigger failed (refused files included) over an hour."
  type        = number
  default     = 0.2

  validation {
    condition     = var.alert_job_failure_ratio > 0 && var.alert_job_failure_ratio < 1
    error_message = "alert_job_failure_ratio must be between 0 and 1."
  }
}

variable "alert_queue_depth" {
  description = "Alert when a queue holds more tasks than this for 15 minutes (a 2000-page book is about 70 chunks)."
  type        = number
  default     = 1000

  validation {
    condition     = var.alert_queue_depth >= 1
    error_message = "alert_queue_depth must be at least 1."
  }
}

variable "alert_queue_delay_seconds" {
  description = "Alert when tasks start this many seconds after they were due (99th percentile over 10 minutes): the queue falls behind."
  type        = number
  default     = 900

  validation {
    condition     = var.alert_queue_delay_seconds >= 1
    error_message = "alert_queue_delay_seconds must be at least 1."
  }
}

variable "alert_gemini_429_per_5min" {
  description = "Alert when the worker gets more than this many 429s from Gemini in 5 minutes (the quota or the gemini queue's pacing needs a look)."
  type        = number
  default     = 20

  validation {
    condition     = var.alert_gemini_429_per_5min >= 0
    error_message = "alert_gemini_429_per_5min must not be negative."
  }
}

variable "alert_worker_errors_per_5min" {
  description = "Alert when the worker logs more than this many errors (severity ERROR or above) in 5 minutes; 0 alerts on any."
  type        = number
  default     = 0

  validation {
    condition     = var.alert_worker_errors_per_5min >= 0
    error_message = "alert_worker_errors_per_5min must not be negative."
  }
}

variable "alert_webhook_failures_per_5min" {
  description = "Alert when more than this many webhook delivery attempts fail in 5 minutes. A user's endpoint that is down fails each message a few times in its first minutes, then rarely as the retries back off; many failures at once point at many endpoints, or at our side."
  type        = number
  default     = 50

  validation {
    condition     = var.alert_webhook_failures_per_5min >= 0
    error_message = "alert_webhook_failures_per_5min must not be negative."
  }
}

variable "scanner_image" {
  description = "The malware scanner's image (built from terraform/scanner/ by Cloud Build). Empty: malware-scanner:latest in this stack's Artifact Registry repository."
  type        = string
  default     = ""
}

variable "scanner_max_instances" {
  description = "Most malware scanner instances at once (each scans 4 uploads at a time)."
  type        = number
  default     = 3

  validation {
    condition     = var.scanner_max_instances >= 1 && var.scanner_max_instances <= 20
    error_message = "scanner_max_instances must be between 1 and 20."
  }
}

variable "scanner_update_hours" {
  description = "Hours between the malware scanner's signature updates."
  type        = number
  default     = 2

  validation {
    condition     = contains([1, 2, 3, 4, 6, 12], var.scanner_update_hours)
    error_message = "scanner_update_hours must divide a day: 1, 2, 3, 4, 6 or 12."
  }
}

variable "quarantine_retention_days" {
  description = "Days an infected upload is kept in the quarantine bucket."
  type        = number
  default     = 30

  validation {
    condition     = var.quarantine_retention_days >= 1 && var.quarantine_retention_days <= 365
    error_message = "quarantine_retention_days must be between 1 and 365."
  }
}

variable "active_content" {
  description = "PDFs with scripts, actions, embedded files or XFA: read as text only (text_only) or refused (refuse, PDF_ACTIVE_CONTENT)."
  type        = string
  default     = "text_only"

  validation {
    condition     = contains(["text_only", "refuse"], var.active_content)
    error_message = "active_content must be text_only or refuse."
  }
}
