"""Turn submitted files into format-neutral Documents.

`read_document` never raises: whatever goes wrong with a file becomes `Document.error`, so one bad
file in a submission cannot stop the audit of the others.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import pathlib
import re
import signal
import stat
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from auditor.document import Document

from . import limits
from .common import MAX_ZIP_ENTRIES, FileTimeLimit, ReadError, one_line, sha256_bytes, zip_entries
from .kind import guess_kind

__all__ = ["SUPPORTED_EXTENSIONS", "Scan", "guess_kind", "iter_input_files", "read_document", "scan_inputs",
           "unsupported"]

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

# Facts and configuration that sit beside the documents in a submission folder (any case: Submission.YAML too).
CONFIG_FILES = ("submission.yaml", "submission.yml", "overrides.yaml", "overrides.yml")
_NOT_DOCUMENTS = set(CONFIG_FILES)


def unsupported(path: pathlib.Path) -> str | None:
    """Why a file is not a document any reader takes (its type), or None when a reader takes it. Such a file is
    skipped and listed, not read: a stray `notes.tsv` or `draft.bak` is not a document that failed to read."""
    ext = path.suffix.lower()
    if ext in _READERS or ext in _CONVERTED:
        return None
    hint = _UNSUPPORTED_HINTS.get(ext)
    kind = f"'{ext}'" if ext else "(no extension)"
    return (f"{hint}; not read" if hint else
            f"unsupported file type {kind}, not a document; not read (documents: "
            f"{', '.join((*SUPPORTED_EXTENSIONS, *_CONVERTED))})")


def read_bytes_bounded(path: pathlib.Path, limit: int) -> bytes:
    """The file's bytes, at most `limit` + 1 of them (a file that grows, or lies in its size, cannot exceed it)."""
    with path.open("rb") as handle:
        return handle.read(limit + 1)


def _too_big(size: int) -> str:
    return limits.exceeded("file_mb", f"the file is {size / 1_048_576:,.1f} MB")


def read_document(path: pathlib.Path, display_path: str | None = None) -> Document:
    """Read one file into a Document; failures are reported in `error`, never raised.

    Every limit of extractors/limits.py holds here: the file's size before a byte is read, the time the whole
    reading takes (where the process can keep time: the main thread of a POSIX process)."""
    shown = display_path if display_path is not None else str(path)
    limit = limits.mb("file_mb")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return Document(path=shown, error="not a regular file (a folder, FIFO, socket or device); not read")
        if info.st_size > limit:
            return Document(path=shown, error=_too_big(info.st_size))
        data = read_bytes_bounded(path, limit)
    except OSError as exc:
        return Document(path=shown, error=one_line(f"cannot read the file: {exc.strerror or exc}"))
    if len(data) > limit:
        return Document(path=shown, error=_too_big(len(data)))
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
    try:
        with time_limit(limits.get("file_seconds")):
            document = _guarded(fmt, shown, sha,
                                lambda: _reader(module, name)(data, path=shown, sha256=sha, filename=filename))
            if fmt == "pdf" and document.error and _NEEDS_OCR_RE.search(document.error):
                document = _with_ocr(document, data, shown, sha, filename)
    except FileTimeLimit as exc:  # the limit struck between the reader and the end of the reading
        return _timed_out(shown, sha, fmt, exc)
    return document


def _timed_out(shown: str, sha: str, fmt: str, exc: FileTimeLimit) -> Document:
    return Document(path=shown, sha256=sha, format=fmt,
                    error=limits.exceeded("file_seconds", f"reading it took more than {exc.seconds:g} s"))


# ---------------------------------------------------------------- time per file

_deadline: float | None = None  # time.monotonic() by which the file being read must be done


def time_left() -> float | None:
    """Seconds left to read the current file (None: no limit is being kept), for converters' own time-outs."""
    return None if _deadline is None else max(_deadline - time.monotonic(), 0.0)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise FileTimeLimit in the reader once `seconds` have passed, again every 2 s until it is out.

    SIGALRM: only in the main thread of a POSIX process (in a thread the limit is not kept). Code running in C
    (a converter is a subprocess, with its own time-out) sees it when it comes back to Python."""
    global _deadline
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or _deadline is not None:  # not here, or a limit already running (a reader calling another)
        yield
        return

    def expired(signum, frame):
        raise FileTimeLimit(seconds)

    previous = signal.signal(signal.SIGALRM, expired)
    _deadline = time.monotonic() + seconds
    signal.setitimer(signal.ITIMER_REAL, seconds, 2.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _deadline = None


def _guarded(fmt: str, shown: str, sha: str, read: Callable[[], Document]) -> Document:
    """Run a reader; whatever it raises becomes the Document's error."""
    try:
        return read()
    except ReadError as exc:
        return Document(path=shown, sha256=sha, format=fmt, error=one_line(str(exc)))
    except FileTimeLimit as exc:
        return _timed_out(shown, sha, fmt, exc)
    except RecursionError:
        return Document(path=shown, sha256=sha, format=fmt, error=f"{fmt} file is too deeply nested to read")
    except MemoryError:
        return Document(path=shown, sha256=sha, format=fmt,
                        error=f"{fmt} file took more memory to read than this process has; it may be damaged "
                              "or built to exhaust memory")
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
        if (zip_entries(data) or 0) > MAX_ZIP_ENTRIES:
            return None  # the DOCX reader (or the name's) says what is wrong
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


@dataclass
class Scan:
    """What a walk of the given paths found: documents and data files, as (real path, path shown to the user), and
    what it left out, as (path shown, reason). Configuration files (submission.yaml, overrides.yaml) are neither."""

    documents: list[tuple[pathlib.Path, str]] = field(default_factory=list)
    data: list[tuple[pathlib.Path, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def iter_input_files(paths: list[str], data: bool = False) -> list[tuple[pathlib.Path, str]]:
    """Files to read, as (real path, path shown to the user), sorted by the shown path.

    Folders are walked recursively, skipping hidden entries and submission config files; a file named
    explicitly is kept even if hidden. Unsupported types are kept so they are reported, not dropped.
    With `data`, only the data files (CSV, YAML); without, everything else. `scan_inputs` also says what was left
    out, and why.
    """
    scan = scan_inputs(paths)
    return scan.data if data else scan.documents


def inside(path: pathlib.Path, folder: pathlib.Path) -> bool:
    """Whether `path` (resolved) lies within `folder` (resolved)."""
    return path == folder or folder in path.parents


def _link_target(real: pathlib.Path, root: pathlib.Path) -> tuple[pathlib.Path | None, str | None]:
    """(where a link leads, None) when it leads inside `root`; (None, why not) when it does not."""
    try:
        target = real.resolve(strict=True)
    except RuntimeError:  # a loop (Python < 3.13)
        return None, "a link that loops back on itself; not read"
    except OSError as exc:
        if getattr(exc, "errno", None) == 40:  # ELOOP
            return None, "a link that loops back on itself; not read"
        return None, "a broken link (what it points to does not exist); not read"
    if not inside(target, root):
        return None, "a link to a file outside the submission folder; not read"
    return target, None


_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"))


def scan_inputs(paths: list[str]) -> Scan:
    """Walk the given paths: each folder recursively, its files read only if they resolve inside it (a link out of
    the folder is skipped and listed, as are hidden entries, links to folders, link loops, FIFOs and devices)."""
    found: dict[pathlib.Path, tuple[pathlib.Path, str]] = {}
    via_link: set[pathlib.Path] = set()
    skipped: list[tuple[str, str]] = []
    for given in paths:
        root = pathlib.Path(given)
        if not root.exists():
            raise FileNotFoundError(f"no such file or folder: {given}")
        base = _display(given)
        if root.is_file():
            if root.name.lower() not in _NOT_DOCUMENTS:
                found.setdefault(root.resolve(), (root, base))
            continue
        top = root.resolve()

        def unlisted(error: OSError, base=base, root=root) -> None:
            where = pathlib.Path(error.filename or "").relative_to(root).as_posix() if error.filename else ""
            skipped.append((_join(base, where), f"cannot be listed ({error.strerror or error}); not read"))

        for dirpath, dirnames, filenames in os.walk(root, onerror=unlisted):
            rel_dir = pathlib.Path(dirpath).relative_to(root).as_posix()
            keep = []
            for d in sorted(dirnames):
                shown = _join(base, d if rel_dir == "." else f"{rel_dir}/{d}")
                if d.startswith("."):
                    skipped.append((shown + "/", "a hidden folder (its name starts with a dot); not read"))
                elif os.path.islink(os.path.join(dirpath, d)):
                    skipped.append((shown + "/", "a link to a folder; links to folders are not followed"))
                else:
                    keep.append(d)
            dirnames[:] = keep
            for name in sorted(filenames):
                rel = name if rel_dir == "." else f"{rel_dir}/{name}"
                shown = _join(base, rel)
                if name.lower() in _NOT_DOCUMENTS:
                    continue
                if name.startswith("."):
                    skipped.append((shown, "a hidden file (its name starts with a dot); not read"))
                    continue
                real = pathlib.Path(dirpath) / name
                target = real
                if real.is_symlink():
                    target, why = _link_target(real, top)
                    if target is None:
                        skipped.append((shown, why or "not read"))
                        continue
                try:
                    mode = target.stat().st_mode
                except OSError as exc:
                    skipped.append((shown, f"cannot be read ({exc.strerror or exc}); not read"))
                    continue
                if not stat.S_ISREG(mode):
                    kind = next((what for test, what in _KINDS if test(mode)), "not a regular file")
                    skipped.append((shown, f"{kind}, not a file; not read"))
                    continue
                key = target.resolve()
                if key not in found or (key in via_link and real is target):
                    found[key] = (real, shown)  # a file and a link to it inside: listed once, as the file
                    if real is not target:
                        via_link.add(key)
                    else:
                        via_link.discard(key)
    scan = Scan(skipped=sorted(set(skipped)))
    for pair in sorted(found.values(), key=lambda pair: pair[1]):
        (scan.data if pair[0].suffix.lower() in DATA_EXTENSIONS else scan.documents).append(pair)
    return scan
