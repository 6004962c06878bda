/** What every signed-in screen shares: the API client, the user, their plan, settings,
 * teams and chosen space, and the page's live region. */
import type { Auth, User } from "@firebase/auth";
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Api, Schemas } from "../api/client";
import type { AppConfig } from "../config";

export type Me = Schemas["MeView"];
export type Settings = Schemas["UserSettingsIn"];
export type Team = Schemas["TeamSummary"];

export interface Session {
  config: AppConfig;
  auth: Auth;
  api: Api;
  user: User;
  me: Me | null;
  refreshMe: () => void;
  settings: Settings | null;
  setSettings: (settings: Settings) => void;
  teams: Team[];
  refreshTeams: () => void;
  space: string; // "me" or "team:<id>"
  setSpace: (space: string) => void;
  announce: (text: string) => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a signed-in screen");
  return session;
}
