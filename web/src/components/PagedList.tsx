import type { ComponentChildren } from "preact";
import { t } from "../i18n";
import type { Pages } from "../state/hooks";
import { ErrorBox } from "./ErrorBox";

interface Props<T> {
  pages: Pages<T>;
  empty: string; // said once the first page is known to be empty
  children: ComponentChildren; // the items loaded so far
}

/** A list loaded page by page: its loading and error states, the items, and a button
 * for the next page while there is one. */
export function PagedList<T>({ pages, empty, children }: Props<T>) {
  const { first, loadMore } = pages;
  return (
    <>
      <ErrorBox error={first.error} onRetry={first.reload} />
      {first.loading && <p role="status">{t.loading}</p>}
      {first.data && pages.items.length === 0 && <p>{empty}</p>}
      {children}
      <ErrorBox error={loadMore.error} onRetry={() => void loadMore.run()} />
      {pages.hasMore && (
        <button type="button" onClick={() => void loadMore.run()} disabled={loadMore.pending}>
          {t.loadMore}
        </button>
      )}
    </>
  );
}
