import { useState } from "preact/hooks";
import type { Schemas } from "../api/client";
import { unwrap } from "../api/client";
import { t } from "../i18n";
import { useAction, useLoad } from "../state/hooks";
import { useSession } from "../state/session";
import { ErrorBox } from "./ErrorBox";

const PAGE_SIZE = 200;

/** A book's foot and end notes, kept apart from its sentences. */
export function NotesList({ jobId }: { jobId: string }) {
  const { api } = useSession();
  const [more, setMore] = useState<{ notes: Schemas["NoteView"][]; cursor: string | null } | null>(
    null,
  );
  const load = (cursor: string | null) =>
    unwrap(
      api.GET("/api/v1/jobs/{job_id}/notes", {
        params: {
          path: { job_id: jobId },
          query: { limit: PAGE_SIZE, cursor: cursor ?? undefined },
        },
      }),
    );
  const first = useLoad(() => load(null), [jobId]);
  const notes = [...(first.data?.notes ?? []), ...(more?.notes ?? [])];
  const cursor = more ? more.cursor : (first.data?.next_cursor ?? null);
  const loadMore = useAction(async () => {
    if (!cursor) return;
    const page = await load(cursor);
    setMore({ notes: [...(more?.notes ?? []), ...page.notes], cursor: page.next_cursor });
  });
  return (
    <section aria-labelledby="notes-heading">
      <h2 id="notes-heading">{t.notesList}</h2>
      <ErrorBox error={first.error} onRetry={first.reload} />
      {first.loading && <p role="status">{t.loading}</p>}
      {first.data && notes.length === 0 && <p>{t.noNotes}</p>}
      <ul class="notes" aria-labelledby="notes-heading">
        {notes.map((note, i) => (
          <li key={i} class="note">
            <span class="note-number">{note.number || "·"}</span>
            <span lang="fr">{note.text}</span> <span class="muted">{t.pageNumber(note.page)}</span>
          </li>
        ))}
      </ul>
      <ErrorBox error={loadMore.error} onRetry={() => void loadMore.run()} />
      {cursor && (
        <button type="button" onClick={() => void loadMore.run()} disabled={loadMore.pending}>
          {t.loadMore}
        </button>
      )}
    </section>
  );
}
