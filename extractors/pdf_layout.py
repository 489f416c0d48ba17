"""Page geometry for the PDF reader: words -> lines -> reading order, with tables set aside.

Both engines feed the same code from here on. A word is a dict with "text", "x0", "x1", "top", "bottom" (points,
top-down), "size" (font size) and "fontname" (bold is read from the name): pdfplumber's `extract_words` gives these
(`page_items`), and so does the pypdfium2 reader in pdf_fast.py for pages without tables. `order_lines` turns one page's
words into `Line` records (text, x0, x1, top, bottom, size, bold, column) in reading order, and `reading_order` sets
tables among them. Nothing here holds a page object (pages are closed as soon as their items are taken out), so it can
be tested without a PDF.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from statistics import median
from typing import Any

_BOLD_RE = re.compile(r"bold|black|heavy|demi|semibd|,b$|-bd$|\.b$", re.IGNORECASE)

Word = dict[str, Any]


@dataclass
class Line:
    page: int
    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    size: float  # dominant font size, rounded to 0.5 pt
    bold: bool
    col: int  # column index within its band; -1 for a line spanning all columns
    col_left: float = 0.0  # extent of the column the line sits in, for "short line" tests
    col_right: float = 0.0
    page_height: float = 0.0


@dataclass
class TableItem:
    page: int
    top: float
    rows: list[list[str | None]]


Item = Line | TableItem


@functools.lru_cache(maxsize=1024)  # asked once per word, and a document has a handful of fonts
def is_bold(fontname: str) -> bool:
    # Embedded subsets look like "ABCDEF+Arial-BoldMT"; the part after "+" names the face.
    return bool(_BOLD_RE.search(fontname.split("+")[-1]))


def _inside(word: Word, bbox: tuple[float, float, float, float]) -> bool:
    cx = (word["x0"] + word["x1"]) / 2
    cy = (word["top"] + word["bottom"]) / 2
    x0, top, x1, bottom = bbox
    return x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1


def cluster_lines(words: list[Word]) -> list[list[Word]]:
    """Group words sharing a baseline band; the tallest word seen anchors the band (superscripts join)."""
    lines: list[tuple[list[float], list[Word]]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        height = max(word["bottom"] - word["top"], 0.1)
        for band, members in reversed(lines[-4:]):
            overlap = min(band[1], word["bottom"]) - max(band[0], word["top"])
            if overlap >= 0.5 * min(height, band[1] - band[0]):
                members.append(word)
                if height > band[1] - band[0]:
                    band[0], band[1] = word["top"], word["bottom"]
                break
        else:
            lines.append(([word["top"], word["bottom"]], [word]))
    return [sorted(members, key=lambda w: w["x0"]) for _, members in lines]


def _separates_columns(lines: list[list[Word]], col_start: float, g0: float, g1: float) -> bool:
    def in_col(w: Word) -> bool:
        return w["x0"] >= col_start - 1 and w["x1"] <= g0

    on_left = [any(in_col(w) for w in ln) for ln in lines]
    on_right = [any(w["x0"] >= g1 for w in ln) for ln in lines]
    both = sum(left and right for left, right in zip(on_left, on_right, strict=True))
    # Columns may fill only part of the page (a title block above), so compare with the lines that
    # reach the strip's sides, not with all lines.
    if both < 4 or both < 0.3 * min(sum(on_left), sum(on_right)):
        return False
    ends = [max(w["x1"] for w in ln if in_col(w)) for ln, hit in zip(lines, on_left, strict=True) if hit]
    return median(ends) >= g0 - 0.3 * (g0 - col_start)


def _find_gutters(lines: list[list[Word]]) -> list[tuple[float, float]]:
    """Vertical white strips that separate text columns on this page.

    A strip counts only if few lines cross it, many lines have text on both sides, and the text on
    its left fills its column: that last test keeps "Label:    value" forms and ragged lists from
    being read column by column.
    """
    if len(lines) < 6:
        return []
    left = min(w["x0"] for line in lines for w in line)
    right = max(w["x1"] for line in lines for w in line)
    width = int(right - left) + 2
    if width < 100:
        return []
    # How many words cover each point across the page: counted as +1 where a word starts and -1 past its end, then
    # summed left to right (adding 1 at every point of every word was most of the cost of ordering a page's lines).
    steps = [0] * (width + 1)
    for line in lines:
        for w in line:
            start, end = int(w["x0"] - left), min(int(w["x1"] - left) + 1, width)
            if start < end:
                steps[start] += 1
                steps[end] -= 1
    cover = list(itertools.accumulate(steps[:width]))
    max_cross = max(1, len(lines) // 5)  # titles and footnotes may span the columns
    runs: list[tuple[int, int]] = []
    start = None
    for x, count in enumerate(cover + [max_cross + 1]):
        if count <= max_cross and start is None:
            start = x
        elif count > max_cross and start is not None:
            runs.append((start, x))
            start = None
    gutters: list[tuple[float, float]] = []
    col_start = left
    for a, b in runs:
        g0, g1 = left + a, left + b
        if g1 - g0 < 5 or g0 - col_start < 0.15 * (right - left) or right - g1 < 0.15 * (right - left):
            continue
        if not _separates_columns(lines, col_start, g0, g1):
            continue
        # The emptiest stretch of the strip is its core: a line spans the columns only if a word
        # lies over it (ragged line ends and hanging bullets reach into the strip's edges).
        low = min(cover[a:b])
        core = [x for x in range(a, b) if cover[x] <= low + 1]
        gutters.append((left + core[0], left + core[-1] + 1))
        col_start = g1
    return gutters


def _make_line(words: list[Word], page: int, col: int, page_height: float) -> Line:
    sizes: Counter[float] = Counter()
    bold_chars = total_chars = 0
    for w in words:
        n = len(w["text"])
        sizes[round(float(w.get("size", 0.0)) * 2) / 2] += n
        letters = sum(map(str.isalnum, w["text"]))
        total_chars += letters
        if is_bold(str(w.get("fontname", ""))):
            bold_chars += letters
    return Line(
        page=page,
        text=" ".join(w["text"] for w in words),
        top=min(w["top"] for w in words),
        bottom=max(w["bottom"] for w in words),
        x0=words[0]["x0"],
        x1=max(w["x1"] for w in words),
        size=sizes.most_common(1)[0][0],
        bold=total_chars > 0 and bold_chars >= 0.9 * total_chars,
        col=col,
        page_height=page_height,
    )


def order_lines(words: list[Word], page: int, page_height: float) -> list[Line]:
    """Lines in reading order: full-width lines in place, multi-column bands column by column.

    The intermediate record both PDF engines produce; everything after it (paragraphs, headings, lists) is shared.
    """
    lines = cluster_lines(words)
    gutters = _find_gutters(lines)
    if not gutters:
        out = [_make_line(ln, page, 0, page_height) for ln in lines]
    else:
        mids = [(g0 + g1) / 2 for g0, g1 in gutters]
        out = []
        band: list[list[Word]] = []

        def flush() -> None:
            for col in range(len(mids) + 1):
                for ln in band:
                    part = [w for w in ln if _column_of((w["x0"] + w["x1"]) / 2, mids) == col]
                    if part:
                        out.append(_make_line(part, page, col, page_height))
            band.clear()

        for ln in lines:
            if any(w["x0"] < c1 and w["x1"] > c0 for w in ln for c0, c1 in gutters):
                flush()
                out.append(_make_line(ln, page, -1, page_height))
            else:
                band.append(ln)
        flush()
    _set_column_extents(out)
    return out


def _column_of(x: float, mids: list[float]) -> int:
    return sum(1 for m in mids if x > m)


def _set_column_extents(lines: list[Line]) -> None:
    extents: dict[int, tuple[float, float]] = {}
    for ln in lines:
        lo, hi = extents.get(ln.col, (ln.x0, ln.x1))
        extents[ln.col] = (min(lo, ln.x0), max(hi, ln.x1))
    for ln in lines:
        ln.col_left, ln.col_right = extents[ln.col]


def page_items(page: Any, page_no: int) -> list[Item]:
    """Everything readable on one pdfplumber page, in reading order: its tables and the words outside them."""
    # A tolerance relative to font size keeps tightly set small capitals ("FOR FURTHER INFORMATION")
    # apart; splitting on font changes keeps footnote markers off the words they follow.
    words = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False, x_tolerance_ratio=0.2)
    return tables_and_words(page.find_tables(), words, page_no, float(page.height))


def tables_and_words(found: Any, words: list[Word], page_no: int, page_height: float) -> list[Item]:
    """A page's items from its tables (pdfplumber `Table`s: `extract()` and `bbox`) and its words: the tables kept,
    the words outside them as lines, in reading order. Both readers end here (pdf_fast builds the tables from
    pdfium's characters and ruling lines)."""
    tables: list[TableItem] = []
    bboxes: list[tuple[float, float, float, float]] = []
    for table in found:
        rows = table.extract()
        # A 1-row or 1-column "table" is a box drawn round text; keep that text as running text.
        if len(rows) < 2 or max(len(r) for r in rows) < 2:
            continue
        if not any(cell and cell.strip() for row in rows for cell in row):
            continue
        tables.append(TableItem(page=page_no, top=float(table.bbox[1]), rows=rows))
        bboxes.append(tuple(float(v) for v in table.bbox))  # type: ignore[arg-type]
    words = [
        w for w in words if w.get("upright", True) and w["text"].strip() and not any(_inside(w, b) for b in bboxes)
    ]
    return reading_order(order_lines(words, page_no, page_height), tables)


def reading_order(lines: list[Line], tables: list[TableItem]) -> list[Item]:
    """A page's lines with its tables set in place."""
    items: list[Item] = []
    pending = sorted(tables, key=lambda t: t.top)
    for line in lines:
        # Tables go before the first full-width or first-column line below their top edge.
        while pending and line.col <= 0 and line.top > pending[0].top:
            items.append(pending.pop(0))
        items.append(line)
    items.extend(pending)
    return items
