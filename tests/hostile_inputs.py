"""Makers of hostile and broken inputs, built small (or streamed) at test time: the hostile-input suite
(tests/test_hostile.py) and its measurements (bench/hostile.py) both build them from here.

Every maker writes into a folder it is given and returns the path it wrote; none keeps a large input in memory.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
import zlib
from pathlib import Path

GOOD_QMP = ("# Quality Management Program Description\n\n"
            "The Board of Directors reviews and approves the QM Program description each year.\n\n"
            "The Quality Improvement Committee meets quarterly and keeps signed minutes of each meeting.\n")


def good_submission(folder: Path, name: str | None = None) -> Path:
    """A one-document submission whose findings the hostile member next to it must not cost."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "qmp.md").write_text(GOOD_QMP, encoding="utf-8")
    if name is not None:
        (folder / "submission.yaml").write_text(f"hmo_name: {name}\n", encoding="utf-8")
    return folder


# ---------------------------------------------------------------- YAML

def yaml_alias_bomb(levels: int = 9, width: int = 9) -> str:
    """A few hundred bytes of nested aliases that expand to width**levels scalars ("billion laughs")."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        refs = ",".join(f"*a{level - 1}" for _ in range(width))
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append(f"hmo_name: *a{levels - 1}")
    return "\n".join(lines) + "\n"


def yaml_deep(depth: int = 20_000) -> str:
    return "hmo_name: " + "[" * depth + "]" * depth + "\n"


# ---------------------------------------------------------------- DOCX

def _minimal_docx_parts() -> dict[str, bytes]:
    """The parts of python-docx's default template: a real, valid package to replace the body of."""
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as package:
        return {name: package.read(name) for name in package.namelist()}


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_bomb(path: Path, inflated_mb: int = 150) -> Path:
    """A DOCX whose word/document.xml inflates to `inflated_mb` MB of short paragraphs (a few hundred KB on disk).

    Streamed into the ZIP a megabyte at a time, so building it costs no memory."""
    parts = _minimal_docx_parts()
    paragraph = b"<w:p><w:r><w:t>The plan reviews quality.</w:t></w:r></w:p>"
    chunk = paragraph * (1_048_576 // len(paragraph))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for name, data in parts.items():
            if name != "word/document.xml":
                package.writestr(name, data)
        with package.open("word/document.xml", "w", force_zip64=True) as body:
            body.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_W}><w:body>'.encode())
            for _ in range(inflated_mb):
                body.write(chunk)
            body.write(b"</w:body></w:document>")
    return path


def docx_with(path: Path, paragraphs: list[str]) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)
    return path


# ---------------------------------------------------------------- PDF

def pdf_from_objects(objects: list[bytes]) -> bytes:
    """A PDF of the given objects (numbered from 1; object 1 the catalog) with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
_PAGE = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R >> >> >>")


def _text_ops(lines: list[str]) -> bytes:
    ops = [b"BT /F1 12 Tf 72 720 Td 14 TL"]
    for line in lines:
        ops.append(b"(" + line.encode("latin-1").replace(b"(", b"\\(").replace(b")", b"\\)") + b") Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def text_pdf(lines: list[str]) -> bytes:
    content = _text_ops(lines)
    return pdf_from_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        _PAGE,
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        _FONT,
    ])


def pdf_stream_bomb(path: Path, inflated_mb: int = 1024) -> Path:
    """A one-page PDF with a line of text whose content stream then inflates to `inflated_mb` MB of white space
    (about 1 MB on disk per GiB). Compressed a megabyte at a time: no memory to build."""
    compressor = zlib.compressobj(9)
    head = _text_ops(["Quality Improvement Program"]) + b"\n"
    parts = [compressor.compress(head)]
    blank = b" " * 1_048_576
    for _ in range(inflated_mb):
        parts.append(compressor.compress(blank))
    parts.append(compressor.flush())
    stream = b"".join(parts)
    path.write_bytes(pdf_from_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        _PAGE,
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        _FONT,
    ]))
    return path


def pdf_pixel_bomb(side: int = 100_000) -> bytes:
    """A page covered by one image declared `side` x `side` pixels, with a few bytes of data: a "scan" to OCR."""
    data = zlib.compress(b"\x00" * 64)
    content = b"q 612 0 0 792 0 0 cm /Im0 Do Q"
    return pdf_from_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /XObject << /Im0 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter /FlateDecode /Length %d >>\nstream\n" % (side, side, len(data)) + data + b"\nendstream",
    ])


def pdf_cyclic_page_tree() -> bytes:
    """A page tree whose intermediate node lists itself among its kids: one page, reachable over and over."""
    content = _text_ops(["QUALITY PROGRAM", "The Board of Directors approves the QM Program."])
    return pdf_from_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 3 >>",
        _PAGE,
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        _FONT,
        b"<< /Type /Pages /Parent 2 0 R /Kids [3 0 R 6 0 R 2 0 R] /Count 2 >>",
    ])


# ---------------------------------------------------------------- text, Markdown, .doc

def long_paragraph_text(path: Path, characters: int = 1_100_000) -> Path:
    """Single newlines only: one paragraph of `characters` characters (a spaCy document holds 1,000,000)."""
    line = "The plan reviews the quality of care and the committee acts on it\n"
    path.write_text(line * (characters // len(line) + 1), encoding="utf-8")
    return path


def big_text(path: Path, megabytes: int = 100) -> Path:
    """`megabytes` MB of ordinary paragraphs, written a megabyte at a time."""
    paragraph = ("The Quality Improvement Committee reviews the work plan each quarter and reports to the Board.\n"
                 "Minutes are signed and kept for seven years.\n\n")
    chunk = (paragraph * (1_048_576 // len(paragraph) + 1))[:1_048_576].encode()
    with path.open("wb") as handle:
        for _ in range(megabytes):
            handle.write(chunk)
    return path


def markdown_emphasis_line(characters: int = 128_000) -> str:
    return "**a " * (characters // 4) + "\n"


def markdown_padded_heading(spaces: int = 60_000) -> str:
    return "# Title" + " " * spaces + "x\n\nThe plan reviews quality.\n"


def markdown_table_separator(columns: int = 30_000) -> str:
    return "a | b\n" + "|" + "-" * 3 + " " * columns + "-\n"


def garbage_doc(size: int = 200_000, seed: int = 15) -> bytes:
    """An OLE2 header, then random bytes: a .doc that is no Word document."""
    rng = random.Random(seed)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(rng.getrandbits(8) for _ in range(size))


def fifo(path: Path) -> Path | None:
    if not hasattr(os, "mkfifo"):
        return None
    os.mkfifo(path)
    return path
