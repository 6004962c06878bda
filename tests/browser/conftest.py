"""The web app in Chromium, on one local stack of the whole product (its build: make web).

Fixtures: `web_stack` (the stack, serving the app), `app_url`, `browser`, `page` (a
fresh context per test, downloads accepted; the test fails on any console error, uncaught
exception or CSP violation: `page_watch.allow(pattern)` for an expected one),
`axe_check(page, name)`, `screenshot(page, name)`, `sign_in(page, email)`,
`sign_in_links`, `user_email` (new for each test) and `user_api` (the API as the page's
signed-in user). Artifacts go to .local/artifacts/browser/.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from infra.auth_emulator import AuthEmulator
from infra.local_stack import LocalStack
from infra.local_stack.config import WebApp
from infra.local_stack.paths import LOG_DIR
from infra.local_stack.product import ALLOW_LOOPBACK_WEBHOOKS, product_config
from tests.browser.harness import (
    ARTIFACTS,
    AxeCheck,
    PageWatch,
    Screenshot,
    SignIn,
    SignInLinks,
    launch_chromium,
    run_axe,
    save_screenshot,
)
from tests.browser.steps import SIGNED_IN_BUTTON, UserApi, send_sign_in_link
from tests.e2e.conftest import PLANS, RATE_LIMITS

# The end-to-end tests' roomy plans, but a free user's file may be 2 MB at most: a 3 MB
# PDF shows the plan's limit, the sample novel (about 0.1 MB) passes.
FREE_FILE_MB = 2
BROWSER_PLANS = json.dumps(
    {**json.loads(PLANS), "free": {**json.loads(PLANS)["free"], "file_mb": FREE_FILE_MB}}
)
ACTION_TIMEOUT_MS = 15_000
expect.set_options(timeout=10_000)


@pytest.fixture(scope="package")
def web_stack() -> Iterator[LocalStack]:
    config = product_config(
        env={"FNT_PLANS": BROWSER_PLANS, "FNT_RATE_LIMITS": RATE_LIMITS, **ALLOW_LOOPBACK_WEBHOOKS},
        web_app=WebApp(),
        log_dir=LOG_DIR / "browser",
    )
    with LocalStack(config) as started:
        yield started


@pytest.fixture(scope="package")
def app_url(web_stack: LocalStack) -> str:
    return web_stack.app_url


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = launch_chromium(playwright)
    yield chromium
    chromium.close()


@pytest.fixture
def page_watch(web_stack: LocalStack) -> PageWatch:
    return PageWatch(api_origin=web_stack.function_urls["api"])


@pytest.fixture
def page(
    browser: Browser,
    page_watch: PageWatch,
    request: pytest.FixtureRequest,
) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page_watch.attach(context)
    opened = context.new_page()
    yield opened
    report = getattr(request.node, "call_report", None)
    failure_shot = f"failed-{_file_name(request.node.name)}"
    if report is not None and report.failed:
        save_screenshot(opened, failure_shot)
    else:  # not one of an earlier run
        (ARTIFACTS / f"{failure_shot}.png").unlink(missing_ok=True)
    context.close()
    if page_watch.problems:
        pytest.fail("the page reported problems:\n" + "\n".join(page_watch.problems))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keeps the test's own outcome on the item, so `page` can screenshot a failure."""
    report = yield
    if call.when == "call":
        item.call_report = report  # type: ignore[attr-defined]
    return report


@pytest.fixture
def axe_check() -> AxeCheck:
    return run_axe


@pytest.fixture
def screenshot() -> Screenshot:
    return save_screenshot


@pytest.fixture
def user_email(request: pytest.FixtureRequest) -> str:
    return f"{_file_name(request.node.name)[:40]}-{uuid.uuid4().hex[:8]}@example.com"


@pytest.fixture
def user_api(page: Page, web_stack: LocalStack) -> UserApi:
    """The API with the token of whoever signs in on `page` (watched from the start)."""
    return UserApi(f"{web_stack.function_urls['api']}/api/v1").watch(page)


@pytest.fixture
def sign_in_links(web_stack: LocalStack) -> SignInLinks:
    return SignInLinks(AuthEmulator.of(web_stack))


@pytest.fixture
def sign_in(sign_in_links: SignInLinks, app_url: str) -> SignIn:
    """Signs `email` in through the app's e-mail link form, as a reader would.

    The app asks Firebase to send the link; the Auth emulator keeps it instead, and the
    page then opens the app with the link's query (mode=signIn&oobCode=...), where the
    app completes the sign-in.
    """

    def sign_in_as(page: Page, email: str) -> None:
        known = len(sign_in_links.of(email))
        send_sign_in_link(page, app_url, email)
        link = sign_in_links.wait_for_new(email, known)
        page.goto(link.in_app(app_url))
        expect(page.get_by_role("button", name=SIGNED_IN_BUTTON)).to_be_visible()

    return sign_in_as


def _file_name(test_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", test_name).strip("-")
