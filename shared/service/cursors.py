"""Listing cursors: the position of the last record a page showed (its creation time and
id), opaque to clients, refused when it is not one this API wrote."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from shared.domain.errors import InvalidInput
from shared.domain.ids import RecordId

# The years a record's creation time can fall in: a cursor naming another is forged.
CURSOR_YEARS = (2020, 2200)
IdT = TypeVar("IdT", bound=RecordId)
Listed = TypeVar("Listed", bound="Dated")


class Dated(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def created_at(self) -> datetime: ...


def paged(found: list[Listed], limit: int) -> tuple[list[Listed], str | None]:
    """A page of `limit` from `limit + 1` records read, and the cursor of the next page
    (None when there is none)."""
    if len(found) <= limit:
        return found, None
    last = found[limit - 1]
    return found[:limit], encode_cursor(last.created_at, last.id)


def encode_cursor(created_at: datetime, record_id: str) -> str:
    text = f"{created_at.isoformat()}|{record_id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, id_type: type[IdT]) -> tuple[datetime, IdT]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created_at, record_id = text.split("|")
        return _time(created_at), id_type(record_id)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidInput("The cursor is not one this API returned.") from exc


def encode_time_cursor(at: datetime) -> str:
    return base64.urlsafe_b64encode(at.isoformat().encode()).decode().rstrip("=")


def decode_time_cursor(cursor: str) -> datetime:
    try:
        return _time(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidInput("The cursor is not one this API returned.") from exc


def _time(text: str) -> datetime:
    at = datetime.fromisoformat(text)
    if at.utcoffset() != timedelta(0) or not CURSOR_YEARS[0] <= at.year <= CURSOR_YEARS[1]:
        raise ValueError(text)  # not a time this API wrote
    return at
