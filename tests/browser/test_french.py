"""A browser set to French gets the app in French, its lang attribute included."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.harness import AxeCheck, Screenshot


def test_the_app_speaks_french_to_a_french_browser(
    browser: Browser,
    app_url: str,
    axe_check: AxeCheck,
    screenshot: Screenshot,
) -> None:
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(app_url)
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
        expect(page.get_by_label("E-mail")).to_be_visible()
        expect(page.get_by_role("button", name="Envoyer le lien de connexion")).to_be_visible()
        expect(page.get_by_role("link", name="Aller au contenu")).to_be_attached()
        axe_check(page, "sign-in-fr")
        screenshot(page, "sign-in-fr")
    finally:
        context.close()
