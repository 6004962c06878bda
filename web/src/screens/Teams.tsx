import { useEffect, useRef, useState } from "preact/hooks";
import type { Schemas } from "../api/client";
import { unwrap } from "../api/client";
import { ErrorBox } from "../components/ErrorBox";
import { Screen } from "../components/Screen";
import { roleText, TeamMembers } from "../components/TeamMembers";
import { t } from "../i18n";
import { useAction } from "../state/hooks";
import { useSession, type Team } from "../state/session";

type Role = Schemas["TeamRole"];

export function Teams() {
  const { teams } = useSession();
  const invite = new URLSearchParams(window.location.search).get("invite") ?? "";
  const heading = useRef<HTMLHeadingElement>(null);
  const left = useRef(false);
  useEffect(() => {
    // The team just left is gone from the list (with the focus): it goes to the heading.
    if (left.current) heading.current?.focus();
    left.current = false;
  }, [teams]);
  return (
    <Screen title={t.teamsTitle}>
      <section aria-labelledby="your-teams">
        <h2 id="your-teams" tabIndex={-1} ref={heading}>
          {t.yourTeams}
        </h2>
        {teams.length === 0 ? (
          <p>{t.noTeams}</p>
        ) : (
          <ul class="teams">
            {teams.map((team) => (
              <TeamItem key={team.team_id} team={team} onLeft={() => (left.current = true)} />
            ))}
          </ul>
        )}
      </section>
      <CreateTeam />
      <AcceptInvite initial={invite} />
    </Screen>
  );
}

function TeamItem({ team, onLeft }: { team: Team; onLeft: () => void }) {
  return (
    <li class="team">
      <h3>{team.name}</h3>
      <p class="muted">
        {t.teamPlan(team.plan)} · {t.yourRole(roleText(team.role))}
      </p>
      <TeamMembers team={team} onLeft={onLeft} />
      {team.role === "owner" && <InviteForm team={team} />}
    </li>
  );
}

function InviteForm({ team }: { team: Team }) {
  const { api } = useSession();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [made, setMade] = useState<Schemas["InviteCreated"] | null>(null);
  const id = `invite-${team.team_id}`;
  const send = useAction(async () => {
    setMade(
      await unwrap(
        api.POST("/api/v1/teams/{team_id}/invites", {
          params: { path: { team_id: team.team_id } },
          body: { email: email.trim(), role },
        }),
      ),
    );
    setEmail("");
  });
  return (
    <form
      class="stack"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void send.run();
      }}
    >
      <h4 id={`${id}-title`}>{t.inviteTitle(team.name)}</h4>
      <div class="field-row">
        <div class="field">
          <label for={`${id}-email`}>{t.email}</label>
          <input
            id={`${id}-email`}
            type="email"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for={`${id}-role`}>{t.inviteRole}</label>
          <select
            id={`${id}-role`}
            value={role}
            onChange={(e) => setRole(e.currentTarget.value as Role)}
          >
            <option value="member">{t.role_member}</option>
            <option value="owner">{t.role_owner}</option>
          </select>
        </div>
      </div>
      <ErrorBox error={send.error} />
      <button type="submit" disabled={send.pending}>
        {t.sendInvite}
      </button>
      <div role="status">
        {made && (
          <p>
            {t.inviteToken(made.invite.email)} <code class="token">{made.token}</code>
          </p>
        )}
      </div>
    </form>
  );
}

function CreateTeam() {
  const { api, refreshTeams, announce } = useSession();
  const [name, setName] = useState("");
  const create = useAction(async () => {
    const team = await unwrap(api.POST("/api/v1/teams", { body: { name: name.trim() } }));
    setName("");
    refreshTeams();
    announce(t.teamCreated(team.name));
  });
  return (
    <section aria-labelledby="create-team">
      <h2 id="create-team">{t.createTeamTitle}</h2>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run();
        }}
      >
        <div class="field">
          <label for="team-name">{t.teamName}</label>
          <input
            id="team-name"
            required
            maxLength={100}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <ErrorBox error={create.error} />
        <button type="submit" disabled={create.pending}>
          {t.createTeam}
        </button>
      </form>
    </section>
  );
}

function AcceptInvite({ initial }: { initial: string }) {
  const { api, refreshTeams } = useSession();
  const [token, setToken] = useState(initial);
  const [joined, setJoined] = useState("");
  const accept = useAction(async () => {
    const team = await unwrap(
      api.POST("/api/v1/invites/accept", { body: { token: token.trim() } }),
    );
    setToken("");
    setJoined(t.joined(team.name));
    refreshTeams();
  });
  return (
    <section aria-labelledby="accept-invite">
      <h2 id="accept-invite">{t.acceptTitle}</h2>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void accept.run();
        }}
      >
        <div class="field">
          <label for="invite-token">{t.inviteTokenLabel}</label>
          <input
            id="invite-token"
            required
            autocomplete="off"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </div>
        <ErrorBox error={accept.error} />
        <button type="submit" disabled={accept.pending}>
          {t.acceptInvite}
        </button>
        <p role="status" class="notice">
          {joined}
        </p>
      </form>
    </section>
  );
}
