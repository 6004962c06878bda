"""Signing in by e-mail link through the Auth emulator, and out again."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import AxeCheck, Screenshot, SignIn, SignInLinks
from tests.browser.steps import send_sign_in_link


def test_a_reader_signs_in_with_an_email_link_and_out(
    page: Page,
    app_url: str,
    user_email: str,
    sign_in: SignIn,
    axe_check: AxeCheck,
    screenshot: Screenshot,
) -> None:
    page.goto(app_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    axe_check(page, "sign-in")
    screenshot(page, "sign-in")
    # The first key press reaches the skip link, which leads to the main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    sign_in(page, user_email)

    expect(page.get_by_text(f"Signed in as {user_email}")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("New book")
    # The sign-in code does not stay in the address bar.
    assert "oobCode" not in page.url

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Send sign-in link")).to_be_visible()


def test_a_link_opened_in_another_browser_asks_for_the_email(
    page: Page,
    browser: Browser,
    app_url: str,
    user_email: str,
    sign_in_links: SignInLinks,
) -> None:
    send_sign_in_link(page, app_url, user_email)
    expect(page.get_by_role("status").filter(has_text="We sent a sign-in link")).to_contain_text(
        user_email
    )
    link = sign_in_links.wait_for_new(user_email, 0)

    other = browser.new_context()
    try:
        elsewhere = other.new_page()
        elsewhere.goto(link.in_app(app_url))
        expect(elsewhere.get_by_role("heading", level=1)).to_have_text("Finish signing in")
        elsewhere.get_by_label("Email").fill(user_email)
        elsewhere.get_by_role("button", name="Finish signing in").click()
        expect(elsewhere.get_by_role("button", name="Sign out")).to_be_visible()
    finally:
        other.close()
