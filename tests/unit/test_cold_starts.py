"""Each function's instance starts with what it runs and nothing heavier: the libraries
that cost most of a cold start load with the first request that needs them."""

from __future__ import annotations

import pytest

from tests.bench.cold_start import start_instance


@pytest.mark.parametrize(
    ("entry_point", "wiring"),
    [("api", "api"), ("on_pdf_uploaded", "storage_trigger"), ("run_task", "task_worker")],
)
def test_an_instance_builds_its_own_entry_point_at_start(entry_point: str, wiring: str) -> None:
    assert start_instance(entry_point)["built_at_import"] == [wiring]


def test_the_api_starts_without_pdf_readers_the_gemini_sdk_or_spreadsheet_libraries() -> None:
    assert start_instance("api")["heavy"] == []


def test_the_api_with_a_gemini_key_still_leaves_the_sdk_to_the_worker() -> None:
    # The key makes Gemini the engine of new jobs; only the worker calls the model.
    assert start_instance("api", GEMINI_API_KEY="a-key")["heavy"] == []


def test_the_trigger_and_the_worker_load_pdf_readers_but_nothing_for_gemini_or_exports() -> None:
    for entry_point in ("on_pdf_uploaded", "run_task"):
        heavy = start_instance(entry_point)["heavy"]
        assert "pypdf" in heavy, entry_point  # they read PDFs: the probe sees imports
        assert not {"google.genai", "openpyxl", "gspread", "numpy"} & set(heavy), entry_point
