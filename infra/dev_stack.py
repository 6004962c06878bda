"""`make dev`: the whole local system stays up for a frontend or curl until Ctrl-C.

It serves the web app too (the build of `make web`). The Auth emulator sends no
e-mail: each sign-in link the app asks for is printed here, to open in the browser.
Once every part answers it
writes .local/stack.json ({"app_url", "api_url", "project_id", "auth_emulator_host",
"dev_token"}) and removes it on exit. The token is an unsigned Auth-emulator token
for a test user: only the local stack accepts it.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass

import requests

from infra.api_client import local_api_url
from infra.auth_emulator import AuthEmulator, AuthEmulatorError
from infra.local_stack import LocalStack, StackError
from infra.local_stack.config import WebApp
from infra.local_stack.paths import LOCAL_DIR
from infra.local_stack.product import ALLOW_LOOPBACK_WEBHOOKS, product_config
from shared.adapters.firebase_tokens import mint_emulator_token

STACK_FILE = LOCAL_DIR / "stack.json"
DEV_USER = "dev-user"
TOKEN_LIFETIME_SECONDS = 24 * 3600


def main() -> int:
    try:
        config = product_config(env=ALLOW_LOOPBACK_WEBHOOKS, web_app=WebApp())
        with LocalStack(config) as stack:
            project = stack.config.project
            details = {
                "app_url": stack.app_url,
                "api_url": local_api_url(stack),
                "project_id": project,
                # The Firebase Auth emulator (host:port), for a frontend's sign-in.
                "auth_emulator_host": stack.auth_host,
                "dev_token": mint_emulator_token(
                    project, DEV_USER, lifetime_seconds=TOKEN_LIFETIME_SECONDS
                ),
            }
            STACK_FILE.write_text(json.dumps(details, indent=2) + "\n")
            try:
                _print(details)
                links = SentLinks(AuthEmulator.of(stack), stack.app_url)
                while True:  # until Ctrl-C (or SIGTERM/SIGHUP), or a component dies
                    time.sleep(1)
                    stack.check_alive()
                    links.print_new()
            finally:
                STACK_FILE.unlink(missing_ok=True)
    except KeyboardInterrupt:
        print("\nlocal stack stopped")
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


@dataclass
class SentLinks:
    """Prints each e-mail sign-in link the emulator keeps, once, as the app opens it."""

    emulator: AuthEmulator
    app_url: str
    printed: int = 0

    def print_new(self) -> None:
        try:
            links = self.emulator.sign_in_links()
        except (AuthEmulatorError, requests.RequestException):
            return  # check_alive says when the emulator is gone
        for sent in links[self.printed :]:
            print(f"  sign-in link for {sent.email}: {sent.in_app(self.app_url)}", flush=True)
        self.printed = len(links)


def _print(details: dict[str, str]) -> None:
    where = STACK_FILE.relative_to(LOCAL_DIR.parent)
    print(f"local stack up (details in {where}); Ctrl-C stops it")
    print(f"  App: {details['app_url']}")
    print(f"  API: {details['api_url']}")
    print(f"  token: {details['dev_token']}")
    print(f'  try: curl -H "Authorization: Bearer $TOKEN" {details["api_url"]}/health')
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
