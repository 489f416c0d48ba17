"""Finishing code every reader shares: text clean-up, section paths, coverage, title and kind."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import subprocess

from auditor.document import Block, Coverage, Document

from .kind import guess_kind


class ReadError(Exception):
    """A failure whose message is already fit to show a user (one line, no traceback)."""


_SPACE_RE = re.compile(r"[ \t\r\n\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")

# Bullets seen in real files, including the Symbol/Wingdings private-use code points that PDFs and
# Word lists emit instead of a real bullet character. ASCII-like dashes and stars also start ordinary
# text ("-based", "*note"), so they count only when followed by a space.
GLYPH_BULLETS = "•●○◦▪■□▫‣⁃∙·➢►▶✓✔❖◆◇\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\uf06e\uf071"
DASH_BULLETS = "-–—*+"
_BULLET_RE = re.compile(r"^(?:[" + re.escape(GLYPH_BULLETS) + r"]\s*|[" + re.escape(DASH_BULLETS) + r"]\s+)")
# An enumerator must be followed by whitespace so that "1.03" or "7.1" (section numbers) do not count.
LIST_ITEM_RE = re.compile(
    r"^(?:[" + re.escape(GLYPH_BULLETS) + r"]\s*"
    r"|[" + re.escape(DASH_BULLETS) + r"]\s+"
    r"|(?:\d{1,3}[.)]|[A-Za-z][.)]|\((?:\d{1,3}|[A-Za-z]|[ivxlcIVXLC]{1,6})\)|[ivxlc]{1,6}[.)])\s+)"
)


def normalize_text(text: str) -> str:
    """Collapse whitespace (including no-break and odd Unicode spaces) and drop soft hyphens."""
    return _SPACE_RE.sub(" ", text.replace("\u00ad", "").replace("\u200c", "")).strip()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def one_line(message: str, limit: int = 300) -> str:
    """Error messages end up in one table cell of a report: keep them to one bounded line."""
    text = normalize_text(message)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def assign_sections(blocks: list[Block]) -> None:
    """Give every block the texts of its enclosing headings, outermost first.

    A heading closes every open heading of the same or deeper level, so its own section is its
    ancestors only.
    """
    stack: list[tuple[int, str]] = []
    for block in blocks:
        if block.kind == "heading":
            level = block.level or 1
            while stack and stack[-1][0] >= level:
                stack.pop()
            block.section = [text for _, text in stack]
            stack.append((level, block.text))
        else:
            block.section = [text for _, text in stack]


def _title(blocks: list[Block]) -> str | None:
    """The top-level heading that comes first on the first page with headings.

    Plain "first heading" picks up running matter such as a Federal Register page's "BILLING CODE"
    line set above the notice's own title.
    """
    heads = [b for b in blocks if b.kind == "heading"]
    if not heads:
        return None
    first_page = [b for b in heads if b.page == heads[0].page]
    top = min(b.level or 1 for b in first_page)
    return next(b.text for b in first_page if (b.level or 1) == top)


def _first_line_title(blocks: list[Block], first_line: str | None) -> str | None:
    if first_line:
        return normalize_text(first_line)[:200] or None
    for block in blocks:
        if block.kind != "table_cell":
            return _cut(block.text, 120)
    return None


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[:limit]
    return head.rsplit(" ", 1)[0] if " " in head else head


def finish_document(
    *,
    path: str,
    sha256: str | None,
    fmt: str,
    blocks: list[Block],
    pages: int | None,
    filename: str,
    first_line: str | None = None,
) -> Document:
    """Build the Document from a reader's raw blocks: the only place readers' output is completed."""
    clean: list[Block] = []
    for block in blocks:
        block.text = normalize_text(block.text)
        if block.kind == "list_item":
            # Bullets are decoration (DOCX lists carry none in their text); enumerators such as "(a)"
            # are kept because requirements and cross-references cite them.
            block.text = _BULLET_RE.sub("", block.text)
        if block.text:
            clean.append(block)
    assign_sections(clean)

    headings = [b.text for b in clean if b.kind == "heading"]
    title = _title(clean) or _first_line_title(clean, first_line)
    coverage = Coverage(
        # Pages that yielded at least one block; formats without pages (most DOCX) report 0 here.
        pages_read=len({b.page for b in clean if b.page is not None}),
        characters=sum(len(b.text) for b in clean),
        headings=len(headings),
        tables=len({b.table for b in clean if b.kind == "table_cell"}),
    )
    doc = Document(
        path=path,
        sha256=sha256,
        format=fmt,
        kind=guess_kind(title, headings, filename),
        title=title,
        pages=pages,
        blocks=clean,
        coverage=coverage,
    )
    if not clean:
        doc.error = "no text found in the file"
    return doc


# Numbering that marks a heading: "1.", "IV.", "Section 3", "Article II", "2.1", "1.03-1". A bare "1." is
# deliberately included; callers decide from layout whether it is a heading or a list item.
_SECTION_NUMBER_RE = re.compile(
    r"^(?:(?P<word>section|article|part|chapter)\s+(?P<wnum>[0-9]+[0-9.\-]*|[IVXLC]{1,6})[.:]?"
    r"|(?P<num>\d{1,3}(?:[.\-]\d{1,3})*)\.?"
    r"|(?P<roman>[IVXLC]{1,6})\.)(?=\s+\S)",
    re.IGNORECASE,
)


def section_number_depth(text: str) -> int | None:
    """Depth of a leading section number ("1.03-1" -> 3, "IV." -> 1), or None if there is none."""
    match = _SECTION_NUMBER_RE.match(text)
    if not match:
        return None
    if match.group("roman"):
        # Lower-case roman numerals ("iv.") are list enumerators, not headings.
        return 1 if match.group("roman").isupper() else None
    if match.group("word"):
        return 1
    num = match.group("num")
    if "." not in num and "-" not in num and not text[len(num) :].startswith("."):
        return None  # a bare number with no dot ("2024 Work Plan") is not a section number
    return len(re.split(r"[.\-]", num))


def run_tool(command: list[str], timeout: float,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """subprocess.run for converters, but a timeout ends the tool's helper processes too, not only the one
    started (LibreOffice and ocrmypdf spawn their own)."""
    with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env, start_new_session=True) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    return subprocess.CompletedProcess(command, process.returncode, out, err)
