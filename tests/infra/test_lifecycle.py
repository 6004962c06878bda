"""Starting subsets, failing loudly, and leaving no process behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
import requests

from infra.local_stack import (
    ComponentError,
    FunctionSpec,
    LocalStack,
    Service,
    StackConfig,
    StackError,
)
from infra.local_stack.paths import LOG_DIR, REPO_ROOT
from infra.local_stack.process import live_group_members

pytestmark = pytest.mark.stack

SCENARIOS = REPO_ROOT / "tests" / "infra" / "scenarios"
LIFECYCLE_LOGS = LOG_DIR / "tests-lifecycle"


def test_a_subset_starts_alone_and_leaves_nothing_running() -> None:
    config = StackConfig(services=frozenset({Service.FIRESTORE}), log_dir=LIFECYCLE_LOGS)

    with LocalStack(config) as stack:
        stack.reset_firestore()
        assert set(stack.env()) == {
            "GOOGLE_CLOUD_PROJECT",
            "GCLOUD_PROJECT",
            "FIRESTORE_EMULATOR_HOST",
        }
        with pytest.raises(StackError, match="storage is not part of this stack"):
            _ = stack.storage_url
        pids = stack.pids

    assert list(pids) == ["firestore"]
    assert all(live_group_members(pid) == [] for pid in pids.values())


def test_a_component_that_dies_is_reported_with_its_log() -> None:
    broken = FunctionSpec("broken", SCENARIOS / "broken_import.py", "anything", "http")
    config = StackConfig(services=frozenset(), functions=(broken,), log_dir=LIFECYCLE_LOGS)

    with pytest.raises(ComponentError) as failure, LocalStack(config):
        pass

    message = str(failure.value)
    assert "function-broken exited with code" in message
    assert "scenario: this module fails at import time" in message  # quoted from its log


@pytest.mark.parametrize(
    ("stop_signal", "exit_code"),
    [(signal.SIGINT, 0), (signal.SIGTERM, 128 + signal.SIGTERM)],
    ids=["ctrl-c", "sigterm"],
)
def test_up_stops_everything_on_a_signal(stop_signal: signal.Signals, exit_code: int) -> None:
    function = f"probe={SCENARIOS / 'recorders.py'}:record_task:http"
    options = ["--only", "storage", "--function", function, "--log-dir", str(LIFECYCLE_LOGS)]
    up = subprocess.Popen(
        [sys.executable, "-m", "infra.local_stack", "up", *options],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "RECORD_DIR": str(LIFECYCLE_LOGS / "records")},
    )
    try:
        urls = _read_urls_until_up(up)
        assert all(_answers(url) for url in urls)

        up.send_signal(stop_signal)

        assert up.wait(timeout=30) == exit_code
        assert not any(_answers(url) for url in urls)
    finally:
        if up.poll() is None:  # a failed assertion must not leave the stack running
            up.terminate()
            up.wait(timeout=30)


def _read_urls_until_up(up: subprocess.Popen[str]) -> list[str]:
    """The URLs `up` prints (as export lines) once the stack is up."""
    assert up.stdout is not None
    deadline = time.monotonic() + 60
    printed = ""
    while "FUNCTION_URL_PROBE" not in printed and time.monotonic() < deadline:
        line = up.stdout.readline()
        if not line:
            break
        printed += line
    urls = re.findall(r"=(http://\S+)", printed)
    assert len(urls) == 2, printed
    return urls


def _answers(url: str) -> bool:
    try:
        requests.get(url, timeout=2)
    except requests.ConnectionError:
        return False
    return True
