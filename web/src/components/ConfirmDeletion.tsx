import type { Action } from "../state/hooks";
import { t } from "../i18n";
import { Dialog } from "./Dialog";
import { ErrorBox } from "./ErrorBox";

interface Props {
  title: string;
  body: string; // what will be deleted
  remove: Action<[]>;
  onClose: () => void; // kept: nothing is deleted
  confirm?: string; // the button's words, when not "Delete for good"
}

/** Asks before deleting (or removing) for good; the deletion's error, if any, is said in the dialog. */
export function ConfirmDeletion({ title, body, remove, onClose, confirm }: Props) {
  return (
    <Dialog title={title} onClose={onClose}>
      <p>{body}</p>
      <ErrorBox error={remove.error} />
      <div class="button-row">
        <button
          type="button"
          class="danger"
          onClick={() => void remove.run()}
          disabled={remove.pending}
        >
          {confirm ?? t.confirmDelete}
        </button>
        <button type="button" onClick={onClose}>
          {t.cancelDialog}
        </button>
      </div>
    </Dialog>
  );
}
