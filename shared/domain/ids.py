"""Ids the system makes for its records: 32 lowercase hex digits, nothing a path can abuse.

A `JobId`, `ExportId`, `BatchId` or `WebhookId` is a `str` that has passed the check, so
it goes wherever a string does (document ids, object names, URLs), and text from a
request becomes one only through `parse`.
"""

from __future__ import annotations

import re
import uuid
from typing import Self

ID_PATTERN = r"^[0-9a-f]{32}$"  # for schemas (JSON Schema, OpenAPI)
_ID = re.compile(r"[0-9a-f]{32}")


class RecordId(str):
    __slots__ = ()

    def __new__(cls, value: str) -> Self:
        if not isinstance(value, str) or not _ID.fullmatch(value):
            raise ValueError(f"not a {cls.__name__}: {str(value)[:64]!r}")
        return super().__new__(cls, value)

    @classmethod
    def new(cls) -> Self:
        return cls(uuid.uuid4().hex)

    @classmethod
    def parse(cls, text: str) -> Self | None:
        """The id `text` spells, or None when it is not one."""
        return cls(text) if _ID.fullmatch(text) else None


class JobId(RecordId):
    __slots__ = ()


class ExportId(RecordId):
    __slots__ = ()


class BatchId(RecordId):
    __slots__ = ()


class WebhookId(RecordId):
    __slots__ = ()


class TeamId(RecordId):
    __slots__ = ()
