"""The fake Sheets and Drive server on a thread, and real gspread clients pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import gspread
import pytest

from infra.fake_sheets import FakeSheets
from shared.adapters.sheets.google_session import BASE_URL_VARIABLE, sheets_client

TOKEN = "ya29.test-access-token-0123456789"
NARROW_TOKEN = "ya29.signed-in-without-sheets-scope"
# Sheets names a new spreadsheet's tab in the owner's language.
FIRST_TAB = "Feuille 1"


class RecordedSleep:
    """Stands in for time.sleep: keeps the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture(autouse=True)
def _no_base_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BASE_URL_VARIABLE, raising=False)


@pytest.fixture
def fake() -> Iterator[FakeSheets]:
    with FakeSheets(
        valid_tokens={TOKEN}, insufficient_scope_tokens={NARROW_TOKEN}, first_tab=FIRST_TAB
    ) as server:
        yield server


@pytest.fixture
def client(fake: FakeSheets) -> gspread.Client:
    return sheets_client(TOKEN, base_url=fake.url)


@pytest.fixture
def sleep() -> RecordedSleep:
    return RecordedSleep()
