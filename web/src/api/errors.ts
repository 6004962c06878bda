/** Errors as the app sees them: the API's stable codes, plus the few the browser meets
 * on its own (no network, a server fault without a body, a refused upload). */
import type { components } from "./schema";

/** Every code the API documents (a failed job's too): one added there without a message
 * breaks the build. */
export type ApiErrorCode = components["schemas"]["ErrorDetail"]["code"];
export type ClientCode = "NETWORK" | "SERVER" | "UNEXPECTED" | "UPLOAD_REJECTED" | "UPLOAD_ABORTED";
export type ErrorCode = ApiErrorCode | ClientCode;

export type Details = Record<string, unknown>;

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 0,
    readonly details: Details = {},
    readonly requestId: string | null = null,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** Worth trying the same thing again later (network, server fault, rate limit). */
  get retryable(): boolean {
    return this.code === "NETWORK" || this.status >= 500 || this.status === 429;
  }
}

interface ErrorBody {
  error: { code: string; message: string; details?: Details; request_id?: string };
}

function isErrorBody(body: unknown): body is ErrorBody {
  const error = (body as ErrorBody | null)?.error;
  return typeof error?.code === "string" && typeof error.message === "string";
}

/** The ApiError for a non-2xx answer, from its body when it is the API's error model. */
export function errorOfResponse(response: Response, body: unknown): ApiError {
  const retryAfter = Number(response.headers.get("Retry-After"));
  const retry = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
  const requestId = response.headers.get("X-Request-ID");
  if (isErrorBody(body)) {
    const { code, message, details, request_id } = body.error;
    return new ApiError(
      code,
      message,
      response.status,
      details ?? {},
      request_id ?? requestId,
      retry,
    );
  }
  const code = response.status >= 500 ? "SERVER" : "UNEXPECTED";
  return new ApiError(code, `HTTP ${response.status}`, response.status, {}, requestId, retry);
}

export function networkError(cause: unknown): ApiError {
  return new ApiError("NETWORK", cause instanceof Error ? cause.message : String(cause));
}

export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError("UNEXPECTED", String(error));
}
