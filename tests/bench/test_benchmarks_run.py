"""Every benchmark of the README runs to the end in its quick mode and prints its report,
so a change that breaks a benchmark breaks the build. No figure is checked.

Each runs in a process of its own, as `make bench-*` runs it: a stack benchmark starts
its own local stack and puts the emulators' variables in its process's environment.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize(
    "module",
    [
        "tests.bench.text_engine",
        "tests.bench.cold_start",
        pytest.param("tests.bench.stack_pipeline", marks=pytest.mark.stack),
        pytest.param("tests.bench.malware_scan", marks=pytest.mark.stack),
        pytest.param("tests.bench.gemini_stack", marks=pytest.mark.stack),
        pytest.param("tests.bench.api_load", marks=pytest.mark.stack),
        pytest.param("tests.bench.rate_limiter", marks=pytest.mark.stack),
        pytest.param("tests.bench.web_app", marks=pytest.mark.stack),
    ],
)
def test_the_benchmark_runs_to_the_end_and_prints_its_report(module: str) -> None:
    run = subprocess.run(
        [sys.executable, "-m", module, "--quick"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert run.returncode == 0, run.stderr[-4000:]
    assert json.loads(run.stdout)
