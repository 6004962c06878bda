"""The harness itself, on a throwaway page served with the app's real headers: what it
must catch (CSP violations, console errors, exceptions, accessibility faults) it does."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from infra.local_stack.app_server import AppServer, Site, site_document
from infra.local_stack.ports import LOOPBACK, free_ports
from infra.web_hosting import HostingSettings
from tests.browser.harness import PageWatch, run_axe, save_screenshot

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="icon" href="/assets/dot.svg">
<script type="module" src="/assets/{script}"></script></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""
FILES = {
    "index.html": PAGE.format(title="Harness", script="ready.js", body="<p>A page.</p>"),
    "inline.html": PAGE.format(
        title="Inline", script="ready.js", body="<script>document.title = 'ran';</script>"
    ),
    "errors.html": PAGE.format(title="Errors", script="errors.js", body=""),
    "inaccessible.html": PAGE.format(
        title="Faults", script="ready.js", body='<img src="/assets/dot.svg"><button></button>'
    ),
    "assets/ready.js": "document.querySelector('h1').textContent = 'Script ran';",
    "assets/errors.js": "console.error('boom'); fetch('/missing.json'); throw new Error('bang');",
    "assets/dot.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>',
}


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The throwaway pages on the app server, with the headers of a local stack."""
    root = tmp_path_factory.mktemp("harness")
    for name, text in FILES.items():
        (root / "dist" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "dist" / name).write_text(text)
    (port,) = free_ports(1)
    origin = f"http://{LOOPBACK}:{port}"
    settings = HostingSettings(
        api_url=f"{origin}/api/v1",
        project_id="demo-fnt",
        api_key="fake-api-key",
        auth_domain="demo-fnt.firebaseapp.com",
        storage_origins=(origin,),
        auth_emulator_url=origin,
    )
    (root / "site.json").write_text(json.dumps(site_document(settings)))
    with AppServer((LOOPBACK, port), Site.load(root / "dist", root / "site.json")) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield origin
        server.shutdown()


@pytest.fixture
def watched(browser: Browser) -> Iterator[tuple[Page, PageWatch]]:
    context = browser.new_context()
    watch = PageWatch()
    watch.attach(context)
    yield context.new_page(), watch
    context.close()


def test_a_page_within_the_policy_runs_and_passes(
    site_url: str, watched: tuple[Page, PageWatch], tmp_path: Path
) -> None:
    page, watch = watched
    page.goto(site_url)

    expect(page.get_by_role("heading")).to_have_text("Script ran")
    results = run_axe(page, "harness", artifacts=tmp_path)
    shot = save_screenshot(page, "harness", artifacts=tmp_path)

    assert json.loads((tmp_path / "axe-harness.json").read_text()) == results
    assert shot.read_bytes().startswith(b"\x89PNG")
    assert watch.problems == []


def test_inline_code_is_refused_and_reported(
    site_url: str, watched: tuple[Page, PageWatch]
) -> None:
    page, watch = watched
    page.goto(f"{site_url}/inline.html")
    expect(page.get_by_role("heading")).to_have_text("Script ran")

    assert page.title() == "Inline"  # the inline script never ran
    assert any(p.startswith("CSP violation: script-src") for p in watch.problems), watch.problems


def test_console_errors_exceptions_and_failed_loads_are_reported(
    site_url: str, watched: tuple[Page, PageWatch]
) -> None:
    page, watch = watched
    page.goto(f"{site_url}/errors.html")
    page.wait_for_load_state("networkidle")

    assert any("console error: boom" in p for p in watch.problems), watch.problems
    assert any("uncaught exception: Error: bang" in p for p in watch.problems), watch.problems
    assert any("status of 404" in p for p in watch.problems), watch.problems


def test_4xx_answers_of_the_api_are_the_apps_business(site_url: str, browser: Browser) -> None:
    context = browser.new_context()
    watch = PageWatch(api_origin=site_url)  # here the site plays the API too
    watch.attach(context)
    watch.allow("boom|bang")
    context.new_page().goto(f"{site_url}/errors.html")
    context.pages[0].wait_for_load_state("networkidle")
    context.close()

    assert watch.problems == []


def test_serious_accessibility_faults_fail_with_their_rules(
    site_url: str, watched: tuple[Page, PageWatch], tmp_path: Path
) -> None:
    page, _ = watched
    page.goto(f"{site_url}/inaccessible.html")

    with pytest.raises(AssertionError) as failed:
        run_axe(page, "inaccessible", artifacts=tmp_path)

    assert "image-alt (critical)" in str(failed.value)
    assert "button-name (critical)" in str(failed.value)
    assert (tmp_path / "axe-inaccessible.json").is_file()
