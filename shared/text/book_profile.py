"""What the engine learns from a whole book, once, for every page range of it.

A page range processed alone sees only its own pages; with the book's profile it
cleans them exactly as the whole book would be cleaned, so the ranges' outputs put
together are the whole book's output. The profile holds the page geometry (type
size, line pitch, text block), which pages are front matter, back matter or a table
of contents, the lines that repeat at page edges, and the line-end hyphens the book's
own vocabulary decides. It is small (decisions, not the vocabulary) and its JSON is
deterministic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

PROFILE_VERSION = 1


@dataclass(frozen=True, slots=True)
class HyphenDecisions:
    """Line-end breaks ("head|tail", lower case) where the book's own spelling overrules
    the lexicon and the rules: the hyphen is kept, or the word is joined."""

    kept: frozenset[str] = frozenset()
    joined: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PageSpan:
    first: int
    last: int
    kind: str  # "front_matter" | "back_matter" | "table_of_contents" | "notes"


@dataclass(frozen=True, slots=True)
class BookProfile:
    page_count: int
    body_size: float  # the size of the prose's glyphs (box height, points)
    line_pitch: float  # from one prose baseline to the next
    # The prose block: left and right edges on even and odd pages, first-line indent,
    # the baselines of its first and last lines.
    left_edges: tuple[float, float]
    right_edges: tuple[float, float]
    indent: float
    body_top: float
    body_bottom: float
    matter: tuple[PageSpan, ...] = ()  # pages that are not prose
    running_lines: frozenset[str] = frozenset()  # shapes of lines repeated at page edges
    hyphens: HyphenDecisions = field(default_factory=HyphenDecisions)

    def page_kind(self, page: int) -> str | None:
        for span in self.matter:
            if span.first <= page <= span.last:
                return span.kind
        return None

    def left_edge(self, page: int) -> float:
        return self.left_edges[page % 2]

    def right_edge(self, page: int) -> float:
        return self.right_edges[page % 2]

    def to_json(self) -> str:
        record = {
            "version": PROFILE_VERSION,
            "page_count": self.page_count,
            "body_size": self.body_size,
            "line_pitch": self.line_pitch,
            "left_edges": list(self.left_edges),
            "right_edges": list(self.right_edges),
            "indent": self.indent,
            "body_top": self.body_top,
            "body_bottom": self.body_bottom,
            "matter": [[span.first, span.last, span.kind] for span in self.matter],
            "running_lines": sorted(self.running_lines),
            "hyphens": {"kept": sorted(self.hyphens.kept), "joined": sorted(self.hyphens.joined)},
        }
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> BookProfile:
        record = json.loads(text)
        if record.get("version") != PROFILE_VERSION:
            raise ValueError(f"unknown book profile version {record.get('version')!r}")
        left, right = record["left_edges"], record["right_edges"]
        return cls(
            page_count=record["page_count"],
            body_size=record["body_size"],
            line_pitch=record["line_pitch"],
            left_edges=(left[0], left[1]),
            right_edges=(right[0], right[1]),
            indent=record["indent"],
            body_top=record["body_top"],
            body_bottom=record["body_bottom"],
            matter=tuple(PageSpan(first, last, kind) for first, last, kind in record["matter"]),
            running_lines=frozenset(record["running_lines"]),
            hyphens=HyphenDecisions(
                frozenset(record["hyphens"]["kept"]), frozenset(record["hyphens"]["joined"])
            ),
        )
