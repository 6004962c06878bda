import { useState } from "preact/hooks";
import { unwrap } from "../api/client";
import { ConfirmDeletion } from "../components/ConfirmDeletion";
import { Dialog } from "../components/Dialog";
import { ErrorBox } from "../components/ErrorBox";
import { JobSettingsFields, validLength, type JobSettings } from "../components/JobSettingsFields";
import { Link } from "../components/Link";
import { PagedList } from "../components/PagedList";
import { Screen } from "../components/Screen";
import { SpaceSelect } from "../components/SpaceSelect";
import { numeric, Table } from "../components/Table";
import { count, dateTime } from "../format";
import { t } from "../i18n";
import { navigate } from "../router";
import { useAction, usePages } from "../state/hooks";
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
  const [deleting, setDeleting] = useState<JobView | null>(null);
  const [duplicating, setDuplicating] = useState<JobView | null>(null);

  const pages = usePages(
    async (cursor) => {
      const page = await unwrap(
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
      return { items: page.jobs, cursor: page.next_cursor };
    },
    [status, space],
  );

  const retry = useAction(async (job: JobView) => {
    const fresh = await unwrap(
      api.POST("/api/v1/jobs/{job_id}/retry", { params: { path: { job_id: job.job_id } } }),
    );
    navigate(`/jobs/${fresh.job_id}`);
  });
  const remove = useAction(async () => {
    if (!deleting) return;
    await unwrap(
      api.DELETE("/api/v1/jobs/{job_id}", { params: { path: { job_id: deleting.job_id } } }),
    );
    setDeleting(null);
    announce(t.deleted(deleting.filename));
    pages.first.reload();
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

      <ErrorBox error={retry.error} />
      <PagedList pages={pages} empty={t.noJobs}>
        {pages.items.length > 0 && (
          <Table
            caption={t.historyCaption}
            columns={[t.colFile, t.colStatus, t.colStarted, numeric(t.colSentences), t.colActions]}
          >
            {pages.items.map((job) => (
              <tr key={job.job_id}>
                <th scope="row">
                  <Link href={`/jobs/${job.job_id}`}>{job.filename}</Link>
                </th>
                <td>
                  <span class={`status status-${job.status}`}>{statusText(job.status)}</span>
                </td>
                <td>{dateTime(job.created_at)}</td>
                <td class="num">{job.status === "completed" ? count(job.counts.sentences) : ""}</td>
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
          </Table>
        )}
      </PagedList>

      {deleting && (
        <ConfirmDeletion
          title={t.deleteTitle}
          body={t.deleteBody(deleting.filename)}
          remove={remove}
          onClose={() => setDeleting(null)}
        />
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
