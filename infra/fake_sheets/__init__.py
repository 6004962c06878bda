"""A local fake of the Google Sheets v4 and Drive v3 REST endpoints that gspread calls."""

from infra.fake_sheets.server import FakeSheets, RecordedRequest

__all__ = ["FakeSheets", "RecordedRequest"]
