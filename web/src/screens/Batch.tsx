import { useState } from "preact/hooks";
import { unwrap } from "../api/client";
import { ConfirmDeletion } from "../components/ConfirmDeletion";
import { ErrorBox } from "../components/ErrorBox";
import { ExportPanel } from "../components/ExportPanel";
import { Link } from "../components/Link";
import { ProgressBar } from "../components/ProgressBar";
import { Screen } from "../components/Screen";
import { numeric, Table } from "../components/Table";
import { unloadedScreen } from "../components/UnloadedScreen";
import { bytes, count, percent } from "../format";
import { messageFor } from "../i18n/errorMessage";
import { t } from "../i18n";
import { navigate } from "../router";
import { useAction, useLiveLoad } from "../state/hooks";
import { useSession } from "../state/session";
import { abortUpload, useUploads } from "../state/uploads";
import { batchStatusText } from "./Batches";
import { isEnded, statusText } from "./Job";

const FINAL = new Set(["completed", "completed_with_failures", "cancelled"]);

export function Batch({ id }: { id: string }) {
  const { api, announce } = useSession();
  const get = () =>
    unwrap(api.GET("/api/v1/batches/{batch_id}", { params: { path: { batch_id: id } } }));
  const batch = useLiveLoad(get, [id], 1500, (record) => !FINAL.has(record.status));
  const uploadOf = useUploads();
  const [deleting, setDeleting] = useState(false);
  const current = batch.data;

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

  if (!current) return unloadedScreen(batch);
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

      <Table
        caption={t.booksCaption}
        columns={[t.colFile, t.colStatus, t.colPages, numeric(t.colSentences)]}
      >
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
      </Table>

      {current.by_status.completed ? (
        <ExportPanel target={{ kind: "batch", id: current.batch_id, name: current.name }} />
      ) : null}

      {deleting && (
        <ConfirmDeletion
          title={t.deleteBatchTitle}
          body={t.deleteBatchBody(current.name)}
          remove={remove}
          onClose={() => setDeleting(false)}
        />
      )}
    </Screen>
  );
}
