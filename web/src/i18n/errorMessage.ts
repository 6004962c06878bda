/** The message for an error, in the UI's language. */
import type { ApiError, ErrorCode } from "../api/errors";
import { errorsEn } from "./errors.en";
import { errorsFr } from "./errors.fr";
import type { ErrorFacts, ErrorTable } from "./errorTypes";
import { lang } from "./lang";

const tables: Record<"en" | "fr", ErrorTable> = { en: errorsEn, fr: errorsFr };

// Codes whose server message carries specifics worth showing (pages, fields).
const WITH_SERVER_MESSAGE = new Set<string>([
  "VALIDATION_FAILED",
  "INVALID_REQUEST",
  "TRANSCRIPTION_FAILED",
  "TRANSCRIPTION_RECITATION",
  "TRANSCRIPTION_BLOCKED",
  "TRANSCRIPTION_TRUNCATED",
  "TRANSCRIPTION_EMPTY",
  "SHEETS_REQUEST_FAILED",
  "WEBHOOK_TARGET_REFUSED", // why: not https, a private or metadata address...
]);

export function messageFor(
  code: string,
  facts: Partial<ErrorFacts> = {},
  table = tables[lang],
): string {
  const text = table[code as ErrorCode] ?? table.UNEXPECTED;
  return typeof text === "function"
    ? text({ details: facts.details ?? {}, retryAfterSeconds: facts.retryAfterSeconds ?? null })
    : text;
}

export function errorMessage(error: ApiError): string {
  return messageFor(error.code, error);
}

/** The server's own words, where they add something to the message. */
export function serverDetail(code: string, serverMessage: string): string | null {
  return WITH_SERVER_MESSAGE.has(code) && serverMessage ? serverMessage : null;
}
