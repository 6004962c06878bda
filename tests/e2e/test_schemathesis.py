"""Schemathesis against the OpenAPI document, on the real local stack: generated requests
(valid and not) to every route, each answer checked against what the document declares.
Bounded in time; an admin's token, so the quotas leave the routes' logic reachable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from infra.local_stack import LocalStack
from shared.adapters.firebase_tokens import mint_emulator_token

pytestmark = pytest.mark.stack

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
MAX_SECONDS = 60


def test_generated_requests_get_only_documented_answers(
    stack: LocalStack, api_url: str, tmp_path: Path
) -> None:
    token = mint_emulator_token(stack.config.project, "schemathesis", role="admin")
    origin = api_url.removesuffix("/api/v1")
    report = tmp_path / "junit.xml"
    run = subprocess.run(
        [
            sys.executable, "-m", "schemathesis.cli", "run", f"{api_url}/openapi.json",
            "--url", origin,
            "--header", f"Authorization: Bearer {token}",
            "--checks", ",".join(CHECKS),
            # The coverage phase trips over its own source inspection here; the other
            # phases generate both valid and invalid requests.
            "--phases", "examples,fuzzing,stateful",
            "--max-time", str(MAX_SECONDS),
            "--workers", "2",
            "--seed", "20261201",
            "--report", "junit", "--report-junit-path", str(report),
        ],
        capture_output=True,
        text=True,
        timeout=MAX_SECONDS + 120,
        check=False,
    )  # fmt: skip
    summary = run.stdout[-4000:]
    print(summary)  # the cases generated and the checks' results, for the record
    assert run.returncode == 0, summary
    assert " passed" in summary and "generated" in summary
