"""Where new work goes: the caller's own space, or a team's, whose plan then applies.

In a team's space the team's plan sets the limits and the team's books a day are
counted together; jobs at once are still counted per person (the one who starts them).
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.ids import TeamId
from shared.domain.plans import plan_of
from shared.domain.teams import Team
from shared.service.access import member_team
from shared.service.deps import Deps


@dataclass(frozen=True, slots=True)
class Space:
    uid: str  # who makes the work
    plan: str  # the plan that applies
    team: Team | None = None

    @classmethod
    def of(cls, deps: Deps, uid: str, team_id: TeamId | None, user_plan: str) -> Space:
        """The caller's own space, or the team's if they are a member (else 404)."""
        if team_id is None:
            return cls(uid, plan_of(user_plan))
        team = member_team(deps, uid, team_id)
        return cls(uid, plan_of(team.plan), team)

    @property
    def team_id(self) -> TeamId | None:
        return self.team.id if self.team is not None else None

    @property
    def quota_key(self) -> str:
        """Whose books a day these are."""
        return f"team:{self.team.id}" if self.team is not None else self.uid
