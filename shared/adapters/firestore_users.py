"""UserSettingsRepository on Firestore: `users/{uid}` holds the user's saved settings."""

from __future__ import annotations

from typing import Any

from google.cloud import firestore

from shared.adapters.firestore_ids import document_id
from shared.adapters.transient import transient_errors_as_unavailable
from shared.domain.jobs import Engine, JobSettings
from shared.domain.users import UserSettings

USERS = "users"


class FirestoreUserSettings:
    def __init__(self, client: firestore.Client) -> None:
        self._users = client.collection(USERS)

    @transient_errors_as_unavailable
    def get(self, uid: str) -> UserSettings | None:
        snapshot = self._users.document(document_id(uid)).get()
        saved = (snapshot.to_dict() or {}).get("settings") if snapshot.exists else None
        return settings_from_document(saved) if saved else None

    @transient_errors_as_unavailable
    def put(self, uid: str, settings: UserSettings) -> None:
        self._users.document(document_id(uid)).set(
            {"settings": settings_to_document(settings), "updated_at": firestore.SERVER_TIMESTAMP},
            merge=True,
        )


def settings_to_document(settings: UserSettings) -> dict[str, Any]:
    job = settings.job
    return {
        "sentence_length_limit": job.sentence_length_limit,
        "engine": str(job.engine),
        "keep_dialogue": job.keep_dialogue,
        "min_sentence_words": settings.min_sentence_words,
        "export_format": settings.export_format,
        "export_columns": list(settings.export_columns),
    }


def settings_from_document(document: dict[str, Any]) -> UserSettings:
    job = JobSettings(
        document["sentence_length_limit"], Engine(document["engine"]), document["keep_dialogue"]
    )
    return UserSettings(
        job,
        document["min_sentence_words"],
        document["export_format"],
        tuple(document["export_columns"]),
    )
