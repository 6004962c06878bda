"""The API's route table and what its route modules share: the prefix, the rate classes
and how a handler reads the caller's saved settings and Google token."""

from __future__ import annotations

from typing import Any

from shared.domain.users import User, UserSettings
from shared.http.router import Call, Routes
from shared.ratelimit import EndpointClass
from shared.service.deps import Deps
from shared.service.exports import GOOGLE_TOKEN_HEADER
from shared.service.user_settings import settings_of

PREFIX = "/api/v1"
PROCESSING, EXPORTS = EndpointClass.PROCESSING, EndpointClass.EXPORTS

routes: Routes[Deps] = Routes()


def google_token(call: Call[Any, Any]) -> str | None:
    """The user's Google OAuth access token, passed through, never stored or logged."""
    return call.request.headers.get(GOOGLE_TOKEN_HEADER) or None


def saved_settings(deps: Deps, user: User) -> UserSettings:
    return settings_of(deps.users, user.uid)
