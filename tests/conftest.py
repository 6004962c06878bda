"""Fixtures shared by the test directories that start a local stack (each defines `stack`)."""

from __future__ import annotations

import pytest

from infra.local_stack import LocalStack


@pytest.fixture
def stack_env(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The stack's variables in os.environ, where the Google clients look for them."""
    env = stack.env()
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env
