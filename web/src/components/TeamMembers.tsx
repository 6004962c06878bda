import { useState } from "preact/hooks";
import { unwrap, type Schemas } from "../api/client";
import { t } from "../i18n";
import { useAction, useLoad } from "../state/hooks";
import { useSession, type Team } from "../state/session";
import { ConfirmDeletion } from "./ConfirmDeletion";
import { ErrorBox } from "./ErrorBox";
import { Table } from "./Table";

type Role = Schemas["TeamRole"];

export function roleText(role: Role | null): string {
  return role ? t[`role_${role}`] : "";
}

/** A team's members and roles; owners change roles and remove members, anyone leaves. */
export function TeamMembers({ team, onLeft }: { team: Team; onLeft: () => void }) {
  const { api, user, refreshTeams, announce } = useSession();
  const path = { params: { path: { team_id: team.team_id } } };
  const owner = team.role === "owner";
  const view = useLoad(
    () => unwrap(api.GET("/api/v1/teams/{team_id}", path)),
    [team.team_id, team.role],
  );
  const [removing, setRemoving] = useState<string | null>(null); // a uid; the user's: leaving
  // Members are shown by the address they joined with (older members by their id).
  const nameOf = (uid: string) => {
    const email = view.data?.members.find((m) => m.uid === uid)?.email ?? null;
    return uid === user.uid ? t.memberYou(user.email ?? email ?? uid) : (email ?? uid);
  };
  const member = (uid: string) => ({
    params: { path: { team_id: team.team_id, uid } },
  });

  const setRole = useAction(async (uid: string, role: Role) => {
    const changed = await unwrap(
      api.PUT("/api/v1/teams/{team_id}/members/{uid}", { ...member(uid), body: { role } }),
    );
    view.setData(changed);
    announce(t.roleChanged(nameOf(uid), roleText(role)));
    if (uid === user.uid) refreshTeams();
  });
  const remove = useAction(async () => {
    if (!removing) return;
    await unwrap(api.DELETE("/api/v1/teams/{team_id}/members/{uid}", member(removing)));
    setRemoving(null);
    if (removing === user.uid) {
      announce(t.left(team.name));
      refreshTeams();
      onLeft();
    } else {
      announce(t.memberRemoved(nameOf(removing)));
      view.reload();
    }
  });
  const leaving = removing === user.uid;

  return (
    <>
      <ErrorBox error={view.error} onRetry={view.reload} />
      {view.loading && !view.data && <p role="status">{t.loading}</p>}
      {view.data && (
        <Table
          caption={t.membersCaption(team.name)}
          columns={owner ? [t.colMember, t.colRole, t.colActions] : [t.colMember, t.colRole]}
        >
          {view.data.members.map(({ uid, role }) => (
            <tr key={uid}>
              <th scope="row">{nameOf(uid)}</th>
              <td>{roleText(role)}</td>
              {owner && (
                <td>
                  <div class="actions">
                    <button
                      type="button"
                      onClick={() => void setRole.run(uid, role === "owner" ? "member" : "owner")}
                      disabled={setRole.pending}
                    >
                      {role === "owner" ? t.makeMember : t.makeOwner}
                      <span class="visually-hidden"> ({nameOf(uid)})</span>
                    </button>
                    {uid !== user.uid && (
                      <button type="button" class="danger" onClick={() => setRemoving(uid)}>
                        {t.removeMember}
                        <span class="visually-hidden"> ({nameOf(uid)})</span>
                      </button>
                    )}
                  </div>
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
      <ErrorBox error={setRole.error} />
      <div class="button-row">
        <button type="button" onClick={() => setRemoving(user.uid)}>
          {t.leaveTeam}
        </button>
      </div>
      {removing && (
        <ConfirmDeletion
          title={leaving ? t.leaveTitle(team.name) : t.removeMemberTitle}
          body={leaving ? t.leaveBody(team.name) : t.removeMemberBody(nameOf(removing), team.name)}
          confirm={leaving ? t.confirmLeave : t.confirmRemove}
          remove={remove}
          onClose={() => {
            remove.clear();
            setRemoving(null);
          }}
        />
      )}
    </>
  );
}
