import type { Loaded } from "../state/hooks";
import { t } from "../i18n";
import { ErrorBox } from "./ErrorBox";
import { Screen } from "./Screen";

/** The screen of a record not loaded (yet): loading, or why it could not be.
 *
 * Called as a function, not used as a component: the record's own screen, once loaded,
 * then takes the place of the same Screen, so its heading (focused or not) stays. */
export function unloadedScreen<T>(record: Loaded<T>) {
  return (
    <Screen title={record.error ? t.notFoundTitle : t.loading}>
      {record.loading ? (
        <p role="status">{t.loading}</p>
      ) : (
        <ErrorBox error={record.error} onRetry={record.reload} />
      )}
    </Screen>
  );
}
