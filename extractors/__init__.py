"""Turn submitted files into format-neutral Documents.

`read_document` never raises: whatever goes wrong with a file becomes `Document.error`, so one bad
file in a submission cannot stop the audit of the others.
"""

from __future__ import annotations

import importlib
import io
import os
import pathlib
import re
import zipfile
from collections.abc import Callable

from auditor.document import Document

from .common import ReadError, one_line, sha256_bytes
from .kind import guess_kind

__all__ = ["SUPPORTED_EXTENSIONS", "guess_kind", "iter_input_files", "read_document"]

# extension -> (format, module, reader). Readers are imported on first use: pdfplumber, pypdfium2
# and python-docx cost ~90 ms to import, which commands that read no documents should not pay.
_READERS: dict[str, tuple[str, str, str]] = {
    ".pdf": ("pdf", "pdf", "read_pdf"),
    ".docx": ("docx", "docx", "read_docx"),
    ".txt": ("text", "text", "read_plain_text"),
    ".text": ("text", "text", "read_plain_text"),
    ".md": ("markdown", "text", "read_markdown"),
    ".markdown": ("markdown", "text", "read_markdown"),
}
SUPPORTED_EXTENSIONS = tuple(_READERS)
# Read through a program found on the machine (antiword or LibreOffice), so not among SUPPORTED_EXTENSIONS:
# without one, the reader's error says what to install.
_CONVERTED: dict[str, tuple[str, str, str]] = {
    ".doc": ("doc", "legacy_doc", "read_legacy_doc"),
}
# The PDF reader's refusal of a scan ("it needs OCR"): OCR it when ocrmypdf and tesseract are installed.
_NEEDS_OCR_RE = re.compile(r"\bneeds? OCR\b", re.IGNORECASE)


def _reader(module: str, name: str) -> Callable[..., Document]:
    return getattr(importlib.import_module(f".{module}", __name__), name)


# Advice for formats people commonly submit, so the error says what to do instead.
_UNSUPPORTED_HINTS = {
    ".rtf": "RTF files are not supported; save it as .docx or PDF",
    ".odt": "OpenDocument files are not supported; save it as .docx or PDF",
    ".xlsx": "spreadsheets are not supported; save the sheet as PDF",
    ".xls": "spreadsheets are not supported; save the sheet as PDF",
    ".csv": "spreadsheets are not supported; save the sheet as PDF",
    ".pptx": "presentations are not supported; save it as PDF",
    ".html": "web pages are not supported; save the page as PDF",
    ".htm": "web pages are not supported; save the page as PDF",
}

# Facts and configuration that sit beside the documents in a submission folder.
_NOT_DOCUMENTS = {"submission.yaml", "submission.yml", "overrides.yaml", "overrides.yml"}


def read_document(path: pathlib.Path, display_path: str | None = None) -> Document:
    """Read one file into a Document; failures are reported in `error`, never raised."""
    shown = display_path if display_path is not None else str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Document(path=shown, error=one_line(f"cannot read the file: {exc.strerror or exc}"))
    sha = sha256_bytes(data)
    ext = path.suffix.lower()
    entry = _READERS.get(ext) or _CONVERTED.get(ext)
    if entry is not None and (actual := _content_type(data)) not in (None, ext):
        entry = _READERS[actual]  # a PDF or DOCX under another supported name: read it as what it is
    if entry is None:
        hint = _UNSUPPORTED_HINTS.get(ext)
        kinds = ", ".join(SUPPORTED_EXTENSIONS)
        message = hint or f"unsupported file type '{ext or '(no extension)'}'; supported types: {kinds}"
        return Document(path=shown, sha256=sha, error=message)
    fmt, module, name = entry
    if not data.strip():
        detail = "0 bytes" if not data else "only white space"
        return Document(path=shown, sha256=sha, format=fmt, error=f"empty file ({detail})")
    filename = path.name
    document = _guarded(fmt, shown, sha, lambda: _reader(module, name)(data, path=shown, sha256=sha, filename=filename))
    if fmt == "pdf" and document.error and _NEEDS_OCR_RE.search(document.error):
        document = _with_ocr(document, data, shown, sha, filename)
    return document


def _guarded(fmt: str, shown: str, sha: str, read: Callable[[], Document]) -> Document:
    """Run a reader; whatever it raises becomes the Document's error."""
    try:
        return read()
    except ReadError as exc:
        return Document(path=shown, sha256=sha, format=fmt, error=one_line(str(exc)))
    except RecursionError:
        return Document(path=shown, sha256=sha, format=fmt, error=f"{fmt} file is too deeply nested to read")
    except Exception as exc:  # noqa: BLE001 - the promise is that a bad file never stops a run
        return Document(
            path=shown,
            sha256=sha,
            format=fmt,
            error=one_line(f"could not read this {fmt} file ({type(exc).__name__}: {exc})"),
        )


def _with_ocr(refused: Document, data: bytes, shown: str, sha: str, filename: str) -> Document:
    """A scan the PDF reader refused: OCR it if the tools are here, else say what to install."""
    from . import ocr

    if ocr.missing_tools():
        return refused.model_copy(update={"error": one_line(f"{refused.error}; {ocr.install_hint()}")})
    reason = refused.error or ""
    return _guarded(
        ocr.FORMAT, shown, sha, lambda: ocr.read_scanned_pdf(data, path=shown, sha256=sha, filename=filename,
                                                             reason=reason)
    )


def _content_type(data: bytes) -> str | None:
    """".pdf" or ".docx" when the bytes say so unmistakably, else None (trust the name)."""
    if data.startswith(b"%PDF-"):
        return ".pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                if "word/document.xml" in package.namelist():
                    return ".docx"
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
    return None


def _display(given: str) -> str:
    shown = given.replace(os.sep, "/")
    while shown.startswith("./") and len(shown) > 2:
        shown = shown[2:]
    return shown.rstrip("/") or shown


def _join(base: str, rel: str) -> str:
    return rel if base in (".", "") else f"{base}/{rel}"


# Structured inputs (measure rates, hospital lists) that checklists read as data, not as documents.
DATA_EXTENSIONS = frozenset({".csv", ".yaml", ".yml"})


def iter_input_files(paths: list[str], data: bool = False) -> list[tuple[pathlib.Path, str]]:
    """Files to read, as (real path, path shown to the user), sorted by the shown path.

    Folders are walked recursively, skipping hidden entries and submission config files; a file named
    explicitly is kept even if hidden. Unsupported types are kept so they are reported, not dropped.
    With `data`, only the data files (CSV, YAML); without, everything else.
    """
    return [pair for pair in _walk(paths) if (pair[0].suffix.lower() in DATA_EXTENSIONS) == data]


def _walk(paths: list[str]) -> list[tuple[pathlib.Path, str]]:
    found: dict[pathlib.Path, tuple[pathlib.Path, str]] = {}
    for given in paths:
        root = pathlib.Path(given)
        if not root.exists():
            raise FileNotFoundError(f"no such file or folder: {given}")
        base = _display(given)
        if root.is_file():
            if root.name.lower() not in _NOT_DOCUMENTS:
                found.setdefault(root.resolve(), (root, base))
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            rel_dir = pathlib.Path(dirpath).relative_to(root).as_posix()
            for name in filenames:
                if name.startswith(".") or name.lower() in _NOT_DOCUMENTS:
                    continue
                real = pathlib.Path(dirpath) / name
                if not real.is_file():
                    continue  # sockets, FIFOs, dangling links
                rel = name if rel_dir == "." else f"{rel_dir}/{name}"
                found.setdefault(real.resolve(), (real, _join(base, rel)))
    return sorted(found.values(), key=lambda pair: pair[1])
