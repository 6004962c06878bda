/** The UI language: French for a browser set to French, English otherwise. */
export type Lang = "en" | "fr";

export function languageOf(preferred: string | undefined): Lang {
  return preferred?.toLowerCase().startsWith("fr") ? "fr" : "en";
}

export const lang: Lang = languageOf(
  typeof navigator === "undefined" ? undefined : navigator.language,
);
