import { list, num, type ErrorFacts, type ErrorTable } from "./errorTypes";

function planLimit({ details }: ErrorFacts): string {
  const plan = String(details.plan ?? "actuelle");
  const value = num(details.value);
  const wanted = num(details.requested);
  switch (details.limit) {
    case "file_mb":
      return `Votre formule (${plan}) accepte des fichiers de ${value} Mo au plus ; celui-ci fait ${wanted} Mo.`;
    case "pages_per_book":
      return `Votre formule (${plan}) accepte des livres de ${value} pages au plus ; celui-ci en a ${wanted}.`;
    case "books_per_day":
      return `Votre formule (${plan}) permet ${value} livres par jour, et ceux d'aujourd'hui sont utilisés. Réessayez demain.`;
    case "batch_files":
      return `Votre formule (${plan}) permet ${value} fichiers par lot ; celui-ci en aurait ${wanted}.`;
    case "concurrent_jobs":
      return `Votre formule (${plan}) permet ${value} livres en cours à la fois. Attendez qu'un livre soit terminé, ou annulez-en un.`;
    case "engines":
      return `Votre formule (${plan}) n'inclut pas ce moteur (elle a : ${list(details.value)}).`;
    case "export_kinds":
      return `Votre formule (${plan}) n'inclut pas ce type d'export (elle a : ${list(details.value)}).`;
    case "webhook_endpoints":
      return `Votre formule (${plan}) permet ${value} webhooks.`;
    default:
      return `Votre formule (${plan}) ne le permet pas.`;
  }
}

function later({ retryAfterSeconds }: ErrorFacts): string {
  return retryAfterSeconds
    ? `Trop de demandes pour le moment. Réessayez dans ${num(retryAfterSeconds)} secondes.`
    : "Trop de demandes pour le moment. Réessayez dans un instant.";
}

const SIGN_IN_AGAIN = "Votre session a pris fin. Reconnectez-vous.";
const TRY_AGAIN = "Le service rencontre un problème. Réessayez dans un instant.";

export const errorsFr: ErrorTable = {
  NETWORK: "Le service est injoignable. Vérifiez votre connexion et réessayez.",
  SERVER: TRY_AGAIN,
  UNEXPECTED: "Un problème inattendu est survenu. Réessayez.",
  UPLOAD_REJECTED: "Le fichier n'a pas pu être envoyé. Réessayez.",
  UPLOAD_ABORTED: "L'envoi a été interrompu.",
  INVALID_REQUEST: "La demande n'a pas été comprise.",
  VALIDATION_FAILED: "Certaines valeurs ne sont pas valides.",
  INVALID_LIMIT: "La longueur des phrases doit être comprise entre 3 et 50 mots.",
  INVALID_PAGE_RANGE: "L'intervalle de pages n'est pas valide.",
  PAYLOAD_TOO_LARGE: ({ details }) =>
    details.max_bytes
      ? `Le fichier est trop gros pour être envoyé ici (${num(Number(details.max_bytes) / 1e6)} Mo au plus).`
      : "Le fichier est trop gros.",
  FILE_TOO_LARGE: "Le fichier envoyé était plus gros qu'annoncé.",
  UNSUPPORTED_MEDIA_TYPE: "Ce type de contenu n'est pas accepté.",
  METHOD_NOT_ALLOWED: "Cette action n'est pas possible ici.",
  ROUTE_NOT_FOUND: "Cette adresse du service n'existe pas.",
  NOT_FOUND: "Introuvable.",
  CONFLICT: "Ce n'est pas possible dans l'état actuel.",
  RATE_LIMITED: later,
  UNAVAILABLE: TRY_AGAIN,
  INTERNAL: TRY_AGAIN,
  DEPENDENCY_REFUSED: "Un service dont nous dépendons a refusé la demande.",
  UNAUTHENTICATED: SIGN_IN_AGAIN,
  AUTH_TOKEN_MISSING: SIGN_IN_AGAIN,
  AUTH_TOKEN_INVALID: SIGN_IN_AGAIN,
  AUTH_TOKEN_EXPIRED: SIGN_IN_AGAIN,
  AUTH_TOKEN_REVOKED: SIGN_IN_AGAIN,
  USER_DISABLED: "Ce compte est désactivé.",
  USER_DELETED: "Ce compte a été supprimé.",
  USER_NOT_FOUND: "Utilisateur introuvable.",
  FORBIDDEN: "Vous n'avez pas le droit de faire cela.",
  CALLER_FORBIDDEN: "Vous n'avez pas le droit de faire cela.",
  ADMIN_ONLY: "Seul un administrateur peut faire cela.",
  PLAN_LIMIT_EXCEEDED: planLimit,
  PDF_ERROR: "Ce PDF ne peut pas être lu.",
  NOT_A_PDF: "Ce fichier n'est pas un PDF.",
  PDF_DAMAGED: "Ce PDF est endommagé et ne peut pas être lu.",
  PDF_ENCRYPTED: "Ce PDF est protégé par un mot de passe. Retirez la protection et réessayez.",
  PDF_UNSUPPORTED:
    "Ce PDF utilise une fonction illisible ici (comme un chiffrement par certificat).",
  PDF_NO_TEXT_LAYER:
    "Ce PDF est un scan sans texte. Les livres scannés demandent le moteur Gemini.",
  PDF_TOO_LITTLE_TEXT: "Ce PDF ne contient presque pas de texte.",
  PDF_TOO_MANY_PAGES: "Ce PDF a trop de pages.",
  PDF_RESULT_TOO_LARGE: "Une page de ce PDF n'a pas pu être découpée en phrases (texte illisible).",
  PDF_ACTIVE_CONTENT:
    "Ce PDF contient du contenu actif (scripts ou fichiers joints) et a été refusé.",
  UPLOAD_INFECTED: "L'analyse antivirus a trouvé une menace dans ce fichier. Il a été supprimé.",
  SCANNER_UNAVAILABLE: "Le fichier n'a pas pu être analysé à temps. Réessayez.",
  OBJECT_NOT_FOUND: "Le fichier envoyé est introuvable.",
  BOOK_PROFILE_MISMATCH: "Le livre a changé pendant son traitement. Réessayez.",
  JOB_NOT_FOUND: "Ce livre est introuvable. Il a peut-être été supprimé.",
  JOB_NOT_COMPLETED: "Ce livre n'est pas encore traité.",
  JOB_STATE_CONFLICT: "Ce livre est déjà terminé ; ce n'est plus possible.",
  UPLOAD_GONE: "Le PDF de ce livre n'est plus conservé. Envoyez-le de nouveau.",
  UPLOAD_EXPIRED: "L'envoi n'est pas arrivé à temps. Envoyez le fichier de nouveau.",
  UPLOAD_MISSING: "Le fichier envoyé est introuvable. Envoyez-le de nouveau.",
  UPLOAD_FAILED: "L'envoi n'a pas pu être accepté. Envoyez le fichier de nouveau.",
  CHUNK_FAILED:
    "Une partie du livre n'a pas pu être traitée malgré plusieurs essais. Relancez le traitement.",
  DISPATCH_IN_PROGRESS: "Le livre est en préparation. Patientez un instant.",
  CHUNK_RETRY: "Une partie du livre est de nouveau en cours.",
  GEMINI_NOT_CONFIGURED:
    "Le moteur Gemini n'est pas disponible ici. Choisissez le moteur hors ligne.",
  GEMINI_ERROR: "Le moteur Gemini a échoué.",
  GEMINI_RATE_LIMITED: "Le moteur Gemini est saturé. Réessayez plus tard.",
  GEMINI_UNAVAILABLE: "Le moteur Gemini est indisponible. Réessayez plus tard.",
  GEMINI_KEY_INVALID: "Le moteur Gemini est mal configuré (sa clé a été refusée).",
  GEMINI_REQUEST_REJECTED: "Le moteur Gemini a refusé la demande.",
  GEMINI_MODEL_NOT_FOUND: "Le modèle Gemini n'est plus disponible.",
  TRANSCRIPTION_FAILED: "Certaines pages scannées n'ont pas pu être lues.",
  TRANSCRIPTION_RECITATION:
    "Certaines pages scannées n'ont pas pu être lues (le modèle a refusé de les reproduire).",
  TRANSCRIPTION_BLOCKED:
    "Certaines pages scannées n'ont pas pu être lues (bloquées par le modèle).",
  TRANSCRIPTION_TRUNCATED: "Certaines pages scannées n'ont pas pu être lues en entier.",
  TRANSCRIPTION_EMPTY: "Certaines pages scannées n'ont donné aucun texte.",
  EXPORT_NOT_FOUND: "Cet export est introuvable.",
  EXPORTS_NOT_CONFIGURED: "Les exports ne sont pas disponibles ici.",
  GOOGLE_TOKEN_MISSING: "Cet export demande l'accès à Google. Autorisez-le et réessayez.",
  GOOGLE_TOKEN_INVALID: "L'accès à Google a expiré. Autorisez-le de nouveau.",
  GOOGLE_SCOPE_MISSING:
    "L'accès à Google a été donné sans les droits sur les feuilles de calcul. Accordez-les et réessayez.",
  SPREADSHEET_NOT_FOUND: "La feuille de calcul est introuvable, ou vous ne pouvez pas la modifier.",
  SHEET_TAB_NOT_FOUND: "Cet onglet n'existe pas dans la feuille de calcul.",
  SHEETS_RATE_LIMITED: "Google Sheets est saturé. Réessayez dans une minute.",
  SHEETS_UNAVAILABLE: "Google Sheets est indisponible. Réessayez plus tard.",
  SHEETS_REQUEST_FAILED: "Google Sheets a refusé l'export.",
  BATCH_NOT_FOUND: "Ce lot est introuvable.",
  BATCH_CLOSED: "Ce lot n'accepte plus de fichiers.",
  BATCH_STATE_CONFLICT: "Ce lot est déjà terminé.",
  BATCH_TOO_LARGE: ({ details }) =>
    details.max_files
      ? `Un lot contient au plus ${num(details.max_files)} fichiers.`
      : "Ce lot a trop de fichiers.",
  BATCH_NOT_READY: "Aucun livre de ce lot n'est encore terminé.",
  TEAM_NOT_FOUND: "Cette équipe est introuvable.",
  INVITE_NOT_FOUND: "Cette invitation n'est pas valide.",
  TEAM_LAST_OWNER:
    "Le dernier propriétaire d'une équipe ne peut ni la quitter ni cesser d'en être propriétaire : rendez d'abord un autre membre propriétaire.",
  INVITE_EXPIRED: "Cette invitation a expiré. Demandez-en une nouvelle.",
  INVITE_ALREADY_USED: "Cette invitation a déjà été utilisée.",
  INVITE_EMAIL_MISMATCH: "Cette invitation est destinée à une autre adresse e-mail.",
  WEBHOOK_NOT_FOUND: "Ce webhook est introuvable.",
  WEBHOOK_TARGET_REFUSED: "Cette adresse de webhook n'est pas autorisée.",
  WEBHOOK_LIMIT_REACHED: "Vous avez atteint le nombre de webhooks permis.",
  WEBHOOKS_NOT_CONFIGURED: "Les webhooks ne sont pas disponibles ici.",
};
