"""`make dev` prints each sign-in link the app asks for: opening it signs the reader in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from infra.auth_emulator import AuthEmulator
from infra.dev_stack import SentLinks
from infra.local_stack import LocalStack
from tests.browser.steps import send_sign_in_link


def test_the_printed_link_signs_the_reader_in(
    page: Page,
    app_url: str,
    user_email: str,
    web_stack: LocalStack,
    capsys: pytest.CaptureFixture[str],
) -> None:
    links = SentLinks(AuthEmulator.of(web_stack), app_url)
    links.print_new()  # the links of earlier tests: printed once, now behind
    capsys.readouterr()

    send_sign_in_link(page, app_url, user_email)
    expect(page.get_by_role("status").filter(has_text="We sent a sign-in link")).to_be_visible()
    links.print_new()
    links.print_new()  # nothing twice

    printed = capsys.readouterr().out
    [link] = re.findall(rf"sign-in link for {re.escape(user_email)}: (\S+)", printed)
    assert printed.count("sign-in link") == 1 and link.startswith(f"{app_url}/?")
    page.goto(link)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
