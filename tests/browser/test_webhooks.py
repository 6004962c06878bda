"""Webhooks from the app: an endpoint registered to a real local receiver, its secret shown
once, a test event delivered (signed with that secret) and seen in the delivery log, the
secret rotated, the endpoint disabled and deleted; a target no delivery may reach refused
with the reason."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.browser.harness import AxeCheck, Screenshot, SignIn
from tests.browser.steps import UserApi
from tests.e2e.webhook_receivers import payload, receiver, wait_for

ONCE = "it will not be shown again"


def open_webhooks(page: Page) -> None:
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")


def shown_secret(page: Page, url: str) -> str:
    """The secret the app shows once, with focus on its heading, then dismissed."""
    notice = page.get_by_role("region", name=f"Signing secret of {url}")
    expect(notice.get_by_role("heading")).to_be_focused()
    expect(notice).to_contain_text(ONCE)
    secret = notice.locator("code").inner_text()
    assert secret.startswith("whsec_")
    return secret


def send_test(item: Locator, outcome_rows: int) -> None:
    item.get_by_role("button", name="Send a test event").click()
    log = item.get_by_role("table", name="Deliveries to")
    expect(log.get_by_role("row").filter(has_text="webhook.test")).to_have_count(outcome_rows)
    expect(log.get_by_role("row").nth(1)).to_contain_text("Delivered")


def test_an_endpoint_is_registered_tested_rotated_disabled_and_deleted(
    page: Page,
    app_url: str,
    user_api: UserApi,
    user_email: str,
    sign_in: SignIn,
    axe_check: AxeCheck,
    screenshot: Screenshot,
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    sign_in(page, user_email)
    open_webhooks(page)
    expect(page.get_by_text("No endpoint yet.")).to_be_visible()

    with receiver() as hooks:
        url = hooks.url()
        page.get_by_label("URL", exact=True).fill(url)
        page.get_by_label("Description (optional)").fill("Serveur du club")
        page.get_by_role("checkbox", name="An export is ready").uncheck()
        page.get_by_role("button", name="Register").click()
        secret = shown_secret(page, url)
        page.get_by_role("button", name="Copy the secret").click()
        expect(page.get_by_text("Secret copied.")).to_be_visible()
        assert page.evaluate("navigator.clipboard.readText()") == secret
        axe_check(page, "webhooks-secret")
        page.get_by_role("button", name="I have copied it").click()
        expect(page.get_by_text(secret)).to_have_count(0)

        # Once: a new visit lists the endpoint, never its secret.
        page.reload()
        item = page.get_by_role("listitem").filter(
            has=page.get_by_role("heading", name="Serveur du club")
        )
        expect(item).to_contain_text("job.completed, job.failed, batch.completed")
        expect(item).not_to_contain_text("export.completed")
        expect(item).to_contain_text("Enabled")
        expect(page.get_by_text("whsec_")).to_have_count(0)

        send_test(item, 1)
        (delivered,) = wait_for(hooks, 1, "webhook.test")
        assert payload(delivered, secret)["type"] == "webhook.test"
        axe_check(page, "webhooks")
        screenshot(page, "webhooks")

        # A new secret, shown once; deliveries are signed with it from now on.
        item.get_by_role("button", name="Rotate the secret").click()
        rotated = shown_secret(page, url)
        assert rotated != secret
        page.get_by_role("button", name="I have copied it").click()
        expect(item).to_contain_text("Previous secret also signs until")
        send_test(item, 2)
        assert payload(wait_for(hooks, 2, "webhook.test")[1], rotated)["type"] == "webhook.test"

    item.get_by_role("button", name="Disable").click()
    expect(item).to_contain_text("Disabled")
    expect(item.get_by_role("button", name="Send a test event")).to_be_disabled()
    assert [hook["enabled"] for hook in user_api.call("GET", "/webhooks")["webhooks"]] == [False]

    item.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Delete this endpoint?")
    dialog.get_by_role("button", name="Delete for good").click()
    expect(page.get_by_text("No endpoint yet.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your endpoints")).to_be_focused()
    assert user_api.call("GET", "/webhooks")["webhooks"] == []


def test_a_target_no_delivery_may_reach_is_refused_with_the_reason(
    page: Page, user_email: str, sign_in: SignIn
) -> None:
    sign_in(page, user_email)
    open_webhooks(page)
    page.get_by_label("URL", exact=True).fill("http://169.254.169.254/latest/meta-data/")
    page.get_by_role("button", name="Register").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This webhook address is not allowed.")
    expect(alert).to_contain_text("169.254.169.254 is the cloud metadata service")
    expect(page.get_by_text("No endpoint yet.")).to_be_visible()
    expect(page.get_by_role("region", name="Signing secret")).to_have_count(0)
