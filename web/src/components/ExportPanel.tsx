import { useState } from "preact/hooks";
import type { Api, Schemas } from "../api/client";
import { unwrap } from "../api/client";
import { ApiError } from "../api/errors";
import { exportFilename, saveUrlAs } from "../api/download";
import { t } from "../i18n";
import { useAction } from "../state/hooks";
import { useSession } from "../state/session";
import { ErrorBox } from "./ErrorBox";

type ExportKind = Schemas["ExportKind"];
type ExportView = Schemas["ExportView"];
export type ExportTarget =
  { kind: "job"; id: string; name: string } | { kind: "batch"; id: string; name: string };

const GOOGLE_TOKEN_CODES = new Set([
  "GOOGLE_TOKEN_MISSING",
  "GOOGLE_TOKEN_INVALID",
  "GOOGLE_SCOPE_MISSING",
]);
const POLL_MS = 1000;
let googleToken: string | null = null; // in memory only, for this page's life

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => window.setTimeout(resolve, ms));
}

/** The export made and followed to its end (a large one runs as a task). */
async function runExport(
  api: Api,
  target: ExportTarget,
  kind: ExportKind,
  columns: string[] | undefined,
  token: string | null,
): Promise<ExportView> {
  const body = {
    kind,
    ...(columns ? { columns: columns as Schemas["ExportRequest"]["columns"] } : {}),
  };
  const headers = token ? { "X-Google-Access-Token": token } : undefined;
  // 201 (made at once) and 202 (running as a task) both answer the export.
  const created: ExportView =
    target.kind === "job"
      ? await unwrap(
          api.POST("/api/v1/jobs/{job_id}/exports", {
            params: { path: { job_id: target.id } },
            body,
            headers,
          }),
        )
      : await unwrap(
          api.POST("/api/v1/batches/{batch_id}/exports", {
            params: { path: { batch_id: target.id } },
            body,
            headers,
          }),
        );
  let view = created;
  while (view.status === "pending" || view.status === "running") {
    await sleep(POLL_MS);
    view = await unwrap(
      api.GET("/api/v1/exports/{export_id}", { params: { path: { export_id: view.export_id } } }),
    );
  }
  if (view.status === "failed" || !view.url) {
    throw new ApiError(view.error?.code ?? "UNEXPECTED", view.error?.message ?? "", 0);
  }
  return view;
}

/** Google's popup, its refusal (closed, blocked) said as the API would say it. */
async function askGoogle(ask: () => Promise<string>): Promise<string> {
  try {
    return await ask();
  } catch {
    throw new ApiError("GOOGLE_TOKEN_MISSING", "", 0);
  }
}

function extension(target: ExportTarget, kind: ExportKind): string {
  if (kind === "xlsx") return "xlsx";
  return target.kind === "batch" ? "zip" : "csv"; // a batch's CSV export is a ZIP of one per book
}

/** Download as CSV or XLSX, or export to Google Sheets (with Google access asked for then). */
export function ExportPanel({ target }: { target: ExportTarget }) {
  const { api, auth, config, settings, announce } = useSession();
  const [status, setStatus] = useState("");
  const [sheetUrl, setSheetUrl] = useState<string | null>(null);
  const columns = settings?.export_columns;

  const download = useAction(async (kind: "csv" | "xlsx") => {
    setStatus(t.preparing);
    try {
      const view = await runExport(api, target, kind, columns, null);
      const name = exportFilename(target.name, extension(target, kind));
      await saveUrlAs(view.url ?? "", name);
      setStatus("");
      announce(t.downloaded(name));
    } catch (error) {
      setStatus("");
      throw error;
    }
  });

  const toSheets = useAction(async () => {
    const { sheetsAccessToken } = await import("../auth/google");
    setStatus(t.preparing);
    try {
      googleToken ??= await askGoogle(() => sheetsAccessToken(auth));
      let view: ExportView;
      try {
        view = await runExport(api, target, "google_sheets", columns, googleToken);
      } catch (error) {
        if (!(error instanceof ApiError && GOOGLE_TOKEN_CODES.has(error.code))) throw error;
        googleToken = await askGoogle(() => sheetsAccessToken(auth)); // expired or short of scopes: ask once more
        view = await runExport(api, target, "google_sheets", columns, googleToken);
      }
      setSheetUrl(view.url);
    } finally {
      setStatus("");
    }
  });

  const busy = download.pending || toSheets.pending;
  return (
    <section aria-labelledby="export-heading" class="export">
      <h2 id="export-heading">{t.exportTitle}</h2>
      <div class="button-row">
        <button type="button" disabled={busy} onClick={() => void download.run("csv")}>
          {target.kind === "batch" ? t.exportZip : t.exportCsv}
        </button>
        <button type="button" disabled={busy} onClick={() => void download.run("xlsx")}>
          {t.exportXlsx}
        </button>
        {config.googleSignIn && (
          <button
            type="button"
            disabled={busy}
            onClick={() => void toSheets.run()}
            aria-describedby="sheets-hint"
          >
            {t.exportSheets}
          </button>
        )}
      </div>
      {config.googleSignIn ? (
        <p id="sheets-hint" class="hint">
          {t.sheetsAsk}
        </p>
      ) : (
        <p class="hint">{t.sheetsNeedGoogle}</p>
      )}
      <p role="status">{status}</p>
      {sheetUrl && (
        <p>
          {t.sheetReady}{" "}
          <a href={sheetUrl} target="_blank" rel="noopener noreferrer">
            {t.openSheet}
          </a>
        </p>
      )}
      <ErrorBox error={download.error ?? toSheets.error} />
    </section>
  );
}
