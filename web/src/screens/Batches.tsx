import { useState } from "preact/hooks";
import type { Schemas } from "../api/client";
import { unwrap } from "../api/client";
import { ErrorBox } from "../components/ErrorBox";
import { Link } from "../components/Link";
import { Screen } from "../components/Screen";
import { count, dateTime } from "../format";
import { t } from "../i18n";
import { useAction, useLoad } from "../state/hooks";
import { useSession } from "../state/session";

export type BatchStatus = Schemas["BatchStatus"];

export function batchStatusText(status: BatchStatus): string {
  return t[`batch_${status}`];
}

export function Batches() {
  const { api } = useSession();
  const [more, setMore] = useState<{
    batches: Schemas["BatchSummary"][];
    cursor: string | null;
  } | null>(null);
  const load = (cursor: string | null) =>
    unwrap(
      api.GET("/api/v1/batches", { params: { query: { limit: 20, cursor: cursor ?? undefined } } }),
    );
  const first = useLoad(() => load(null), []);
  const batches = [...(first.data?.batches ?? []), ...(more?.batches ?? [])];
  const cursor = more ? more.cursor : (first.data?.next_cursor ?? null);
  const loadMore = useAction(async () => {
    if (!cursor) return;
    const page = await load(cursor);
    setMore({ batches: [...(more?.batches ?? []), ...page.batches], cursor: page.next_cursor });
  });
  return (
    <Screen title={t.batchesTitle}>
      <ErrorBox error={first.error} onRetry={first.reload} />
      {first.loading && <p role="status">{t.loading}</p>}
      {first.data && batches.length === 0 && <p>{t.noBatches}</p>}
      {batches.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption>{t.batchesCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.colName}</th>
                <th scope="col">{t.colStatus}</th>
                <th scope="col" class="num">
                  {t.colBooks}
                </th>
                <th scope="col" class="num">
                  {t.colEnded}
                </th>
                <th scope="col" class="num">
                  {t.colFailed}
                </th>
                <th scope="col">{t.colCreated}</th>
              </tr>
            </thead>
            <tbody>
              {batches.map((batch) => (
                <tr key={batch.batch_id}>
                  <th scope="row">
                    <Link href={`/batches/${batch.batch_id}`}>{batch.name}</Link>
                  </th>
                  <td>{batchStatusText(batch.status)}</td>
                  <td class="num">{count(batch.files)}</td>
                  <td class="num">{count(batch.ended)}</td>
                  <td class="num">{count(batch.failed)}</td>
                  <td>{dateTime(batch.created_at)}</td>
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
    </Screen>
  );
}
