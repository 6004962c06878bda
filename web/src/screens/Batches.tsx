import type { Schemas } from "../api/client";
import { unwrap } from "../api/client";
import { Link } from "../components/Link";
import { PagedList } from "../components/PagedList";
import { Screen } from "../components/Screen";
import { numeric, Table } from "../components/Table";
import { count, dateTime } from "../format";
import { t } from "../i18n";
import { usePages } from "../state/hooks";
import { useSession } from "../state/session";

export type BatchStatus = Schemas["BatchStatus"];

export function batchStatusText(status: BatchStatus): string {
  return t[`batch_${status}`];
}

export function Batches() {
  const { api } = useSession();
  const pages = usePages(async (cursor) => {
    const page = await unwrap(
      api.GET("/api/v1/batches", { params: { query: { limit: 20, cursor: cursor ?? undefined } } }),
    );
    return { items: page.batches, cursor: page.next_cursor };
  }, []);
  return (
    <Screen title={t.batchesTitle}>
      <PagedList pages={pages} empty={t.noBatches}>
        {pages.items.length > 0 && (
          <Table
            caption={t.batchesCaption}
            columns={[
              t.colName,
              t.colStatus,
              numeric(t.colBooks),
              numeric(t.colEnded),
              numeric(t.colFailed),
              t.colCreated,
            ]}
          >
            {pages.items.map((batch) => (
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
          </Table>
        )}
      </PagedList>
    </Screen>
  );
}
