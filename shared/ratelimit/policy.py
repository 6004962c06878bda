"""Who may make how many requests: quotas by role and endpoint class, with overrides from config.

Overrides are JSON, by role then class, each a `[limit, window_seconds]` pair or `null`
for unlimited; what they do not name keeps its default:

    {"free": {"processing": [5, 3600]}, "premium": {"reads": null}}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StrictInt, TypeAdapter, ValidationError

from shared.ratelimit.windows import Quota

HOUR = 3600
MINUTE = 60


class EndpointClass(StrEnum):
    PROCESSING = "processing"  # uploads, process-pdf, retry, duplicate, estimate
    EXPORTS = "exports"
    READS = "reads"


class Role(StrEnum):
    FREE = "free"
    PREMIUM = "premium"
    ADMIN = "admin"


_ROLES = {str(role): role for role in Role}


def role_of(claim: str | None) -> Role:
    """The role a custom claim names; anything else gets the least: free."""
    return _ROLES.get(claim or "", Role.FREE)


@dataclass(frozen=True, slots=True)
class RateLimitPolicy:
    """A quota (None: unlimited) for every role and endpoint class."""

    quotas: Mapping[Role, Mapping[EndpointClass, Quota | None]]

    def __post_init__(self) -> None:
        missing = [
            f"{r}/{e}" for r in Role for e in EndpointClass if e not in self.quotas.get(r, {})
        ]
        if missing:
            # A gap must not silently read as "unlimited".
            raise ValueError(f"the rate-limit policy has no quota for {', '.join(missing)}")

    def quota_for(self, role: str, endpoint: EndpointClass) -> Quota | None:
        return self.quotas[role_of(role)][endpoint]


DEFAULT_POLICY = RateLimitPolicy(
    {
        Role.FREE: {
            EndpointClass.PROCESSING: Quota(10, HOUR),
            EndpointClass.EXPORTS: Quota(30, HOUR),
            EndpointClass.READS: Quota(300, MINUTE),
        },
        Role.PREMIUM: {
            EndpointClass.PROCESSING: Quota(100, HOUR),
            EndpointClass.EXPORTS: Quota(300, HOUR),
            EndpointClass.READS: Quota(1200, MINUTE),
        },
        Role.ADMIN: dict.fromkeys(EndpointClass),
    }
)

_Positive = Annotated[StrictInt, Field(ge=1)]
_Overrides = TypeAdapter(dict[Role, dict[EndpointClass, tuple[_Positive, _Positive] | None]])


def policy_from_json(
    overrides: str | None, base: RateLimitPolicy = DEFAULT_POLICY
) -> RateLimitPolicy:
    """`base` with the quotas `overrides` names replaced; None or blank keeps `base`.

    Raises ValueError naming what is wrong (bad JSON, an unknown role or class, a limit
    or window that is not a positive integer).
    """
    if overrides is None or not overrides.strip():
        return base
    try:
        parsed = _Overrides.validate_json(overrides)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'top level'}: {item['msg']}"
            for item in error.errors(include_url=False)
        )
        raise ValueError(f"invalid rate-limit configuration: {problems}") from error
    return RateLimitPolicy(
        {
            role: {
                **base.quotas[role],
                **{
                    endpoint: None if pair is None else Quota(*pair)
                    for endpoint, pair in parsed.get(role, {}).items()
                },
            }
            for role in Role
        }
    )
