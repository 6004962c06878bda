import { useId } from "preact/hooks";
import type { Schemas } from "../api/client";
import { t } from "../i18n";
import { messageFor } from "../i18n/errorMessage";
import type { Me } from "../state/session";

export type JobSettings = Schemas["SettingsIn"];
type Engine = Schemas["Engine"];

export const MIN_LENGTH = 3;
export const MAX_LENGTH = 50;

/** The engines a user may pick: automatic, and those their plan includes. */
export function enginesFor(me: Me | null): Engine[] {
  const planned = (me?.plan.engines ?? ["offline"]).filter(
    (e): e is Engine => e === "offline" || e === "gemini",
  );
  return ["auto", ...planned];
}

export function validLength(value: number | undefined): boolean {
  return (
    value !== undefined && Number.isInteger(value) && value >= MIN_LENGTH && value <= MAX_LENGTH
  );
}

interface Props {
  value: JobSettings;
  onChange: (value: JobSettings) => void;
  me: Me | null;
}

/** Sentence length, engine and dialogue: the settings a job is made with. */
export function JobSettingsFields({ value, onChange, me }: Props) {
  const id = useId();
  const engines = enginesFor(me);
  const lengthOk = validLength(value.sentence_length_limit);
  return (
    <fieldset class="settings-fields">
      <legend>{t.settingsLegend}</legend>
      <div class="field">
        <label for={`${id}-length`}>{t.sentenceLength}</label>
        <input
          id={`${id}-length`}
          type="number"
          inputMode="numeric"
          min={MIN_LENGTH}
          max={MAX_LENGTH}
          step={1}
          required
          value={value.sentence_length_limit ?? 8}
          aria-invalid={lengthOk ? undefined : true}
          aria-describedby={lengthOk ? `${id}-length-hint` : `${id}-length-error ${id}-length-hint`}
          onInput={(e) =>
            onChange({ ...value, sentence_length_limit: e.currentTarget.valueAsNumber })
          }
        />
        {!lengthOk && (
          <p id={`${id}-length-error`} class="error-inline">
            {messageFor("INVALID_LIMIT")}
          </p>
        )}
        <p id={`${id}-length-hint`} class="hint">
          {t.sentenceLengthHint}
        </p>
      </div>
      <div class="field">
        <label for={`${id}-engine`}>{t.engine}</label>
        <select
          id={`${id}-engine`}
          value={engines.includes(value.engine ?? "auto") ? value.engine : "auto"}
          onChange={(e) => onChange({ ...value, engine: e.currentTarget.value as Engine })}
        >
          {engines.map((engine) => (
            <option key={engine} value={engine}>
              {t[`engine_${engine}`]}
            </option>
          ))}
        </select>
      </div>
      <div class="field field-check">
        <input
          id={`${id}-dialogue`}
          type="checkbox"
          checked={value.keep_dialogue ?? false}
          onChange={(e) => onChange({ ...value, keep_dialogue: e.currentTarget.checked })}
        />
        <label for={`${id}-dialogue`}>{t.keepDialogue}</label>
      </div>
    </fieldset>
  );
}
