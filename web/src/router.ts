/** Routing on the History API (the hosting rewrites unknown paths to index.html): each
 * screen has its own address. */
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { name: "upload" }
  | { name: "job"; id: string; tab: "sentences" | "notes" }
  | { name: "history" }
  | { name: "batches" }
  | { name: "batch"; id: string }
  | { name: "settings" }
  | { name: "account" }
  | { name: "teams" }
  | { name: "webhooks" }
  | { name: "notFound" };

const ID = "([0-9a-f]{32})";
const PATTERNS: [RegExp, (m: RegExpMatchArray) => Route][] = [
  [/^\/$/, () => ({ name: "upload" })],
  [new RegExp(`^/jobs/${ID}$`), (m) => ({ name: "job", id: m[1] ?? "", tab: "sentences" })],
  [new RegExp(`^/jobs/${ID}/notes$`), (m) => ({ name: "job", id: m[1] ?? "", tab: "notes" })],
  [/^\/history$/, () => ({ name: "history" })],
  [/^\/batches$/, () => ({ name: "batches" })],
  [new RegExp(`^/batches/${ID}$`), (m) => ({ name: "batch", id: m[1] ?? "" })],
  [/^\/settings$/, () => ({ name: "settings" })],
  [/^\/account$/, () => ({ name: "account" })],
  [/^\/teams$/, () => ({ name: "teams" })],
  [/^\/webhooks$/, () => ({ name: "webhooks" })],
];

export function parseRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/$/, "") : pathname;
  for (const [pattern, route] of PATTERNS) {
    const match = path.match(pattern);
    if (match) return route(match);
  }
  return { name: "notFound" };
}

const CHANGE = "fnt:navigate";

export function navigate(path: string, { replace = false } = {}): void {
  if (replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  window.dispatchEvent(new Event(CHANGE));
}

/** The current path and query, re-rendering on every navigation. */
export function useLocation(): { pathname: string; search: string } {
  const read = () => ({ pathname: window.location.pathname, search: window.location.search });
  const [location, setLocation] = useState(read);
  useEffect(() => {
    const update = () => setLocation(read());
    window.addEventListener("popstate", update);
    window.addEventListener(CHANGE, update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener(CHANGE, update);
    };
  }, []);
  return location;
}
