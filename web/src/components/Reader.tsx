import { useId, useState } from "preact/hooks";
import type { Schemas } from "../api/client";
import { unwrap } from "../api/client";
import { count } from "../format";
import { t } from "../i18n";
import { useLoad } from "../state/hooks";
import { useSession } from "../state/session";
import { ErrorBox } from "./ErrorBox";

const PAGE_SIZE = 100;

/** A completed book's sentences, a page at a time, searchable (the API filters, so a
 * search covers the whole book), each with its original on demand. */
export function Reader({ jobId }: { jobId: string }) {
  const { api } = useSession();
  const searchId = useId();
  const [draft, setDraft] = useState("");
  const [query, setQuery] = useState("");
  // cursors[i] opens page i; the first page has none.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [pageIndex, setPageIndex] = useState(0);

  const page = useLoad(
    () =>
      unwrap(
        api.GET("/api/v1/jobs/{job_id}/sentences", {
          params: {
            path: { job_id: jobId },
            query: {
              limit: PAGE_SIZE,
              cursor: cursors[pageIndex] ?? undefined,
              q: query || undefined,
            },
          },
        }),
      ),
    [jobId, query, pageIndex],
  );

  const search = (text: string) => {
    setQuery(text.trim());
    setCursors([null]);
    setPageIndex(0);
  };
  const next = () => {
    const cursor = page.data?.next_cursor;
    if (!cursor) return;
    setCursors((list) => [...list.slice(0, pageIndex + 1), cursor]);
    setPageIndex((i) => i + 1);
  };

  const sentences = page.data?.sentences ?? [];
  const first = sentences[0];
  const last = sentences[sentences.length - 1];
  return (
    <section aria-labelledby={`${searchId}-heading`}>
      <h2 id={`${searchId}-heading`}>{query ? t.searchResults(query) : t.sentencesList}</h2>
      <form
        role="search"
        class="search"
        onSubmit={(e) => {
          e.preventDefault();
          search(draft);
        }}
      >
        <label for={searchId}>{t.searchLabel}</label>
        <input
          id={searchId}
          type="search"
          lang="fr"
          value={draft}
          maxLength={200}
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
        <button type="submit">{t.searchButton}</button>
        {query && (
          <button
            type="button"
            onClick={() => {
              setDraft("");
              search("");
            }}
          >
            {t.clearSearch}
          </button>
        )}
      </form>

      <ErrorBox error={page.error} onRetry={page.reload} />
      <p role="status" class="muted">
        {page.loading
          ? t.loading
          : first && last
            ? t.shownRange(first.index + 1, last.index + 1)
            : ""}
      </p>
      {!page.loading && page.data && sentences.length === 0 && (
        <p>{query ? t.noResults : t.noSentences}</p>
      )}
      <ul class="sentences" aria-labelledby={`${searchId}-heading`}>
        {sentences.map((sentence) => (
          <SentenceItem key={sentence.index} sentence={sentence} />
        ))}
      </ul>
      <div class="pager">
        <button
          type="button"
          disabled={pageIndex === 0 || page.loading}
          onClick={() => setPageIndex((i) => i - 1)}
        >
          {t.previousSentences}
        </button>
        <button type="button" disabled={!page.data?.next_cursor || page.loading} onClick={next}>
          {t.nextSentences}
        </button>
      </div>
    </section>
  );
}

function SentenceItem({ sentence }: { sentence: Schemas["SentenceView"] }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const number = sentence.index + 1;
  return (
    <li class="sentence">
      <span class="sentence-number">{count(number)}</span>
      <span class="sentence-text" lang="fr">
        {sentence.text}
      </span>
      <span class="sentence-page muted">{t.pageNumber(sentence.page)}</span>
      {sentence.original && (
        <>
          <button
            type="button"
            class="link-button sentence-toggle"
            aria-expanded={open}
            aria-controls={id}
            aria-label={t.originalOf(number)}
            onClick={() => setOpen(!open)}
          >
            {t.original}
          </button>
          <p id={id} class="sentence-original" lang="fr" hidden={!open}>
            {sentence.original}
          </p>
        </>
      )}
    </li>
  );
}
