"""Finishing code every reader shares: text clean-up, section paths, coverage, title and kind."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import subprocess

from auditor.document import Block, Coverage, Document, names_a_topic

from .kind import guess_kind


class ReadError(Exception):
    """A failure whose message is already fit to show a user (one line, no traceback)."""


class FileTimeLimit(BaseException):  # noqa: N818 - like KeyboardInterrupt: readers' `except Exception` let it by
    """The file took longer to read than the time limit per file (raised from SIGALRM, see time_limit)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


_SPACE_RE = re.compile(r"[ \t\r\n\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# Control characters other than white space (NUL, ESC, DEL, C1): never text, and harmful in a report or a terminal.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")

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
    """Collapse whitespace (including no-break and odd Unicode spaces), drop soft hyphens and control characters."""
    text = text.replace("\u00ad", "").replace("\u200c", "")
    return _SPACE_RE.sub(" ", _CONTROL_RE.sub("", text)).strip()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def one_line(message: str, limit: int = 300) -> str:
    """Error messages end up in one table cell of a report: keep them to one bounded line."""
    text = normalize_text(message)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


MAX_ZIP_ENTRIES = 10_000  # a Word file has a few dozen parts; a ZIP's directory is read into memory whole


def zip_entries(data: bytes) -> int | None:
    """The number of entries a ZIP's end-of-central-directory record declares (None when there is none to read),
    read before zipfile builds an object per entry."""
    import struct

    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    (count,) = struct.unpack_from("<H", data, end + 10)
    if count == 0xFFFF:  # ZIP64: the count is in the ZIP64 end record, whose place the locator before this gives
        locator = end - 20
        if locator >= 0 and data[locator:locator + 4] == b"PK\x06\x07":
            (offset,) = struct.unpack_from("<Q", data, locator + 8)
            if offset + 56 <= len(data) and data[offset:offset + 4] == b"PK\x06\x06":
                (count,) = struct.unpack_from("<Q", data, offset + 32)
    return count


def assign_sections(blocks: list[Block]) -> None:
    """Give every block the texts of its enclosing headings, outermost first.

    A heading closes every open heading of the same or deeper level, so its own section is its
    ancestors only.
    """
    stack: list[tuple[float, str]] = []
    levels = _effective_levels(blocks)
    for i, block in enumerate(blocks):
        if block.kind == "heading":
            level = levels[i]
            while stack and stack[-1][0] >= level:
                stack.pop()
            block.section = [text for _, text in stack]
            stack.append((level, block.text))
        else:
            block.section = [text for _, text in stack]


_BARE_NUMBER = re.compile(r"^\d{1,2}\s+[A-Z]")  # "3 Study summaries": a number without its dot


def _effective_levels(blocks: list[Block]) -> dict[int, float]:
    """Heading levels as the layout shows them. A heading with nothing under it before the next heading of its
    level ("Clinical guidelines", then "Q17. Which guidelines ...", "Q18. ...", all in one style) opens a part: the
    headings of its level that follow, up to the next such heading or a higher one, sit inside it."""
    levels: dict[int, float] = {}
    heads = [i for i, b in enumerate(blocks) if b.kind == "heading"]
    part: int | None = None  # the level of the open part heading
    part_number: int | None = None  # the depth of its section number ("5." -> 1), if it has one
    for n, i in enumerate(heads):
        level = blocks[i].level or 1
        nxt = heads[n + 1] if n + 1 < len(heads) else None
        # a part's name is a short label ("Clinical guidelines"), not a subtitle line that says something
        # ("Approved by the Board of Directors on January 28, 2025")
        label = names_a_topic(blocks[i].text)
        empty = label and nxt == i + 1 and (blocks[nxt].level or 1) == level
        number = section_number_depth(blocks[i].text) or (1 if _BARE_NUMBER.match(blocks[i].text) else None)
        if part is not None and (level < part or (
                # "6. Continuity" after the part "5. Quality of service studies" and its "QoS-1", "QoS-2" is the
                # part's sibling: its number is of the part's own depth
                level == part and part_number is not None and number is not None and number <= part_number)):
            part = None
        if empty and n > 0:
            part, part_number = level, number
            levels[i] = level
        elif part is not None and level == part:
            levels[i] = level + 0.5
        else:
            levels[i] = level
    return levels


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


def split_long(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut after a sentence's end where one falls in the last fifth
    of a piece, else at a space, else anywhere."""
    pieces = []
    while len(text) > limit:
        window = text[:limit]
        cut = max(window.rfind(". ", limit * 4 // 5), window.rfind("; ", limit * 4 // 5))
        if cut > 0:
            cut += 1
        else:
            cut = window.rfind(" ", limit // 2)
            cut = cut if cut > 0 else limit
        pieces.append(text[:cut].strip())
        text = text[cut:].lstrip()
    pieces.append(text)
    return [piece for piece in pieces if piece]


def _bounded_blocks(blocks: list[Block], limit: int) -> list[Block]:
    """No block longer than the block limit, nor a table row (its cells joined): a longer block is split into
    blocks of the same kind and place (a heading's continuation is a paragraph), and the cells of an over-long row
    become paragraphs. Every unit the annotate step makes of a block or a row then fits spaCy's 1,000,000."""
    row_length: dict[tuple[int | None, int | None], int] = {}
    for block in blocks:
        if block.kind == "table_cell":
            key = (block.table, block.row)
            row_length[key] = row_length.get(key, 0) + len(block.text) + 3
    out: list[Block] = []
    for block in blocks:
        if block.kind == "table_cell" and row_length[(block.table, block.row)] > limit:
            block = block.model_copy(update={"kind": "paragraph", "table": None, "row": None, "col": None})
        if len(block.text) <= limit:
            out.append(block)
            continue
        for n, piece in enumerate(split_long(block.text, limit)):
            update = {"text": piece}
            if n and block.kind == "heading":
                update.update(kind="paragraph", level=None)
            out.append(block.model_copy(update=update))
    return out


# A paragraph cut off mid-sentence: it ends in a word broken at its hyphen ("Septem-") or with no closing
# punctuation, and the next paragraph goes on in lower case ("ber and December."), as a scan's text layer or a
# line-by-line conversion leaves a sentence.
_BROKEN_WORD = re.compile(r"[A-Za-z]{2}-$")
_OPEN_END = re.compile(r"[A-Za-z,]$")
_GOES_ON = re.compile(r"^[a-z]")


def _join_broken_lines(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        last = out[-1] if out else None
        if (last is not None and block.kind == last.kind == "paragraph" and _GOES_ON.match(block.text)
                and (block.page is None or last.page is None or block.page - last.page in (0, 1))):
            if _BROKEN_WORD.search(last.text):
                last.text = last.text[:-1] + block.text
                continue
            if _OPEN_END.search(last.text):
                last.text = f"{last.text} {block.text}"
                continue
        out.append(block)
    return out


def check_size(characters: int, blocks: int) -> None:
    """Refuse a document over the characters or blocks limit (readers call it as they go, to stop early)."""
    from . import limits

    if characters > limits.get("document_chars"):
        raise ReadError(limits.exceeded("document_chars", f"the document has more than {characters:,} characters"))
    if blocks > limits.get("document_blocks"):
        raise ReadError(limits.exceeded("document_blocks", f"the document has more than {blocks:,} blocks"))


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
    from . import limits

    clean: list[Block] = []
    characters = 0
    for block in blocks:
        block.text = normalize_text(block.text)
        if block.kind == "list_item":
            # Bullets are decoration (DOCX lists carry none in their text); enumerators such as "(a)"
            # are kept because requirements and cross-references cite them.
            block.text = _BULLET_RE.sub("", block.text)
        if block.text:
            clean.append(block)
            characters += len(block.text)
    check_size(characters, len(clean))
    clean = _join_broken_lines(clean)
    clean = _bounded_blocks(clean, int(limits.get("block_chars")))
    assign_sections(clean)

    headings = [b.text for b in clean if b.kind == "heading"]
    title = _title(clean) or _first_line_title(clean, first_line)
    coverage = Coverage(
        # Pages that yielded at least one block; formats without pages (most DOCX) report 0 here.
        pages_read=len({b.page for b in clean if b.page is not None}),
        characters=sum(len(b.text) for b in clean),
        headings=len(headings),
        lists=sum(1 for b in clean if b.kind == "list_item"),
        tables=len({b.table for b in clean if b.kind == "table_cell"}),
    )
    doc = Document(
        path=path,
        sha256=sha256,
        format=fmt,
        kind=guess_kind(title, headings, filename),
        title=_cut(title, 300) if title else title,  # a "title" of a 100,000-character heading is no title
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


def run_tool(command: list[str], timeout: float, env: dict[str, str] | None = None,
             memory_mb: int | None = None) -> subprocess.CompletedProcess[bytes]:
    """subprocess.run for converters, but a timeout ends the tool's helper processes too, not only the one
    started (LibreOffice and ocrmypdf spawn their own), and so does anything else that stops the wait (the time
    limit per file, Ctrl-C). The time-out is cut to what is left of the file's time limit; `memory_mb` caps the
    address space of the tool and of each process it starts."""
    from . import time_left

    left = time_left()
    if left is not None and left < timeout:
        timeout = max(left, 1.0)

    def cap() -> None:
        import resource

        size = memory_mb * 1_048_576
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env, start_new_session=True,
                          preexec_fn=cap if memory_mb and os.name == "posix" else None) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    return subprocess.CompletedProcess(command, process.returncode, out, err)
