"""Realistic test PDFs of French novels, laid out like printed books.

The texts in ``tests/books/texts`` are set in DejaVu Serif on small (A5-like) pages:
justified lines drawn word by word, first-line indents, chapters opening on a new page
under a centred title, running headers (book title on even pages, chapter title on odd
pages), page numbers, words hyphenated at line ends (compounds at their own hyphen,
other words with pyphen's French patterns), optional soft hyphens, ligatures and a
footnote per chapter. ``render_pdf`` reports on which pages each source paragraph
landed, so tests can compare what an extractor gets back with what went in.

Defective files (scanned, encrypted, truncated, not a PDF, too many pages) are here too.
Everything is deterministic for a given seed, except the random salts of AES encryption.
"""

from __future__ import annotations

import io
import itertools
import math
import os
import random
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Literal

import pyphen
from fpdf import FPDF
from fpdf.enums import TextMode
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter

from tests.books import matter

TEXTS_DIR = Path(__file__).resolve().parent / "texts"

SOFT_HYPHEN = "\u00ad"
FOOTNOTE_MARK = "¹"
NOTE_PREFIX = "Note de l'éditeur : "

# (author, work, first published) for each text of the corpus.
CORPUS_INFO: dict[str, tuple[str, str, int]] = {
    "dumas_montecristo": ("Alexandre Dumas", "Le Comte de Monte-Cristo", 1844),
    "flaubert_bovary": ("Gustave Flaubert", "Madame Bovary", 1857),
    "hugo_miserables": ("Victor Hugo", "Les Misérables", 1862),
    "maupassant_belami": ("Guy de Maupassant", "Bel-Ami", 1885),
    "proust_swann": ("Marcel Proust", "Du côté de chez Swann", 1913),
    "verne_tourdumonde": ("Jules Verne", "Le Tour du monde en quatre-vingts jours", 1872),
    "vocabulaire_rare": ("Texte d'essai", "L'Enlumineur", 2026),
    "zola_germinal": ("Émile Zola", "Germinal", 1885),
}

_FONT_ENV = "BOOKS_FONT"
_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/TTF/DejaVuSerif.ttf",
    "/usr/share/fonts/dejavu-serif-fonts/DejaVuSerif.ttf",
    "/usr/local/share/fonts/DejaVuSerif.ttf",
    "/opt/homebrew/share/fonts/DejaVuSerif.ttf",
    "~/.fonts/DejaVuSerif.ttf",
    "~/.local/share/fonts/DejaVuSerif.ttf",
    "~/Library/Fonts/DejaVuSerif.ttf",
)
_FIXED_DATE = datetime(2000, 1, 1, tzinfo=UTC)
_PT = 25.4 / 72  # millimetres per point
_NOTES = (
    "le texte suit celui de l'édition originale.",
    "nous conservons ici l'orthographe et la ponctuation de l'auteur, même lorsqu'elles "
    "s'écartent de l'usage d'aujourd'hui.",
    "ce passage manque dans plusieurs éditions du vivant de l'auteur.",
)
_ELISION = re.compile(r"^(.*['’])")
_NOTE_SYMBOLS = ("*", "†", "‡")


# --------------------------------------------------------------------------- model


@dataclass
class Chapter:
    title: str
    paragraphs: list[str]
    subtitle: str = ""  # printed under the title with ``Layout(chapter_subtitles=True)``


@dataclass
class Book:
    title: str
    chapters: list[Chapter]
    author: str = ""

    @property
    def paragraphs(self) -> list[str]:
        """All paragraphs of the book, in reading order (chapter titles excluded)."""
        return [p for chapter in self.chapters for p in chapter.paragraphs]

    def source_text(self) -> str:
        """The paragraphs, separated by one blank line (the format of ``texts/*.txt``)."""
        return "\n\n".join(self.paragraphs) + "\n"


@dataclass(frozen=True)
class Layout:
    """Page geometry (millimetres, font sizes in points) and typographic options."""

    page_width: float = 130.0
    page_height: float = 200.0
    margin_top: float = 20.0
    margin_bottom: float = 20.0
    margin_inner: float = 16.0
    margin_outer: float = 14.0
    font_size: float = 10.5
    line_height: float = 1.3  # multiple of font_size
    paragraph_indent: float = 5.0
    running_headers: bool = True
    page_numbers: bool = True
    # "top": the outer corner, on the header's line; "top-centre" takes the header's place.
    page_number_position: Literal["bottom", "top", "top-centre", "bottom-outer"] = "bottom"
    page_number_dashes: bool = False  # "— 12 —" instead of "12"
    header_content: Literal["title-chapter", "author-title"] = "title-chapter"
    hyphenate: bool = True
    soft_hyphen_rate: float = 0.0  # share of line-end word breaks encoded as U+00AD
    ligatures: bool = False  # "fi"/"fl" -> U+FB01/U+FB02 in some words
    footnotes: bool = False  # one footnote per chapter, called by "¹" (note_style "unicode")
    # Note calls: "raised-page" / "raised-chapter" (small raised digits numbered per page
    # or per chapter), "symbols" (*, †, ‡ per page), "unicode" ("¹").
    note_style: Literal["", "unicode", "raised-page", "raised-chapter", "symbols"] = ""
    notes_per_chapter: int = 1
    drop_caps: bool = (
        False  # a chapter's first letter two lines tall, the word's rest in small caps
    )
    chapter_subtitles: bool = False
    narrow_spaces: bool = False  # U+202F before ; : ! ? » and after «
    front_matter: bool = False  # half-title, "du même auteur", title page
    contents: Literal["", "start", "end"] = ""  # a table of contents
    contents_numbers: Literal["end", "start"] = "end"  # page numbers after dotted leaders, or first
    colophon: bool = False
    justify: bool = True
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0.0 <= self.soft_hyphen_rate <= 1.0:
            raise ValueError("soft_hyphen_rate must be between 0 and 1")
        if self.page_number_position not in ("bottom", "top", "top-centre", "bottom-outer"):
            raise ValueError("page_number_position must be bottom, top, top-centre or bottom-outer")
        if self.text_width < 30 or self.lines_per_page < 8:
            raise ValueError("page too small for the margins and font size")

    @property
    def notes(self) -> str:
        """The note style in force ("" without notes)."""
        return self.note_style or ("unicode" if self.footnotes else "")

    @property
    def text_width(self) -> float:
        return self.page_width - self.margin_inner - self.margin_outer

    @property
    def line_pitch(self) -> float:
        return self.font_size * self.line_height * _PT

    @property
    def lines_per_page(self) -> int:
        body = self.page_height - self.margin_top - self.margin_bottom
        return int(body / self.line_pitch + 1e-6)

    @property
    def title_lines(self) -> int:
        """Body lines lost under a chapter title on the chapter's first page."""
        return math.ceil(0.25 * (self.page_height - self.margin_top) / self.line_pitch)


DEFAULT_LAYOUT = Layout()

# A few house styles, for benchmarks that want variety (the CLI cycles through them).
LAYOUT_VARIANTS: dict[str, Layout] = {
    "classic": DEFAULT_LAYOUT,
    "folio-top": Layout(page_number_position="top", soft_hyphen_rate=0.3, seed=1),
    "notes": Layout(font_size=11, page_number_dashes=True, ligatures=True, footnotes=True, seed=2),
    "ragged": Layout(font_size=11.5, justify=False, hyphenate=False, running_headers=False),
    "pocket": Layout(
        page_width=110,
        page_height=178,
        margin_top=16,
        margin_bottom=16,
        margin_inner=13,
        margin_outer=11,
        font_size=9.5,
        page_number_position="top",
        soft_hyphen_rate=0.5,
        ligatures=True,
        footnotes=True,
        seed=4,
    ),
}


@dataclass
class RenderedBook:
    pdf: bytes
    page_count: int
    paragraph_pages: list[tuple[int, int]]  # first/last 0-based page of each paragraph
    chapter_titles: list[str]
    chapter_pages: list[int] = field(default_factory=list)  # 0-based first page of chapters
    footnote_pages: list[int] = field(default_factory=list)  # 0-based pages with a note
    hyphenated_lines: int = 0  # lines ending inside a word (pyphen or compound hyphen)
    notes: list[tuple[str, str, int]] = field(default_factory=list)  # (mark, text, 1-based page)
    matter_pages: dict[int, str] = field(default_factory=dict)  # 1-based page -> kind


# --------------------------------------------------------------------------- texts


def corpus_names() -> list[str]:
    """Names of the texts in ``texts/`` (without ``.txt``), sorted."""
    return sorted(
        p.name.removesuffix(".txt")
        for p in TEXTS_DIR.glob("*.txt")
        if not p.name.endswith(".sentences.txt")
    )


def load_text(name: str) -> list[str]:
    """Paragraphs of ``texts/<name>.txt`` (separated by one blank line in the file)."""
    text = (TEXTS_DIR / f"{name}.txt").read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def load_sentences(name: str) -> list[str]:
    """The hand-made gold sentences of ``texts/<name>.sentences.txt``."""
    text = (TEXTS_DIR / f"{name}.sentences.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


_ONES = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")
_TENS = ("", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC")
_HUNDREDS = ("", "C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM")


def roman(number: int) -> str:
    if not 0 < number < 1000:
        raise ValueError("roman numerals from 1 to 999 only")
    return _HUNDREDS[number // 100] + _TENS[number // 10 % 10] + _ONES[number % 10]


def chapter_title(number: int, style: int = 0) -> str:
    """'CHAPITRE PREMIER' / 'CHAPITRE II' (style 0), 'I' / 'II' (1), 'Chapitre II' (2)."""
    style %= 3
    if style == 1:
        return roman(number)
    word = "premier" if number == 1 else roman(number)
    return f"CHAPITRE {word.upper()}" if style == 0 else f"Chapitre {word}"


def sample_book(name: str) -> Book:
    """One text of the corpus as a two-chapter book."""
    paragraphs = load_text(name)
    author, work, _year = CORPUS_INFO.get(name, ("", name.replace("_", " ").title(), 0))
    style = corpus_names().index(name) % 3 if name in corpus_names() else 0
    cut = max(1, (len(paragraphs) + 1) // 2)
    chapters = [Chapter(chapter_title(1, style), paragraphs[:cut])]
    if paragraphs[cut:]:
        chapters.append(Chapter(chapter_title(2, style), paragraphs[cut:]))
    return Book(title=work, chapters=chapters, author=author)


def novel(pages: int, seed: int = 0, layout: Layout | None = None) -> Book:
    """A long book cycling through all the texts' paragraphs, about ``pages`` pages long.

    Chapters of 8 to 12 pages; the page count is estimated by breaking each paragraph
    into lines with ``layout`` (default ``Layout()``).
    """
    if pages < 1:
        raise ValueError("pages must be positive")
    layout = layout or DEFAULT_LAYOUT
    plain = replace(layout, ligatures=False, soft_hyphen_rate=0.0, footnotes=False)
    composer = _Composer(plain)
    pool = [p for name in corpus_names() for p in load_text(name)]
    line_counts = {p: len(composer.break_paragraph(p, 0)) for p in dict.fromkeys(pool)}
    per_page = layout.lines_per_page
    first_page = per_page - layout.title_lines
    rng = random.Random(seed)
    position = rng.randrange(len(pool))
    chapters: list[Chapter] = []
    total = 0
    while total < pages:
        target = min(rng.randint(8, 12), pages - total)
        paragraphs: list[str] = []
        lines = 0
        estimate = 1
        while estimate < target or not paragraphs:
            paragraph = pool[position % len(pool)]
            position += 1
            paragraphs.append(paragraph)
            lines += line_counts[paragraph]
            estimate = 1 + max(0, math.ceil((lines - first_page) / per_page))
        chapters.append(Chapter(chapter_title(len(chapters) + 1), paragraphs))
        total += estimate
    return Book(title="Pages choisies", chapters=chapters, author="Anthologie")


# --------------------------------------------------------------------------- fonts


@cache
def font_path() -> Path:
    """DejaVu Serif, from ``$BOOKS_FONT`` or the usual font folders."""
    candidates = [os.environ.get(_FONT_ENV, ""), *_FONT_CANDIDATES]
    for candidate in candidates:
        if candidate and Path(candidate).expanduser().is_file():
            return Path(candidate).expanduser()
    raise FileNotFoundError(
        "DejaVu Serif (DejaVuSerif.ttf) not found; install fonts-dejavu-core "
        f"or set ${_FONT_ENV} to its path. Looked in: {', '.join(_FONT_CANDIDATES)}"
    )


def _new_pdf(layout: Layout, title: str = "", author: str = "") -> FPDF:
    pdf = FPDF(unit="mm", format=(layout.page_width, layout.page_height))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_creation_date(_FIXED_DATE)
    pdf.add_font("Serif", fname=str(font_path()))
    pdf.set_font("Serif", size=layout.font_size)
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    pdf.set_lang("fr")
    return pdf


@cache
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="fr_FR", left=2, right=3)


# --------------------------------------------------------------------------- composition


@dataclass
class _Token:
    """A source word and how it is printed (ligatures, soft hyphen, footnote call)."""

    text: str
    core_start: int  # letters start after any elision ("l'", "qu'") or opening mark
    core_end: int  # trailing punctuation starts here
    ligature: bool = False
    shy_at: int | None = None  # invisible U+00AD before this index (mid-line only)
    marker: bool = False

    @classmethod
    def parse(cls, text: str) -> _Token:
        start = 0
        while start < len(text) and not text[start].isalnum():
            start += 1
        elision = _ELISION.match(text[start:])
        if elision:
            start += len(elision.group(1))
        end = len(text)
        while end > start and not text[end - 1].isalnum():
            end -= 1
        return cls(text, start, max(start, end))

    @property
    def core(self) -> str:
        return self.text[self.core_start : self.core_end]

    def display(self, start: int, end: int, hyphen: str = "") -> str:
        """The printed form of ``text[start:end]``, plus ``hyphen`` at a line end."""

        def lig(s: str) -> str:
            return s.replace("fi", "\ufb01").replace("fl", "\ufb02") if self.ligature else s

        cuts = [start]
        if self.shy_at is not None and start < self.shy_at < end and not hyphen:
            cuts.append(self.shy_at)
        cuts.append(end)
        pieces = [self.text[a:b] for a, b in itertools.pairwise(cuts)]
        if self.marker and start < self.core_end <= end:
            # The footnote call goes right after the word, before its punctuation.
            at = self.core_end - cuts[-2]
            pieces[-1] = pieces[-1][:at] + FOOTNOTE_MARK + pieces[-1][at:]
        return SOFT_HYPHEN.join(lig(p) for p in pieces) + hyphen

    def breaks(self) -> list[tuple[int, bool]]:
        """Where the word may end a line: (index, is a compound's own hyphen)."""
        core = self.core
        if not core or any(c.isdigit() for c in core):
            return []
        if "-" in core:
            found: list[tuple[int, bool]] = []
            segment_start = 0
            for i, char in enumerate(core):
                if char == "-":
                    # "passa-/t-il" yes, "passa-t-/il" no; never a lone letter before.
                    if i - segment_start >= 2 and i + 1 < len(core):
                        found.append((self.core_start + i + 1, True))
                    segment_start = i + 1
            return found
        if not core.isalpha() or len(core) < 5:
            return []
        return [(self.core_start + i, False) for i in _hyphenator().positions(core)]


@dataclass
class _Line:
    words: list[str]
    widths: list[float]
    fixed_gap: list[bool]  # gap before word i is a fixed (unbreakable) space
    indent: float
    paragraph: int
    last: bool = False
    marker: bool = False
    broken: bool = False  # ends inside a word
    call: str = ""  # the note call's label, drawn raised where the marker stands
    drop_cap: str = ""  # drawn two lines tall in the indent; the first word in small caps


@dataclass
class _Page:
    chapter: int
    lines: list[_Line] = field(default_factory=list)
    first_of_chapter: bool = False
    capacity: int = 0
    notes: list[tuple[str, list[str]]] = field(default_factory=list)  # (mark, lines)


_OPENERS = ("«", "—", "–")  # kept with the next word ("« Je", "— Ah")


def _glues_left(token: str) -> bool:
    """Closing punctuation kept with the previous word: ; : ! ? » —,"""
    return not any(c.isalnum() for c in token) and token not in _OPENERS


def _glues_right(token: str) -> bool:
    return token in _OPENERS


def _narrow_spaced(pieces: list[str]) -> list[str]:
    """French spacing: a narrow no-break space before ; : ! ? » and after «."""
    spaced = pieces[:1]
    for piece in pieces[1:]:
        if piece in (";", ":", "!", "?", "»") or spaced[-1] == "«":
            spaced[-1] += "\u202f" + piece
        else:
            spaced.append(piece)
    return spaced


class _Composer:
    """Breaks paragraphs into lines and lines into pages for one layout."""

    def __init__(self, layout: Layout, pdf: FPDF | None = None) -> None:
        self.layout = layout
        self.pdf = pdf or _new_pdf(layout)
        self.rng = random.Random(layout.seed)
        self._widths: dict[tuple[float, str], float] = {}
        self.space = self.width(" ")

    def width(self, text: str, size: float | None = None) -> float:
        size = size or self.layout.font_size
        key = (size, text)
        cached = self._widths.get(key)
        if cached is None:
            current = self.pdf.font_size_pt
            self.pdf.set_font_size(size)
            visible = text[:-1].replace(SOFT_HYPHEN, "") + text[-1:]
            cached = self._widths[key] = self.pdf.get_string_width(visible)
            self.pdf.set_font_size(current)
        return cached

    # -- tokens --------------------------------------------------------------

    def tokens(self, paragraph: str, marker_at: int | None = None) -> list[_Token]:
        layout = self.layout
        tokens = [_Token.parse(t) for t in paragraph.split()]
        for i, token in enumerate(tokens):
            core = token.core
            if layout.ligatures and ("fi" in core or "fl" in core):
                token.ligature = self.rng.random() < 0.6
            if layout.soft_hyphen_rate and core.isalpha() and len(core) >= 7:
                spots = [b for b, hard in token.breaks() if not hard]
                if spots and self.rng.random() < layout.soft_hyphen_rate * 0.3:
                    token.shy_at = self.rng.choice(spots)
            token.marker = i == marker_at
        return tokens

    @staticmethod
    def footnote_token(paragraph: str) -> int:
        """Index of the word that gets the footnote call: a long word past the middle."""
        words = paragraph.split()
        for i in range(len(words) // 2, len(words)):
            if len(_Token.parse(words[i]).core) >= 6:
                return i
        return len(words) - 1

    # -- lines ---------------------------------------------------------------

    def break_paragraph(
        self, paragraph: str, index: int, marker_at: int | None = None, drop: float = 0.0
    ) -> list[_Line]:
        """Greedy line breaking with hyphenation, like a simple typesetter; ``drop`` is
        the room a drop cap takes at the start of the first two lines."""
        tokens = self.tokens(paragraph, marker_at)
        texts = [t.text for t in tokens]
        # Boxes: runs of tokens joined by non-breaking spaces ("vous ;", "« Je", "— Ah !").
        boxes: list[list[int]] = []
        glue_next = False
        for i, text in enumerate(texts):
            if boxes and (glue_next or _glues_left(text)):
                boxes[-1].append(i)
            else:
                boxes.append([i])
            glue_next = _glues_right(text)

        width = self.layout.text_width
        lines: list[_Line] = []
        line = _Line([], [], [], drop or self.layout.paragraph_indent, index)
        used = line.indent

        def place(word: str, fixed: bool) -> None:
            nonlocal used
            w = self.width(word)
            if line.words:
                used += self.space
            line.words.append(word)
            line.widths.append(w)
            line.fixed_gap.append(fixed)
            used += w

        def box_pieces(box: list[int], start: int) -> list[str]:
            first = tokens[box[0]]
            pieces = [first.display(start, len(first.text))] + [
                tokens[i].display(0, len(tokens[i].text)) for i in box[1:]
            ]
            return _narrow_spaced(pieces) if self.layout.narrow_spaces else pieces

        def width_of(pieces: list[str]) -> float:
            return sum(self.width(p) for p in pieces) + self.space * (len(pieces) - 1)

        queue = [(box, 0) for box in boxes]  # (box, start offset in its first token)
        while queue:
            box, start = queue.pop(0)
            pieces = box_pieces(box, start)
            gap = self.space if line.words else 0.0
            if used + gap + width_of(pieces) <= width + 1e-6 or not line.words:
                for k, piece in enumerate(pieces):
                    place(piece, k > 0)  # an overlong word alone on its line overflows
                continue
            # No more than two hyphenated lines in a row, and not the paragraph's last word.
            ladder = len(lines) >= 2 and lines[-1].broken and lines[-2].broken
            split = (
                None if ladder or not queue else self._split(box, start, tokens, width - used - gap)
            )
            if split is not None:
                head, rest_start, broken_box_len = split
                for k, piece in enumerate(head):
                    place(piece, k > 0)
                line.broken = True
                queue.insert(0, (box[broken_box_len - 1 :], rest_start))
            lines.append(line)
            line = _Line([], [], [], drop if len(lines) < 2 else 0.0, index)
            used = line.indent
            if split is None:
                queue.insert(0, (box, start))
        line.last = True
        lines.append(line)
        for ln in lines:
            ln.marker = any(FOOTNOTE_MARK in w for w in ln.words)
        return lines

    def _split(
        self, box: list[int], start: int, tokens: list[_Token], room: float
    ) -> tuple[list[str], int, int] | None:
        """Break the box's word at the best hyphenation point that fits in ``room``."""
        layout = self.layout
        if not layout.hyphenate:
            return None
        # Like a compositor, break a word only when the line would otherwise be loose
        # (how loose is tolerated varies from line to line), but gladly at a compound's
        # own hyphen, which adds no character.
        tolerance = self.space * self.rng.uniform(2.0, 10.0)
        # The word to break: the first of the box with letters (after "«" or "—").
        n = next((k for k, i in enumerate(box) if tokens[i].core), None)
        if n is None:
            return None
        token = tokens[box[n]]
        lead = [tokens[j].display(0, len(tokens[j].text)) for j in box[:n]]
        lead_width = sum(self.width(p) for p in lead) + self.space * len(lead)
        offset = start if n == 0 else 0
        for at, hard in sorted(token.breaks(), reverse=True):
            if at <= offset + 1 or room < (self.space if hard else tolerance):
                continue
            head = token.display(offset, at, "" if hard else "-")
            if lead_width + self.width(head) > room:
                continue
            if not hard and self.rng.random() < layout.soft_hyphen_rate:
                head = token.display(offset, at, SOFT_HYPHEN)
            return [*lead, head], at, n + 1
        return None

    # -- pages ---------------------------------------------------------------

    def note_lines(self, note: str) -> list[str]:
        size = self.note_size
        words = note.split()
        lines: list[str] = []
        current = ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if current and self.width(candidate, size) > self.layout.text_width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
        return lines

    @property
    def note_size(self) -> float:
        return round(self.layout.font_size * 0.78, 2)

    def note_reserve(self, lines: int, first: bool = True) -> int:
        """Body lines given up for a footnote of ``lines`` lines (with its rule if first)."""
        height = (3.5 if first else 0.5) + lines * self.note_size * 1.25 * _PT
        return math.ceil(height / self.layout.line_pitch)

    def paginate(self, book: Book) -> list[_Page]:
        layout = self.layout
        pages: list[_Page] = []
        paragraph_index = 0
        for c, chapter in enumerate(book.chapters):
            page = _Page(c, first_of_chapter=True)
            page.capacity = layout.lines_per_page - layout.title_lines
            pages.append(page)
            noted = self.noted_paragraphs(len(chapter.paragraphs))
            in_chapter = 0
            for p, paragraph in enumerate(chapter.paragraphs):
                marker_at = self.footnote_token(paragraph) if p in noted else None
                cap, text, drop = self.drop_cap(paragraph) if p == 0 else ("", paragraph, 0.0)
                lines = self.break_paragraph(text, paragraph_index, marker_at, drop)
                lines[0].drop_cap = cap
                for line in lines:
                    if len(page.lines) >= page.capacity:
                        page = _Page(c, capacity=layout.lines_per_page)
                        pages.append(page)
                    if line.marker:
                        in_chapter += 1
                        note = (
                            NOTE_PREFIX + _NOTES[(c + in_chapter - 1 + layout.seed) % len(_NOTES)]
                        )
                        note_lines = self.note_lines(f"{self.note_mark(page, in_chapter)} {note}")
                        reserve = self.note_reserve(len(note_lines), first=not page.notes)
                        if len(page.lines) + 1 > page.capacity - reserve:
                            page = _Page(c, capacity=layout.lines_per_page)
                            pages.append(page)
                            reserve = self.note_reserve(len(note_lines), first=True)
                        line.call = self.note_mark(page, in_chapter)
                        page.capacity -= reserve
                        page.notes.append((line.call, self.note_lines(f"{line.call} {note}")))
                    page.lines.append(line)
                paragraph_index += 1
        return pages

    def noted_paragraphs(self, count: int) -> set[int]:
        """The paragraphs of a chapter that get a note call, spread over it (never the first)."""
        if not self.layout.notes:
            return set()
        per_chapter = self.layout.notes_per_chapter
        return {(k + 1) * count // (per_chapter + 1) for k in range(per_chapter)} - {0}

    def note_mark(self, page: _Page, in_chapter: int) -> str:
        style = self.layout.notes
        on_page = len(page.notes)
        if style == "unicode":
            return FOOTNOTE_MARK
        if style == "symbols":
            return _NOTE_SYMBOLS[on_page % len(_NOTE_SYMBOLS)]
        return str(on_page + 1 if style == "raised-page" else in_chapter)

    def drop_cap(self, paragraph: str) -> tuple[str, str, float]:
        """(the drop cap, the text set beside and after it, the room it takes)."""
        if not self.layout.drop_caps or not paragraph[:1].isalpha() or len(paragraph) < 150:
            return "", paragraph, 0.0
        cap = paragraph[0]
        return cap, paragraph[1:].lstrip(), self.width(cap, self.drop_cap_size) + 1.0

    @property
    def drop_cap_size(self) -> float:
        return round(self.layout.font_size * 2.3, 2)


# --------------------------------------------------------------------------- rendering


def render_pdf(book: Book, layout: Layout = DEFAULT_LAYOUT) -> RenderedBook:
    """Typeset ``book`` and return the PDF with where each paragraph landed."""
    pdf = _new_pdf(layout, book.title, book.author)
    composer = _Composer(layout, pdf)
    pages = composer.paginate(book)
    sheet = matter.Sheet(pdf, composer.width, layout.page_width, layout.page_height)
    matter_pages: dict[int, str] = {}

    def add_matter(kind: str, count: int) -> None:
        for _ in range(count):
            matter_pages[len(matter_pages) + len(body_numbers) + 1] = kind

    body_numbers: list[int] = []
    front = (matter.FRONT_PAGES if layout.front_matter else 0) + (
        matter.contents_pages(len(book.chapters), layout.font_size, layout.page_height)
        if layout.contents == "start"
        else 0
    )
    chapter_folios = [front + n + 1 for n, page in enumerate(pages) if page.first_of_chapter]
    entries = [
        (_chapter_heading(chapter, layout), folio)
        for chapter, folio in zip(book.chapters, chapter_folios, strict=True)
    ]
    if layout.front_matter:
        matter.front_matter(sheet, book.title, book.author, layout.font_size)
        add_matter("front_matter", matter.FRONT_PAGES)
    if layout.contents == "start":
        add_matter(
            "table_of_contents",
            matter.contents(sheet, entries, layout.contents_numbers, layout.font_size),
        )

    paragraph_pages: dict[int, list[int]] = {}
    chapter_pages: list[int] = []
    footnote_pages: list[int] = []
    notes: list[tuple[str, str, int]] = []
    for page in pages:
        number = pdf.page  # 0-based index of the page about to be added
        body_numbers.append(number)
        pdf.add_page()
        if page.first_of_chapter:
            chapter_pages.append(number)
        _draw_body_page(pdf, composer, book, page, number + 1)
        for line in page.lines:
            paragraph_pages.setdefault(line.paragraph, []).append(number)
        if page.notes:
            footnote_pages.append(number)
            notes.extend(
                (_note_number(mark), " ".join(lines).split(" ", 1)[1], number + 1)
                for mark, lines in page.notes
            )

    if layout.contents == "end":
        add_matter(
            "table_of_contents",
            matter.contents(sheet, entries, layout.contents_numbers, layout.font_size),
        )
    if layout.colophon:
        matter.colophon(sheet, book.title, layout.font_size)
        add_matter("back_matter", 1)

    ordered = [paragraph_pages[i] for i in sorted(paragraph_pages)]
    return RenderedBook(
        pdf=bytes(pdf.output()),
        page_count=pdf.page,
        paragraph_pages=[(min(p), max(p)) for p in ordered],
        chapter_titles=[c.title for c in book.chapters],
        chapter_pages=chapter_pages,
        footnote_pages=footnote_pages,
        hyphenated_lines=sum(line.broken for page in pages for line in page.lines),
        notes=notes,
        matter_pages={number: kind for number, kind in matter_pages.items() if number <= pdf.page},
    )


def _chapter_heading(chapter: Chapter, layout: Layout) -> str:
    if layout.chapter_subtitles and chapter.subtitle:
        return f"{chapter.title}. {chapter.subtitle}"
    return chapter.title


def _note_number(mark: str) -> str:
    return "1" if mark == FOOTNOTE_MARK else mark


def _draw_body_page(pdf: FPDF, composer: _Composer, book: Book, page: _Page, folio: int) -> None:
    layout = composer.layout
    recto = folio % 2 == 1
    x0 = layout.margin_inner if recto else layout.margin_outer
    small = round(layout.font_size * 0.8, 2)
    position = layout.page_number_position
    numbered = layout.page_numbers

    # Running header and top page number, in the top margin.
    header_y = layout.margin_top - 8.0
    if not page.first_of_chapter:
        pdf.set_font_size(small)
        if layout.running_headers and position != "top-centre":
            title = _header_text(book, page, recto, layout)
            w = composer.width(title, small)
            pdf.text(x0 + (layout.text_width - w) / 2, header_y, title)
        if numbered and position in ("top", "top-centre"):
            _draw_folio(pdf, composer, folio, x0, header_y, recto, centre=position == "top-centre")

    top = layout.margin_top
    if page.first_of_chapter:
        _draw_chapter_title(pdf, composer, book.chapters[page.chapter], x0)
        top += layout.title_lines * layout.line_pitch

    pdf.set_font_size(layout.font_size)
    ascent = 0.78 * layout.font_size * _PT
    for i, line in enumerate(page.lines):
        _draw_line(pdf, composer, line, x0, top + i * layout.line_pitch + ascent)
        if line.drop_cap:
            _draw_drop_cap(pdf, composer, line.drop_cap, x0, top + (i + 1) * layout.line_pitch)

    if page.notes:
        _draw_notes(pdf, composer, page.notes, x0)

    # Chapter openings carry no header: their number drops to the foot.
    if numbered and (position.startswith("bottom") or page.first_of_chapter):
        y = layout.page_height - layout.margin_bottom + 9.0
        outer = position == "bottom-outer" and not page.first_of_chapter
        pdf.set_font_size(small)
        _draw_folio(pdf, composer, folio, x0, y, recto, centre=not outer)


def _header_text(book: Book, page: _Page, recto: bool, layout: Layout) -> str:
    if layout.header_content == "author-title":
        return book.title if recto else book.author
    return book.chapters[page.chapter].title if recto else book.title


def _draw_folio(
    pdf: FPDF, composer: _Composer, folio: int, x0: float, y: float, recto: bool, centre: bool
) -> None:
    layout = composer.layout
    label = _folio_label(folio, layout)
    w = composer.width(label, pdf.font_size_pt)
    outer = x0 + layout.text_width - w if recto else x0
    pdf.text(x0 + (layout.text_width - w) / 2 if centre else outer, y, label)


def _draw_chapter_title(pdf: FPDF, composer: _Composer, chapter: Chapter, x0: float) -> None:
    layout = composer.layout
    size = round(layout.font_size * 1.3, 2)
    pdf.set_font_size(size)
    w = composer.width(chapter.title, size)
    y = layout.margin_top + 0.1 * layout.page_height
    pdf.text(x0 + (layout.text_width - w) / 2, y, chapter.title)
    if layout.chapter_subtitles and chapter.subtitle:
        pdf.set_font_size(layout.font_size)
        w = composer.width(chapter.subtitle)
        pdf.text(x0 + (layout.text_width - w) / 2, y + 2.2 * layout.line_pitch, chapter.subtitle)


def _draw_drop_cap(pdf: FPDF, composer: _Composer, cap: str, x0: float, y: float) -> None:
    pdf.set_font_size(composer.drop_cap_size)
    pdf.text(x0, y, cap)
    pdf.set_font_size(composer.layout.font_size)


def _draw_notes(
    pdf: FPDF, composer: _Composer, notes: list[tuple[str, list[str]]], x0: float
) -> None:
    layout = composer.layout
    size = composer.note_size
    note_pitch = size * 1.25 * _PT
    lines = [(k == 0, mark, text) for mark, texts in notes for k, text in enumerate(texts)]
    bottom = layout.page_height - layout.margin_bottom
    first = bottom - (len(lines) - 1) * note_pitch - 0.25 * note_pitch
    rule_y = first - size * _PT - 1.5
    pdf.set_line_width(0.2)
    pdf.line(x0, rule_y, x0 + 30.0, rule_y)
    pdf.set_font_size(size)
    raised = layout.notes.startswith("raised")
    for k, (opens, mark, text) in enumerate(lines):
        y = first + k * note_pitch
        if opens and raised:
            text = text.split(" ", 1)[1]
            _draw_raised(pdf, mark, x0, y, size)
            pdf.set_font_size(size)
            pdf.text(x0 + composer.width(mark + " ", size), y, text)
        else:
            pdf.text(x0, y, text)


def _draw_raised(pdf: FPDF, label: str, x: float, y: float, size: float) -> float:
    """A note call set small and above the baseline; returns its width."""
    small = round(size * 0.6, 2)
    pdf.set_font_size(small)
    pdf.text(x, y - 0.38 * size * _PT, label)
    return pdf.get_string_width(label)


def _folio_label(folio: int, layout: Layout) -> str:
    return f"— {folio} —" if layout.page_number_dashes else str(folio)


def _draw_line(pdf: FPDF, composer: _Composer, line: _Line, x0: float, y: float) -> None:
    layout = composer.layout
    gaps = [composer.space] * len(line.words)
    stretchable = [k for k in range(1, len(line.words)) if not line.fixed_gap[k]]
    natural = line.indent + sum(line.widths) + composer.space * (len(line.words) - 1)
    if layout.justify and not line.last and stretchable:
        extra = max(0.0, layout.text_width - natural) / len(stretchable)
        for k in stretchable:
            gaps[k] += extra
    x = x0 + line.indent
    for k, word in enumerate(line.words):
        if k:
            x += gaps[k]
        if k == 0 and line.drop_cap:
            _draw_small_caps(pdf, composer, word, x, y, line.widths[k])
        elif line.call and FOOTNOTE_MARK in word and layout.notes != "unicode":
            before, after = word.split(FOOTNOTE_MARK, 1)
            _draw_word(pdf, composer, before, x, y)
            call_x = x + composer.width(before)
            call_width = _draw_raised(pdf, line.call, call_x, y, layout.font_size)
            pdf.set_font_size(layout.font_size)
            _draw_word(pdf, composer, after, call_x + call_width, y)
        else:
            _draw_word(pdf, composer, word, x, y)
        x += line.widths[k]


def _draw_small_caps(
    pdf: FPDF, composer: _Composer, word: str, x: float, y: float, room: float
) -> None:
    """Lower-case letters as capitals set smaller, capitals and signs at full size, all
    within the ``room`` the word was given."""
    full = composer.layout.font_size
    chars = [(char.upper(), char.islower()) for char in word.replace(SOFT_HYPHEN, "")]
    natural = sum(composer.width(char, full * 0.8 if small else full) for char, small in chars)
    small_size = round(full * 0.8 * min(1.0, room / natural), 2)
    for char, small in chars:
        size = small_size if small else full
        pdf.set_font_size(size)
        pdf.text(x, y, char)
        x += composer.width(char, size)
    pdf.set_font_size(full)


def _draw_word(pdf: FPDF, composer: _Composer, word: str, x: float, y: float) -> None:
    """Draw a word; an inner U+00AD is drawn invisibly and takes no room."""
    if not word:
        return
    body, end = (word[:-1], word[-1]) if word.endswith(SOFT_HYPHEN) else (word, "")
    if SOFT_HYPHEN not in body:
        pdf.text(x, y, word)
        return
    parts = body.split(SOFT_HYPHEN)
    for k, part in enumerate(parts):
        if k:
            pdf.text_mode = TextMode.INVISIBLE
            pdf.text(x, y, SOFT_HYPHEN)
            pdf.text_mode = TextMode.FILL
        text = part + end if k == len(parts) - 1 else part
        if text:
            pdf.text(x, y, text)
        x += composer.width(part)


# --------------------------------------------------------------------------- defects


def scanned_pdf(pages: int = 2) -> bytes:
    """Pages that are only a picture of printed text: no text layer at all."""
    layout = DEFAULT_LAYOUT
    dpi = 120
    px = dpi / 25.4
    size = (round(layout.page_width * px), round(layout.page_height * px))
    font = ImageFont.truetype(str(font_path()), round(layout.font_size * _PT * px))
    composer = _Composer(layout)
    lines = [
        line
        for paragraph in (p for name in corpus_names() for p in load_text(name))
        for line in composer.break_paragraph(paragraph, 0)
    ]
    per_page = layout.lines_per_page
    pdf = _new_pdf(layout, "Document numérisé")
    for number in range(pages):
        image = Image.new("L", size, 255)
        draw = ImageDraw.Draw(image)
        for i, line in enumerate(lines[number * per_page : (number + 1) * per_page]):
            x = (layout.margin_inner + line.indent) * px
            y = (layout.margin_top + i * layout.line_pitch) * px
            draw.text((x, y), " ".join(line.words).replace(SOFT_HYPHEN, ""), font=font, fill=0)
        draw.text((size[0] / 2, size[1] - 12 * px), str(number + 1), font=font, fill=0)
        pdf.add_page()
        pdf.image(image, x=0, y=0, w=layout.page_width, h=layout.page_height)
    return bytes(pdf.output())


def _encrypt(pdf: bytes, user_password: str, owner_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf(user_password: str = "secret") -> bytes:
    """A sample book that cannot be opened without ``user_password`` (AES-256)."""
    book = render_pdf(sample_book(corpus_names()[0]))
    return _encrypt(book.pdf, user_password, "owner-" + user_password)


def owner_only_encrypted_pdf() -> bytes:
    """Encrypted with an empty user password: any reader must open it (AES-256)."""
    book = render_pdf(sample_book(corpus_names()[0]))
    return _encrypt(book.pdf, "", "owner-secret")


def truncated_pdf() -> bytes:
    """A valid multi-page book cut at about 60 % of its bytes."""
    pdf = render_pdf(novel(6)).pdf
    return pdf[: int(len(pdf) * 0.6)]


def not_a_pdf() -> bytes:
    """A small PNG picture (what a user might upload by mistake)."""
    image = Image.new("RGB", (64, 48), (200, 180, 140))
    ImageDraw.Draw(image).rectangle((8, 8, 56, 40), outline=(60, 40, 20), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def many_pages_pdf(pages: int) -> bytes:
    """``pages`` cheap pages with one line of text each (for page-limit tests)."""
    pdf = FPDF(unit="mm", format=(DEFAULT_LAYOUT.page_width, DEFAULT_LAYOUT.page_height))
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_font("Helvetica", size=10)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.text(20, 30, f"Page {number} sur {pages}. Il faisait beau ce jour-là.")
    return bytes(pdf.output())
