"""OCR for PDFs without a usable text layer: ocrmypdf (PyPI) running tesseract.

The PDF reader refuses scans with an error saying the file needs OCR; the dispatcher then calls
`read_scanned_pdf` when `missing_tools()` is empty. ocrmypdf runs `--skip-text` when the file has no
text at all, and `--force-ocr` when pages carry a few stray characters (a DocuSign envelope ID over a
scan) or an undecodable layer, since `--skip-text` would leave such pages alone.

The text read is tesseract's own (ocrmypdf's `--sidecar`: lines, blank lines between paragraphs, a form
feed between pages) through the plain-text reader, not the OCR'd PDF through the PDF reader: pdfplumber
splits the invisible OCR text layer into single letters wherever a line is slightly skewed or a word is
stretched ("2 . A c t i v i t i e s"; about 40% of the text of a 6-page scanned agreement), while the
sidecar's words are whole. Skipping the PDF output (`--output-type none`) also saves its assembly.
The Document's `format` is "pdf+ocr", so reports show the text came from OCR.

Ruled tables (extractors/ocr_tables.py finds them in the OCR'd PDF's page images) replace the sidecar lines that
read them row by row: each table's span of lines becomes a placeholder paragraph, which the table's cells then
take the place of. A table whose lines cannot be told apart from the text around it is left as the sidecar read
it, and any failure in finding tables leaves the whole reading as it was without them.

Measured with `-j 2` on two cores: 1.2-1.3 s a page for 6 pages of a 400 dpi scan, 1.3 s for a one-page
200 dpi scan, 1.6-1.7 s a page for 2 dense form pages, 3.9 s for one 300 dpi page of small print;
about 0.6 pages a second over the three scans in the shared corpus.

`OMP_THREAD_LIMIT=1`: tesseract's OpenMP threads otherwise oversubscribe the cores that `-j` already
fills (4.6 s a page instead of 1.8 s).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from auditor.document import Block, Document

from . import limits
from .common import ReadError, finish_document, one_line, run_tool
from .ocr_tables import Table, find_tables
from .text import decode_text

FORMAT = "pdf+ocr"
READ_AS = "OCR"
LOOKAHEAD = 4
# One heading style in the OCR'd layer comes out at sizes up to this share apart (8.5 and 9.0 points: each line is
# sized to its own letters), where two styles of a born-digital file differ by a fifth or more.
OCR_SIZE_TOLERANCE = 0.06
ROW_LINES = 3  # sidecar lines a table row may take (a cell over two lines, read twice where a line is skewed)
JOBS = 2
START_SECONDS = 60  # a time limit of START_SECONDS + PAGE_SECONDS a page: generous, but never hangs a run
PAGE_SECONDS = 30


def missing_tools() -> tuple[str, ...]:
    """What must be installed before OCR can run here (empty when everything is)."""
    missing = []
    if importlib.util.find_spec("ocrmypdf") is None:
        missing.append("ocrmypdf (pip install ocrmypdf)")
    if shutil.which("tesseract") is None:
        missing.append("tesseract-ocr (apt-get install tesseract-ocr tesseract-ocr-eng)")
    return tuple(missing)


def install_hint() -> str:
    return "to read it here, install " + " and ".join(missing_tools())


def read_scanned_pdf(data: bytes, *, path: str, sha256: str, filename: str, reason: str = "") -> Document:
    """OCR the PDF and read tesseract's text, with the headings the layout reader finds in the OCR'd PDF; `reason`
    is the PDF reader's own refusal of the file."""
    mode = "--skip-text" if "no text layer" in reason else "--force-ocr"
    pages = _page_count(data)
    megapixels = limits.get("ocr_megapixels")
    largest = _largest_raster(data)
    if largest is not None and largest[1] > megapixels * 1e6:
        page, pixels, how = largest
        raise ReadError("a scan (no usable text layer) that was not OCR'd: " + limits.exceeded(
            "ocr_megapixels", f"OCR would rasterise page {page} at {pixels / 1e6:,.0f} megapixels ({how})"))
    limit = START_SECONDS + PAGE_SECONDS * max(pages, 1)
    with tempfile.TemporaryDirectory(prefix="hmo-audit-ocr-") as tmp:
        source, sidecar, layered = Path(tmp) / "in.pdf", Path(tmp) / "ocr.txt", Path(tmp) / "out.pdf"
        source.write_bytes(data)
        command = [
            sys.executable, "-m", "ocrmypdf", mode, "-j", str(min(JOBS, os.cpu_count() or 1)), "--quiet",
            "--invalidate-digital-signatures",  # nothing is handed back: only the text is kept
            "--max-image-mpixels", f"{megapixels:g}",
            # The OCR'd PDF too (no PDF/A, no optimising): its text layer's line sizes give the headings.
            "--output-type", "pdf", "--optimize", "0", "--sidecar", str(sidecar),
            str(source), str(layered),
        ]
        env = {**os.environ, "OMP_THREAD_LIMIT": "1", "TMPDIR": tmp}
        memory = int(limits.get("ocr_memory_mb"))
        try:
            run = run_tool(command, limit, env, memory_mb=memory)
        except subprocess.TimeoutExpired as exc:
            raise ReadError(f"{reason}; OCR did not finish in {exc.timeout:.0f} s ({pages} page(s))") from exc
        if run.returncode != 0 or not sidecar.is_file():
            why = _last_line(run.stderr, source, filename)
            if "MemoryError" in why or "Cannot allocate memory" in why or run.returncode in (-6, -9):
                why = limits.exceeded("ocr_memory_mb", f"OCR ran out of memory ({why})")
            raise ReadError(one_line(f"{reason}; OCR failed ({why})"))
        text = sidecar.read_bytes()
        if not text.strip():
            raise ReadError(f"{reason}; OCR found no text on its {pages} page(s)")
        headings = _layout_headings(layered, path=path, sha256=sha256, filename=filename)
        tables = _tables(layered)
    sidecar_text = decode_text(text)
    # a placeholder not read as a paragraph of its own gives None: then the text is read without the tables
    document = (_read_sidecar(sidecar_text, headings, tables, path=path, sha256=sha256, filename=filename)
                if tables else None)
    if document is None:
        document = _read_sidecar(sidecar_text, headings, [], path=path, sha256=sha256, filename=filename)
        assert document is not None  # without tables there is no placeholder to miss
    coverage = document.coverage.model_copy(update={"read_as": READ_AS})
    return document.model_copy(update={"format": FORMAT, "pages": pages or document.pages, "coverage": coverage})


def _layout_headings(layered: Path, *, path: str, sha256: str, filename: str) -> list[tuple[str, int | None]]:
    """The headings the PDF layout reader finds in the OCR'd PDF (text, level), in reading order: tesseract sizes
    each line of the text layer to its line in the image, so a larger heading line reads as one, as in a
    born-digital file. Only their text and level are used: the layer's words overlap where a line is skewed, so
    the text itself comes from the sidecar. Empty when the layer cannot be read (the text is then read as before)."""
    from .pdf import read_pdf

    try:
        document = read_pdf(layered.read_bytes(), path=path, sha256=sha256, filename=filename,
                            size_tolerance=OCR_SIZE_TOLERANCE)
    except (OSError, ReadError):
        return []
    return [(_norm(b.text), b.level) for b in document.blocks if b.kind == "heading"]


def _tables(layered: Path) -> list[Table]:
    """The OCR'd PDF's ruled tables; none when finding them fails in any way, since the text is read without them
    just as well (the tables only add structure)."""
    try:
        return find_tables(layered)
    except Exception:  # noqa: BLE001 (pdfium and numpy raise many kinds; none may cost the document)
        return []


def _read_sidecar(text: str, headings: list[tuple[str, int | None]], tables: list[Table], *, path: str,
                  sha256: str, filename: str) -> Document | None:
    """The sidecar's text read with the layout's headings and, in place of their lines, the tables' cells."""
    from .text import read_plain_text

    placed: list[Table] = []
    if tables:
        text, placed = _mark_tables(text, tables)
    marked, found = _mark_headings(text, headings)
    document = read_plain_text(marked.encode("utf-8"), path=path, sha256=sha256, filename=filename)
    return _with_headings(document, found, placed, path=path, sha256=sha256, filename=filename)


# Capitalised and ending in a full stop, so neither the plain-text reader nor finish_document's joining of broken
# lines runs a placeholder into a neighbouring paragraph (that would drop the document's tables, not its text).
_MARK = "HMOAUDITOCRTABLE"


def _placeholder(index: int) -> str:
    return f"{_MARK}{index}."


def _tokens(text: str) -> set[str]:
    # A rule read as "|" is not text of the table.
    return {word.lower() for word in text.split() if word.strip("|")}


def _mark_tables(text: str, tables: list[Table]) -> tuple[str, list[Table]]:
    """The sidecar with each table's lines replaced by its placeholder paragraph, and the tables placed, in order.
    A table's lines start at the line holding its first row's words and run on while every word of a line is a
    word of the table (blank lines included), for at most ROW_LINES lines a row: a line with any other word is
    kept, so only text the table holds is replaced. A table whose first row is found nowhere on its page is not
    placed (the sidecar keeps its lines)."""
    pages = text.replace("\r\n", "\n").split("\f")
    placed: list[Table] = []
    for table in tables:
        if table.page >= len(pages):
            continue
        words = _tokens(" ".join(table.words) + " " + " ".join(cell for row in table.rows for cell in row))
        first = _tokens(" ".join(table.rows[0]))
        lines = pages[table.page].split("\n")
        start = next((i for i, line in enumerate(lines)
                      if first and first <= _tokens(line) <= words and not line.startswith(_MARK)), None)
        if start is None:
            continue
        end, budget = start + 1, ROW_LINES * len(table.rows) - 1
        while (end < len(lines) and _tokens(lines[end]) <= words and not lines[end].startswith(_MARK)
               and (budget := budget - bool(lines[end].strip())) >= 0):
            end += 1
        while end > start + 1 and not lines[end - 1].strip():  # the blank line after the table stays
            end -= 1
        lines[start:end] = ["", _placeholder(len(placed)), ""]
        pages[table.page] = "\n".join(lines)
        placed.append(table)
    return "\f".join(pages), placed


def _table_blocks(table: Table, index: int, page: int | None) -> list[Block]:
    return [Block(kind="table_cell", text=cell, page=page, table=index, row=r, col=c)
            for r, row in enumerate(table.rows) for c, cell in enumerate(row) if cell.strip()]


def _norm(text: str) -> str:
    return " ".join(text.split())


def _mark_headings(text: str, headings: list[tuple[str, int | None]]) -> tuple[str, list[tuple[str, int | None]]]:
    """The sidecar with each line (or pair of lines) that the layout found as a heading set apart by blank lines,
    so it becomes a paragraph of its own (tesseract often runs a heading into the text below it), and the
    headings matched, in order. Matching walks both in reading order, skipping at most LOOKAHEAD layout
    headings that match no line (a table row read as large text)."""
    found: list[tuple[str, int | None]] = []
    j = 0
    pages = []
    for page in text.replace("\r\n", "\n").split("\f"):
        lines = page.split("\n")
        out: list[str] = []
        i = 0
        while i < len(lines):
            line = _norm(lines[i])
            pair = _norm(line + " " + lines[i + 1]) if i + 1 < len(lines) else None
            match = None
            for k in range(j, min(j + LOOKAHEAD, len(headings))):
                if line and headings[k][0] == line:
                    match, used = k, 1
                    break
                if pair and lines[i + 1].strip() and headings[k][0] == pair:
                    match, used = k, 2
                    break
            if match is None:
                out.append(lines[i])
                i += 1
                continue
            out.extend(["", headings[match][0], ""])
            found.append(headings[match])
            j = match + 1
            i += used
        pages.append("\n".join(out))
    return "\f".join(pages), found


def _with_headings(document: Document, found: list[tuple[str, int | None]], tables: list[Table], *, path: str,
                   sha256: str, filename: str) -> Document | None:
    """The document with the matched headings' paragraphs made headings (at the layout's level) and the tables'
    placeholders their cells, its sections, title and kind worked out again; None when a placeholder is not a
    paragraph of its own (its table's text would be lost)."""
    if not found and not tables:
        return document
    blocks: list[Block] = []
    queue = list(found)
    done: list[int] = []
    for block in document.blocks:
        if tables and _MARK in block.text:
            index = next((n for n in range(len(tables)) if block.text == _placeholder(n)), None)
            if index is None or block.kind != "paragraph" or index in done:
                return None
            blocks.extend(_table_blocks(tables[index], len(done), block.page))
            done.append(index)
            continue
        block = block.model_copy(update={"section": []})
        if queue and block.kind in ("paragraph", "heading") and _norm(block.text) == queue[0][0]:
            block.kind, block.level = "heading", block.level if block.kind == "heading" else queue[0][1] or 1
            queue.pop(0)
        blocks.append(block)
    if len(done) != len(tables):
        return None
    first_line = next((b.text for b in blocks), None)
    return finish_document(path=path, sha256=sha256, fmt=document.format or "text", blocks=blocks,
                           pages=document.pages, filename=filename, first_line=first_line)


def _largest_raster(data: bytes) -> tuple[int, float, str] | None:
    """(page, pixels, why) of the page OCR would rasterise largest: ocrmypdf renders a page at the resolution of its
    images (an image of 100000 x 100000 pixels on a letter page is a page of 10,000 megapixels), and at least at
    300 dpi. None when pdfium cannot open the file (ocrmypdf then says what is wrong)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_raw

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None
    largest: tuple[int, float, str] | None = None
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                width, height = page.get_size()
                wide, high = max(width, 1.0) / 72, max(height, 1.0) / 72  # inches
                pixels, how = wide * 300 * high * 300, "its size at 300 dpi"
                for obj in page.get_objects(max_depth=3):
                    if obj.type != pdfium_raw.FPDF_PAGEOBJ_IMAGE:
                        continue
                    px_w, px_h = obj.get_px_size()
                    x0, y0, x1, y1 = obj.get_bounds()
                    dpi_x = px_w / max((x1 - x0) / 72, 1 / 72)
                    dpi_y = px_h / max((y1 - y0) / 72, 1 / 72)
                    dpi = max(dpi_x, dpi_y)
                    candidates = ((px_w * px_h, f"an image of {px_w:,} x {px_h:,} pixels"),
                                  (wide * dpi_x * high * dpi_y, f"its images' resolution of {dpi:,.0f} dpi"))
                    for value, why in candidates:
                        if value > pixels:
                            pixels, how = value, why
                if largest is None or pixels > largest[1]:
                    largest = (index + 1, pixels, how)
            finally:
                page.close()
    finally:
        pdf.close()
    return largest


def _page_count(data: bytes) -> int:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return 0
    try:
        return len(pdf)
    finally:
        pdf.close()


def _last_line(stderr: bytes, source: Path, filename: str) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    return (lines[-1] if lines else "no message").replace(str(source), filename)


