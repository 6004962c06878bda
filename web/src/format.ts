/** Numbers, sizes and dates in the UI's language. */
import { lang } from "./i18n/lang";

const locale = lang === "fr" ? "fr-FR" : "en-US";

export function count(n: number): string {
  return n.toLocaleString(locale);
}

export function bytes(n: number): string {
  const units = lang === "fr" ? ["o", "Ko", "Mo", "Go"] : ["B", "KB", "MB", "GB"];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toLocaleString(locale, { maximumFractionDigits: digits })} ${units[unit]}`;
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Date(iso).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
}

export function time(iso: string): string {
  return new Date(iso).toLocaleTimeString(locale, { timeStyle: "short" });
}

export function percent(done: number, total: number): number {
  return total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
}
