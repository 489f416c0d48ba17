"""PDF reader: pypdfium2 for text and tables, pdfplumber only where pdfium's reading cannot stand in for it.

Every page is read with pypdfium2 (pdf_fast.py: ~10x faster than pdfplumber), ruled tables too: pdfplumber's table
finder runs on the ruling lines pdfium gives and its cell extraction on pdfium's characters, so a table page is
parsed once (it used to be read again by pdfplumber, at ~80 ms a page, in a helper process where a core was free).
Rotated pages, glyphs without a Unicode mapping, pages of too many drawn paths and tables with characters pdfium
cannot place are read again with pdfplumber (`page_items`). Both give the same word and table records, so lines,
paragraphs, headings, lists and running heads come out of the same code below. A file pdfium cannot open goes to
pdfplumber whole, which reports what is wrong with it. `bench/same_output.py` compares the two readings.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import re
import signal
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from auditor.document import Block, Document

from .common import GLYPH_BULLETS, LIST_ITEM_RE, ReadError, check_size, finish_document, section_number_depth
from .pdf_fast import FastPage, read_page
from .pdf_layout import Item, Line, TableItem, order_lines
from .pdf_streams import check_streams

_SENTENCE_END = (".", ";", ",")
_HEADING_MAX_WORDS = 12
_LARGE_HEADING_MAX_WORDS = 20  # titles in a large font often wrap to two or three lines
_LETTER_RE = re.compile(r"^[A-Z][.)]\s+\S")


# ---------------------------------------------------------------- opening and the text-layer check


def _check_text_layer(n_pages: int, total_chars: int, image_pages: int) -> None:
    """Refuse scans before any layout work (pdfplumber took 10 s to find 0 chars on 11 drawn pages)."""
    if n_pages and total_chars == 0:
        raise ReadError(
            f"PDF has no text layer ({n_pages} page(s) of images or drawn outlines, no characters); "
            "it needs OCR before it can be checked"
        )
    if n_pages and image_pages * 2 > n_pages:
        raise ReadError(
            f"PDF is mostly scanned images: {image_pages} of {n_pages} page(s) carry almost no text "
            f"({total_chars} characters in all); it needs OCR before it can be checked"
        )


def _looks_scanned(page: pdfium.PdfPage, chars: int) -> bool:
    """A page image or a mass of drawn outlines (text converted to curves) stands in for text."""
    width, height = page.get_size()
    area = max(width * height, 1.0)
    image_area = 0.0
    images = paths = 0
    for obj in page.get_objects(max_depth=3):
        if obj.type == pdfium_raw.FPDF_PAGEOBJ_IMAGE:
            images += 1
            x0, y0, x1, y1 = obj.get_bounds()
            image_area += max(0.0, min(x1, width) - max(x0, 0.0)) * max(0.0, min(y1, height) - max(y0, 0.0))
        elif obj.type == pdfium_raw.FPDF_PAGEOBJ_PATH:
            paths += 1
            if paths >= 500:
                return True
    return image_area >= 0.3 * area or (chars == 0 and images > 0)


def _encrypted() -> ReadError:
    return ReadError("encrypted PDF: it needs a password to open; ask for an unprotected copy")


def _open_error(exc: Exception) -> ReadError:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(inner, PDFPasswordIncorrect):
        return _encrypted()
    if isinstance(inner, PDFEncryptionError):
        return ReadError(f"encrypted PDF: its encryption is not supported ({inner})")
    detail = str(inner) or type(inner).__name__
    return ReadError(f"damaged or truncated PDF, cannot be read ({detail})")


# ---------------------------------------------------------------- document-wide statistics


def _drop_running_heads(items: list[Item], n_pages: int) -> list[Item]:
    """Remove page headers and footers ("Page 3 of 43", the plan's name atop every page).

    They would otherwise break paragraphs at page ends and, when bold, open bogus sections.
    """
    if n_pages < 3:
        return items

    def key(line: Line) -> str | None:
        margin = 0.1 * line.page_height
        if line.top > margin and line.bottom < line.page_height - margin:
            return None
        return re.sub(r"\d+", "#", line.text.lower())

    pages_with: defaultdict[str, set[int]] = defaultdict(set)
    for item in items:
        if isinstance(item, Line) and (k := key(item)) is not None:
            pages_with[k].add(item.page)
    repeated = {k for k, pages in pages_with.items() if len(pages) >= max(3, n_pages // 2)}
    return [i for i in items if not (isinstance(i, Line) and key(i) in repeated)]


@dataclass
class _Stats:
    body_size: float
    body_bold: bool
    gap_ratio: float  # usual white space between lines of one paragraph, as a fraction of font size


def _stats(lines: list[Line]) -> _Stats:
    sizes: Counter[float] = Counter()
    bold_at: Counter[bool] = Counter()
    for ln in lines:
        sizes[ln.size] += len(ln.text)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    gaps: Counter[float] = Counter()
    prev: Line | None = None
    for ln in lines:
        if ln.size == body:
            bold_at[ln.bold] += len(ln.text)
            if prev is not None and prev.size == body and prev.page == ln.page and prev.col == ln.col:
                gap = ln.top - prev.bottom
                if -1 <= gap < 1.5 * body:
                    gaps[round(gap * 2) / 2] += 1
        prev = ln
    gap = gaps.most_common(1)[0][0] if gaps else 0.2 * body
    return _Stats(body_size=body, body_bold=bold_at[True] > bold_at[False], gap_ratio=max(gap, 0.0) / body)


# ---------------------------------------------------------------- lines -> groups -> blocks


@dataclass
class _Group:
    lines: list[Line] = field(default_factory=list)
    gap_before: float = 1e9  # white space above the first line (1e9: top of a page or column)

    @property
    def text(self) -> str:
        return " ".join(ln.text for ln in self.lines)


def _styled(line: Line, stats: _Stats) -> bool:
    """Set in a heading style: a larger font, or bold where the body is not."""
    return line.size > stats.body_size + 0.5 or (line.bold and not stats.body_bold)


def _short(line: Line, fraction: float) -> bool:
    width = line.col_right - line.col_left
    return width > 0 and line.x1 < line.col_right - fraction * width


def _starts_new_group(prev: Line, line: Line, group: _Group, stats: _Stats) -> bool:
    if prev.page != line.page or prev.col != line.col or line.top < prev.top - 1:
        return True
    if abs(prev.size - line.size) > 0.6 or prev.bold != line.bold:
        return True
    gap = line.top - prev.bottom
    if _styled(line, stats):
        # Heading lines join only when set solid: two headings in a row stay two headings. A heading line that
        # runs to the column's right edge wrapped, and the next line at normal leading goes on with it.
        if gap > (0.4 if _short(prev, 0.15) else 0.7) * line.size:
            return True
    elif gap > line.size * (stats.gap_ratio + 0.3) + 1.0:
        return True
    text = line.text
    if LIST_ITEM_RE.match(text):
        return True
    starts_sentence = text[:1].isupper() or text[:1].isdigit()
    if prev.text.endswith((".", "!", "?", ":")) and _short(prev, 0.15) and starts_sentence:
        return True  # a short last line ends the paragraph even without extra white space
    # "1.03-1 Structure" on a line of its own, body text straight after.
    return len(group.lines) == 1 and _short(prev, 0.15) and _numbered_title(prev.text)


def _numbered_title(text: str) -> bool:
    if len(text.split()) > _HEADING_MAX_WORDS or text.endswith(_SENTENCE_END):
        return False
    depth = section_number_depth(text)
    if depth is None and not _LETTER_RE.match(text):
        return False
    if depth is None or (depth == 1 and text[:1].isdigit()):
        # "1. Review minutes" and "a. Review minutes" are list items; "1. Purpose", "A. Benefits of a
        # Compliance Plan" or "1. SCOPE OF SERVICES" are headings.
        words = [w for w in text.split()[1:] if len(w) > 3]
        return bool(words) and all(w[:1].isupper() for w in words)
    return True


def _centred_title(line: Line) -> bool:
    """A short Title Case line centred in its column: a heading set in the body font."""
    width = line.col_right - line.col_left
    left, right = line.x0 - line.col_left, line.col_right - line.x1
    if width <= 0 or left < 0.15 * width or abs(left - right) > 0.1 * width:
        return False
    words = line.text.split()
    if len(words) > 8 or line.text.endswith(_SENTENCE_END):
        return False
    significant = [w for w in words if len(w) > 3]
    return bool(significant) and all(w[:1].isupper() for w in significant)


def _classify(group: _Group, prev_kind: str | None, stats: _Stats) -> str:
    text = group.text
    first = group.lines[0]
    if text[:1] in GLYPH_BULLETS:
        return "list_item"
    words = len(text.split())
    sentence_like = text.endswith(_SENTENCE_END) or not any(c.isalpha() for c in text)
    if _styled(first, stats) and not sentence_like:
        limit = _LARGE_HEADING_MAX_WORDS if first.size > stats.body_size + 0.5 else _HEADING_MAX_WORDS
        if words <= limit and len(group.lines) <= 3:
            return "heading"
    paragraph_gap = first.size * (stats.gap_ratio + 0.3) + 1.0
    set_apart = group.gap_before > paragraph_gap or prev_kind in (None, "heading")
    if len(group.lines) == 1 and set_apart and (_numbered_title(text) or _centred_title(first)):
        return "heading"
    if LIST_ITEM_RE.match(text):
        return "list_item"
    return "paragraph"


def _heading_levels(headings: list[tuple[Block, Line]], size_tolerance: float = 0.0) -> None:
    """Level by font: the largest heading style is 1; bold outranks regular at one size.

    Within one style, deeper numbering ("2.1" under "2.") goes one level down per step. `size_tolerance`: sizes
    within this share of the next larger one are one style (an OCR'd layer sizes each line to its letters, so one
    heading style comes out 8.5 and 9.0 points).
    """
    keys = sorted({(ln.size, ln.bold) for _, ln in headings}, reverse=True)
    rank: dict[tuple[float, bool], int] = {}
    level = 0
    for n, key in enumerate(keys):
        near = next((k for k in reversed(keys[:n]) if k[1] == key[1]), None)
        if near is not None and near[0] - key[0] <= size_tolerance * near[0] and rank[near] == level:
            rank[key] = level
        else:
            level += 1
            rank[key] = level
    depths: defaultdict[tuple[float, bool], list[int]] = defaultdict(list)
    for block, ln in headings:
        if (d := section_number_depth(block.text)) is not None:
            depths[(ln.size, ln.bold)].append(d)
    for block, ln in headings:
        key = (ln.size, ln.bold)
        level = rank[key]
        d = section_number_depth(block.text)
        if d is not None and depths[key]:
            level += d - min(depths[key])
        block.level = level


def _blocks(items: list[Item], stats: _Stats, size_tolerance: float = 0.0) -> list[Block]:
    blocks: list[Block] = []
    headings: list[tuple[Block, Line]] = []
    table_index = 0
    prev_kind: str | None = None

    def emit(group: _Group) -> None:
        nonlocal prev_kind
        kind = _classify(group, prev_kind, stats)
        block = Block(kind=kind, text=group.text, page=group.lines[0].page)  # type: ignore[arg-type]
        blocks.append(block)
        if kind == "heading":
            headings.append((block, group.lines[0]))
        prev_kind = kind

    group: _Group | None = None
    for item in items:
        if isinstance(item, TableItem):
            if group is not None:
                emit(group)
                group = None
            for r, row in enumerate(item.rows):
                blocks.extend(
                    Block(kind="table_cell", text=cell, page=item.page, table=table_index, row=r, col=c)
                    for c, cell in enumerate(row)
                    if cell and cell.strip()
                )
            table_index += 1
            prev_kind = "table_cell"
            continue
        prev = group.lines[-1] if group is not None else None
        if group is None or prev is None or _starts_new_group(prev, item, group, stats):
            if group is not None:
                emit(group)
            same_flow = prev is not None and prev.page == item.page and prev.col == item.col
            gap = item.top - prev.bottom if same_flow and prev is not None and item.top >= prev.top else 1e9
            group = _Group(lines=[item], gap_before=gap)
        else:
            group.lines.append(item)
    if group is not None:
        emit(group)
    _heading_levels(headings, size_tolerance)
    return blocks


# ---------------------------------------------------------------- entry point


def _check_decodable(lines: list[Line]) -> None:
    text = " ".join(ln.text for ln in lines)
    cid = len(re.findall(r"\(cid:\d+\)", text))
    if cid and cid * 6 > len(text) * 0.3:  # each "(cid:NN)" stands for one glyph of about 6 characters
        raise ReadError("PDF text cannot be decoded (its fonts carry no Unicode map); it needs OCR")


def read_pdf(data: bytes, *, path: str, sha256: str, filename: str, engine: str = "auto",
             size_tolerance: float = 0.0) -> Document:
    """Read a PDF; `engine="pdfplumber"` reads every page with pdfplumber (the reference the fast path is tested on);
    `size_tolerance`: heading sizes this close are one style (_heading_levels; for an OCR'd text layer)."""
    if engine not in ("auto", "pdfplumber"):
        raise ValueError(f"unknown PDF engine {engine!r}")
    if b"%PDF" not in data[:1024]:
        raise ReadError("not a PDF file (no %PDF header); is it another format renamed to .pdf?")
    check_streams(data)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise _encrypted() from exc
        pdf = None  # let pdfplumber try, and report its own error
    if pdf is not None and len(pdf) > 1 and (distinct := _distinct_pages(data)) is not None and distinct < len(pdf):
        # A page tree that reaches a page more than once (a cycle): pdfium counts it each time, pdfminer's walk of
        # the tree once. pdfplumber reads the pages as pdfminer finds them.
        engine = "pdfplumber"
    if pdf is None:
        items, n_pages = _read_with_pdfplumber(data)
    elif engine == "pdfplumber":
        try:
            _probe_text_layer(pdf)
        finally:
            pdf.close()
        items, n_pages = _read_with_pdfplumber(data)
    else:
        try:
            pages = _read_with_pdfium(pdf)
        finally:
            pdf.close()
        n_pages = len(pages)
        items = _merge(pages, data)
    items = _drop_running_heads(items, n_pages)
    lines = [i for i in items if isinstance(i, Line)]
    _check_decodable(lines)
    stats = _stats(lines)
    return finish_document(
        path=path,
        sha256=sha256,
        fmt="pdf",
        blocks=_blocks(items, stats, size_tolerance),
        pages=n_pages,
        filename=filename,
    )


def _distinct_pages(data: bytes) -> int | None:
    """The pages of the file's page tree, each counted once (None when pdfminer cannot walk it)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
        return len({page.pageid for page in PDFPage.create_pages(document)})
    except Exception:  # noqa: BLE001 - pdfminer cannot read it: pdfium's count stands
        return None


def _probe_text_layer(pdf: pdfium.PdfDocument) -> None:
    """The scan check alone, for a file pdfplumber reads whole."""
    total_chars = image_pages = 0
    for i in range(len(pdf)):
        page = pdf[i]
        try:
            textpage = page.get_textpage()
            chars = len(re.sub(r"\s+", "", textpage.get_text_range()))
            textpage.close()
            total_chars += chars
            if chars < 400 and _looks_scanned(page, chars):
                image_pages += 1
        finally:
            page.close()
    _check_text_layer(len(pdf), total_chars, image_pages)


@dataclass
class _Page:
    lines: list[Item] | None = None  # pdfium's reading (lines, and tables where it found them), when it stands
    fallback: FastPage | None = None  # for pdfplumber to read (pdfium's words kept, should pdfplumber fail)


@dataclass
class _Read:
    """One page as read, with what the document-wide checks need of it."""

    page: _Page
    chars: int = 0  # non-space characters (the characters limit and the scan check)
    scanned: bool = False  # a page image or drawn outlines stand in for text


def _read_with_pdfium(pdf: pdfium.PdfDocument) -> list[_Page]:
    """Every page through pdf_fast (tables included), with the scan check on the way; on a long file, shared with a
    forked helper process where one is allowed (`allow_page_helper`).

    A page's words become lines at once (a page's words take several times the memory of its lines).
    """
    n_pages = len(pdf)
    queue = _PageQueue(n_pages, shared=_helper_pays(n_pages))
    helper = _Helper(pdf, queue) if queue.shared else None
    reads: dict[int, _Read] = {}
    try:
        chars = 0
        while (i := queue.take(chars)) is not None:
            reads[i] = _read_page(pdf, i)
            chars = reads[i].chars
        if helper is not None:
            reads.update(helper.results())
    finally:
        if helper is not None:
            helper.close()
    # The pages handed out are pages 0..k-1, every one read (here any the helper did not deliver). The checks run in
    # page order, so a document over the characters limit is refused at the page that passes it, as one by one.
    total_chars = image_pages = 0
    for i in range(queue.handed_out()):
        read = reads.get(i) or _read_page(pdf, i)
        reads[i] = read
        total_chars += read.chars
        check_size(total_chars, 0)
        image_pages += read.scanned
    _check_text_layer(n_pages, total_chars, image_pages)
    return [reads[i].page for i in range(n_pages)]


def _read_page(pdf: pdfium.PdfDocument, i: int) -> _Read:
    page = pdf[i]
    try:
        try:
            fast = read_page(page, i + 1)
        except Exception:  # noqa: BLE001 - pdfplumber gets its turn on the page
            return _Read(_Page())
        scanned = fast.chars < 400 and _looks_scanned(page, fast.chars)
        if fast.items is not None:
            return _Read(_Page(lines=fast.items), fast.chars, scanned)
        if fast.words is None:
            return _Read(_Page(fallback=fast), fast.chars, scanned)
        return _Read(_Page(lines=order_lines(fast.words, fast.page_no, fast.height)), fast.chars, scanned)
    finally:
        page.close()


# ---------------------------------------------------------------- a long file's pages shared with a helper process
#
# In an audit, auditor.overlap's child reads the files while its parent imports spaCy and builds the matchers (about
# 1.5 s), and the parent then waits for the Documents: reading a 220-page PDF takes 3 s, a 316-page one with tables
# on every other page 5 s. So in that child a long PDF's pages are shared with a forked helper: both take the next
# page from one counter in shared memory, the helper sends back what it read when no page is left, and this process
# puts the pages in order and runs the document-wide steps on them as before. Each page is read by the same code
# either way, so the Document is the same. Pages the helper does not deliver (killed, failed) are read here. Not for
# short files (the fork and the pickled pages cost more than they save), not in `hmo-audit batch` workers (their
# cores are taken), not where threads run (forking them is unsafe), not when other programs keep the cores busy.

_HELPER_MIN_PAGES = 40
_helper_cores = 0  # the cores this process may share with a helper; 0: no helper


def allow_page_helper(cores: int) -> None:
    """Let this process share a long PDF's pages with a forked helper: for auditor.overlap's reading child, which
    has found that forking pays (two cores or more, fork offered, no other thread) and says how many cores."""
    global _helper_cores
    _helper_cores = cores


def _helper_pays(n_pages: int) -> bool:
    return _helper_cores > 1 and n_pages >= _HELPER_MIN_PAGES and _running_tasks() <= _helper_cores


def _running_tasks() -> int:
    """Tasks running or ready to run right now (/proc/loadavg): here this process and its parent preparing make two.
    More than the cores means another program wants one: then the helper finds no core free, and with it reading was
    slower (5.2-5.5 s -> 5.6-6.4 s for the 316-page PDF while another session kept a core busy)."""
    try:
        with open("/proc/loadavg") as loadavg:
            return int(loadavg.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return 1_000_000  # unknown: no helper


class _PageQueue:
    """The pages to read, handed out one at a time in page order: to this process alone, or to it and the helper
    (a counter and a character count in shared memory, behind a lock). None once every page is handed out, or once
    the pages read hold more characters than a document may: the rest need not be read to refuse it."""

    def __init__(self, n_pages: int, shared: bool) -> None:
        from . import limits

        self.n_pages = n_pages
        self.shared = shared
        self.max_chars = limits.get("document_chars")
        self.state: Any = [0, 0]  # the next page to hand out, the characters of the pages read so far
        self.lock: Any = contextlib.nullcontext()
        if shared:
            import multiprocessing

            self.state = multiprocessing.get_context("fork").Array("q", 2)
            self.lock = self.state.get_lock()

    def take(self, chars_read: int) -> int | None:
        """The next page to read (`chars_read`: the characters of the page this caller read last, 0 at first)."""
        with self.lock:
            self.state[1] += chars_read
            if self.state[0] >= self.n_pages or self.state[1] > self.max_chars:
                return None
            self.state[0] += 1
            return self.state[0] - 1

    def handed_out(self) -> int:
        with self.lock:
            return self.state[0]


class _Helper:
    """A forked process that reads pages from `queue` until none is left and sends them back, pickled."""

    def __init__(self, pdf: pdfium.PdfDocument, queue: _PageQueue) -> None:
        readable, writable = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            code = 1
            try:
                os.close(readable)
                # This process's parent is still importing spaCy and building the matchers, which the audit waits
                # for; the helper takes what that leaves of the cores (then, with it done, a core of its own).
                os.nice(10)
                reads: dict[int, _Read] = {}
                chars = 0
                while (i := queue.take(chars)) is not None:
                    reads[i] = _read_page(pdf, i)
                    chars = reads[i].chars
                with os.fdopen(writable, "wb") as out:
                    pickle.dump(reads, out, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)  # never back into the caller's code, nor its clean-up
        os.close(writable)
        self.readable: int | None = readable

    def results(self) -> dict[int, _Read]:
        """The helper's pages, once this process has no page left to read; {} if it failed."""
        assert self.readable is not None
        with os.fdopen(self.readable, "rb") as received:
            self.readable = None
            data = received.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if status != 0 or not data:
            return {}
        try:
            return pickle.loads(data)
        except Exception:  # noqa: BLE001 - a broken message: its pages are read here
            return {}

    def close(self) -> None:
        if self.readable is not None:
            os.close(self.readable)
            self.readable = None
        if self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            self.pid = 0


def _merge(pages: list[_Page], data: bytes) -> list[Item]:
    """pdfium's pages as they are; the others from pdfplumber, or from pdfium's words should pdfplumber fail on them."""
    wanted = {i for i, page in enumerate(pages) if page.lines is None}
    slow: dict[int, list[Item]] = {}
    if wanted:
        try:
            slow = _plumber_pages(data, wanted)
        except ReadError:
            slow = {}  # pdfminer cannot open what pdfium could: pdfium's words it is
    items: list[Item] = []
    failed = 0
    for i, page in enumerate(pages):
        if page.lines is not None:
            items.extend(page.lines)
        elif i in slow:
            items.extend(slow[i])
        elif page.fallback is not None:
            fast = page.fallback
            items.extend(order_lines(fast.fallback, fast.page_no, fast.height))
        else:
            failed += 1
    if pages and failed == len(pages):
        raise ReadError("damaged PDF: none of its pages could be read")
    return items


def _open_plumber(data: bytes) -> Any:
    import pdfplumber

    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many unrelated types on bad input
        raise _open_error(exc) from exc


def _plumber_pages(data: bytes, wanted: set[int]) -> dict[int, list[Item]]:
    """The wanted pages (0-based) through pdfplumber; a page it fails on is left out."""
    reader = _PlumberReader(data)
    try:
        found = {i: reader.page(i) for i in sorted(wanted)}
    finally:
        reader.close()
    return {i: items for i, items in found.items() if items is not None}


class _PlumberReader:
    """Single pages of one file through pdfplumber, opened on first use."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pdf: Any = None
        self.pages: Any = None

    def page(self, i: int) -> list[Item] | None:
        """Page i's items; None when the page is missing or pdfplumber fails on it. ReadError: the file won't open."""
        from .pdf_layout import page_items

        if self.pages is None:
            self.pdf = _open_plumber(self.data)
            try:
                self.pages = self.pdf.pages
            except Exception as exc:  # noqa: BLE001
                raise _open_error(exc) from exc
        if i >= len(self.pages):
            return None
        page = self.pages[i]
        try:
            return page_items(page, i + 1)
        except Exception:  # noqa: BLE001 - one bad page should not lose the others
            return None
        finally:
            page.close()  # pdfplumber keeps ~4 MB of parsed objects per page otherwise

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def _read_with_pdfplumber(data: bytes) -> tuple[list[Item], int]:
    """The whole file through pdfplumber: for files pdfium cannot open, and as the reference for tests."""
    from .pdf_layout import page_items

    items: list[Item] = []
    with _open_plumber(data) as pdf:
        try:
            n_pages = len(pdf.pages)
        except Exception as exc:  # noqa: BLE001
            raise _open_error(exc) from exc
        failures: list[Exception] = []
        for page_no, page in enumerate(pdf.pages, start=1):
            try:
                items.extend(page_items(page, page_no))
            except Exception as exc:  # noqa: BLE001 - one bad page should not lose the others
                failures.append(exc)  # shows as coverage.pages_read < pages
            finally:
                page.close()  # pdfplumber keeps ~4 MB of parsed objects per page otherwise
    if n_pages and len(failures) == n_pages:
        first = failures[0]
        raise ReadError(f"damaged PDF: none of its pages could be read ({type(first).__name__}: {first})")
    return items, n_pages
