"""What the browser tests' fixtures are made of: Chromium, a watch on each page for
console errors and CSP violations, axe-core's checks, screenshots, and the e-mail
sign-in links the Auth emulator keeps."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright

from infra.auth_emulator import AuthEmulator, SignInLink
from infra.local_stack.paths import LOCAL_DIR, REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: Playwright downloads no browser
# The network is closed: without the background-networking switches Chromium keeps
# trying (and logging) connections to Google's services.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
ARTIFACTS = LOCAL_DIR / "artifacts" / "browser"
AXE_SCRIPT = REPO_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
# An answer of the API the app handles (a plan's limit, a missing job...): Chromium logs
# every 4xx response as a console error.
_HANDLED_ANSWER = re.compile(
    r"^Failed to load resource: the server responded with a status of 4\d\d"
)
# Forwards each CSP violation of the page to the watch (installed before any page script).
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline code"}`
    + ` (${event.sourceFile || document.location.href}:${event.lineNumber})`
  );
});
"""

# The callables the fixtures of the same names give a test.
SignIn: TypeAlias = Callable[[Page, str], None]  # sign_in(page, email)
AxeCheck: TypeAlias = Callable[[Page, str], dict[str, Any]]  # axe_check(page, name)
Screenshot: TypeAlias = Callable[[Page, str], Path]  # screenshot(page, name)


def launch_chromium(playwright: Playwright) -> Browser:
    if not CHROMIUM.is_file():
        raise RuntimeError(f"{CHROMIUM} is missing: make chromium (apt-get install chromium)")
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=list(CHROMIUM_ARGS), headless=True
    )


@dataclass
class PageWatch:
    """Console errors, uncaught exceptions and CSP violations of a context's pages.

    4xx answers of `api_origin` are the app's business, not problems; a test expecting
    another error says so with `allow(pattern)`.
    """

    api_origin: str | None = None
    problems: list[str] = field(default_factory=list)
    _allowed: list[re.Pattern[str]] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.expose_binding(
            "__reportCspViolation", lambda _source, text: self._report(f"CSP violation: {text}")
        )
        context.add_init_script(_CSP_LISTENER)
        context.on("page", self.watch_page)

    def watch_page(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on(
            "pageerror",
            lambda error: self._report(f"uncaught exception: {error.name}: {error.message}"),
        )

    def allow(self, pattern: str) -> None:
        self._allowed.append(re.compile(pattern))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if (
            self.api_origin
            and url.startswith(self.api_origin)
            and _HANDLED_ANSWER.match(message.text)
        ):
            return
        self._report(f"console error: {message.text} ({url})")

    def _report(self, problem: str) -> None:
        if not any(pattern.search(problem) for pattern in self._allowed):
            self.problems.append(problem)


def run_axe(page: Page, name: str, artifacts: Path = ARTIFACTS) -> dict[str, Any]:
    """axe-core on the page as it is; results to <artifacts>/axe-<name>.json.

    Injected through the DevTools protocol, which the page's CSP does not govern (a
    script tag would be refused, as it should). Raises AssertionError listing every
    serious or critical violation.
    """
    if not AXE_SCRIPT.is_file():
        raise RuntimeError(
            f"{AXE_SCRIPT} is missing: make web (axe-core is in web/'s devDependencies)"
        )
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results: dict[str, Any] = page.evaluate(
        "() => axe.run(document, { resultTypes: ['violations'] })"
    )
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / f"axe-{name}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        raise AssertionError(f"accessibility violations on {name}:\n" + _listed(blocking))
    return results


def _listed(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}: {targets}")
    return "\n".join(lines)


def save_screenshot(page: Page, name: str, artifacts: Path = ARTIFACTS) -> Path:
    artifacts.mkdir(parents=True, exist_ok=True)
    path = artifacts / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


@dataclass(frozen=True)
class SignInLinks:
    """The e-mail sign-in links the Auth emulator 'sent' to one address."""

    emulator: AuthEmulator

    def of(self, email: str) -> list[SignInLink]:
        return [link for link in self.emulator.sign_in_links() if link.email == email]

    def wait_for_new(self, email: str, known: int, timeout_seconds: float = 15.0) -> SignInLink:
        """The newest link for `email` once there are more than `known` of them."""
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            links = self.of(email)
            if len(links) > known:
                return links[-1]
            time.sleep(0.2)
        raise AssertionError(f"no sign-in link was sent to {email} in {timeout_seconds:.0f} s")
