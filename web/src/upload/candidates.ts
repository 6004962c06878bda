/** The files a user picked, each checked before anything is sent: is it a PDF, does the
 * plan take its size, and (from the API) what processing it would take. */
import type { Api, Schemas } from "../api/client";
import { unwrap } from "../api/client";
import { ApiError } from "../api/errors";
import type { JobSettings } from "../components/JobSettingsFields";
import type { Me } from "../state/session";

export type Estimate = Schemas["Estimate"];

export interface Candidate {
  key: number;
  file: File;
  notPdf: boolean;
  estimate: Estimate | null;
  estimateError: ApiError | null;
  estimating: boolean;
  estimatedFor: string | null; // the settings the estimate was made with
}

// The API takes a posted PDF of up to 32 MB (Cloud Functions' request limit).
export const ESTIMATE_MAX_BYTES = 32 * 1000 * 1000;
const MEBIBYTE = 1024 * 1024;

async function isPdf(file: File): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 1024).arrayBuffer());
  const text = String.fromCharCode(...head);
  return text.includes("%PDF-"); // readers accept the header within the first kilobyte
}

/** The plan's refusal of a file this size, exactly as the API would refuse it. */
export function sizeRefusal(file: File, me: Me | null): ApiError | null {
  if (!me) return null;
  const megabytes = Math.ceil(file.size / MEBIBYTE);
  if (megabytes <= me.plan.file_mb) return null;
  const details = {
    limit: "file_mb",
    value: me.plan.file_mb,
    plan: me.plan.name,
    requested: megabytes,
  };
  return new ApiError("PLAN_LIMIT_EXCEEDED", "", 403, details);
}

let nextKey = 1;

export async function checkFile(file: File): Promise<Candidate> {
  const notPdf = file.size === 0 || !(await isPdf(file));
  return {
    key: nextKey++,
    file,
    notPdf,
    estimate: null,
    estimateError: null,
    estimating: false,
    estimatedFor: null,
  };
}

/** Why the file cannot be processed, known without asking the API (the plan may come
 * after the file: it is checked whenever asked). */
export function problemOf(candidate: Candidate, me: Me | null): ApiError | null {
  return candidate.notPdf ? new ApiError("NOT_A_PDF", "", 0) : sizeRefusal(candidate.file, me);
}

export function wantsEstimate(candidate: Candidate, me: Me | null): boolean {
  return problemOf(candidate, me) === null && candidate.file.size <= ESTIMATE_MAX_BYTES;
}

/** Refused here, or by the API's estimate for good (not a passing fault). */
export function excludes(candidate: Candidate, me: Me | null): boolean {
  const { estimateError } = candidate;
  return problemOf(candidate, me) !== null || (estimateError !== null && !estimateError.retryable);
}

export function settingsKey(settings: JobSettings): string {
  return JSON.stringify([settings.sentence_length_limit, settings.engine, settings.keep_dialogue]);
}

export function estimate(api: Api, file: File, settings: JobSettings): Promise<Estimate> {
  return unwrap(
    api.POST("/api/v1/estimate", {
      body: {
        pdf_file: file as unknown as string, // sent as the file itself by the serializer
        sentence_length_limit: settings.sentence_length_limit,
        engine: settings.engine,
        keep_dialogue: settings.keep_dialogue,
      },
      bodySerializer(body) {
        const form = new FormData();
        form.append("pdf_file", file, file.name);
        for (const [name, value] of Object.entries(body)) {
          if (name !== "pdf_file" && value !== undefined) form.append(name, String(value));
        }
        return form;
      },
    }),
  );
}
