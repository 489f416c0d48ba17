"""Ruled tables in an OCR'd scan: found in the page images, their cells read from the OCR text layer.

Tesseract's sidecar reads a table row by row as lines of text ("Adult Diabetes Chronic ... 2019 02/2025"), so
the cells, and which row a value belongs to, are lost. A ruled table's lines are in the image, though: long dark
runs across and down the rendered page. Where horizontal lines of the same extent are joined by vertical lines,
the lines' positions are the rows' and columns' boundaries, and each cell's text is the OCR layer's words inside
it. Only ruled grids are found (a table drawn without lines reads as before).

The layer's words sometimes overlap where tesseract read a line twice ("Ameri" over "merican"); overlapping
words in a cell are merged into one ("American") rather than both kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

SCALE = 2.0  # 144 dpi: a scan's hairline rules are still 2-3 pixels thick
DARK = 128  # grey level below which a pixel is ink
MIN_ACROSS = 0.08  # a horizontal rule is at least this share of the page width
MIN_DOWN = 0.01  # a vertical rule at least this share of the page height (one table row)
SLACK = 4  # pixels: rules that end or meet within this distance line up
MAX_PIXELS = 40e6  # a page larger than this rendered (a letter page is 1.9 million) is not searched for tables


@dataclass
class Word:
    text: str
    left: float
    bottom: float
    right: float
    top: float


@dataclass
class Table:
    page: int  # 0-based
    rows: list[list[str]]
    words: set[str]  # every word of the layer inside the table, as read (the sidecar's lines of it hold these)


def find_tables(layered: Path) -> list[Table]:
    """The ruled tables of every page, in page order and top to bottom; empty when the PDF cannot be read."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(layered))
    except pdfium.PdfiumError:
        return []
    tables: list[Table] = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                grids = _grids(page)
                if grids:
                    height = page.get_size()[1]
                    words = _words(page)
                    tables.extend(Table(index, _cells(grid, words, height), _inside(grid, words, height))
                                  for grid in grids)
            finally:
                page.close()
    finally:
        pdf.close()
    return [t for t in tables if sum(1 for row in t.rows for cell in row if cell) >= 2]


def _rules(mask: np.ndarray, min_len: int) -> list[tuple[float, int, int]]:
    """Dark runs of at least `min_len` pixels along the rows of `mask`, runs on adjacent rows that overlap merged
    into one rule: (row position, start, end)."""
    padded = np.pad(mask.astype(np.int8), ((0, 0), (1, 1)))
    steps = np.diff(padded, axis=1)
    rows, starts = np.nonzero(steps == 1)
    _, ends = np.nonzero(steps == -1)  # row-major order: the nth end closes the nth start
    keep = ends - starts >= min_len
    rules: list[list[int]] = []  # first row, last row, start, end
    active: list[list[int]] = []  # the rules that reach the row before: only these can go on (runs come row by row)
    for row, start, end in zip(rows[keep].tolist(), starts[keep].tolist(), ends[keep].tolist(), strict=True):
        active = [rule for rule in active if row - rule[1] <= 1]
        for rule in active:
            if start < rule[3] and end > rule[2]:
                rule[1], rule[2], rule[3] = row, min(rule[2], start), max(rule[3], end)
                break
        else:
            rules.append([row, row, start, end])
            active.append(rules[-1])
    return [((first + last) / 2, start, end) for first, last, start, end in rules]


def _grids(page) -> list[tuple[list[float], list[float]]]:  # noqa: ANN001 (a pypdfium2 PdfPage)
    """The page's ruled grids in pixels of the SCALE rendering: (row boundaries top down, column boundaries)."""
    width, height = page.get_size()
    if width * height * SCALE * SCALE > MAX_PIXELS:
        return []
    image = page.render(scale=SCALE, grayscale=True).to_numpy()
    ink = (image if image.ndim == 2 else image[..., 0]) < DARK
    high, wide = ink.shape
    across = sorted(_rules(ink, int(MIN_ACROSS * wide)))
    down = _rules(ink.T, int(MIN_DOWN * high))

    def joined(upper: float, lower: float, x: float) -> bool:
        return any(abs(vx - x) <= SLACK and top <= upper + SLACK and bottom >= lower - SLACK
                   for vx, top, bottom in down)

    # Consecutive rules of the same extent, joined by a vertical rule at their left end, are one table's rows.
    stacks: list[list[tuple[float, int, int]]] = []
    for rule in across:
        last = stacks[-1][-1] if stacks else None
        if (last is not None and abs(last[1] - rule[1]) <= SLACK and abs(last[2] - rule[2]) <= SLACK
                and joined(last[0], rule[0], rule[1])):
            stacks[-1].append(rule)
        else:
            stacks.append([rule])
    grids = []
    for stack in stacks:
        if len(stack) < 2:
            continue
        top, bottom, left, right = stack[0][0], stack[-1][0], stack[0][1], stack[0][2]
        # Columns: vertical rules down the whole table (a cell spanning columns would break one: not handled).
        cols = sorted({round(x) for x, upper, lower in down
                       if upper <= top + SLACK and lower >= bottom - SLACK and left - SLACK <= x <= right + SLACK})
        cols = [x for n, x in enumerate(cols) if n == 0 or x - cols[n - 1] > SLACK]
        if len(cols) >= 2 and abs(cols[0] - left) <= SLACK and abs(cols[-1] - right) <= SLACK:
            grids.append(([rule[0] for rule in stack], [float(x) for x in cols]))
    return grids


def _words(page) -> list[Word]:  # noqa: ANN001 (a pypdfium2 PdfPage)
    """The text layer's words with their boxes in PDF points."""
    textpage = page.get_textpage()
    try:
        words: list[Word] = []
        current: Word | None = None
        for index in range(textpage.count_chars()):
            char = textpage.get_text_range(index, 1)
            if not char.strip():
                current = None
                continue
            left, bottom, right, top = textpage.get_charbox(index)
            if current is None:
                current = Word(char, left, bottom, right, top)
                words.append(current)
            else:
                current.text += char
                current.left, current.bottom = min(current.left, left), min(current.bottom, bottom)
                current.right, current.top = max(current.right, right), max(current.top, top)
        return words
    finally:
        textpage.close()


def _cells(grid: tuple[list[float], list[float]], words: list[Word], height: float) -> list[list[str]]:
    """Each cell's words (by their centres), read line by line, in PDF points from the grid's pixels."""
    rows, cols = grid
    table: list[list[str]] = []
    for upper, lower in zip(rows, rows[1:], strict=False):
        top, bottom = height - upper / SCALE, height - lower / SCALE
        row = []
        for left_px, right_px in zip(cols, cols[1:], strict=False):
            left, right = left_px / SCALE, right_px / SCALE
            inside = [w for w in words if left <= (w.left + w.right) / 2 <= right
                      and bottom <= (w.bottom + w.top) / 2 <= top and w.text.strip("|")]
            row.append(_cell_text(_merged(inside)))
        table.append(row)
    return table


def _inside(grid: tuple[list[float], list[float]], words: list[Word], height: float) -> set[str]:
    rows, cols = grid
    left, right, top, bottom = cols[0] / SCALE, cols[-1] / SCALE, height - rows[0] / SCALE, height - rows[-1] / SCALE
    return {w.text for w in words
            if left <= (w.left + w.right) / 2 <= right and bottom <= (w.bottom + w.top) / 2 <= top}


def _merged(words: list[Word]) -> list[Word]:
    """The words with each pair that overlaps made one word: boxes that meet in height and share more than half
    the narrower one's width (the two readings of a line are a few points apart, so area is not a measure)."""
    out: list[Word] = []
    for word in sorted(words, key=lambda w: w.left):
        for kept in out:
            wide = min(word.right, kept.right) - max(word.left, kept.left)
            high = min(word.top, kept.top) - max(word.bottom, kept.bottom)
            if high > 0 and wide > min(word.right - word.left, kept.right - kept.left) / 2:
                kept.text = _overlapped(kept.text, word.text)
                kept.left, kept.bottom = min(kept.left, word.left), min(kept.bottom, word.bottom)
                kept.right, kept.top = max(kept.right, word.right), max(kept.top, word.top)
                break
        else:
            out.append(Word(word.text, word.left, word.bottom, word.right, word.top))
    return out


def _overlapped(left: str, right: str) -> str:
    """One word from two readings of it, `left` starting further left: "Ameri" + "merican" -> "American"."""
    if right in left:
        return left
    if left in right:
        return right
    for size in range(min(len(left), len(right)) - 1, 2, -1):
        if left.endswith(right[:size]):
            return left + right[size:]
    return max(left, right, key=len)


def _cell_text(words: list[Word]) -> str:
    """The words in reading order: lines top down (a word whose centre is below the line's box starts a new
    line), words left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: -w.top):
        middle = (word.bottom + word.top) / 2
        line = next((ln for ln in lines if ln[0].bottom <= middle <= ln[0].top), None)
        if line is None:
            lines.append([word])
        else:
            line.append(word)
    return " ".join(w.text for line in lines for w in sorted(line, key=lambda w: w.left))
