/** The PUT of a file to its signed upload URL, with byte progress (fetch has none for
 * request bodies, XMLHttpRequest does). */
import { ApiError } from "./errors";
import type { Schemas } from "./client";

export interface PutHandle {
  done: Promise<void>;
  abort: () => void;
}

export function putFile(
  target: Schemas["UploadTarget"],
  file: Blob,
  onProgress: (loaded: number, total: number) => void,
): PutHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<void>((resolve, reject) => {
    xhr.open(target.method, target.url);
    // Exactly the signed headers: the signature covers them.
    for (const [name, value] of Object.entries(target.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) =>
      onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size, file.size);
        resolve();
      } else {
        reject(new ApiError("UPLOAD_REJECTED", `Storage answered ${xhr.status}`, xhr.status));
      }
    };
    xhr.onerror = () => reject(new ApiError("NETWORK", "The upload was interrupted."));
    xhr.onabort = () => reject(new ApiError("UPLOAD_ABORTED", "The upload was stopped."));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
