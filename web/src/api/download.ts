/** Saving an export's file under a proper name: its signed URL is on another origin, where
 * `<a download>` is ignored, so the bytes are fetched and saved from a blob. */

export async function saveUrlAs(url: string, filename: string): Promise<void> {
  let blob: Blob;
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    blob = await response.blob();
  } catch (error) {
    // Storage without CORS for this origin: its signed URL answers as an attachment.
    if (error instanceof TypeError) {
      window.location.assign(url);
      return;
    }
    throw error;
  }
  const href = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = href;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/** "Le Comte.pdf" -> "Le Comte.csv" */
export function exportFilename(bookFilename: string, extension: string): string {
  const base = bookFilename.replace(/\.pdf$/i, "") || "sentences";
  return `${base}.${extension}`;
}
