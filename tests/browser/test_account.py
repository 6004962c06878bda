"""A reader's settings (saved, and used for the next book), their plan, and teams: one
made, someone invited, the invitation accepted in that person's own browser."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import AxeCheck, Screenshot, SignIn
from tests.browser.steps import UserApi


def test_settings_are_saved_and_used_for_new_books(
    page: Page,
    user_api: UserApi,
    user_email: str,
    sign_in: SignIn,
    axe_check: AxeCheck,
    screenshot: Screenshot,
) -> None:
    sign_in(page, user_email)
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")

    length = page.get_by_label("Sentence length (words)")
    length.fill("60")
    expect(length).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("The sentence length must be between 3 and 50 words.")).to_be_visible()
    length.fill("12")
    expect(length).not_to_have_attribute("aria-invalid", "true")
    page.get_by_label("Keep dialogue word for word (only cut it)").check()
    page.get_by_label("Leave out sentences shorter than (words)").fill("2")
    page.get_by_label("Preferred export").select_option(label="XLSX")
    page.get_by_role("checkbox", name="Original sentence").check()
    page.get_by_role("checkbox", name="Page", exact=True).uncheck()
    axe_check(page, "settings")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.").first).to_be_visible()
    screenshot(page, "settings")

    saved = user_api.call("GET", "/settings")
    assert saved["sentence_length_limit"] == 12
    assert saved["keep_dialogue"] is True
    assert saved["min_sentence_words"] == 2
    assert saved["export_format"] == "xlsx"
    assert saved["export_columns"] == ["index", "sentence", "original"]

    # Saved for good: a new visit shows them, and a new book starts from them.
    page.reload()
    expect(page.get_by_label("Sentence length (words)")).to_have_value("12")
    page.get_by_role("link", name="New book").click()
    expect(page.get_by_label("Sentence length (words)")).to_have_value("12")
    expect(page.get_by_label("Keep dialogue word for word (only cut it)")).to_be_checked()

    # No column at all is not a choice.
    page.get_by_role("link", name="Settings").click()
    for column in ("Number", "Sentence", "Original sentence"):
        page.get_by_role("checkbox", name=column, exact=True).uncheck()
    expect(page.get_by_text("Choose at least one column.")).to_be_visible()
    expect(page.get_by_role("button", name="Save settings")).to_be_disabled()


def test_the_account_shows_the_plan_and_its_use(
    page: Page,
    user_email: str,
    sign_in: SignIn,
    axe_check: AxeCheck,
    screenshot: Screenshot,
) -> None:
    sign_in(page, user_email)
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account")
    expect(page.get_by_role("main").get_by_text(user_email, exact=True)).to_be_visible()
    plan = page.get_by_role("region", name="Plan")
    expect(plan.get_by_role("definition").first).to_have_text("free")
    expect(plan).to_contain_text("File size2 MB")
    usage = page.get_by_role("table", name="Requests in the current window")
    expect(usage.get_by_role("row", name="Processing")).to_be_visible()
    axe_check(page, "account")
    screenshot(page, "account")


def test_a_team_is_made_and_an_invitation_accepted(
    page: Page,
    browser: Browser,
    user_email: str,
    sign_in: SignIn,
    axe_check: AxeCheck,
    screenshot: Screenshot,
) -> None:
    friend_email = f"friend-{user_email}"
    sign_in(page, user_email)
    page.get_by_role("link", name="Teams").click()
    expect(page.get_by_text("You are not in a team yet.")).to_be_visible()

    page.get_by_label("Team name").fill("Club de lecture")
    page.get_by_role("button", name="Create team").click()
    team = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Club de lecture")
    )
    expect(team).to_contain_text("Your role: Owner")

    invite = team.get_by_role("form", name="Invite someone to Club de lecture")
    invite.get_by_label("Email").fill(friend_email)
    invite.get_by_role("button", name="Invite").click()
    expect(invite.get_by_text(f"Invitation for {friend_email}.")).to_be_visible()
    token = invite.locator("code").inner_text()
    axe_check(page, "teams")
    screenshot(page, "teams")

    # The team is a space of its own for the history.
    page.get_by_role("link", name="History").click()
    space = page.get_by_label("Space")
    expect(space.get_by_role("option")).to_have_text(["My books", "Team: Club de lecture"])

    # The friend joins from their own browser, signed in with the invited address.
    other = browser.new_context()
    try:
        friend = other.new_page()
        sign_in(friend, friend_email)
        friend.get_by_role("link", name="Teams").click()
        friend.get_by_label("Invitation token").fill(token)
        friend.get_by_role("button", name="Join").click()
        expect(friend.get_by_text("You joined “Club de lecture”.")).to_be_visible()
        expect(friend.get_by_role("heading", name="Club de lecture")).to_be_visible()
        expect(friend.get_by_text("Your role: Member")).to_be_visible()
    finally:
        other.close()
