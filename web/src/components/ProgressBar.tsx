import { useId } from "preact/hooks";

interface Props {
  label: string;
  value: number | null; // null: not known yet (an indeterminate bar)
  max: number;
  text: string;
}

/** A labelled <progress> with its numbers in words beside it. */
export function ProgressBar({ label, value, max, text }: Props) {
  const id = useId();
  return (
    <div class="progress">
      <label for={id}>{label}</label>
      {value === null ? (
        <progress id={id} />
      ) : (
        <progress id={id} value={value} max={Math.max(max, 1)} />
      )}
      <span class="progress-text">{text}</span>
    </div>
  );
}
