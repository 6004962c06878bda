"""UserDirectory on Firebase Auth (the Auth emulator locally): a user's plan is the
`role` custom claim, set with firebase-admin, which keeps the user's other claims."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import firebase_admin
from firebase_admin import auth, credentials, exceptions
from google.auth.exceptions import TransportError

from shared.adapters.firebase_tokens import anonymous_credential
from shared.domain.errors import Unavailable, UserNotFound

PLAN_CLAIM = "role"


class FirebaseUserDirectory:
    def __init__(self, project_id: str, production: bool) -> None:
        credential = credentials.ApplicationDefault() if production else anonymous_credential()
        self._app = firebase_admin.initialize_app(
            credential, {"projectId": project_id}, name=f"user-directory-{uuid.uuid4().hex}"
        )

    def plan_of(self, uid: str) -> str | None:
        plan = self._claims(uid).get(PLAN_CLAIM)
        return plan if isinstance(plan, str) else None

    def set_plan(self, uid: str, plan: str) -> None:
        claims = {**self._claims(uid), PLAN_CLAIM: plan}
        with _auth_errors(uid):
            auth.set_custom_user_claims(uid, claims, app=self._app)

    def _claims(self, uid: str) -> dict[str, Any]:
        with _auth_errors(uid):
            user = auth.get_user(uid, app=self._app)
        return dict(user.custom_claims or {})


@contextmanager
def _auth_errors(uid: str) -> Iterator[None]:
    """Firebase Auth's errors in the product's terms: no such user (404), or an outage
    (503, try again)."""
    try:
        yield
    except auth.UserNotFoundError as error:
        raise UserNotFound("No such user.", details={"uid": uid[:128]}) from error
    except (exceptions.UnavailableError, exceptions.DeadlineExceededError) as error:
        raise Unavailable("Firebase Auth did not answer; try again.") from error
    except TransportError as error:
        raise Unavailable("Firebase Auth could not be reached; try again.") from error
