"""The web app's weight and speed: its bundle, and how fast it opens in Chromium.

    python -m tests.bench.web_app [--runs 5] [--quick]

Prints, as JSON: each file of `web/dist/assets` (the build of `make web`) with its size
raw and gzipped (-9, about what Firebase Hosting serves), and the totals; then, on the
local stack serving that build, in Debian's Chromium, the median and worst of `--runs`
of: opening the app with an empty cache until the sign-in form shows, opening it again
with the cache warm, and an e-mail-link sign-in until the signed-in screen shows (the
Auth emulator answers in place of Firebase, so the network part is local).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from infra.auth_emulator import AuthEmulator
from infra.local_stack import LocalStack
from infra.local_stack.config import WebApp
from infra.local_stack.paths import LOG_DIR, REPO_ROOT
from infra.local_stack.product import product_config
from tests.bench.arguments import parse_args
from tests.browser.harness import SignInLinks, launch_chromium

ASSETS = REPO_ROOT / "web" / "dist" / "assets"
QUICK = {"runs": 1}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.web_app")
    parser.add_argument("--runs", type=int, default=5)
    args = parse_args(parser, argv, QUICK)
    report = {"bundle": bundle(ASSETS)}
    config = product_config(web_app=WebApp(), log_dir=LOG_DIR / "bench-web")
    with LocalStack(config) as stack:
        report["browser_ms"] = browser_timings(stack, args.runs)
    print(json.dumps(report, indent=2))


def bundle(assets: Path) -> dict[str, object]:
    if not assets.is_dir():
        raise SystemExit(f"{assets} is missing: make web")
    files = {
        path.name: {"bytes": len(data), "gzip_bytes": len(gzip.compress(data, 9))}
        for path in sorted(assets.iterdir())
        for data in [path.read_bytes()]
    }

    def total(suffix: str) -> int:
        return sum(f["gzip_bytes"] for name, f in files.items() if name.endswith(suffix))

    return {
        "files": files,
        "gzip_bytes_js": total(".js"),
        "gzip_bytes_css": total(".css"),
        "gzip_bytes_total": sum(f["gzip_bytes"] for f in files.values()),
    }


def browser_timings(stack: LocalStack, runs: int) -> dict[str, dict[str, float]]:
    links = SignInLinks(AuthEmulator.of(stack))
    cold: list[float] = []
    warm: list[float] = []
    sign_in: list[float] = []
    with sync_playwright() as driver:
        browser = launch_chromium(driver)
        for run in range(runs):
            context = browser.new_context(locale="en-US")
            page = context.new_page()
            cold.append(_timed_open(page, stack.app_url))
            warm.append(_timed_open(page, stack.app_url))
            email = f"bench-{run}-{time.time_ns()}@example.com"
            page.get_by_label("Email").fill(email)
            started = time.perf_counter()
            page.get_by_role("button", name="Send sign-in link").click()
            link = links.wait_for_new(email, 0)
            page.goto(link.in_app(stack.app_url))
            expect(page.get_by_role("button", name="Sign out")).to_be_visible()
            sign_in.append(1000 * (time.perf_counter() - started))
            context.close()
        browser.close()
    return {"open_cold": _summary(cold), "open_warm": _summary(warm), "sign_in": _summary(sign_in)}


def _timed_open(page: Page, url: str) -> float:
    started = time.perf_counter()
    page.goto(url)
    expect(page.get_by_role("button", name="Send sign-in link")).to_be_visible()
    return 1000 * (time.perf_counter() - started)


def _summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 1), "max": round(max(values), 1)}


if __name__ == "__main__":
    main()
