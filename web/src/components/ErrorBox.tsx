import type { ApiError } from "../api/errors";
import { errorMessage, serverDetail } from "../i18n/errorMessage";
import { t } from "../i18n";

interface Props {
  error: ApiError | null;
  onRetry?: (() => void) | undefined;
}

/** An error said at once to screen readers, in the UI's language, with what may help. */
export function ErrorBox({ error, onRetry }: Props) {
  if (!error) return null;
  const detail = serverDetail(error.code, error.message);
  return (
    <div class="error" role="alert">
      <p>{errorMessage(error)}</p>
      {detail && <p class="error-detail">{detail}</p>}
      {error.requestId && <p class="error-detail">{t.requestId(error.requestId)}</p>}
      {onRetry && error.retryable && (
        <button type="button" onClick={onRetry}>
          {t.retry}
        </button>
      )}
    </div>
  );
}
