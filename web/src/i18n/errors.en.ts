import { list, num, type ErrorFacts, type ErrorTable } from "./errorTypes";

function planLimit({ details }: ErrorFacts): string {
  const plan = String(details.plan ?? "current");
  const value = num(details.value);
  const wanted = num(details.requested);
  switch (details.limit) {
    case "file_mb":
      return `Your plan (${plan}) allows files up to ${value} MB; this one is ${wanted} MB.`;
    case "pages_per_book":
      return `Your plan (${plan}) allows books of up to ${value} pages; this one has ${wanted}.`;
    case "books_per_day":
      return `Your plan (${plan}) allows ${value} books a day, and today's are used. Try again tomorrow.`;
    case "batch_files":
      return `Your plan (${plan}) allows ${value} files in a batch; this one would have ${wanted}.`;
    case "concurrent_jobs":
      return `Your plan (${plan}) allows ${value} books in progress at once. Wait for one to finish, or cancel one.`;
    case "engines":
      return `Your plan (${plan}) does not include this engine (it has: ${list(details.value)}).`;
    case "export_kinds":
      return `Your plan (${plan}) does not include this kind of export (it has: ${list(details.value)}).`;
    case "webhook_endpoints":
      return `Your plan (${plan}) allows ${value} webhook endpoints.`;
    default:
      return `Your plan (${plan}) does not allow this.`;
  }
}

function later({ retryAfterSeconds }: ErrorFacts): string {
  return retryAfterSeconds
    ? `Too many requests for now. Try again in ${num(retryAfterSeconds)} seconds.`
    : "Too many requests for now. Try again in a moment.";
}

const SIGN_IN_AGAIN = "Your session has ended. Sign in again.";
const TRY_AGAIN = "The service is having trouble. Try again in a moment.";

export const errorsEn: ErrorTable = {
  // The browser's own
  NETWORK: "The service could not be reached. Check your connection and try again.",
  SERVER: TRY_AGAIN,
  UNEXPECTED: "Something unexpected happened. Try again.",
  UPLOAD_REJECTED: "The file could not be uploaded. Try again.",
  UPLOAD_ABORTED: "The upload was stopped.",
  // Requests
  INVALID_REQUEST: "The request was not understood.",
  VALIDATION_FAILED: "Some values are not valid.",
  INVALID_LIMIT: "The sentence length must be between 3 and 50 words.",
  INVALID_PAGE_RANGE: "The page range is not valid.",
  PAYLOAD_TOO_LARGE: ({ details }) =>
    details.max_bytes
      ? `The file is too large to send here (at most ${num(Number(details.max_bytes) / 1e6)} MB).`
      : "The file is too large.",
  FILE_TOO_LARGE: "The file uploaded was larger than announced.",
  UNSUPPORTED_MEDIA_TYPE: "This kind of content is not accepted.",
  METHOD_NOT_ALLOWED: "This action is not possible here.",
  ROUTE_NOT_FOUND: "This page of the service does not exist.",
  NOT_FOUND: "Not found.",
  CONFLICT: "This cannot be done in the current state.",
  RATE_LIMITED: later,
  UNAVAILABLE: TRY_AGAIN,
  INTERNAL: TRY_AGAIN,
  DEPENDENCY_REFUSED: "A service we rely on refused the request.",
  // Identity
  UNAUTHENTICATED: SIGN_IN_AGAIN,
  AUTH_TOKEN_MISSING: SIGN_IN_AGAIN,
  AUTH_TOKEN_INVALID: SIGN_IN_AGAIN,
  AUTH_TOKEN_EXPIRED: SIGN_IN_AGAIN,
  AUTH_TOKEN_REVOKED: SIGN_IN_AGAIN,
  USER_DISABLED: "This account is disabled.",
  USER_DELETED: "This account was deleted.",
  USER_NOT_FOUND: "No such user.",
  FORBIDDEN: "You are not allowed to do this.",
  CALLER_FORBIDDEN: "You are not allowed to do this.",
  ADMIN_ONLY: "Only an administrator can do this.",
  PLAN_LIMIT_EXCEEDED: planLimit,
  // PDFs
  PDF_ERROR: "This PDF cannot be read.",
  NOT_A_PDF: "This file is not a PDF.",
  PDF_DAMAGED: "This PDF is damaged and cannot be read.",
  PDF_ENCRYPTED: "This PDF is protected by a password. Remove the protection and try again.",
  PDF_UNSUPPORTED: "This PDF uses a feature that cannot be read (such as certificate encryption).",
  PDF_NO_TEXT_LAYER: "This PDF is a scan with no text. Scanned books need the Gemini engine.",
  PDF_TOO_LITTLE_TEXT: "This PDF has almost no text.",
  PDF_TOO_MANY_PAGES: "This PDF has too many pages.",
  PDF_RESULT_TOO_LARGE: "A page of this PDF could not be turned into sentences (garbled text).",
  PDF_ACTIVE_CONTENT:
    "This PDF contains active content (scripts or embedded files) and was refused.",
  UPLOAD_INFECTED: "The malware scan found a threat in this file. It was deleted.",
  SCANNER_UNAVAILABLE: "The file could not be checked for malware in time. Try again.",
  OBJECT_NOT_FOUND: "The uploaded file was not found.",
  BOOK_PROFILE_MISMATCH: "The book changed while it was being processed. Try again.",
  // Jobs
  JOB_NOT_FOUND: "This book was not found. It may have been deleted.",
  JOB_NOT_COMPLETED: "This book is not processed yet.",
  JOB_STATE_CONFLICT: "This book has already finished; that is no longer possible.",
  UPLOAD_GONE: "The PDF of this book is no longer stored. Upload it again.",
  UPLOAD_EXPIRED: "The upload did not arrive in time. Upload the file again.",
  UPLOAD_MISSING: "The uploaded file could not be found. Upload it again.",
  UPLOAD_FAILED: "The upload could not be accepted. Upload the file again.",
  CHUNK_FAILED: "Part of the book could not be processed after several attempts. Retry the job.",
  DISPATCH_IN_PROGRESS: "The book is being prepared. Wait a moment.",
  CHUNK_RETRY: "A part of the book is being tried again.",
  // Engines
  GEMINI_NOT_CONFIGURED: "The Gemini engine is not available here. Choose the offline engine.",
  GEMINI_ERROR: "The Gemini engine failed.",
  GEMINI_RATE_LIMITED: "The Gemini engine is busy. Try again later.",
  GEMINI_UNAVAILABLE: "The Gemini engine is unavailable. Try again later.",
  GEMINI_KEY_INVALID: "The Gemini engine is misconfigured (its key was refused).",
  GEMINI_REQUEST_REJECTED: "The Gemini engine refused the request.",
  GEMINI_MODEL_NOT_FOUND: "The Gemini model is no longer available.",
  TRANSCRIPTION_FAILED: "Some scanned pages could not be read.",
  TRANSCRIPTION_RECITATION:
    "Some scanned pages could not be read (the model declined to reproduce them).",
  TRANSCRIPTION_BLOCKED: "Some scanned pages could not be read (blocked by the model).",
  TRANSCRIPTION_TRUNCATED: "Some scanned pages could not be read completely.",
  TRANSCRIPTION_EMPTY: "Some scanned pages gave no text.",
  // Exports
  EXPORT_NOT_FOUND: "This export was not found.",
  EXPORTS_NOT_CONFIGURED: "Exports are not available here.",
  GOOGLE_TOKEN_MISSING: "Google access is needed for this export. Allow it and try again.",
  GOOGLE_TOKEN_INVALID: "Google access has expired. Allow it again.",
  GOOGLE_SCOPE_MISSING:
    "Google access was given without the spreadsheet permissions. Allow them and try again.",
  SPREADSHEET_NOT_FOUND: "The spreadsheet was not found, or you cannot edit it.",
  SHEET_TAB_NOT_FOUND: "That tab does not exist in the spreadsheet.",
  SHEETS_RATE_LIMITED: "Google Sheets is busy. Try again in a minute.",
  SHEETS_UNAVAILABLE: "Google Sheets is unavailable. Try again later.",
  SHEETS_REQUEST_FAILED: "Google Sheets refused the export.",
  // Batches
  BATCH_NOT_FOUND: "This batch was not found.",
  BATCH_CLOSED: "This batch no longer takes files.",
  BATCH_STATE_CONFLICT: "This batch has already finished.",
  BATCH_TOO_LARGE: ({ details }) =>
    details.max_files
      ? `A batch holds at most ${num(details.max_files)} files.`
      : "This batch has too many files.",
  BATCH_NOT_READY: "No book of this batch is completed yet.",
  // Teams
  TEAM_NOT_FOUND: "This team was not found.",
  INVITE_NOT_FOUND: "This invitation is not valid.",
  TEAM_LAST_OWNER:
    "A team's last owner can neither leave it nor stop being an owner: make another member an owner first.",
  INVITE_EXPIRED: "This invitation has expired. Ask for a new one.",
  INVITE_ALREADY_USED: "This invitation was already used.",
  INVITE_EMAIL_MISMATCH: "This invitation is for another e-mail address.",
  // Webhooks
  WEBHOOK_NOT_FOUND: "This webhook was not found.",
  WEBHOOK_TARGET_REFUSED: "This webhook address is not allowed.",
  WEBHOOK_LIMIT_REACHED: "You have reached the number of webhooks allowed.",
  WEBHOOKS_NOT_CONFIGURED: "Webhooks are not available here.",
};
