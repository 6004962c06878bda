import { onAuthStateChanged, type Auth, type User } from "@firebase/auth";
import { useEffect, useMemo, useState } from "preact/hooks";
import { createApi, unwrap } from "./api/client";
import { signOutUser } from "./auth/session";
import { Link } from "./components/Link";
import type { AppConfig } from "./config";
import { t } from "./i18n";
import { parseRoute, useLocation, type Route } from "./router";
import { Account } from "./screens/Account";
import { Batch } from "./screens/Batch";
import { Batches } from "./screens/Batches";
import { History } from "./screens/History";
import { Job } from "./screens/Job";
import { NotFound } from "./screens/NotFound";
import { Settings } from "./screens/Settings";
import { SignIn } from "./screens/SignIn";
import { Teams } from "./screens/Teams";
import { Upload } from "./screens/Upload";
import { Webhooks } from "./screens/Webhooks";
import {
  SessionContext,
  type Me,
  type Session,
  type Settings as UserSettings,
  type Team,
} from "./state/session";

interface Props {
  config: AppConfig;
  auth: Auth;
}

export function App({ config, auth }: Props) {
  const [user, setUser] = useState<User | null | undefined>(auth.currentUser ?? undefined);
  const [announcement, setAnnouncement] = useState("");
  useEffect(() => onAuthStateChanged(auth, setUser), [auth]);
  return (
    <>
      <a class="skip-link" href="#main">
        {t.skipToContent}
      </a>
      {user ? (
        <SignedIn config={config} auth={auth} user={user} announce={setAnnouncement} />
      ) : (
        <>
          <header class="site-header">
            <p class="brand">{t.appName}</p>
          </header>
          <main id="main" tabIndex={-1}>
            {user === null ? (
              <SignIn config={config} auth={auth} />
            ) : (
              <p role="status">{t.loading}</p>
            )}
          </main>
        </>
      )}
      <div class="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </div>
    </>
  );
}

const SPACE_KEY = "fnt.space";

function SignedIn({
  config,
  auth,
  user,
  announce,
}: Props & { user: User; announce: (text: string) => void }) {
  const api = useMemo(() => createApi(config.apiUrl, () => user.getIdToken()), [config, user]);
  const [me, setMe] = useState<Me | null>(null);
  const [settings, setSettings] = useState<UserSettings | null>(null);
  const [teams, setTeams] = useState<Team[]>([]);
  const [space, setSpaceState] = useState(() => window.localStorage.getItem(SPACE_KEY) ?? "me");
  const [round, setRound] = useState({ me: 0, teams: 0 });

  useEffect(() => {
    unwrap(api.GET("/api/v1/me")).then(setMe, () => setMe(null));
  }, [api, round.me]);
  useEffect(() => {
    unwrap(api.GET("/api/v1/settings")).then(setSettings, () => setSettings(null));
  }, [api]);
  useEffect(() => {
    unwrap(api.GET("/api/v1/teams")).then(
      (list) => {
        setTeams(list.teams);
        // A space of a team the user left falls back to their own.
        if (space !== "me" && !list.teams.some((team) => `team:${team.team_id}` === space))
          setSpace("me");
      },
      () => setTeams([]),
    );
  }, [api, round.teams]);

  const setSpace = (value: string) => {
    window.localStorage.setItem(SPACE_KEY, value);
    setSpaceState(value);
  };
  const session: Session = {
    config,
    auth,
    api,
    user,
    me,
    refreshMe: () => setRound((r) => ({ ...r, me: r.me + 1 })),
    settings,
    setSettings,
    teams,
    refreshTeams: () => setRound((r) => ({ ...r, teams: r.teams + 1 })),
    space,
    setSpace,
    announce: (text) => {
      // The same text twice in a row is announced again.
      announce("");
      window.setTimeout(() => announce(text), 50);
    },
  };
  const { pathname } = useLocation();
  const route = parseRoute(pathname);
  return (
    <SessionContext.Provider value={session}>
      <header class="site-header">
        <Link href="/" class="brand">
          {t.appName}
        </Link>
        <nav aria-label={t.mainNav}>
          <ul>
            <NavItem href="/" route={route} names={["upload"]} label={t.navUpload} />
            <NavItem
              href="/history"
              route={route}
              names={["history", "job"]}
              label={t.navHistory}
            />
            <NavItem
              href="/batches"
              route={route}
              names={["batches", "batch"]}
              label={t.navBatches}
            />
            <NavItem href="/settings" route={route} names={["settings"]} label={t.navSettings} />
            <NavItem href="/account" route={route} names={["account"]} label={t.navAccount} />
            <NavItem href="/teams" route={route} names={["teams"]} label={t.navTeams} />
            <NavItem href="/webhooks" route={route} names={["webhooks"]} label={t.navWebhooks} />
          </ul>
        </nav>
        <div class="user">
          <span class="user-email">{user.email ? t.signedInAs(user.email) : ""}</span>
          <button type="button" onClick={() => void signOutUser(auth)}>
            {t.signOut}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <RouteView route={route} />
      </main>
    </SessionContext.Provider>
  );
}

function NavItem({
  href,
  route,
  names,
  label,
}: {
  href: string;
  route: Route;
  names: Route["name"][];
  label: string;
}) {
  const current = names.includes(route.name);
  return (
    <li>
      <Link
        href={href}
        aria-current={current && route.name === names[0] ? "page" : undefined}
        class={current ? "current" : undefined}
      >
        {label}
      </Link>
    </li>
  );
}

function RouteView({ route }: { route: Route }) {
  switch (route.name) {
    case "upload":
      return <Upload />;
    case "job":
      return <Job key={route.id} id={route.id} tab={route.tab} />;
    case "history":
      return <History />;
    case "batches":
      return <Batches />;
    case "batch":
      return <Batch key={route.id} id={route.id} />;
    case "settings":
      return <Settings />;
    case "account":
      return <Account />;
    case "teams":
      return <Teams />;
    case "webhooks":
      return <Webhooks />;
    case "notFound":
      return <NotFound />;
  }
}
