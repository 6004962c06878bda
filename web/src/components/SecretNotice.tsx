import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n";

export interface ShownSecret {
  url: string; // the endpoint it signs for
  secret: string;
}

/** A webhook's signing secret, the one time the API shows it (after registering or
 * rotating): focus moves here, it can be copied, and closing it returns focus. */
export function SecretNotice({ shown, onDone }: { shown: ShownSecret; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const code = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    heading.current?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(shown.secret);
      setCopied(true);
    } catch {
      // No clipboard (permission refused, an old browser): the secret is selected instead.
      const range = document.createRange();
      if (code.current) range.selectNodeContents(code.current);
      window.getSelection()?.removeAllRanges();
      window.getSelection()?.addRange(range);
      setCopied(false);
    }
  };
  return (
    <section class="secret" aria-labelledby="secret-title">
      <h2 id="secret-title" tabIndex={-1} ref={heading}>
        {t.secretTitle(shown.url)}
      </h2>
      <p>{t.secretOnce}</p>
      <code class="token" ref={code}>
        {shown.secret}
      </code>
      <div class="button-row">
        <button type="button" class="primary" onClick={() => void copy()}>
          {t.copySecret}
        </button>
        <button type="button" onClick={onDone}>
          {t.secretDone}
        </button>
      </div>
      <p role="status" class="notice">
        {copied === null ? "" : copied ? t.copied : t.copyFailed}
      </p>
    </section>
  );
}
