import { useState } from "preact/hooks";
import { unwrap } from "../api/client";
import { Dialog } from "../components/Dialog";
import { ErrorBox } from "../components/ErrorBox";
import { ExportPanel } from "../components/ExportPanel";
import { Link } from "../components/Link";
import { ProgressBar } from "../components/ProgressBar";
import { Screen } from "../components/Screen";
import { bytes, count, percent } from "../format";
import { messageFor } from "../i18n/errorMessage";
import { t } from "../i18n";
import { navigate } from "../router";
import { useAction, useLoad, usePolling } from "../state/hooks";
import { useSession } from "../state/session";
import { abortUpload, useUploads } from "../state/uploads";
import { batchStatusText } from "./Batches";
import { isEnded, statusText } from "./Job";

const FINAL = new Set(["completed", "completed_with_failures", "cancelled"]);

export function Batch({ id }: { id: string }) {
  const { api, announce } = useSession();
  const get = () =>
    unwrap(api.GET("/api/v1/batches/{batch_id}", { params: { path: { batch_id: id } } }));
  const batch = useLoad(get, [id]);
  const uploadOf = useUploads();
  const [deleting, setDeleting] = useState(false);
  const current = batch.data;

  usePolling(
    async () => {
      try {
        batch.setData(await get());
      } catch {
        // Tried again at the next tick.
      }
    },
    1500,
    current !== null && !FINAL.has(current.status),
  );

  const cancel = useAction(async () => {
    current?.books.forEach((book) => abortUpload(book.job_id));
    await unwrap(
      api.POST("/api/v1/batches/{batch_id}/cancel", { params: { path: { batch_id: id } } }),
    );
    batch.setData(await get());
  });
  const remove = useAction(async () => {
    await unwrap(api.DELETE("/api/v1/batches/{batch_id}", { params: { path: { batch_id: id } } }));
    announce(t.deleted(current?.name ?? ""));
    navigate("/batches");
  });

  if (!current) {
    return (
      <Screen title={batch.error ? t.notFoundTitle : t.loading}>
        {batch.loading ? (
          <p role="status">{t.loading}</p>
        ) : (
          <ErrorBox error={batch.error} onRetry={batch.reload} />
        )}
      </Screen>
    );
  }
  const ended = FINAL.has(current.status);
  const { pages_done, pages_total } = current.progress;
  return (
    <Screen title={current.name}>
      <p class="status">{t.statusIs(batchStatusText(current.status))}</p>
      <ProgressBar
        label={t.batchProgress}
        value={pages_total ? pages_done : null}
        max={pages_total}
        text={t.batchPagesText(pages_done, pages_total)}
      />
      <div class="button-row">
        {!ended && (
          <button type="button" onClick={() => void cancel.run()} disabled={cancel.pending}>
            {t.cancelBatch}
          </button>
        )}
        <button type="button" class="danger" onClick={() => setDeleting(true)}>
          {t.deleteBatch}
        </button>
      </div>
      <ErrorBox error={cancel.error} />

      <div class="table-wrap">
        <table>
          <caption>{t.booksCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.colFile}</th>
              <th scope="col">{t.colStatus}</th>
              <th scope="col">{t.colPages}</th>
              <th scope="col" class="num">
                {t.colSentences}
              </th>
            </tr>
          </thead>
          <tbody>
            {current.books.map((book) => {
              const upload = uploadOf(book.job_id);
              return (
                <tr key={book.job_id}>
                  <th scope="row">
                    <Link href={`/jobs/${book.job_id}`}>{book.filename}</Link>
                  </th>
                  <td>
                    {statusText(book.status)}
                    {upload && upload.state === "uploading" && (
                      <ProgressBar
                        label={t.uploadLabel}
                        value={upload.loaded}
                        max={upload.total}
                        text={t.uploadText(
                          bytes(upload.loaded),
                          bytes(upload.total),
                          percent(upload.loaded, upload.total),
                        )}
                      />
                    )}
                    {upload?.state === "failed" && <ErrorBox error={upload.error} />}
                    {book.status === "failed" && book.error && (
                      <p class="error-inline">{messageFor(book.error.code)}</p>
                    )}
                  </td>
                  <td>
                    {book.page_count ? `${count(book.pages_done)} / ${count(book.page_count)}` : ""}
                  </td>
                  <td class="num">{isEnded(book.status) ? count(book.sentences) : ""}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      {current.by_status.completed ? (
        <ExportPanel target={{ kind: "batch", id: current.batch_id, name: current.name }} />
      ) : null}

      {deleting && (
        <Dialog title={t.deleteBatchTitle} onClose={() => setDeleting(false)}>
          <p>{t.deleteBatchBody(current.name)}</p>
          <ErrorBox error={remove.error} />
          <div class="button-row">
            <button
              type="button"
              class="danger"
              onClick={() => void remove.run()}
              disabled={remove.pending}
            >
              {t.confirmDelete}
            </button>
            <button type="button" onClick={() => setDeleting(false)}>
              {t.cancelDialog}
            </button>
          </div>
        </Dialog>
      )}
    </Screen>
  );
}
