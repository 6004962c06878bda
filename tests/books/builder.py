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


# --------------------------------------------------------------------------- model


@dataclass
class Chapter:
    title: str
    paragraphs: list[str]


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
    page_number_position: Literal["bottom", "top"] = "bottom"
    page_number_dashes: bool = False  # "— 12 —" instead of "12"
    hyphenate: bool = True
    soft_hyphen_rate: float = 0.0  # share of line-end word breaks encoded as U+00AD
    ligatures: bool = False  # "fi"/"fl" -> U+FB01/U+FB02 in some words
    footnotes: bool = False  # one footnote per chapter
    justify: bool = True
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0.0 <= self.soft_hyphen_rate <= 1.0:
            raise ValueError("soft_hyphen_rate must be between 0 and 1")
        if self.page_number_position not in ("bottom", "top"):
            raise ValueError("page_number_position must be 'bottom' or 'top'")
        if self.text_width < 30 or self.lines_per_page < 8:
            raise ValueError("page too small for the margins and font size")

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


@dataclass
class _Page:
    chapter: int
    lines: list[_Line] = field(default_factory=list)
    first_of_chapter: bool = False
    capacity: int = 0
    note: list[str] = field(default_factory=list)


_OPENERS = ("«", "—", "–")  # kept with the next word ("« Je", "— Ah")


def _glues_left(token: str) -> bool:
    """Closing punctuation kept with the previous word: ; : ! ? » —,"""
    return not any(c.isalnum() for c in token) and token not in _OPENERS


def _glues_right(token: str) -> bool:
    return token in _OPENERS


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
        self, paragraph: str, index: int, marker_at: int | None = None
    ) -> list[_Line]:
        """Greedy line breaking with hyphenation, like a simple typesetter."""
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
        line = _Line([], [], [], self.layout.paragraph_indent, index)
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
            return [first.display(start, len(first.text))] + [
                tokens[i].display(0, len(tokens[i].text)) for i in box[1:]
            ]

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
            line = _Line([], [], [], 0.0, index)
            used = 0.0
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

    def note_reserve(self, lines: int) -> int:
        """Body lines given up for a footnote of ``lines`` lines (with its rule)."""
        height = 3.5 + lines * self.note_size * 1.25 * _PT
        return math.ceil(height / self.layout.line_pitch)

    def paginate(self, book: Book) -> list[_Page]:
        layout = self.layout
        pages: list[_Page] = []
        paragraph_index = 0
        for c, chapter in enumerate(book.chapters):
            page = _Page(c, first_of_chapter=True)
            page.capacity = layout.lines_per_page - layout.title_lines
            pages.append(page)
            note_paragraph = len(chapter.paragraphs) // 2 if layout.footnotes else -1
            for p, paragraph in enumerate(chapter.paragraphs):
                marker_at = self.footnote_token(paragraph) if p == note_paragraph else None
                for line in self.break_paragraph(paragraph, paragraph_index, marker_at):
                    if len(page.lines) >= page.capacity:
                        page = _Page(c, capacity=layout.lines_per_page)
                        pages.append(page)
                    if line.marker and not page.note:
                        note = NOTE_PREFIX + _NOTES[(c + layout.seed) % len(_NOTES)]
                        note_lines = self.note_lines(f"{FOOTNOTE_MARK} {note}")
                        reserve = self.note_reserve(len(note_lines))
                        if len(page.lines) + 1 > page.capacity - reserve:
                            page = _Page(c, capacity=layout.lines_per_page)
                            pages.append(page)
                        page.capacity -= reserve
                        page.note = note_lines
                    page.lines.append(line)
                paragraph_index += 1
        return pages


# --------------------------------------------------------------------------- rendering


def render_pdf(book: Book, layout: Layout = DEFAULT_LAYOUT) -> RenderedBook:
    """Typeset ``book`` and return the PDF with where each paragraph landed."""
    pdf = _new_pdf(layout, book.title, book.author)
    composer = _Composer(layout, pdf)
    pages = composer.paginate(book)
    pitch = layout.line_pitch
    ascent = 0.78 * layout.font_size * _PT
    small = round(layout.font_size * 0.8, 2)
    paragraph_pages: dict[int, list[int]] = {}
    chapter_pages: list[int] = []
    footnote_pages: list[int] = []

    for number, page in enumerate(pages):
        folio = number + 1
        recto = folio % 2 == 1
        x0 = layout.margin_inner if recto else layout.margin_outer
        pdf.add_page()
        if page.first_of_chapter:
            chapter_pages.append(number)

        # Running header and top page number, in the top margin.
        header_y = layout.margin_top - 8.0
        if not page.first_of_chapter:
            pdf.set_font_size(small)
            if layout.running_headers:
                title = book.chapters[page.chapter].title if recto else book.title
                w = composer.width(title, small)
                pdf.text(x0 + (layout.text_width - w) / 2, header_y, title)
            if layout.page_numbers and layout.page_number_position == "top":
                label = _folio_label(folio, layout)
                w = composer.width(label, small)
                x = x0 + layout.text_width - w if recto else x0
                pdf.text(x, header_y, label)

        top = layout.margin_top
        if page.first_of_chapter:
            size = round(layout.font_size * 1.3, 2)
            pdf.set_font_size(size)
            title = book.chapters[page.chapter].title
            w = composer.width(title, size)
            pdf.text(x0 + (layout.text_width - w) / 2, top + 0.1 * layout.page_height, title)
            top += layout.title_lines * pitch

        pdf.set_font_size(layout.font_size)
        for i, line in enumerate(page.lines):
            _draw_line(pdf, composer, line, x0, top + i * pitch + ascent)
            paragraph_pages.setdefault(line.paragraph, []).append(number)

        if page.note:
            footnote_pages.append(number)
            size = composer.note_size
            note_pitch = size * 1.25 * _PT
            bottom = layout.page_height - layout.margin_bottom
            first = bottom - (len(page.note) - 1) * note_pitch - 0.25 * note_pitch
            rule_y = first - size * _PT - 1.5
            pdf.set_line_width(0.2)
            pdf.line(x0, rule_y, x0 + 30.0, rule_y)
            pdf.set_font_size(size)
            for k, text in enumerate(page.note):
                pdf.text(x0, first + k * note_pitch, text)

        if layout.page_numbers and (
            layout.page_number_position == "bottom" or page.first_of_chapter
        ):
            # Chapter openings carry no header: their number drops to the foot.
            pdf.set_font_size(small)
            label = _folio_label(folio, layout)
            w = composer.width(label, small)
            y = layout.page_height - layout.margin_bottom + 9.0
            pdf.text(x0 + (layout.text_width - w) / 2, y, label)

    ordered = [paragraph_pages[i] for i in sorted(paragraph_pages)]
    return RenderedBook(
        pdf=bytes(pdf.output()),
        page_count=len(pages),
        paragraph_pages=[(min(p), max(p)) for p in ordered],
        chapter_titles=[c.title for c in book.chapters],
        chapter_pages=chapter_pages,
        footnote_pages=footnote_pages,
        hyphenated_lines=sum(line.broken for page in pages for line in page.lines),
    )


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
        _draw_word(pdf, composer, word, x, y)
        x += line.widths[k]


def _draw_word(pdf: FPDF, composer: _Composer, word: str, x: float, y: float) -> None:
    """Draw a word; an inner U+00AD is drawn invisibly and takes no room."""
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
