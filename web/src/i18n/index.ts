/** The UI's words in its language (chosen from the browser's), and the page's lang. */
import { en, type Messages } from "./en";
import { fr } from "./fr";
import { lang } from "./lang";

export const t: Messages = lang === "fr" ? fr : en;

export function applyLanguage(): void {
  document.documentElement.lang = lang;
}
