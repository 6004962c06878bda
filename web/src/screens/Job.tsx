import { useEffect, useRef, useState } from "preact/hooks";
import type { Schemas } from "../api/client";
import { unwrap } from "../api/client";
import { ErrorBox } from "../components/ErrorBox";
import { ExportPanel } from "../components/ExportPanel";
import { Link } from "../components/Link";
import { ProgressBar } from "../components/ProgressBar";
import { Reader } from "../components/Reader";
import { NotesList } from "../components/NotesList";
import { Screen } from "../components/Screen";
import { unloadedScreen } from "../components/UnloadedScreen";
import { bytes, count, percent } from "../format";
import { messageFor } from "../i18n/errorMessage";
import { t } from "../i18n";
import { navigate } from "../router";
import { useAction, useLiveLoad } from "../state/hooks";
import { useSession } from "../state/session";
import { abortUpload, useUploads } from "../state/uploads";

export type JobView = Schemas["JobView"];
export type JobStatus = Schemas["JobStatus"];

const ENDED: JobStatus[] = ["completed", "failed", "cancelled"];

export function isEnded(status: JobStatus): boolean {
  return ENDED.includes(status);
}

export function statusText(status: JobStatus): string {
  return t[`status_${status}`];
}

export function Job({ id, tab }: { id: string; tab: "sentences" | "notes" }) {
  const { api, announce } = useSession();
  const get = () => unwrap(api.GET("/api/v1/jobs/{job_id}", { params: { path: { job_id: id } } }));
  const job = useLiveLoad(get, [id], 1000, (record) => !isEnded(record.status));
  const current = job.data;
  const uploadOf = useUploads();
  const upload = uploadOf(id);
  const lastStatus = useRef<JobStatus | null>(null);

  // Each change of status is said once to screen readers.
  useEffect(() => {
    if (!current) return;
    if (lastStatus.current !== null && lastStatus.current !== current.status) {
      announce(t.jobStatusChanged(current.filename, statusText(current.status)));
    }
    lastStatus.current = current.status;
  }, [current?.status]);

  const cancel = useAction(async () => {
    abortUpload(id);
    job.setData(
      await unwrap(api.POST("/api/v1/jobs/{job_id}/cancel", { params: { path: { job_id: id } } })),
    );
  });
  const retry = useAction(async () => {
    const fresh = await unwrap(
      api.POST("/api/v1/jobs/{job_id}/retry", { params: { path: { job_id: id } } }),
    );
    announce(t.retried);
    navigate(`/jobs/${fresh.job_id}`);
  });

  if (!current) return unloadedScreen(job);

  const ended = isEnded(current.status);
  const { progress } = current;
  return (
    <Screen title={current.filename}>
      <p class={`status status-${current.status}`}>{t.statusIs(statusText(current.status))}</p>

      {upload && (
        <ProgressBar
          label={t.uploadLabel}
          value={upload.loaded}
          max={upload.total}
          text={
            upload.state === "done"
              ? t.uploadDone
              : t.uploadText(
                  bytes(upload.loaded),
                  bytes(upload.total),
                  percent(upload.loaded, upload.total),
                )
          }
        />
      )}
      {upload?.state === "failed" && upload.error?.code !== "UPLOAD_ABORTED" && (
        <ErrorBox error={upload.error} />
      )}

      {!ended && current.status !== "awaiting_upload" && (
        <ProgressBar
          label={t.processingLabel}
          value={progress.page_count ? progress.pages_done : null}
          max={progress.page_count ?? 1}
          text={
            progress.page_count
              ? t.pagesText(
                  progress.pages_done,
                  progress.page_count,
                  progress.chunks_done,
                  progress.chunk_count,
                )
              : t.countingPages
          }
        />
      )}

      {!ended && (
        <button type="button" onClick={() => void cancel.run()} disabled={cancel.pending}>
          {t.cancelJob}
        </button>
      )}
      <ErrorBox error={cancel.error} />

      {current.status === "failed" && current.error && (
        <div class="error" role="alert">
          <p>{messageFor(current.error.code)}</p>
        </div>
      )}
      {current.status === "cancelled" && <p>{t.cancelledNote}</p>}
      {(current.status === "failed" || current.status === "cancelled") && (
        <>
          <button type="button" onClick={() => void retry.run()} disabled={retry.pending}>
            {t.retryJob}
          </button>
          <ErrorBox error={retry.error} />
        </>
      )}

      {current.status === "completed" && <CompletedBook job={current} tab={tab} />}
    </Screen>
  );
}

function CompletedBook({ job, tab }: { job: JobView; tab: "sentences" | "notes" }) {
  const base = `/jobs/${job.job_id}`;
  return (
    <>
      <p>
        {t.summary(
          count(job.counts.sentences),
          count(job.progress.page_count ?? job.progress.pages_done),
        )}
      </p>
      <ExportPanel target={{ kind: "job", id: job.job_id, name: job.filename }} />
      <nav aria-label={t.bookSections} class="tabs">
        <Link href={base} aria-current={tab === "sentences" ? "page" : undefined}>
          {t.sentencesTab}
        </Link>
        <Link href={`${base}/notes`} aria-current={tab === "notes" ? "page" : undefined}>
          {t.notesTab}
        </Link>
      </nav>
      {tab === "sentences" ? <Reader jobId={job.job_id} /> : <NotesList jobId={job.job_id} />}
    </>
  );
}
