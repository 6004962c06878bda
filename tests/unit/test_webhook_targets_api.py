"""Registering webhook targets through the API with the real sender (production's
setting: no loopback): names and addresses that lead inward are refused with a code."""

from __future__ import annotations

import dataclasses
import socket
from typing import Any

import pytest

from shared.adapters.webhook_sender import PinnedWebhookSender
from tests.apps import auth_emulator_mode  # noqa: F401
from tests.fakes import fake_world
from tests.unit.test_api_routes import PREFIX, Frontend


def resolver(table: dict[str, str]) -> Any:
    """getaddrinfo over a fixed table of names (a real lookup for anything else)."""

    def resolve(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in table:
            address = table[host]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (address, port))]
        return socket.getaddrinfo(host, port, *args, **kwargs)

    return resolve


@pytest.fixture
def ui() -> Frontend:
    world = fake_world()
    names = {
        "inward.example": "127.0.0.1",  # a public-looking name that resolves to loopback
        "rebound.example": "::1",
        "meta.example": "169.254.169.254",
        "office.example": "10.1.2.3",
        "public.example": "93.184.216.34",
    }
    sender = PinnedWebhookSender(allow_loopback=False, resolver=resolver(names))
    world.deps = dataclasses.replace(world.deps, webhook_sender=sender)
    return Frontend(world)


@pytest.mark.parametrize(
    "url",
    [
        "https://localhost/hook",  # resolves to 127.0.0.1 on every machine
        "https://inward.example/hook",
        "https://rebound.example/hook",  # IPv6 loopback
        "https://[::1]/hook",
        "https://127.0.0.1/hook",
        "https://meta.example/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://office.example/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "http://public.example/hook",
        "https://nowhere.invalid/hook",  # does not resolve
    ],
)
def test_a_target_leading_inward_is_refused(ui: Frontend, url: str) -> None:
    body = {"url": url, "events": ["job.completed"]}
    refused = ui.json("POST", f"{PREFIX}/webhooks", 422, json=body)
    assert refused["error"]["code"] == "WEBHOOK_TARGET_REFUSED"
    assert refused["error"]["message"]
    assert not ui.world.webhooks.records


def test_a_public_https_target_is_registered(ui: Frontend) -> None:
    body = {"url": "https://public.example/hook", "events": ["job.completed"]}
    assert ui.json("POST", f"{PREFIX}/webhooks", 201, json=body)["webhook"]["url"] == body["url"]
