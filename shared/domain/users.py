"""Who a user is (as their token says), and what they keep between jobs: their defaults
for new jobs and for exports."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.domain.jobs import JobSettings

EXPORT_FORMATS = ("csv", "xlsx", "google_sheets")
EXPORT_COLUMNS = ("index", "sentence", "original", "page", "word_count", "method")
MAX_MIN_SENTENCE_WORDS = 10
ROLES = ("free", "premium", "admin")
DEFAULT_ROLE = "free"


@dataclass(frozen=True)
class User:
    """A signed-in caller: their id, email and role, from a verified ID token."""

    uid: str
    email: str | None
    role: str
    email_verified: bool = False


@dataclass(frozen=True, slots=True)
class UserSettings:
    job: JobSettings = field(default_factory=JobSettings)
    # Sentences shorter than this are left out of the sentence lists and exports.
    min_sentence_words: int = 1
    export_format: str = "csv"
    export_columns: tuple[str, ...] = ("index", "sentence", "page")

    def __post_init__(self) -> None:
        if not 1 <= self.min_sentence_words <= MAX_MIN_SENTENCE_WORDS:
            raise ValueError(f"min_sentence_words must be 1..{MAX_MIN_SENTENCE_WORDS}")
        if self.export_format not in EXPORT_FORMATS:
            raise ValueError(f"export_format must be one of {EXPORT_FORMATS}")
        unknown = set(self.export_columns) - set(EXPORT_COLUMNS)
        if unknown or not self.export_columns:
            raise ValueError(f"export_columns must be some of {EXPORT_COLUMNS}")
