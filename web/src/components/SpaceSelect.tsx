import { useId } from "preact/hooks";
import { t } from "../i18n";
import { useSession } from "../state/session";

/** Where books go and which are listed: the user's own, or one of their teams'. */
export function SpaceSelect() {
  const { teams, space, setSpace } = useSession();
  const id = useId();
  if (teams.length === 0) return null;
  return (
    <div class="field field-inline">
      <label for={id}>{t.space}</label>
      <select id={id} value={space} onChange={(e) => setSpace(e.currentTarget.value)}>
        <option value="me">{t.mySpace}</option>
        {teams.map((team) => (
          <option key={team.team_id} value={`team:${team.team_id}`}>
            {t.teamSpace(team.name)}
          </option>
        ))}
      </select>
    </div>
  );
}
