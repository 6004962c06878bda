"""The pages of a test book that are not its text: front matter, contents, colophon.

Front matter is a half-title, a "du même auteur" list and a title page, each centred
as publishers set them. A table of contents lists each chapter with its page number,
after dotted leaders or before the title. The colophon is the printer's small print.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from fpdf import FPDF

FRONT_PAGES = 3
_PT = 25.4 / 72
_MARGIN = 18.0
_CONTENTS_PITCH = 1.7  # times the font size
_OTHER_WORKS = (
    "Les Heures claires, roman.",
    "La Maison du passeur, nouvelles.",
    "Lettres de l'atelier.",
    "Le Cahier bleu, souvenirs.",
)


@dataclass
class Sheet:
    """Where matter pages are drawn, and how wide a text is (text, size in points)."""

    pdf: FPDF
    width: Callable[[str, float], float]
    page_width: float
    page_height: float

    def centred(self, text: str, y: float, size: float) -> None:
        self.pdf.set_font_size(size)
        self.pdf.text((self.page_width - self.width(text, size)) / 2, y, text)


def front_matter(sheet: Sheet, title: str, author: str, size: float) -> None:
    sheet.pdf.add_page()
    sheet.centred(title.upper(), sheet.page_height * 0.3, size * 1.2)
    sheet.pdf.add_page()
    sheet.centred("DU MÊME AUTEUR", sheet.page_height * 0.2, size * 0.9)
    for k, work in enumerate(_OTHER_WORKS):
        sheet.centred(work, sheet.page_height * 0.2 + 12 + 7 * k, size * 0.9)
    sheet.pdf.add_page()
    sheet.centred(author.upper(), sheet.page_height * 0.2, size * 1.1)
    sheet.centred(title, sheet.page_height * 0.33, size * 1.9)
    sheet.centred("roman", sheet.page_height * 0.42, size)
    sheet.centred("Éditions de l'Essai", sheet.page_height * 0.85, size * 0.9)
    sheet.centred("Paris", sheet.page_height * 0.85 + 6, size * 0.9)


def _entries_per_page(size: float, page_height: float) -> int:
    usable = page_height - 2 * _MARGIN - 20.0
    return max(1, int(usable / (size * _CONTENTS_PITCH * _PT)))


def contents_pages(entries: int, size: float, page_height: float) -> int:
    return math.ceil(entries / _entries_per_page(size, page_height))


def contents(sheet: Sheet, entries: list[tuple[str, int]], numbers: str, size: float) -> int:
    """Draw the table of contents; returns how many pages it took."""
    per_page = _entries_per_page(size, sheet.page_height)
    pitch = size * _CONTENTS_PITCH * _PT
    left, right = _MARGIN, sheet.page_width - _MARGIN
    pages = 0
    for start in range(0, len(entries), per_page):
        sheet.pdf.add_page()
        pages += 1
        y = _MARGIN + 10.0
        if start == 0:
            sheet.centred("TABLE DES MATIÈRES", _MARGIN + 4.0, size * 1.2)
            y += 8.0
        sheet.pdf.set_font_size(size)
        for k, (heading, page) in enumerate(entries[start : start + per_page]):
            line_y = y + k * pitch
            number = str(page)
            if numbers == "start":
                sheet.pdf.text(left, line_y, number)
                sheet.pdf.text(left + 12.0, line_y, heading)
                continue
            sheet.pdf.text(left, line_y, heading)
            number_x = right - sheet.width(number, size)
            sheet.pdf.text(number_x, line_y, number)
            dots_from = left + sheet.width(heading, size) + 2.0
            dot = sheet.width(". ", size)
            leaders = ". " * max(3, int((number_x - 2.0 - dots_from) / dot))
            sheet.pdf.text(dots_from, line_y, leaders.strip())
    return pages


def colophon(sheet: Sheet, title: str, size: float) -> None:
    sheet.pdf.add_page()
    small = size * 0.75
    lines = (
        f"{title}",
        "Achevé d'imprimer en janvier 2000",
        "sur les presses de l'imprimerie de l'Essai.",
        "Dépôt légal : janvier 2000.",
        "ISBN 978-2-00-000000-0",
    )
    for k, text in enumerate(lines):
        sheet.centred(text, sheet.page_height * 0.75 + 5 * k, small)
