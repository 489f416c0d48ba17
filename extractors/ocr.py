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

from .common import ReadError, one_line, run_tool

FORMAT = "pdf+ocr"
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
    """OCR the PDF and read tesseract's text; `reason` is the PDF reader's own refusal of the file."""
    from .text import read_plain_text

    mode = "--skip-text" if "no text layer" in reason else "--force-ocr"
    pages = _page_count(data)
    limit = START_SECONDS + PAGE_SECONDS * max(pages, 1)
    with tempfile.TemporaryDirectory(prefix="hmo-audit-ocr-") as tmp:
        source, sidecar = Path(tmp) / "in.pdf", Path(tmp) / "ocr.txt"
        source.write_bytes(data)
        command = [
            sys.executable, "-m", "ocrmypdf", mode, "-j", str(min(JOBS, os.cpu_count() or 1)), "--quiet",
            "--invalidate-digital-signatures",  # nothing is handed back: only the text is kept
            "--output-type", "none", "--sidecar", str(sidecar),
            str(source), "-",
        ]
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        try:
            run = run_tool(command, limit, env)
        except subprocess.TimeoutExpired as exc:
            raise ReadError(f"{reason}; OCR did not finish in {limit} s ({pages} page(s))") from exc
        if run.returncode != 0 or not sidecar.is_file():
            raise ReadError(one_line(f"{reason}; OCR failed ({_last_line(run.stderr, source, filename)})"))
        text = sidecar.read_bytes()
    if not text.strip():
        raise ReadError(f"{reason}; OCR found no text on its {pages} page(s)")
    document = read_plain_text(text, path=path, sha256=sha256, filename=filename)
    return document.model_copy(update={"format": FORMAT, "pages": pages or document.pages})


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


