import { unwrap } from "../api/client";
import { t } from "../i18n";
import { usePages } from "../state/hooks";
import { useSession } from "../state/session";
import { PagedList } from "./PagedList";

const PAGE_SIZE = 200;

/** A book's foot and end notes, kept apart from its sentences. */
export function NotesList({ jobId }: { jobId: string }) {
  const { api } = useSession();
  const pages = usePages(
    async (cursor) => {
      const page = await unwrap(
        api.GET("/api/v1/jobs/{job_id}/notes", {
          params: {
            path: { job_id: jobId },
            query: { limit: PAGE_SIZE, cursor: cursor ?? undefined },
          },
        }),
      );
      return { items: page.notes, cursor: page.next_cursor };
    },
    [jobId],
  );
  return (
    <section aria-labelledby="notes-heading">
      <h2 id="notes-heading">{t.notesList}</h2>
      <PagedList pages={pages} empty={t.noNotes}>
        <ul class="notes" aria-labelledby="notes-heading">
          {pages.items.map((note, i) => (
            <li key={i} class="note">
              <span class="note-number">{note.number || "·"}</span>
              <span lang="fr">{note.text}</span>{" "}
              <span class="muted">{t.pageNumber(note.page)}</span>
            </li>
          ))}
        </ul>
      </PagedList>
    </section>
  );
}
