"""Legacy Word (.doc, Word 97-2003) reader, through a converter found on the machine.

LibreOffice first, where it is installed: it converts the file to DOCX (1-4 s: a fresh profile each time) and the
DOCX reader reads that, Word's paragraph styles and all, so headings, lists and tables come out as from the file's
.docx twin (the report's coverage says "converted from .doc"). Otherwise antiword (2 ms for antiword, 3 ms for the
whole read of a one-page file): its text goes through the plain-text reader's paragraph and heading rules, and its
`|cell|cell|` table rows become table cells; its text carries no styles, so only ALL CAPS and numbered headings
are found. With neither, the error says what to install. Neither tool prints automatic list numbers, and antiword marks
no page breaks, so a .doc read through antiword has no page numbers (like a DOCX without recorded breaks).

antiword's DocBook output (`antiword -x db`) would also give Word's Heading styles without LibreOffice; it is not
used yet (see the issue 14 closing note).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from auditor.document import Block, Document

from .common import ReadError, finish_document, one_line, run_tool
from .text import _blank_separated, _plain_paragraph_blocks, decode_text

FORMAT = "doc"
READ_AS = "converted from .doc"  # by LibreOffice: a reading of its DOCX, as the report's coverage says
INSTALL_HINT = (
    "legacy .doc needs antiword (apt-get install antiword) or LibreOffice (apt-get install libreoffice-writer-nogui)"
)
ANTIWORD_TIMEOUT = 60  # seconds; antiword takes milliseconds, so this only stops a hung process
SOFFICE_TIMEOUT = 180  # LibreOffice's first start in a fresh profile takes a few seconds

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TABLE_ROW_RE = re.compile(r"^\|.*\|\s*$")


def converters() -> dict[str, str]:
    """The converters on this machine, by name: `antiword` and/or `soffice`, each with its path."""
    found = {}
    if antiword := shutil.which("antiword"):
        found["antiword"] = antiword
    if soffice := shutil.which("soffice") or shutil.which("libreoffice"):
        found["soffice"] = soffice
    return found


def read_legacy_doc(data: bytes, *, path: str, sha256: str, filename: str) -> Document:
    if data.startswith(b"PK\x03\x04"):
        # A DOCX saved with the old extension: read it as what it is.
        from .docx import read_docx

        return read_docx(data, path=path, sha256=sha256, filename=filename)
    tools = converters()
    if not tools:
        raise ReadError(INSTALL_HINT)
    problems: list[str] = []
    ole = data.startswith(_OLE_MAGIC)
    # Not for LibreOffice when damaged: it would import the bytes as text, a page of random characters.
    damaged = _compound_file_problem(data) if ole else None
    with tempfile.TemporaryDirectory(prefix="hmo-audit-doc-") as tmp:
        source = Path(tmp) / ("input" + (Path(filename).suffix or ".doc"))
        source.write_bytes(data)
        if "soffice" in tools and damaged is None:
            # LibreOffice first: its DOCX keeps Word's paragraph styles, so headings, lists and tables come out
            # as from the .docx twin; antiword's text has no styles (a .doc read so had 0 headings of 15).
            try:
                return _via_libreoffice(tools["soffice"], source, Path(tmp), path=path, sha256=sha256,
                                        filename=filename)
            except ReadError as exc:
                problems.append(str(exc))
        if "antiword" in tools and ole:
            try:
                return _via_antiword(tools["antiword"], source, path=path, sha256=sha256, filename=filename)
            except ReadError as exc:
                problems.append(str(exc))
        if damaged is not None:
            raise ReadError(one_line(f"legacy .doc could not be read ({'; '.join([*problems, damaged])})"))
    if not data.startswith(_OLE_MAGIC):
        what = "an RTF file" if data.lstrip().startswith(b"{\\rtf") else "not a Word 97-2003 document"
        if problems:
            raise ReadError(f"this .doc file is {what}, which antiword cannot read ({problems[-1]})")
        raise ReadError(f"this .doc file is {what}, which antiword cannot read; "
                        "LibreOffice may read it (apt-get install libreoffice-writer-nogui)")
    raise ReadError(one_line(f"legacy .doc could not be read ({'; '.join(problems)})"))


def _compound_file_problem(data: bytes) -> str | None:
    """What is wrong with a file that starts like a Word 97-2003 document but is not one (None: nothing): it must be
    an OLE2 compound file whose header is sound and whose directory names a WordDocument stream. Otherwise
    LibreOffice falls back on importing the bytes as text, and hands back random characters as the document."""
    import struct

    damaged = "damaged: it starts like a Word 97-2003 document, but {}; ask for a new copy (or a .docx or PDF)"
    if len(data) < 512:
        return damaged.format("it is too short to be one")
    major, byte_order, sector_shift, mini_shift = struct.unpack_from("<HHHH", data, 26)
    if byte_order != 0xFFFE or (major, sector_shift) not in ((3, 9), (4, 12)) or mini_shift != 6:
        return damaged.format("its header is not that of an OLE2 compound file")
    if "WordDocument".encode("utf-16-le") not in data:
        return damaged.format("it holds no WordDocument stream (is it an Excel or PowerPoint file?)")
    return None


def _looks_like_text(text: str) -> bool:
    """Letters, digits, spaces and ordinary punctuation make up most of a real document's text; random bytes
    imported as text are mostly symbols, accented capitals and control characters."""
    sample = text[:200_000]
    if not sample.strip():
        return True
    ordinary = sum(1 for c in sample if c.isascii() and (c.isalnum() or c.isspace() or c in ".,;:'\"()-/%&$!?"))
    return ordinary >= 0.75 * len(sample)


# ---------------------------------------------------------------- antiword


def _via_antiword(antiword: str, source: Path, *, path: str, sha256: str, filename: str) -> Document:
    try:
        run = run_tool([antiword, "-w", "0", "-m", "UTF-8.txt", str(source)], ANTIWORD_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise ReadError(f"antiword gave no answer in {ANTIWORD_TIMEOUT} s") from exc
    except OSError as exc:
        raise ReadError(f"antiword could not be started ({exc.strerror or exc})") from exc
    if run.returncode != 0 or not run.stdout.strip():
        raise ReadError(f"antiword: {_message(run, source, filename) or 'no text'}")
    return _document_from_text(decode_text(run.stdout), path=path, sha256=sha256, filename=filename)


def _document_from_text(text: str, *, path: str, sha256: str, filename: str) -> Document:
    """antiword's text: blank-line paragraphs and plain-text headings, with its table rows as cells."""
    blocks: list[Block] = []
    first_line: str | None = None
    table = 0
    lines = text.replace("\r\n", "\n").replace("\f", "\n\n").split("\n")
    i = 0
    while i < len(lines):
        if _TABLE_ROW_RE.match(lines[i]):
            start = i
            while i < len(lines) and _TABLE_ROW_RE.match(lines[i]):
                i += 1
            blocks.extend(_table_blocks(lines[start:i], table))
            table += 1
            continue
        start = i
        while i < len(lines) and not _TABLE_ROW_RE.match(lines[i]):
            i += 1
        for group in _blank_separated(lines[start:i]):
            first_line = first_line or group[0]
            blocks.extend(_plain_paragraph_blocks(group, page=1))
    for block in blocks:
        block.page = None  # antiword marks no page breaks
    return finish_document(path=path, sha256=sha256, fmt=FORMAT, blocks=blocks, pages=None, filename=filename,
                           first_line=first_line)


def _table_blocks(rows: list[str], table: int) -> list[Block]:
    """Cells of antiword's `|a   |b   |` rows, split where the first row has its bars.

    antiword pads every cell of a column to one width, so the first row's bars mark the columns even when
    a later cell's text contains a bar itself.
    """
    first = rows[0].rstrip()
    bars = [m.start() for m in re.finditer(r"\|", first)]
    blocks: list[Block] = []
    for r, raw in enumerate(rows):
        line = raw.rstrip()
        if len(line) == len(first) and all(line[b] == "|" for b in bars):
            cells = [line[a + 1 : b] for a, b in zip(bars, bars[1:], strict=False)]
        else:
            cells = line.strip("|").split("|")
        blocks.extend(
            Block(kind="table_cell", text=cell, table=table, row=r, col=c)
            for c, cell in enumerate(cells)
            if cell.strip()
        )
    return blocks


# ---------------------------------------------------------------- LibreOffice


def _via_libreoffice(soffice: str, source: Path, tmp: Path, *, path: str, sha256: str, filename: str) -> Document:
    out_dir = tmp / "out"
    out_dir.mkdir()
    # A profile of its own: two conversions sharing the default profile make the second fail silently.
    profile = (tmp / "profile").as_uri()
    # Its home, configuration and caches in the run's temporary folder too: LibreOffice (and dconf, fontconfig)
    # otherwise write to the user's ~/.config and ~/.cache.
    home = tmp / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_CACHE_HOME": str(home / ".cache"), "XDG_DATA_HOME": str(home / ".local" / "share"),
           "XDG_RUNTIME_DIR": str(home / "run"), "TMPDIR": str(tmp)}
    try:
        run = run_tool(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
             "--convert-to", "docx", "--outdir", str(out_dir), str(source)],
            SOFFICE_TIMEOUT, env,
        )
    except subprocess.TimeoutExpired as exc:
        raise ReadError(f"LibreOffice gave no answer in {SOFFICE_TIMEOUT} s") from exc
    except OSError as exc:
        raise ReadError(f"LibreOffice could not be started ({exc.strerror or exc})") from exc
    converted = out_dir / (source.stem + ".docx")
    if not converted.is_file():
        raise ReadError(f"LibreOffice: {_message(run, source, filename) or 'no output'}")
    from .docx import read_docx

    document = read_docx(converted.read_bytes(), path=path, sha256=sha256, filename=filename)
    if not _looks_like_text(" ".join(b.text for b in document.blocks)):
        raise ReadError("LibreOffice could read no Word document in it, only random characters (the file is damaged)")
    coverage = document.coverage.model_copy(update={"read_as": READ_AS})
    return document.model_copy(update={"format": FORMAT, "coverage": coverage})


def _message(run: subprocess.CompletedProcess[bytes], source: Path, filename: str) -> str:
    """A converter's complaint in one line, naming the user's file rather than the temporary copy."""
    lines = [ln.strip() for ln in (run.stderr or run.stdout).decode("utf-8", "replace").splitlines()]
    lines = [ln for ln in lines if ln and "javaldx" not in ln]  # LibreOffice's noise about Java
    errors = [ln for ln in lines if ln.lower().startswith("error")]
    text = " ".join(errors or lines).replace(str(source), filename).replace(source.name, filename)
    return one_line(text.rstrip("."), limit=200)


