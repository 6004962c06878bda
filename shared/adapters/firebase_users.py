"""UserDirectory on Firebase Auth (the Auth emulator locally): a user's plan is the
`role` custom claim, set with firebase-admin, which keeps the user's other claims."""

from __future__ import annotations

import uuid
from typing import Any

import firebase_admin
from firebase_admin import auth, credentials

from shared.adapters.firebase_tokens import anonymous_credential
from shared.adapters.transient import transient_errors_as_unavailable
from shared.domain.errors import UserNotFound

PLAN_CLAIM = "role"


class FirebaseUserDirectory:
    def __init__(self, project_id: str, production: bool) -> None:
        credential = credentials.ApplicationDefault() if production else anonymous_credential()
        self._app = firebase_admin.initialize_app(
            credential, {"projectId": project_id}, name=f"user-directory-{uuid.uuid4().hex}"
        )

    @transient_errors_as_unavailable
    def plan_of(self, uid: str) -> str | None:
        plan = self._claims(uid).get(PLAN_CLAIM)
        return plan if isinstance(plan, str) else None

    @transient_errors_as_unavailable
    def set_plan(self, uid: str, plan: str) -> None:
        claims = {**self._claims(uid), PLAN_CLAIM: plan}
        auth.set_custom_user_claims(uid, claims, app=self._app)

    def _claims(self, uid: str) -> dict[str, Any]:
        try:
            user = auth.get_user(uid, app=self._app)
        except auth.UserNotFoundError as error:
            raise UserNotFound("No such user.", details={"uid": uid[:128]}) from error
        return dict(user.custom_claims or {})
