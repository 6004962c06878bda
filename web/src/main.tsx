import { render } from "preact";
import { App } from "./App";
import { startAuth } from "./auth/session";
import { loadConfig } from "./config";
import { applyLanguage, t } from "./i18n";

applyLanguage();
const root = document.getElementById("app") as HTMLElement;

loadConfig().then(
  (config) => {
    root.textContent = ""; // the "Loading…" of index.html
    render(<App config={config} auth={startAuth(config)} />, root);
  },
  () => {
    root.textContent = "";
    const main = document.createElement("main");
    const message = document.createElement("p");
    message.setAttribute("role", "alert");
    message.textContent = t.startFailed;
    main.append(message);
    root.append(main);
  },
);
