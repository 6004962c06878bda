import { useId, useState } from "preact/hooks";
import { unwrap, type Schemas } from "../api/client";
import { dateTime } from "../format";
import { t } from "../i18n";
import { useAction } from "../state/hooks";
import { useSession } from "../state/session";
import { ConfirmDeletion } from "./ConfirmDeletion";
import { DeliveryLog } from "./DeliveryLog";
import { ErrorBox } from "./ErrorBox";
import { Facts } from "./Facts";
import type { ShownSecret } from "./SecretNotice";

export type Webhook = Schemas["WebhookView"];

interface Props {
  hook: Webhook;
  onChange: (hook: Webhook) => void;
  onSecret: (secret: ShownSecret) => void;
  onDeleted: (hook: Webhook) => void;
}

function stateText(hook: Webhook): string {
  if (hook.enabled)
    return hook.failing_since ? t.failingSince(dateTime(hook.failing_since)) : t.enabled;
  return hook.disabled_reason === "failing" && hook.failing_since
    ? t.disabledFailing(dateTime(hook.failing_since))
    : t.disabled;
}

/** One endpoint: what it is, its actions (each said when done), its delivery log. */
export function WebhookItem({ hook, onChange, onSecret, onDeleted }: Props) {
  const { api, announce } = useSession();
  const id = useId();
  const [logOpen, setLogOpen] = useState(false);
  const [awaiting, setAwaiting] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const path = { params: { path: { webhook_id: hook.webhook_id } } };

  const test = useAction(async () => {
    const queued = await unwrap(api.POST("/api/v1/webhooks/{webhook_id}/test", path));
    setAwaiting(queued.message_id);
    setLogOpen(true);
    announce(t.testSent);
  });
  const rotate = useAction(async () => {
    const made = await unwrap(api.POST("/api/v1/webhooks/{webhook_id}/rotate-secret", path));
    onChange(made.webhook);
    onSecret({ url: made.webhook.url, secret: made.secret });
    announce(t.rotated);
  });
  const toggle = useAction(async () => {
    const changed = await unwrap(
      api.PATCH("/api/v1/webhooks/{webhook_id}", { ...path, body: { enabled: !hook.enabled } }),
    );
    onChange(changed);
    announce(changed.enabled ? t.webhookEnabled : t.webhookDisabled);
  });
  const remove = useAction(async () => {
    await unwrap(api.DELETE("/api/v1/webhooks/{webhook_id}", path));
    setDeleting(false);
    announce(t.webhookDeleted(hook.url));
    onDeleted(hook);
  });

  const facts: [string, string][] = [
    [t.webhookUrl, hook.url],
    [t.webhookEvents, hook.events.join(", ")],
    [t.webhookState, stateText(hook)],
  ];
  if (hook.previous_secret_expires_at)
    facts.push([t.previousSecretUntil, dateTime(hook.previous_secret_expires_at)]);
  const busy = test.pending || rotate.pending || toggle.pending;

  return (
    <li class="webhook">
      <h3 id={`${id}-title`}>{hook.description || hook.url}</h3>
      <Facts facts={facts} />
      <ErrorBox error={test.error ?? rotate.error ?? toggle.error} />
      <div class="actions" role="group" aria-labelledby={`${id}-title`}>
        <button type="button" onClick={() => void test.run()} disabled={busy || !hook.enabled}>
          {t.sendTest}
        </button>
        <button type="button" onClick={() => void rotate.run()} disabled={busy}>
          {t.rotateSecret}
        </button>
        <button type="button" onClick={() => void toggle.run()} disabled={busy}>
          {hook.enabled ? t.disable : t.enable}
        </button>
        <button type="button" class="danger" onClick={() => setDeleting(true)}>
          {t.deleteWebhook}
        </button>
        <button
          type="button"
          aria-expanded={logOpen}
          aria-controls={`${id}-log`}
          onClick={() => setLogOpen(!logOpen)}
        >
          {t.showDeliveries}
        </button>
      </div>
      <div id={`${id}-log`}>{logOpen && <DeliveryLog hook={hook} awaiting={awaiting} />}</div>
      {deleting && (
        <ConfirmDeletion
          title={t.deleteWebhookTitle}
          body={t.deleteWebhookBody(hook.url)}
          remove={remove}
          onClose={() => setDeleting(false)}
        />
      )}
    </li>
  );
}
