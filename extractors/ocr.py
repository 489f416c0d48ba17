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

from auditor.document import Document

from . import limits
from .common import ReadError, finish_document, one_line, run_tool
from .text import decode_text

FORMAT = "pdf+ocr"
READ_AS = "OCR"
LOOKAHEAD = 4
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
    from .text import read_plain_text

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
    marked, found = _mark_headings(decode_text(text), headings)
    document = read_plain_text(marked.encode("utf-8"), path=path, sha256=sha256, filename=filename)
    document = _with_headings(document, found, path=path, sha256=sha256, filename=filename)
    coverage = document.coverage.model_copy(update={"read_as": READ_AS})
    return document.model_copy(update={"format": FORMAT, "pages": pages or document.pages, "coverage": coverage})


def _layout_headings(layered: Path, *, path: str, sha256: str, filename: str) -> list[tuple[str, int | None]]:
    """The headings the PDF layout reader finds in the OCR'd PDF (text, level), in reading order: tesseract sizes
    each line of the text layer to its line in the image, so a larger heading line reads as one, as in a
    born-digital file. Only their text and level are used: the layer's words overlap where a line is skewed, so
    the text itself comes from the sidecar. Empty when the layer cannot be read (the text is then read as before)."""
    from .pdf import read_pdf

    try:
        document = read_pdf(layered.read_bytes(), path=path, sha256=sha256, filename=filename)
    except (OSError, ReadError):
        return []
    return [(_norm(b.text), b.level) for b in document.blocks if b.kind == "heading"]


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


def _with_headings(document: Document, found: list[tuple[str, int | None]], *, path: str, sha256: str,
                   filename: str) -> Document:
    """The document with the matched headings' paragraphs made headings (at the layout's level), its sections,
    title and kind worked out again."""
    if not found:
        return document
    blocks = []
    queue = list(found)
    for block in document.blocks:
        block = block.model_copy(update={"section": []})
        if queue and block.kind in ("paragraph", "heading") and _norm(block.text) == queue[0][0]:
            block.kind, block.level = "heading", block.level if block.kind == "heading" else queue[0][1] or 1
            queue.pop(0)
        blocks.append(block)
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


