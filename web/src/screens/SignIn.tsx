import type { Auth } from "@firebase/auth";
import { useEffect, useState } from "preact/hooks";
import {
  finishEmailLink,
  openedFromEmailLink,
  rememberedEmail,
  sendEmailLink,
} from "../auth/session";
import { Screen } from "../components/Screen";
import type { AppConfig } from "../config";
import { t } from "../i18n";

/** Firebase's error codes, in the user's words. */
function authMessage(error: unknown): string {
  const code = (error as { code?: string } | null)?.code ?? "";
  if (code === "auth/invalid-email" || code === "auth/missing-email") return t.emailInvalid;
  if (code === "auth/invalid-action-code" || code === "auth/expired-action-code")
    return t.linkInvalid;
  if (code === "auth/popup-closed-by-user" || code === "auth/cancelled-popup-request")
    return t.googleRefused;
  return t.signInFailed;
}

function EmailForm({
  label,
  busyLabel,
  onSubmit,
}: {
  label: string;
  busyLabel: string;
  onSubmit: (email: string) => Promise<void>;
}) {
  const [email, setEmail] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(email.trim());
    } catch (failure) {
      setError(authMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} class="stack">
      <div class="field">
        <label for="sign-in-email">{t.email}</label>
        <input
          id="sign-in-email"
          type="email"
          autocomplete="email"
          required
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "sign-in-error" : undefined}
        />
      </div>
      {error && (
        <p id="sign-in-error" class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? busyLabel : label}
      </button>
    </form>
  );
}

export function SignIn({ config, auth }: { config: AppConfig; auth: Auth }) {
  const fromLink = openedFromEmailLink(auth);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [linkError, setLinkError] = useState<string | null>(null);
  const remembered = fromLink ? rememberedEmail() : null;

  // A link opened in the browser that asked for it signs in at once.
  useEffect(() => {
    if (remembered)
      finishEmailLink(auth, remembered).catch((error: unknown) => setLinkError(authMessage(error)));
  }, []);

  if (fromLink && remembered && !linkError) {
    return (
      <Screen title={t.signInTitle}>
        <p role="status">{t.signingIn}</p>
      </Screen>
    );
  }
  if (fromLink && !linkError) {
    return (
      <Screen title={t.finishTitle}>
        <p>{t.finishIntro}</p>
        <EmailForm
          label={t.finishButton}
          busyLabel={t.signingIn}
          onSubmit={(email) => finishEmailLink(auth, email)}
        />
      </Screen>
    );
  }

  const google = async () => {
    const { signInWithGoogle } = await import("../auth/google");
    await signInWithGoogle(auth);
  };
  return (
    <Screen title={t.signInTitle}>
      <p>{t.signInIntro}</p>
      {linkError && (
        <p class="error" role="alert">
          {linkError}
        </p>
      )}
      <EmailForm
        label={t.sendLink}
        busyLabel={t.sending}
        onSubmit={async (email) => {
          await sendEmailLink(auth, email);
          setSentTo(email);
        }}
      />
      <p role="status" class="notice">
        {sentTo ? t.linkSent(sentTo) : ""}
      </p>
      {config.googleSignIn && <GoogleButton onClick={google} />}
    </Screen>
  );
}

function GoogleButton({ onClick }: { onClick: () => Promise<void> }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <div class="stack">
      <p>{t.orWith}</p>
      <button
        type="button"
        onClick={() => onClick().catch((failure: unknown) => setError(authMessage(failure)))}
      >
        {t.google}
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
