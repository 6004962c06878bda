"""What the deep health check probes: one cheap read of each Google service in use."""

from __future__ import annotations

import google.cloud.storage as storage
from google.cloud import firestore, tasks_v2

from shared.service.health import Probe
from shared.service.ports import SecretSource

# Each probe's own deadline for its call, under the health check's overall one.
PROBE_TIMEOUT_SECONDS = 4.0


def google_probes(
    database: firestore.Client,
    storage_client: storage.Client,
    tasks_client: tasks_v2.CloudTasksClient,
    *,
    uploads_bucket: str,
    queue_path: str,
) -> dict[str, Probe]:
    def firestore_probe() -> None:
        database.collection("health").document("probe").get(timeout=PROBE_TIMEOUT_SECONDS)

    def storage_probe() -> None:
        storage_client.get_bucket(uploads_bucket, timeout=PROBE_TIMEOUT_SECONDS)

    def tasks_probe() -> None:
        tasks_client.get_queue(name=queue_path, timeout=PROBE_TIMEOUT_SECONDS)

    return {"firestore": firestore_probe, "storage": storage_probe, "tasks": tasks_probe}


def secret_probe(secrets: SecretSource, name: str, *, production: bool) -> Probe:
    def probe() -> str | None:
        if not production:
            return "local runs read secrets from the environment"
        secrets.get(name)
        return None

    return probe
