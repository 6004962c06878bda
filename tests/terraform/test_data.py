"""Where data lives: buckets, Firestore (indexes and TTLs) and the Gemini key's secret."""

from __future__ import annotations

import inspect
import json

import pytest

from shared.adapters import (
    firestore_batches,
    firestore_cache,
    firestore_jobs,
    firestore_quota_ledger,
    firestore_rate_limiter,
    firestore_teams,
    firestore_webhooks,
)
from shared.adapters.gcs_store import GcsObjectStore
from shared.adapters.secrets import GEMINI_API_KEY_SECRET
from shared.config import Settings
from tests.terraform.hcl_config import (
    Config,
    address,
    block,
    blocks,
    instances,
    load,
    reference,
    resource_instances,
    secret_readers,
    secret_values_in_configuration,
)

BUCKET = "google_storage_bucket"


@pytest.fixture(scope="module")
def config() -> Config:
    return load()


def test_every_bucket_blocks_public_access_and_acls(config: Config) -> None:
    buckets = config.of_type(BUCKET)
    assert set(buckets) == {"uploads", "exports", "sources", "quarantine"}
    for name, body in buckets.items():
        assert body["public_access_prevention"] == "enforced", name
        assert body["uniform_bucket_level_access"] is True, name
    assert not config.of_type("google_storage_bucket_acl")
    assert not config.of_type("google_storage_default_object_acl")
    assert not config.of_type("google_storage_object_acl")


def delete_conditions(body: dict) -> list[dict]:
    return [
        block(rule, "condition")
        for rule in blocks(body, "lifecycle_rule")
        if block(rule, "action")["type"] == "Delete"
    ]


def test_uploads_are_versioned_and_expire(config: Config) -> None:
    uploads = config.resource(BUCKET, "uploads")
    # Workers read the generation their job accepted, even after an overwrite.
    assert block(uploads, "versioning")["enabled"] is True
    conditions = delete_conditions(uploads)
    assert {"age": "${var.upload_retention_days}"} in conditions
    noncurrent = [c for c in conditions if "days_since_noncurrent_time" in c]
    assert noncurrent == [{"days_since_noncurrent_time": 1, "with_state": "ARCHIVED"}]


def test_uploads_accept_the_browsers_signed_put(config: Config) -> None:
    uploads = config.resource(BUCKET, "uploads")
    assert "dynamic" not in uploads, "the app's origins are always allowed: a static block"
    cors = block(uploads, "cors")
    # The web app's origins: its Hosting site's and the extras (test_web.py).
    assert cors["origin"] == "${local.app_origins}"
    # The PUT, and the OPTIONS preflight its non-simple headers make the browser send.
    assert sorted(cors["method"]) == ["OPTIONS", "PUT"]
    # Exactly the headers the API signs (shared/adapters/gcs_store.py): in a bucket's
    # CORS, response_header is also the request headers a preflight may announce.
    assert {header.lower() for header in cors["response_header"]} == {
        "content-type",
        "x-goog-content-length-range",
    }
    source = inspect.getsource(GcsObjectStore.signed_upload)
    assert '"x-goog-content-length-range"' in source and '"content-type"' in source


def test_exports_can_be_fetched_by_the_app(config: Config) -> None:
    exports = config.resource(BUCKET, "exports")
    assert "dynamic" not in exports
    cors = block(exports, "cors")
    assert cors["origin"] == "${local.app_origins}"
    assert cors["method"] == ["GET"]


def test_exports_expire(config: Config) -> None:
    assert {"age": "${var.export_retention_days}"} in delete_conditions(
        config.resource(BUCKET, "exports")
    )


def indexes(config: Config) -> list[tuple[str, str, list[tuple[str, str]]]]:
    return [
        (
            body["collection"],
            body["query_scope"],
            [(field["field_path"], field["order"]) for field in blocks(body, "fields")],
        )
        for resource in config.of_type("google_firestore_index").values()
        for body in instances(config, resource)
    ]


@pytest.mark.parametrize(
    ("listing", "field"), [("list_for_owner", "owner_uid"), ("list_for_team", "team_id")]
)
def test_composite_indexes_cover_the_history_queries(
    config: Config, listing: str, field: str
) -> None:
    # FirestoreJobRepository.list_for_owner (list_for_team): owner_uid == U (team_id == T)
    # [and status == S] order by created_at desc, __name__ desc; both through _listed.
    repository = firestore_jobs.FirestoreJobRepository
    source = inspect.getsource(getattr(repository, listing))
    assert f'FieldFilter("{field}", "=="' in source and source.count("FieldFilter(") == 1
    assert "return self._listed(query, status, limit, after)" in source
    shared = inspect.getsource(repository._listed)
    for needle in (
        'FieldFilter("status", "=="',
        'order_by("created_at", direction=firestore.Query.DESCENDING)',
        "FieldPath.document_id(), direction=firestore.Query.DESCENDING",
    ):
        assert needle in shared, f"the history query changed ({needle}): update the indexes"
    assert shared.count("FieldFilter(") == 1, "another filter needs another index"
    jobs = firestore_jobs.JOBS
    history = [
        (field, "ASCENDING"),
        ("created_at", "DESCENDING"),
        ("__name__", "DESCENDING"),
    ]
    by_status = [*history[:1], ("status", "ASCENDING"), *history[1:]]
    assert (jobs, "COLLECTION", history) in indexes(config)
    assert (jobs, "COLLECTION", by_status) in indexes(config)


def test_a_composite_index_covers_a_teams_invitations(config: Config) -> None:
    # FirestoreInviteRepository.list_for_team: team_id == T order by created_at desc.
    source = inspect.getsource(firestore_teams.FirestoreInviteRepository.list_for_team)
    flat = "".join(source.split())  # as ruff may wrap it
    assert 'FieldFilter("team_id","=="' in flat and flat.count("FieldFilter(") == 1
    assert 'order_by("created_at",direction=firestore.Query.DESCENDING)' in flat
    assert flat.count("order_by(") == 1
    listing = [("team_id", "ASCENDING"), ("created_at", "DESCENDING")]
    assert (firestore_teams.INVITES, "COLLECTION", listing) in indexes(config)


def test_a_users_teams_need_no_composite_index(config: Config) -> None:
    # member_uids array-contains U alone, sorted in Python: the single-field index.
    source = inspect.getsource(firestore_teams.FirestoreTeamRepository.list_for_member)
    assert 'FieldFilter("member_uids", "array_contains", uid)' in source
    assert "order_by" not in source and source.count("FieldFilter(") == 1
    collections = {collection for collection, _, _ in indexes(config)}
    assert firestore_teams.TEAMS not in collections


def test_composite_indexes_cover_the_batches_listings(config: Config) -> None:
    # FirestoreBatchRepository: owner_uid == U, or team_id == T,
    # order by created_at desc, __name__ desc.
    repository = firestore_batches.FirestoreBatchRepository
    source = inspect.getsource(repository._listed)
    for needle in (
        'FieldFilter(field, "=="',
        'order_by("created_at", direction=firestore.Query.DESCENDING)',
        "FieldPath.document_id(), direction=firestore.Query.DESCENDING",
    ):
        assert needle in source, f"the batches query changed ({needle}): update the indexes"
    assert source.count("FieldFilter(") == 1, "another filter needs another index"
    for field, lister in (("owner_uid", "list_for_owner"), ("team_id", "list_for_team")):
        assert f'"{field}"' in inspect.getsource(getattr(repository, lister))
        listing = [(field, "ASCENDING"), ("created_at", "DESCENDING"), ("__name__", "DESCENDING")]
        assert (firestore_batches.BATCHES, "COLLECTION", listing) in indexes(config)


def test_the_webhook_queries_need_no_composite_index(config: Config) -> None:
    # Endpoints: owner_uid == U alone, sorted in Python. A delivery log: ordered by `at`
    # (and the id, in the same direction), filtered on `at` alone: single-field indexes.
    listing = inspect.getsource(firestore_webhooks.FirestoreWebhookRepository.list_for_owner)
    assert 'FieldFilter("owner_uid", "=="' in listing
    assert "order_by" not in listing and listing.count("FieldFilter(") == 1
    log = inspect.getsource(firestore_webhooks.FirestoreWebhookRepository.attempts)
    assert 'order_by("at", direction=firestore.Query.DESCENDING)' in log
    assert "FieldPath.document_id(), direction=firestore.Query.DESCENDING" in log
    assert log.count("FieldFilter(") == 1 and 'FieldFilter("at", "<"' in log
    collections = {collection for collection, _, _ in indexes(config)}
    assert not collections & {firestore_webhooks.WEBHOOKS, firestore_webhooks.DELIVERIES}


def test_expiring_collections_have_ttl_policies_and_no_indexes(config: Config) -> None:
    expiring = {
        (firestore_rate_limiter.SLOTS, firestore_rate_limiter.TTL_FIELD),
        (firestore_quota_ledger.COLLECTION, firestore_quota_ledger.TTL_FIELD),
        (firestore_cache.COLLECTION, "expires_at"),
        (firestore_webhooks.DELIVERIES, firestore_webhooks.TTL_FIELD),
    }
    assert '"expires_at": expires_at' in inspect.getsource(
        firestore_cache.FirestoreRewriteCache.put_many
    )
    assert "document[TTL_FIELD] = attempt.at + LOG_RETENTION" in inspect.getsource(
        firestore_webhooks.attempt_to_document
    )
    fields = {
        (body["collection"], body["field"]): body
        for body in config.of_type("google_firestore_field").values()
    }
    for key in expiring:
        assert key in fields, f"no TTL policy for {key}"
        assert fields[key]["ttl_config"] == [{}], key
        assert fields[key]["index_config"] == [{}], f"{key} should be exempt from indexing"


def test_stored_blobs_are_exempt_from_indexing(config: Config) -> None:
    blobs = {(firestore_jobs.RESULTS, firestore_jobs.PACKED), (firestore_jobs.PAGES, "data")}
    assert '{"data": part}' in inspect.getsource(firestore_jobs.FirestoreJobRepository.save_pages)
    exempt = {
        (instance["collection"], instance["field"])
        for body in config.of_type("google_firestore_field").values()
        for instance in instances(config, body)
        if instance["index_config"] == [{}]
    }
    assert blobs <= exempt, blobs - exempt


def test_firestore_is_native_and_protected(config: Config) -> None:
    database = config.resource("google_firestore_database", "main")
    assert database["type"] == "FIRESTORE_NATIVE"
    assert database["name"] == "${var.firestore_database}"
    assert config.variable_default("firestore_database") == "(default)"
    assert "DELETE_PROTECTION_ENABLED" in database["delete_protection_state"]
    assert config.variable_default("deletion_protection") is True


def test_an_existing_default_database_can_be_kept_and_its_settings_wait_for_a_new_one(
    config: Config,
) -> None:
    # A Firebase project usually has its (default) database: created only when asked.
    database = config.resource("google_firestore_database", "main")
    assert database["count"] == "${var.create_firestore_database ? 1 : 0}"
    assert config.variable_default("create_firestore_database") is True
    first_ttl = config.resource("google_firestore_field", "rate_limit_slots_ttl")
    for body in (*config.of_type("google_firestore_index").values(), first_ttl):
        assert "${google_firestore_database.main}" in body["depends_on"]


SECRET = "google_secret_manager_secret"


def test_the_gemini_secret_is_created_empty(config: Config) -> None:
    secrets = resource_instances(config, SECRET)
    assert set(secrets) == {
        address(SECRET, "keys", "gemini_api_key"),
        address(SECRET, "keys", "webhook_signing_key"),
        address(SECRET, "google_oauth_client_secret"),
    }
    key = secrets[address(SECRET, "keys", "gemini_api_key")]
    assert key["replication"] == [{"auto": [{}]}]
    # The code's name, prefixed like the deployment's other names.
    assert key["secret_id"] == "${var.name_prefix}-" + GEMINI_API_KEY_SECRET
    assert Settings.model_fields["gemini_key_secret"].default == GEMINI_API_KEY_SECRET
    assert not config.of_type("google_secret_manager_secret_version")
    assert not config.of_type("google_secret_manager_regional_secret_version")
    # Terraform writes no secret's value, and reads only the Google sign-in client's.
    assert secret_values_in_configuration(config) == {
        "written in": set(),
        "google_oauth_client_secret": {
            "google_secret_manager_secret.google_oauth_client_secret.id"
        },
    }


def test_only_the_functions_read_the_gemini_secret(config: Config) -> None:
    accessors = config.of_type("google_secret_manager_secret_iam_member")
    assert set(accessors) == {"key_accessors"}
    readers = secret_readers(config, "gemini_api_key")
    assert readers == {
        role: f"google_service_account.{role}.email" for role in ("api", "trigger", "worker")
    }
    assert not config.of_type("google_secret_manager_secret_iam_binding")
    assert not config.of_type("google_secret_manager_secret_iam_policy")
    assert "secretmanager" not in json.dumps(config.of_type("google_project_iam_member"))


def test_bucket_grants_follow_what_each_function_does(config: Config) -> None:
    grants = set()
    for resource in config.of_type("google_storage_bucket_iam_member").values():
        for body in instances(config, resource):
            member = reference(body["member"].removeprefix("serviceAccount:"))
            grants.add((reference(body["bucket"]), body["role"], member))
    account = "google_service_account.{}.email".format
    uploads, exports, quarantine = (
        f"google_storage_bucket.{name}.name" for name in ("uploads", "exports", "quarantine")
    )
    # Infected uploads: the trigger only creates them in quarantine; nobody reads them.
    assert {grant for grant in grants if grant[0] == quarantine} == {
        (quarantine, "roles/storage.objectCreator", account("trigger"))
    }
    assert grants == {
        (quarantine, "roles/storage.objectCreator", account("trigger")),
        (uploads, "roles/storage.objectViewer", account("scanner")),
        (uploads, "roles/storage.objectAdmin", account("api")),
        (uploads, "roles/storage.legacyBucketReader", account("api")),
        (uploads, "roles/storage.objectAdmin", account("trigger")),
        (uploads, "roles/storage.objectViewer", account("worker")),
        (exports, "roles/storage.objectAdmin", account("api")),
        (exports, "roles/storage.objectAdmin", account("worker")),
    }
