/** Starting books: one file is a job, several a batch; each file then goes to its signed
 * URL in the background (the job and batch pages show the bytes going). */
import type { Api } from "../api/client";
import { unwrap } from "../api/client";
import type { JobSettings } from "../components/JobSettingsFields";
import { dateTime } from "../format";
import { t } from "../i18n";
import { navigate } from "../router";
import { startUpload } from "../state/uploads";

export async function startBooks(
  api: Api,
  files: File[],
  settings: JobSettings,
  space: string,
): Promise<void> {
  const [only] = files;
  if (files.length === 1 && only) {
    const created = await unwrap(
      api.POST("/api/v1/uploads", {
        body: { filename: only.name, size_bytes: only.size, settings, space },
      }),
    );
    void startUpload(created.job_id, only, created.upload);
    navigate(`/jobs/${created.job_id}`);
    return;
  }
  const created = await unwrap(
    api.POST("/api/v1/batches", {
      body: {
        name: t.batchName(files.length, dateTime(new Date().toISOString())),
        files: files.map((file) => ({ filename: file.name, size_bytes: file.size })),
        settings,
        space,
      },
    }),
  );
  // The uploads come in the order of the files asked for.
  created.uploads.forEach((upload, i) => {
    const file = files[i];
    if (file) void startUpload(upload.job_id, file, upload.upload);
  });
  navigate(`/batches/${created.batch.batch_id}`);
}
