// Builds the app into dist/ (hashed assets, no inline script or style, so the hosting's
// CSP needs no 'unsafe-inline'). `npm run dev` serves it against a running `make dev`
// stack: config.json is made from .local/stack.json and /api is proxied to the stack's
// API, so the API's CORS origin need not include the dev server.
import { readFileSync } from "node:fs";
import { defineConfig, type Plugin } from "vite";

const STACK_FILE = new URL("../.local/stack.json", import.meta.url);

interface Stack {
  api_url: string;
  project_id: string;
  auth_emulator_host: string;
}

function readStack(): Stack | null {
  try {
    return JSON.parse(readFileSync(STACK_FILE, "utf8")) as Stack;
  } catch {
    return null;
  }
}

function devConfig(stack: Stack | null): Plugin {
  return {
    name: "fnt-dev-config",
    apply: "serve",
    configureServer(server) {
      server.middlewares.use("/config.json", (req, res) => {
        res.setHeader("content-type", "application/json");
        if (stack === null) {
          res.statusCode = 503;
          res.end(JSON.stringify({ error: "Start the local stack first: make dev" }));
          return;
        }
        const origin = `http://${req.headers.host ?? "localhost:5173"}`;
        res.end(
          JSON.stringify({
            apiUrl: `${origin}/api/v1`,
            firebase: {
              apiKey: "fake-api-key",
              authDomain: "localhost",
              projectId: stack.project_id,
            },
            authEmulatorUrl: `http://${stack.auth_emulator_host}`,
            googleSignIn: false,
          }),
        );
      });
    },
  };
}

export default defineConfig(({ command }) => {
  const stack = command === "serve" ? readStack() : null;
  return {
    plugins: [devConfig(stack)],
    oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
    server: stack ? { proxy: { "/api": new URL(stack.api_url).origin } } : {},
    build: {
      target: "es2022",
      assetsInlineLimit: 0, // no data: URIs: the CSP allows images from 'self' only
      modulePreload: { polyfill: false },
      sourcemap: false,
    },
  };
});
