/** The runtime configuration the hosting serves at /config.json (one build, any stack). */

export interface AppConfig {
  apiUrl: string; // ends with /api/v1
  firebase: { apiKey: string; authDomain: string; projectId: string };
  authEmulatorUrl: string | null; // local stacks only
  googleSignIn: boolean;
}

function isString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

/** The config, checked: a broken deployment says so at once instead of failing later. */
export function parseConfig(raw: unknown): AppConfig {
  const c = raw as Partial<AppConfig> | null;
  const fb = c?.firebase;
  if (
    !c ||
    !isString(c.apiUrl) ||
    !/\/api\/v1\/?$/.test(c.apiUrl) ||
    !fb ||
    !isString(fb.apiKey) ||
    !isString(fb.authDomain) ||
    !isString(fb.projectId) ||
    !(c.authEmulatorUrl === null || c.authEmulatorUrl === undefined || isString(c.authEmulatorUrl))
  ) {
    throw new Error("config.json is missing or malformed");
  }
  return {
    apiUrl: c.apiUrl.replace(/\/$/, ""),
    firebase: { apiKey: fb.apiKey, authDomain: fb.authDomain, projectId: fb.projectId },
    authEmulatorUrl: c.authEmulatorUrl ?? null,
    googleSignIn: c.googleSignIn === true,
  };
}

export async function loadConfig(): Promise<AppConfig> {
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return parseConfig(await response.json());
}
