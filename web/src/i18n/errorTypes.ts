import type { ErrorCode } from "../api/errors";

/** What a message may use of the error: its details, and Retry-After for rate limits. */
export interface ErrorFacts {
  details: Record<string, unknown>;
  retryAfterSeconds: number | null;
}

export type ErrorText = string | ((facts: ErrorFacts) => string);

/** One message per code, in each language: the compiler checks none is missing. */
export type ErrorTable = Record<ErrorCode, ErrorText>;

export function num(value: unknown): string {
  return typeof value === "number" ? value.toLocaleString() : String(value ?? "?");
}

export function list(value: unknown): string {
  return Array.isArray(value) ? value.join(", ") : String(value ?? "");
}
