import { useEffect } from "preact/hooks";
import { unwrap, type Schemas } from "../api/client";
import { count, dateTime } from "../format";
import { t } from "../i18n";
import { usePages, usePolling } from "../state/hooks";
import { useSession } from "../state/session";
import { PagedList } from "./PagedList";
import { numeric, Table } from "./Table";

type Delivery = Schemas["DeliveryView"];
type Webhook = Schemas["WebhookView"];

const PAGE_SIZE = 20;
const POLL_MS = 1000;

function outcomeText(outcome: Delivery["outcome"]): string {
  return t[`outcome_${outcome}`];
}

/** An endpoint's delivery attempts, newest first, page by page. After a test event
 * (`awaiting`: its message id) the log is read again until that message's attempt shows,
 * and its outcome is announced. */
export function DeliveryLog({ hook, awaiting }: { hook: Webhook; awaiting: string | null }) {
  const { api, announce } = useSession();
  const load = async (cursor: string | null) => {
    const page = await unwrap(
      api.GET("/api/v1/webhooks/{webhook_id}/deliveries", {
        params: {
          path: { webhook_id: hook.webhook_id },
          query: { limit: PAGE_SIZE, cursor: cursor ?? undefined },
        },
      }),
    );
    return { items: page.deliveries, cursor: page.next_cursor };
  };
  const pages = usePages(load, [hook.webhook_id]);
  const arrived = awaiting
    ? pages.items.find((delivery) => delivery.message_id === awaiting)
    : undefined;
  usePolling(
    async () => {
      try {
        pages.first.setData(await load(null));
      } catch {
        // Read again at the next tick.
      }
    },
    POLL_MS,
    awaiting !== null && !arrived,
  );
  useEffect(() => {
    if (arrived) announce(t.testOutcome(outcomeText(arrived.outcome)));
  }, [arrived?.message_id]);

  return (
    <div class="stack">
      <PagedList pages={pages} empty={t.noDeliveries}>
        {pages.items.length > 0 && (
          <Table
            caption={t.deliveriesCaption(hook.url)}
            columns={[
              t.colAt,
              t.colEvent,
              numeric(t.colAttempt),
              t.colOutcome,
              numeric(t.colHttp),
              numeric(t.colLatency),
              t.colError,
              t.colNextAttempt,
            ]}
          >
            {pages.items.map((delivery) => (
              <tr key={`${delivery.message_id}-${delivery.attempt}`}>
                <th scope="row">{dateTime(delivery.at)}</th>
                <td>{delivery.event_type}</td>
                <td class="num">{count(delivery.attempt)}</td>
                <td>
                  <span class={`status outcome-${delivery.outcome}`}>
                    {outcomeText(delivery.outcome)}
                  </span>
                </td>
                <td class="num">{delivery.status_code ?? ""}</td>
                <td class="num">{t.milliseconds(count(Math.round(delivery.latency_ms)))}</td>
                <td>{delivery.error ?? ""}</td>
                <td>{dateTime(delivery.next_attempt_at)}</td>
              </tr>
            ))}
          </Table>
        )}
      </PagedList>
      <button type="button" onClick={pages.first.reload} disabled={pages.first.loading}>
        {t.refreshDeliveries}
      </button>
    </div>
  );
}
