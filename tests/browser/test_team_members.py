"""A team's members on the Teams screen: an owner sees who joined (by the invited
address), changes their role and removes them, and cannot leave as the last owner; a
member leaves on their own."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.harness import AxeCheck, SignIn
from tests.browser.steps import UserApi

TEAM = "Club des lecteurs"
LAST_OWNER = "A team's last owner can neither leave it nor stop being an owner"


def invite(owner_api: UserApi, email: str) -> str:
    """An invitation's token, made by the owner through the API."""
    (team,) = owner_api.call("GET", "/teams")["teams"]
    made = owner_api.call(
        "POST", f"/teams/{team['team_id']}/invites", json={"email": email, "role": "member"}
    )
    token: str = made["token"]
    return token


def members_of(page: Page) -> Locator:
    return page.get_by_role("table", name=f"Members of {TEAM}")


def test_an_owner_manages_members_and_a_member_leaves(
    page: Page,
    browser: Browser,
    app_url: str,
    user_api: UserApi,
    user_email: str,
    sign_in: SignIn,
    axe_check: AxeCheck,
) -> None:
    sign_in(page, user_email)
    page.get_by_role("link", name="Teams").click()
    page.get_by_label("Team name").fill(TEAM)
    page.get_by_role("button", name="Create team").click()
    expect(members_of(page).get_by_role("row", name=f"{user_email} (you)")).to_contain_text("Owner")

    friend_email, reader_email = f"friend-{user_email}", f"reader-{user_email}"
    for email in (friend_email, reader_email):
        token = invite(user_api, email)
        join(browser, app_url, sign_in, email, token, user_email, leave=email == reader_email)

    # The owner sees the friend, by the address invited; the reader who left is gone.
    page.reload()
    members = members_of(page)
    friend = members.get_by_role("row", name=friend_email)
    expect(friend).to_contain_text("Member")
    expect(members.get_by_role("row")).to_have_count(3)  # the heading row, owner, friend

    friend.get_by_role("button", name="Make owner").click()
    expect(friend.get_by_role("cell").first).to_have_text("Owner")
    expect(
        page.get_by_role("status").filter(has_text=f"{friend_email} is now: Owner.")
    ).to_be_attached()
    friend.get_by_role("button", name="Make member").click()
    expect(friend.get_by_role("cell").first).to_have_text("Member")

    # The last owner can neither leave nor step down: the refusal says why.
    page.get_by_role("button", name="Leave the team").click()
    dialog = page.get_by_role("dialog", name=f"Leave {TEAM}?")
    dialog.get_by_role("button", name="Leave", exact=True).click()
    expect(dialog.get_by_role("alert")).to_contain_text(LAST_OWNER)
    dialog.get_by_role("button", name="Cancel").click()
    members.get_by_role("row", name=f"{user_email} (you)").get_by_role(
        "button", name="Make member"
    ).click()
    expect(page.get_by_role("alert")).to_contain_text(LAST_OWNER)
    axe_check(page, "team-members")

    friend.get_by_role("button", name="Remove").click()
    dialog = page.get_by_role("dialog", name="Remove this member?")
    expect(dialog).to_contain_text(friend_email)
    dialog.get_by_role("button", name="Remove from the team").click()
    expect(members.get_by_role("row")).to_have_count(2)
    (team,) = user_api.call("GET", "/teams")["teams"]
    detail = user_api.call("GET", f"/teams/{team['team_id']}")
    assert [member["role"] for member in detail["members"]] == ["owner"]


def join(
    browser: Browser,
    app_url: str,
    sign_in: SignIn,
    email: str,
    token: str,
    owner_email: str,
    leave: bool,
) -> None:
    """`email` joins with `token` in a browser of their own, sees the team's owner by
    address, and leaves again if asked."""
    context = browser.new_context()
    try:
        guest = context.new_page()
        sign_in(guest, email)
        guest.goto(f"{app_url}/teams?invite={token}")
        guest.get_by_role("button", name="Join").click()
        expect(guest.get_by_text(f"You joined “{TEAM}”.")).to_be_visible()
        members = members_of(guest)
        expect(members.get_by_role("row", name=f"{email} (you)")).to_contain_text("Member")
        owner_row = members.get_by_role("row", name=re.compile(f"^{re.escape(owner_email)} "))
        expect(owner_row).to_contain_text("Owner")
        expect(members.get_by_role("button")).to_have_count(0)  # a member changes nothing
        if leave:
            guest.get_by_role("button", name="Leave the team").click()
            guest.get_by_role("dialog").get_by_role("button", name="Leave", exact=True).click()
            expect(guest.get_by_text("You are not in a team yet.")).to_be_visible()
            expect(guest.get_by_role("heading", name="Your teams")).to_be_focused()
    finally:
        context.close()
