import { useEffect, useRef, useState } from "preact/hooks";
import { unwrap, type Schemas } from "../api/client";
import { ErrorBox } from "../components/ErrorBox";
import { Screen } from "../components/Screen";
import { SecretNotice, type ShownSecret } from "../components/SecretNotice";
import { WebhookItem, type Webhook } from "../components/WebhookItem";
import { t } from "../i18n";
import { useAction, useLoad } from "../state/hooks";
import { useSession } from "../state/session";

type EventName = Schemas["WebhookRequest"]["events"][number];
const EVENTS = Object.keys(t.eventNames) as EventName[];

export function Webhooks() {
  const { api, announce } = useSession();
  const list = useLoad(async () => (await unwrap(api.GET("/api/v1/webhooks"))).webhooks, []);
  const [secret, setSecret] = useState<ShownSecret | null>(null);
  const listHeading = useRef<HTMLHeadingElement>(null);
  const refocus = useRef(false);
  const hooks = list.data ?? [];
  useEffect(() => {
    // A deleted endpoint's item had the focus (its dialog's opener): the list's heading takes it.
    if (refocus.current) listHeading.current?.focus();
    refocus.current = false;
  }, [list.data]);

  const replace = (hook: Webhook) =>
    list.setData(hooks.map((h) => (h.webhook_id === hook.webhook_id ? hook : h)));
  const removed = (hook: Webhook) => {
    list.setData(hooks.filter((h) => h.webhook_id !== hook.webhook_id));
    if (secret?.url === hook.url) setSecret(null);
    refocus.current = true;
  };
  const created = (made: Schemas["WebhookWithSecret"]) => {
    list.setData([...hooks, made.webhook]);
    setSecret({ url: made.webhook.url, secret: made.secret });
    announce(t.registered);
  };

  return (
    <Screen title={t.webhooksTitle}>
      <p>{t.webhooksIntro}</p>
      {secret && <SecretNotice key={secret.secret} shown={secret} onDone={() => setSecret(null)} />}
      <section aria-labelledby="your-webhooks">
        <h2 id="your-webhooks" tabIndex={-1} ref={listHeading}>
          {t.yourWebhooks}
        </h2>
        <ErrorBox error={list.error} onRetry={list.reload} />
        {list.loading && !list.data && <p role="status">{t.loading}</p>}
        {list.data && hooks.length === 0 && <p>{t.noWebhooks}</p>}
        {hooks.length > 0 && (
          <ul class="webhooks">
            {hooks.map((hook) => (
              <WebhookItem
                key={hook.webhook_id}
                hook={hook}
                onChange={replace}
                onSecret={setSecret}
                onDeleted={removed}
              />
            ))}
          </ul>
        )}
      </section>
      <RegisterWebhook onCreated={created} />
    </Screen>
  );
}

function RegisterWebhook({
  onCreated,
}: {
  onCreated: (made: Schemas["WebhookWithSecret"]) => void;
}) {
  const { api } = useSession();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<EventName[]>(EVENTS);
  const register = useAction(async () => {
    const made = await unwrap(
      api.POST("/api/v1/webhooks", {
        body: { url: url.trim(), events, description: description.trim() },
      }),
    );
    setUrl("");
    setDescription("");
    onCreated(made);
  });
  const noEvent = events.length === 0;
  return (
    <section aria-labelledby="register-webhook">
      <h2 id="register-webhook">{t.registerTitle}</h2>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (!noEvent) void register.run();
        }}
      >
        <div class="field">
          <label for="webhook-url">{t.webhookUrl}</label>
          <input
            id="webhook-url"
            type="url"
            required
            maxLength={2048}
            autocomplete="off"
            aria-describedby="webhook-url-hint"
            value={url}
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
          <p id="webhook-url-hint" class="muted">
            {t.webhookUrlHint}
          </p>
        </div>
        <div class="field">
          <label for="webhook-description">{t.webhookDescription}</label>
          <input
            id="webhook-description"
            maxLength={200}
            value={description}
            onInput={(e) => setDescription(e.currentTarget.value)}
          />
        </div>
        <fieldset aria-describedby={noEvent ? "events-error" : undefined}>
          <legend>{t.webhookEvents}</legend>
          {EVENTS.map((event) => (
            <div key={event} class="field field-check">
              <input
                id={`event-${event}`}
                type="checkbox"
                checked={events.includes(event)}
                onChange={(e) =>
                  setEvents(
                    e.currentTarget.checked
                      ? EVENTS.filter((name) => name === event || events.includes(name))
                      : events.filter((name) => name !== event),
                  )
                }
              />
              <label for={`event-${event}`}>{t.eventNames[event]}</label>
            </div>
          ))}
          {noEvent && (
            <p id="events-error" class="error" role="alert">
              {t.oneEventAtLeast}
            </p>
          )}
        </fieldset>
        <ErrorBox error={register.error} />
        <button type="submit" class="primary" disabled={register.pending || noEvent}>
          {t.register}
        </button>
      </form>
    </section>
  );
}
