"""Plain-text and Markdown readers."""

from __future__ import annotations

import codecs
import re

from auditor.document import Block, Document

from .common import LIST_ITEM_RE, ReadError, check_size, finish_document, section_number_depth


def _bounded_text(data: bytes) -> str:
    """decode_text, refusing first a file that must be over the characters limit (at most 4 bytes a character),
    so a 100 MB text file is neither decoded nor split into lines."""
    from . import limits

    chars = limits.get("document_chars")
    if len(data) > 4 * chars:
        check_size(len(data) // 4, 0)
    text = decode_text(data)
    check_size(len(text), 0)
    return text


def decode_text(data: bytes) -> str:
    """Decode without ever failing: UTF-8 (with or without BOM), UTF-16 with BOM, cp1252, latin-1."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" in data[:4096]:
        raise ReadError("does not look like a text file (it contains NUL bytes); is it a renamed binary?")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # maps every byte, so this cannot fail


def _split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


# ---------------------------------------------------------------- plain text

_SENTENCE_END = (".", ",", ";")


def _plain_heading_level(line: str, next_line: str | None) -> int | None:
    """Level of a plain-text heading line, or None when the line is body text."""
    words = line.split()
    if not 1 <= len(words) <= 10 or line.endswith(_SENTENCE_END):
        return None
    letters = [c for c in line if c.isalpha()]
    all_caps = len(letters) >= 2 and all(c.isupper() for c in letters)
    depth = section_number_depth(line)
    # A bare "1." starts list items at least as often as headings; only an ALL CAPS one is a heading.
    if depth == 1 and re.match(r"\d", line) and not all_caps:
        depth = None
    if depth is None and not all_caps:
        return None
    if next_line is not None and not all_caps:
        # "2.1 The plan shall maintain" wrapped onto "a written program." is a sentence, not a heading.
        follower = next_line.strip()
        if follower and not (follower[0].isupper() or follower[0].isdigit() or LIST_ITEM_RE.match(follower)):
            return None
    return depth or 1


def _plain_paragraph_blocks(lines: list[str], page: int) -> list[Block]:
    blocks: list[Block] = []
    first = lines[0].strip()
    level = _plain_heading_level(first, lines[1] if len(lines) > 1 else None)
    if level is not None:
        blocks.append(Block(kind="heading", text=first, page=page, level=level))
        lines = lines[1:]
    # A block's lines are collected and joined once: `text += line` would copy the paragraph at every line.
    parts: list[list[str]] = []
    for raw in lines:
        line = raw.strip()
        if LIST_ITEM_RE.match(line):
            blocks.append(Block(kind="list_item", text="", page=page))
            parts.append([line])
        elif not parts:
            blocks.append(Block(kind="paragraph", text="", page=page))
            parts.append([line])
        else:
            # Wrapped lines (indented or not) continue the paragraph or list item above.
            parts[-1].append(line)
    for block, words in zip(blocks[len(blocks) - len(parts):], parts, strict=True):
        block.text = " ".join(words)
    return blocks


def _blank_separated(lines: list[str]) -> list[list[str]]:
    groups: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def read_plain_text(data: bytes, *, path: str, sha256: str, filename: str) -> Document:
    text = _bounded_text(data)
    pages = text.split("\f")
    # A file that ends with a form feed does not have an extra empty page.
    while len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    blocks: list[Block] = []
    first_line: str | None = None
    for page_no, page_text in enumerate(pages, start=1):
        for group in _blank_separated(_split_lines(page_text)):
            first_line = first_line or group[0]
            blocks.extend(_plain_paragraph_blocks(group, page_no))
    return finish_document(
        path=path,
        sha256=sha256,
        fmt="text",
        blocks=blocks,
        pages=len(pages),
        filename=filename,
        first_line=first_line,
    )


# ---------------------------------------------------------------- Markdown

# Every pattern here runs in time linear in the line: no two quantifiers can share the same characters (a heading
# padded with 60,000 spaces, or a line of 32,000 "**a ", took minutes with the patterns before these).
_ATX_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
_SETEXT_RE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE_RE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_MD_LIST_RE = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
_FENCE_RE = re.compile(r"^\s{0,3}(```|~~~)")
_TABLE_SEP_CELL_RE = re.compile(r":?-+:?")
_INLINE_SUBS = [
    # A span's text cannot hold what opens the next one, so a failed match stops where the next try starts.
    (re.compile(r"!\[([^\[\]]*)\]\([^()\[\]]*\)"), r"\1"),  # images -> alt text
    (re.compile(r"\[([^\[\]]+)\]\([^()\[\]]*\)"), r"\1"),  # links -> link text
    (re.compile(r"<[^<>\n]{1,200}>"), " "),  # inline HTML (<br>, <span>)
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"\*\*(?=\S)((?:[^*]|\*(?!\*))+?)(?<=\S)\*\*"), r"\1"),
    (re.compile(r"__(?=\S)((?:[^_]|_(?!_))+?)(?<=\S)__"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])"), r"\1"),
]


def _table_separator(line: str) -> bool:
    """A Markdown table's delimiter row ("| --- | :-: |"): cells of dashes with optional colons, at least one bar."""
    if "|" not in line or "-" not in line:
        return False
    cells = line.strip()
    cells = cells[1:] if cells.startswith("|") else cells
    cells = cells[:-1] if cells.endswith("|") else cells
    return all(_TABLE_SEP_CELL_RE.fullmatch(cell.strip()) for cell in cells.split("|"))


def _atx_heading(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading ("## Title ##"), the closing hashes and padding dropped."""
    match = _ATX_RE.match(line)
    if match is None:
        return None
    text = match.group(2).strip()
    if text.endswith("#"):
        head = text.rstrip("#")
        if not head or head[-1] in " \t":
            text = head.rstrip()
    return len(match.group(1)), text


def _inline(text: str) -> str:
    """Drop Markdown emphasis and link syntax: rules match on the words, not the markup."""
    for pattern, repl in _INLINE_SUBS:
        text = pattern.sub(repl, text)
    return text


def _table_row(line: str) -> list[str]:
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
    cells = re.split(r"(?<!\\)\|", line)
    return [_inline(c.replace("\\|", "|").strip()) for c in cells]


def _front_matter(lines: list[str]) -> tuple[list[Block], list[str]]:
    """Drop YAML front matter; turn a Pandoc title block ("% Title", "% Author", "% Date") into blocks.

    The Pandoc title becomes a level-1 heading, as the Title style does in a DOCX made from it.
    """
    if lines and lines[0].strip() == "---":
        for i in range(1, min(len(lines), 200)):
            if lines[i].strip() in ("---", "..."):
                return [], lines[i + 1 :]
    blocks: list[Block] = []
    i = 0
    while i < len(lines) and lines[i].startswith("%"):
        text = _inline(lines[i][1:].strip())
        if text:
            kind = "heading" if i == 0 else "paragraph"
            blocks.append(Block(kind=kind, text=text, level=1 if i == 0 else None))
        i += 1
    return blocks, lines[i:]


def read_markdown(data: bytes, *, path: str, sha256: str, filename: str) -> Document:
    blocks, lines = _front_matter(_split_lines(_bounded_text(data)))
    current: Block | None = None  # paragraph or list item still collecting lines
    collected: list[tuple[Block, list[str]]] = []  # each such block's lines, joined once at the end
    para_lines = 0
    table_index = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith(">"):
            stripped = stripped.lstrip("> ").strip()
        if _FENCE_RE.match(line):
            fence = _FENCE_RE.match(line).group(1)  # type: ignore[union-attr]
            body: list[str] = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(fence):
                body.append(lines[i])
                i += 1
            blocks.append(Block(kind="paragraph", text=" ".join(body)))
            current = None
        elif not stripped:
            current = None
        elif heading := _atx_heading(line):
            blocks.append(Block(kind="heading", text=_inline(heading[1]), level=heading[0]))
            current = None
        elif _SETEXT_RE.match(line) and current is not None and current.kind == "paragraph" and para_lines == 1:
            current.kind = "heading"
            current.level = 1 if stripped.startswith("=") else 2
            current = None
        elif _RULE_RE.match(line):
            current = None
        elif "|" in stripped and i + 1 < len(lines) and _table_separator(lines[i + 1]):
            rows = [_table_row(line)]
            i += 2
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                rows.append(_table_row(lines[i]))
                i += 1
            for r, row in enumerate(rows):
                blocks.extend(
                    Block(kind="table_cell", text=cell, table=table_index, row=r, col=c)
                    for c, cell in enumerate(row)
                    if cell
                )
            table_index += 1
            current = None
            continue
        elif _MD_LIST_RE.match(line):
            current = Block(kind="list_item", text="")
            blocks.append(current)
            collected.append((current, [_inline(stripped)]))
        elif current is not None:
            collected[-1][1].append(_inline(stripped))
            para_lines += 1
        else:
            current = Block(kind="paragraph", text="")
            blocks.append(current)
            collected.append((current, [_inline(stripped)]))
            para_lines = 1
        i += 1
    for block, parts in collected:
        block.text = " ".join(parts)
    return finish_document(
        path=path,
        sha256=sha256,
        fmt="markdown",
        blocks=blocks,
        pages=None,
        filename=filename,
    )
