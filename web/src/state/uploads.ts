/** Uploads in flight, by job id: the upload page starts them and moves on; the job and
 * batch pages show their byte progress and may stop them. */
import { useEffect, useState } from "preact/hooks";
import type { Schemas } from "../api/client";
import { asApiError, type ApiError } from "../api/errors";
import { putFile } from "../api/upload";

export interface UploadProgress {
  loaded: number;
  total: number;
  state: "uploading" | "done" | "failed";
  error: ApiError | null;
}

const progress = new Map<string, UploadProgress>();
const aborts = new Map<string, () => void>();
const listeners = new Set<() => void>();

function set(jobId: string, value: UploadProgress): void {
  progress.set(jobId, value);
  for (const listener of listeners) listener();
}

function warnBeforeLeaving(event: BeforeUnloadEvent): void {
  event.preventDefault();
}

function syncLeaveWarning(): void {
  if (aborts.size > 0) window.addEventListener("beforeunload", warnBeforeLeaving);
  else window.removeEventListener("beforeunload", warnBeforeLeaving);
}

export function startUpload(
  jobId: string,
  file: File,
  target: Schemas["UploadTarget"],
): Promise<void> {
  set(jobId, { loaded: 0, total: file.size, state: "uploading", error: null });
  const handle = putFile(target, file, (loaded, total) =>
    set(jobId, { loaded, total, state: "uploading", error: null }),
  );
  aborts.set(jobId, handle.abort);
  syncLeaveWarning();
  return handle.done
    .then(
      () => set(jobId, { loaded: file.size, total: file.size, state: "done", error: null }),
      (failure: unknown) =>
        set(jobId, {
          ...(progress.get(jobId) as UploadProgress),
          state: "failed",
          error: asApiError(failure),
        }),
    )
    .finally(() => {
      aborts.delete(jobId);
      syncLeaveWarning();
    });
}

export function abortUpload(jobId: string): void {
  aborts.get(jobId)?.();
}

/** Re-renders on every upload's progress; read with uploadOf(). */
export function useUploads(): (jobId: string) => UploadProgress | undefined {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((t) => t + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return (jobId) => progress.get(jobId);
}
