"""Each function's instance starts with what it runs and nothing heavier: the libraries
that cost most of a cold start load with the first request that needs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bench.cold_start import HEAVY, LOCAL_ENV

REPO = Path(__file__).resolve().parents[2]
REPORT = """
import json, sys
import main
print(json.dumps({
    "heavy": sorted(name for name in json.loads(sys.argv[1]) if name in sys.modules),
    "built": sorted(name for name in ("api", "storage_trigger", "task_worker")
                    if name in vars(main.wiring())),
}))
"""


def started(entry_point: str, **env: str) -> dict[str, list[str]]:
    """What an instance serving `entry_point` holds once main.py is imported."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FNT_", "GEMINI"))}
    clean.pop("GOOGLE_API_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", REPORT, json.dumps(HEAVY)],
        cwd=REPO / "functions",
        env={**clean, **LOCAL_ENV, "PYTHONPATH": str(REPO), "FUNCTION_TARGET": entry_point, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, list[str]] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.parametrize(
    ("entry_point", "wiring"),
    [("api", "api"), ("on_pdf_uploaded", "storage_trigger"), ("run_task", "task_worker")],
)
def test_an_instance_builds_its_own_entry_point_at_start(entry_point: str, wiring: str) -> None:
    assert started(entry_point)["built"] == [wiring]


def test_the_api_starts_without_pdf_readers_the_gemini_sdk_or_spreadsheet_libraries() -> None:
    assert started("api")["heavy"] == []


def test_the_api_with_a_gemini_key_still_leaves_the_sdk_to_the_worker() -> None:
    # The key makes Gemini the engine of new jobs; only the worker calls the model.
    assert started("api", GEMINI_API_KEY="a-key")["heavy"] == []


def test_the_trigger_and_the_worker_load_pdf_readers_but_nothing_for_gemini_or_exports() -> None:
    for entry_point in ("on_pdf_uploaded", "run_task"):
        heavy = started(entry_point)["heavy"]
        assert "pypdf" in heavy, entry_point  # they read PDFs: the probe sees imports
        assert not {"google.genai", "openpyxl", "gspread", "numpy"} & set(heavy), entry_point
