import { useState } from "preact/hooks";
import { unwrap } from "../api/client";
import { Dialog } from "../components/Dialog";
import { ErrorBox } from "../components/ErrorBox";
import { JobSettingsFields, validLength, type JobSettings } from "../components/JobSettingsFields";
import { Link } from "../components/Link";
import { Screen } from "../components/Screen";
import { SpaceSelect } from "../components/SpaceSelect";
import { count, dateTime } from "../format";
import { t } from "../i18n";
import { navigate } from "../router";
import { useAction, useLoad } from "../state/hooks";
import { useSession } from "../state/session";
import { isEnded, statusText, type JobStatus, type JobView } from "./Job";

const STATUSES: JobStatus[] = [
  "awaiting_upload",
  "queued",
  "processing",
  "completed",
  "failed",
  "cancelled",
];
const PAGE_SIZE = 20;

export function History() {
  const { api, space, announce } = useSession();
  const [status, setStatus] = useState<JobStatus | "">("");
  const [more, setMore] = useState<{ jobs: JobView[]; cursor: string | null } | null>(null);
  const [deleting, setDeleting] = useState<JobView | null>(null);
  const [duplicating, setDuplicating] = useState<JobView | null>(null);

  const load = (cursor: string | null) =>
    unwrap(
      api.GET("/api/v1/jobs", {
        params: {
          query: {
            status: status || undefined,
            space,
            limit: PAGE_SIZE,
            cursor: cursor ?? undefined,
          },
        },
      }),
    );
  const first = useLoad(() => {
    setMore(null);
    return load(null);
  }, [status, space]);
  const jobs = [...(first.data?.jobs ?? []), ...(more?.jobs ?? [])];
  const cursor = more ? more.cursor : (first.data?.next_cursor ?? null);

  const loadMore = useAction(async () => {
    if (!cursor) return;
    const page = await load(cursor);
    setMore({ jobs: [...(more?.jobs ?? []), ...page.jobs], cursor: page.next_cursor });
  });
  const retry = useAction(async (job: JobView) => {
    const fresh = await unwrap(
      api.POST("/api/v1/jobs/{job_id}/retry", { params: { path: { job_id: job.job_id } } }),
    );
    navigate(`/jobs/${fresh.job_id}`);
  });
  const remove = useAction(async (job: JobView) => {
    await unwrap(api.DELETE("/api/v1/jobs/{job_id}", { params: { path: { job_id: job.job_id } } }));
    setDeleting(null);
    announce(t.deleted(job.filename));
    first.reload();
  });

  return (
    <Screen title={t.historyTitle}>
      <div class="filters">
        <div class="field field-inline">
          <label for="status-filter">{t.filterStatus}</label>
          <select
            id="status-filter"
            value={status}
            onChange={(e) => setStatus(e.currentTarget.value as JobStatus | "")}
          >
            <option value="">{t.allStatuses}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusText(s)}
              </option>
            ))}
          </select>
        </div>
        <SpaceSelect />
      </div>

      <ErrorBox error={first.error} onRetry={first.reload} />
      <ErrorBox error={retry.error} />
      {first.loading && <p role="status">{t.loading}</p>}
      {first.data && jobs.length === 0 && <p>{t.noJobs}</p>}
      {jobs.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption>{t.historyCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.colFile}</th>
                <th scope="col">{t.colStatus}</th>
                <th scope="col">{t.colStarted}</th>
                <th scope="col" class="num">
                  {t.colSentences}
                </th>
                <th scope="col">{t.colActions}</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.job_id}>
                  <th scope="row">
                    <Link href={`/jobs/${job.job_id}`}>{job.filename}</Link>
                  </th>
                  <td>
                    <span class={`status status-${job.status}`}>{statusText(job.status)}</span>
                  </td>
                  <td>{dateTime(job.created_at)}</td>
                  <td class="num">
                    {job.status === "completed" ? count(job.counts.sentences) : ""}
                  </td>
                  <td>
                    <div class="actions">
                      {(job.status === "failed" || job.status === "cancelled") && (
                        <button
                          type="button"
                          onClick={() => void retry.run(job)}
                          disabled={retry.pending}
                        >
                          {t.retryJob}
                        </button>
                      )}
                      {isEnded(job.status) && (
                        <button type="button" onClick={() => setDuplicating(job)}>
                          {t.duplicate}
                        </button>
                      )}
                      <button type="button" class="danger" onClick={() => setDeleting(job)}>
                        {t.deleteJob}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorBox error={loadMore.error} onRetry={() => void loadMore.run()} />
      {cursor && (
        <button type="button" onClick={() => void loadMore.run()} disabled={loadMore.pending}>
          {t.loadMore}
        </button>
      )}

      {deleting && (
        <Dialog title={t.deleteTitle} onClose={() => setDeleting(null)}>
          <p>{t.deleteBody(deleting.filename)}</p>
          <ErrorBox error={remove.error} />
          <div class="button-row">
            <button
              type="button"
              class="danger"
              onClick={() => void remove.run(deleting)}
              disabled={remove.pending}
            >
              {t.confirmDelete}
            </button>
            <button type="button" onClick={() => setDeleting(null)}>
              {t.cancelDialog}
            </button>
          </div>
        </Dialog>
      )}
      {duplicating && <DuplicateDialog job={duplicating} onClose={() => setDuplicating(null)} />}
    </Screen>
  );
}

function DuplicateDialog({ job, onClose }: { job: JobView; onClose: () => void }) {
  const { api, me } = useSession();
  const [settings, setSettings] = useState<JobSettings>({ ...job.settings });
  const start = useAction(async () => {
    if (!validLength(settings.sentence_length_limit)) return;
    const fresh = await unwrap(
      api.POST("/api/v1/jobs/{job_id}/duplicate", {
        params: { path: { job_id: job.job_id } },
        body: { settings },
      }),
    );
    onClose();
    navigate(`/jobs/${fresh.job_id}`);
  });
  return (
    <Dialog title={t.duplicateTitle} onClose={onClose}>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void start.run();
        }}
      >
        <p>{t.duplicateBody(job.filename)}</p>
        <JobSettingsFields value={settings} onChange={setSettings} me={me} />
        <ErrorBox error={start.error} />
        <div class="button-row">
          <button type="submit" class="primary" disabled={start.pending}>
            {t.startCopy}
          </button>
          <button type="button" onClick={onClose}>
            {t.cancelDialog}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
