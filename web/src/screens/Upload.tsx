import { useEffect, useId, useState } from "preact/hooks";
import { ErrorBox } from "../components/ErrorBox";
import {
  enginesFor,
  JobSettingsFields,
  validLength,
  type JobSettings,
} from "../components/JobSettingsFields";
import { Facts } from "../components/Facts";
import { Screen } from "../components/Screen";
import { SpaceSelect } from "../components/SpaceSelect";
import { bytes, count } from "../format";
import { errorMessage } from "../i18n/errorMessage";
import { t } from "../i18n";
import { useAction } from "../state/hooks";
import { useSession, type Me } from "../state/session";
import {
  checkFile,
  estimate,
  excludes,
  problemOf,
  settingsKey,
  wantsEstimate,
  type Candidate,
} from "../upload/candidates";
import { startBooks } from "../upload/start";

export function Upload() {
  const { api, me, settings: saved, space } = useSession();
  const [settings, setSettings] = useState<JobSettings>({
    sentence_length_limit: 8,
    engine: "auto",
    keep_dialogue: false,
  });
  const [candidates, setCandidates] = useState<Candidate[]>([]);
  const [dragging, setDragging] = useState(false);
  const [invalid, setInvalid] = useState(false);
  const inputId = useId();

  // The user's saved defaults, once known (within what their plan allows).
  useEffect(() => {
    if (!saved) return;
    const engine = enginesFor(me).includes(saved.engine ?? "auto") ? saved.engine : "auto";
    setSettings({
      sentence_length_limit: saved.sentence_length_limit,
      engine,
      keep_dialogue: saved.keep_dialogue,
    });
  }, [saved, me]);

  const update = (key: number, change: Partial<Candidate>) =>
    setCandidates((list) => list.map((c) => (c.key === key ? { ...c, ...change } : c)));

  const runEstimate = async (candidate: Candidate, withSettings: JobSettings) => {
    if (!wantsEstimate(candidate, me) || !validLength(withSettings.sentence_length_limit)) return;
    update(candidate.key, { estimating: true, estimateError: null });
    try {
      const result = await estimate(api, candidate.file, withSettings);
      update(candidate.key, {
        estimate: result,
        estimating: false,
        estimatedFor: settingsKey(withSettings),
      });
    } catch (error) {
      update(candidate.key, {
        estimating: false,
        estimateError: error as Candidate["estimateError"],
      });
    }
  };

  const addFiles = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    const checked = await Promise.all(Array.from(files).map(checkFile));
    setCandidates((list) => [...list, ...checked]);
    for (const candidate of checked) await runEstimate(candidate, settings); // one at a time
  };

  const startable = candidates.filter((c) => !excludes(c, me));
  const start = useAction(async () => {
    if (startable.length === 0 || !validLength(settings.sentence_length_limit)) {
      setInvalid(true);
      return;
    }
    await startBooks(
      api,
      startable.map((c) => c.file),
      settings,
      space,
    );
  });

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void addFiles(event.dataTransfer?.files ?? null);
  };

  return (
    <Screen title={t.uploadTitle}>
      <form
        class="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void start.run();
        }}
      >
        <div
          class={dragging ? "dropzone dragging" : "dropzone"}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <p>{t.dropZone}</p>
          <input
            id={inputId}
            class="file-input"
            type="file"
            accept="application/pdf,.pdf"
            multiple
            onChange={(e) => {
              const input = e.currentTarget;
              void addFiles(input.files).then(() => {
                input.value = ""; // the same file may be chosen again
              });
            }}
          />
          <label for={inputId} class="file-label">
            {t.chooseFiles}
          </label>
          {me && <p class="hint">{t.planHint(me.plan.file_mb, me.plan.name)}</p>}
        </div>

        {candidates.length > 0 && (
          <section aria-labelledby="files-heading">
            <h2 id="files-heading">{t.filesTitle}</h2>
            <ul class="candidates">
              {candidates.map((candidate) => (
                <CandidateItem
                  key={candidate.key}
                  candidate={candidate}
                  me={me}
                  settings={settings}
                  onRemove={() =>
                    setCandidates((list) => list.filter((c) => c.key !== candidate.key))
                  }
                  onEstimate={() => void runEstimate(candidate, settings)}
                />
              ))}
            </ul>
          </section>
        )}

        <JobSettingsFields value={settings} onChange={setSettings} me={me} />
        <SpaceSelect />

        {invalid && startable.length === 0 && (
          <p class="error" role="alert">
            {t.nothingToStart}
          </p>
        )}
        <ErrorBox error={start.error} onRetry={() => void start.run()} />
        <button type="submit" class="primary" disabled={start.pending}>
          {start.pending ? t.starting : t.start(Math.max(startable.length, 1))}
        </button>
      </form>
    </Screen>
  );
}

interface ItemProps {
  candidate: Candidate;
  me: Me | null;
  settings: JobSettings;
  onRemove: () => void;
  onEstimate: () => void;
}

function CandidateItem({ candidate, me, settings, onRemove, onEstimate }: ItemProps) {
  const { file, estimate: found, estimateError, estimating, estimatedFor } = candidate;
  const problem = problemOf(candidate, me);
  const stale = found !== null && estimatedFor !== settingsKey(settings);
  return (
    <li class="candidate">
      <div class="candidate-head">
        <span class="filename">{file.name}</span> <span class="muted">{bytes(file.size)}</span>
        <button type="button" class="link-button" onClick={onRemove}>
          {t.remove}
          <span class="visually-hidden"> {file.name}</span>
        </button>
      </div>
      {problem && (
        <p class="error" role="alert">
          {file.name}: {errorMessage(problem)}
        </p>
      )}
      {!problem && !wantsEstimate(candidate, me) && <p class="hint">{t.estimateTooLarge}</p>}
      {estimating && <p role="status">{t.estimating}</p>}
      {estimateError && !problem && <ErrorBox error={estimateError} onRetry={onEstimate} />}
      {found && !estimating && !problem && (
        <>
          <Facts
            facts={[
              [t.estimatePages, count(found.pages)],
              [t.estimateSentences, count(found.source_sentences)],
              [
                t.estimateOver(settings.sentence_length_limit ?? 8),
                count(found.sentences_over_limit),
              ],
              [t.estimateCalls, count(found.expected_calls)],
            ]}
          />
          {found.scanned && <p class="hint">{t.estimateScanned}</p>}
          {stale && (
            <p class="hint">
              {t.estimateStale}{" "}
              <button type="button" class="link-button" onClick={onEstimate}>
                {t.updateEstimate}
              </button>
            </p>
          )}
        </>
      )}
    </li>
  );
}
