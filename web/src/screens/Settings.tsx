import { useEffect, useState } from "preact/hooks";
import { unwrap } from "../api/client";
import { ErrorBox } from "../components/ErrorBox";
import { JobSettingsFields, validLength, type JobSettings } from "../components/JobSettingsFields";
import { Screen } from "../components/Screen";
import { t } from "../i18n";
import { useAction } from "../state/hooks";
import { useSession, type Settings as UserSettings } from "../state/session";

type Column = NonNullable<UserSettings["export_columns"]>[number];
type Format = NonNullable<UserSettings["export_format"]>;
const COLUMNS: Column[] = ["index", "sentence", "original", "page", "word_count", "method"];
const FORMATS: Format[] = ["csv", "xlsx", "google_sheets"];

export function Settings() {
  const { api, me, settings: saved, setSettings: setSaved, announce } = useSession();
  const [form, setForm] = useState<UserSettings | null>(saved);
  const [message, setMessage] = useState("");
  useEffect(() => {
    if (saved && !form) setForm(saved);
  }, [saved]);

  const save = useAction(async () => {
    if (!form) return;
    const stored = await unwrap(api.PUT("/api/v1/settings", { body: form }));
    setSaved(stored);
    setMessage(t.settingsSaved);
    announce(t.settingsSaved);
  });

  if (!form) {
    return (
      <Screen title={t.settingsTitle}>
        <p role="status">{t.loading}</p>
      </Screen>
    );
  }
  const columns = form.export_columns ?? COLUMNS;
  const noColumn = columns.length === 0;
  const job: JobSettings = {
    sentence_length_limit: form.sentence_length_limit,
    engine: form.engine,
    keep_dialogue: form.keep_dialogue,
  };
  const change = (value: Partial<UserSettings>) => {
    setMessage("");
    setForm({ ...form, ...value });
  };
  return (
    <Screen title={t.settingsTitle}>
      <p>{t.settingsIntro}</p>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (!noColumn && validLength(form.sentence_length_limit)) void save.run();
        }}
      >
        <JobSettingsFields value={job} onChange={(value) => change(value)} me={me} />
        <div class="field">
          <label for="min-words">{t.minWords}</label>
          <input
            id="min-words"
            type="number"
            min={1}
            max={10}
            required
            value={form.min_sentence_words ?? 1}
            onInput={(e) => change({ min_sentence_words: e.currentTarget.valueAsNumber })}
          />
        </div>
        <div class="field">
          <label for="export-format">{t.exportFormat}</label>
          <select
            id="export-format"
            value={form.export_format}
            onChange={(e) => change({ export_format: e.currentTarget.value as Format })}
          >
            {FORMATS.map((format) => (
              <option key={format} value={format}>
                {t[`format_${format}`]}
              </option>
            ))}
          </select>
        </div>
        <fieldset aria-describedby={noColumn ? "columns-error" : undefined}>
          <legend>{t.exportColumns}</legend>
          {COLUMNS.map((column) => (
            <div key={column} class="field field-check">
              <input
                id={`column-${column}`}
                type="checkbox"
                checked={columns.includes(column)}
                onChange={(e) =>
                  change({
                    export_columns: e.currentTarget.checked
                      ? COLUMNS.filter((c) => c === column || columns.includes(c))
                      : columns.filter((c) => c !== column),
                  })
                }
              />
              <label for={`column-${column}`}>{t[`col_${column}`]}</label>
            </div>
          ))}
          {noColumn && (
            <p id="columns-error" class="error" role="alert">
              {t.oneColumnAtLeast}
            </p>
          )}
        </fieldset>
        <ErrorBox error={save.error} />
        <button type="submit" class="primary" disabled={save.pending || noColumn}>
          {t.saveSettings}
        </button>
        <p role="status" class="notice">
          {message}
        </p>
      </form>
    </Screen>
  );
}
