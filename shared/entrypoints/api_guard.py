"""Who calls the API, and whether they may: Firebase users, counted against their
role's quotas."""

from __future__ import annotations

from dataclasses import dataclass

import flask

from shared.domain.users import User
from shared.ratelimit import Decision, EndpointClass, check_rate_limit
from shared.service.deps import Deps
from shared.service.ports import UserVerifier
from shared.service.usage_counting import count_requests


@dataclass(frozen=True, slots=True)
class ApiGuard:
    """The API's callers: Firebase users, counted against their role's quotas."""

    users: UserVerifier
    deps: Deps
    origins: frozenset[str]

    def authenticate(self, request: flask.Request) -> User:
        return self.users.verify(request.headers.get("Authorization"))

    def admit(self, user: User, rate_class: EndpointClass) -> Decision | None:
        deps = self.deps
        decision = check_rate_limit(
            deps.rate_limiters[rate_class],
            deps.rate_policy,
            user.uid,
            user.role,
            rate_class,
            deps.clock(),
        )
        count_requests(deps, user, rate_class)  # admitted: counted for usage analytics
        return decision

    def allowed_origins(self) -> frozenset[str]:
        return self.origins
