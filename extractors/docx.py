"""DOCX reader (python-docx), walking body paragraphs and tables in document order."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from auditor.document import Block, Document

from . import limits
from .common import MAX_ZIP_ENTRIES, ReadError, check_size, finish_document, zip_entries

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADING_NAME_RE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_T, _BR, _LRPB = qn("w:t"), qn("w:br"), qn("w:lastRenderedPageBreak")
_TYPE, _VAL = qn("w:type"), qn("w:val")


@dataclass(frozen=True)
class _Style:
    heading_level: int | None = None
    is_list: bool = False
    is_toc: bool = False
    bold: bool | None = None
    page_break_before: bool = False


def _style_chain(style: Any) -> list[Any]:
    chain, seen = [], set()
    while style is not None and style.style_id not in seen:  # guard against basedOn cycles
        seen.add(style.style_id)
        chain.append(style)
        style = style.base_style
    return chain


def _outline_level(element: Any) -> int | None:
    """w:outlineLvl 0-8 marks a heading (Word's navigation pane); 9 means body text."""
    ppr = element.find(qn("w:pPr")) if element is not None else None
    lvl = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
    if lvl is not None and (val := lvl.get(_VAL, "")).isdigit() and int(val) < 9:
        return int(val) + 1
    return None


def _has_numbering(element: Any) -> bool:
    """True if a w:pPr-bearing element applies a numbering definition.

    A numPr without a numId (the stock Subtitle style has one) or with numId 0 numbers nothing.
    """
    ppr = element.find(qn("w:pPr")) if element.tag != qn("w:pPr") else element
    num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
    num_id = num_pr.find(qn("w:numId")) if num_pr is not None else None
    return num_id is not None and num_id.get(_VAL) not in (None, "0")


def _build_styles(document: Any) -> tuple[dict[str, _Style], _Style, dict[str, bool]]:
    """Resolve every paragraph style once: looking up p.style per paragraph is the measured cost."""
    styles: dict[str, _Style] = {}
    char_bold: dict[str, bool] = {}
    for style in document.styles:
        try:
            chain = _style_chain(style)
            bold = next((s.font.bold for s in chain if s.font.bold is not None), None)
            if style.type == WD_STYLE_TYPE.CHARACTER:
                char_bold[style.style_id] = bool(bold)
                continue
            if style.type != WD_STYLE_TYPE.PARAGRAPH:
                continue
            level = None
            for s in chain:
                name = s.name or ""
                if match := _HEADING_NAME_RE.match(name):
                    level = int(match.group(1))
                elif name.lower() == "title":
                    level = 1  # the document title sits at the top level, beside Heading 1
                else:
                    level = _outline_level(s.element)
                if level is not None:
                    break
            names = [(s.name or "").lower() for s in chain]
            styles[style.style_id] = _Style(
                heading_level=level,
                is_list="list" in names[0] or any(_has_numbering(s.element) for s in chain),
                is_toc=names[0].startswith("toc "),
                bold=bold,
                page_break_before=any(bool(s.paragraph_format.page_break_before) for s in chain),
            )
        except (AttributeError, KeyError, ValueError):
            continue  # a malformed style definition should not cost the whole document
    default_style = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    default = styles.get(default_style.style_id, _Style()) if default_style is not None else _Style()
    return styles, default, char_bold


def _break_positions(element: Any, rendered: bool) -> tuple[int, int]:
    """Page breaks in an element: (before any of its text, after some of its text)."""
    before = after = 0
    seen_text = False
    for el in element.iter(_T, _BR, _LRPB):
        if el.tag == _T:
            seen_text = seen_text or bool(el.text and el.text.strip())
            continue
        if rendered != (el.tag == _LRPB) or (el.tag == _BR and el.get(_TYPE) != "page"):
            continue
        if seen_text:
            after += 1
        else:
            before += 1
    return before, after


class _DocxReader:
    def __init__(self, document: Any) -> None:
        self.styles, self.default_style, self.char_bold = _build_styles(document)
        body = document.element.body
        # Word writes w:lastRenderedPageBreak wherever a page began when it last laid the file out,
        # explicit breaks included; if present it is the better record, and mixing the two would
        # count explicit breaks twice.
        self.rendered = next(body.iter(_LRPB), None) is not None
        self.page = 1
        self.saw_break = False
        self.table_index = 0
        self.last_style_level = 0
        self.blocks: list[Block] = []
        self.characters = 0

    def _add(self, block: Block) -> None:
        self.blocks.append(block)
        self.characters += len(block.text)
        if len(self.blocks) % 1000 == 0:
            check_size(self.characters, len(self.blocks))  # stop a document over the limits as soon as it is

    def _advance(self, n: int) -> None:
        if n:
            self.page += n
            self.saw_break = True

    def paragraph(self, p: Paragraph) -> None:
        ppr = p._p.pPr
        style_id = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None
        style = self.styles.get(style_id, self.default_style) if style_id else self.default_style
        before, after = _break_positions(p._p, self.rendered)
        if not self.rendered and (style.page_break_before or (ppr is not None and ppr.pageBreakBefore_val)):
            before = max(before, 1)
        if not self.rendered and ppr is not None:
            sect = ppr.find(qn("w:sectPr"))
            if sect is not None:
                kind = sect.find(qn("w:type"))
                # A section break other than "continuous" starts the next section on a new page.
                if kind is None or kind.get(_VAL) not in ("continuous",):
                    after += 1
        self._advance(before)
        text = p.text
        if text.strip() and not style.is_toc:
            self._add(self._classify(p, text, style, ppr))
        self._advance(after)

    def _classify(self, p: Paragraph, text: str, style: _Style, ppr: Any) -> Block:
        direct_level = _outline_level(p._p)
        level = style.heading_level or direct_level
        if level is not None:
            self.last_style_level = level
            return Block(kind="heading", text=text, page=self.page, level=level)
        has_num = ppr is not None and _has_numbering(ppr)
        if not style.is_list and self._looks_like_bold_heading(p, text, style):
            # Numbered bold one-liners ("1. PURPOSE") are headings more often than list items.
            return Block(kind="heading", text=text, page=self.page, level=self.last_style_level + 1)
        if style.is_list or has_num:
            return Block(kind="list_item", text=text, page=self.page)
        return Block(kind="paragraph", text=text, page=self.page)

    def _looks_like_bold_heading(self, p: Paragraph, text: str, style: _Style) -> bool:
        stripped = text.strip()
        if len(stripped.split()) > 10 or stripped.endswith("."):
            return False
        runs = [r for r in p.runs if r.text.strip()]
        if not runs:
            return False
        for run in runs:
            bold = run.bold
            if bold is None:
                rpr = run._r.rPr
                char_style = rpr.rStyle.val if rpr is not None and rpr.rStyle is not None else None
                bold = self.char_bold.get(char_style) if char_style else None
            if bold is None:
                bold = style.bold
            if not bold:
                return False
        return True

    def table(self, table: Table) -> None:
        index = self.table_index
        self.table_index += 1
        for r, row in enumerate(table.rows):
            cells = row.cells
            breaks = [_break_positions(cell._tc, self.rendered) for cell in cells]
            self._advance(max((b for b, _ in breaks), default=0))
            seen: list[Any] = []  # held so the lxml proxies stay alive and `is` comparisons hold
            for c, cell in enumerate(cells):
                # A merged cell is returned once per grid column it spans: emit it once.
                if any(cell._tc is s for s in seen):
                    continue
                seen.append(cell._tc)
                text = _cell_text(cell)
                if text.strip():
                    self._add(Block(kind="table_cell", text=text, page=self.page, table=index, row=r, col=c))
            self._advance(max((a for _, a in breaks), default=0))


def _cell_text(cell: _Cell) -> str:
    parts: list[str] = []
    for item in cell.iter_inner_content():
        if isinstance(item, Paragraph):
            parts.append(item.text)
        else:  # nested table: flatten, the words still belong to this cell
            parts.extend(_cell_text(inner) for row in item.rows for inner in row.cells)
    return " ".join(parts)


def _open(data: bytes) -> Any:
    if data.startswith(_OLE_MAGIC):
        raise ReadError(
            "not a .docx: this is a legacy Word .doc or a password-protected file; save it as an unprotected .docx"
        )
    if not data.startswith(b"PK"):
        raise ReadError("not a valid .docx file (it is not a ZIP package)")
    _check_parts(data)
    try:
        return docx.Document(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ReadError(f"damaged .docx (the ZIP package is corrupt or truncated: {exc})") from exc
    except (OpcError, KeyError, ValueError) as exc:
        raise ReadError(f"not a Word document, or a damaged one ({type(exc).__name__}: {exc})") from exc
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"damaged .docx (malformed XML: {exc})") from exc


def _check_parts(data: bytes) -> None:
    """Refuse a package whose parts would inflate past the limits, before any of them is inflated: each part
    against the part limit, all of them against the per-file limit. zipfile never inflates a part past the size its
    directory declares (a part that lies fails its CRC check), so the declared sizes bound the memory."""
    entries = zip_entries(data)
    if entries is not None and entries > MAX_ZIP_ENTRIES:
        raise ReadError(f"not a Word document: its ZIP package declares {entries:,} parts (a .docx has a few dozen)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(f"damaged .docx (the ZIP package is corrupt or truncated: {exc})") from exc
    part_limit, total_limit = limits.mb("docx_part_mb"), limits.mb("file_mb")
    for info in infos:
        if info.file_size > part_limit:
            raise ReadError(limits.exceeded(
                "docx_part_mb", f"its part {info.filename[:80]} inflates to {info.file_size / 1_048_576:,.0f} MB"))
    total = sum(info.file_size for info in infos)
    if total > total_limit:
        raise ReadError(limits.exceeded("file_mb", f"its parts inflate to {total / 1_048_576:,.0f} MB in all"))


def read_docx(data: bytes, *, path: str, sha256: str, filename: str) -> Document:
    document = _open(data)
    reader = _DocxReader(document)
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            reader.paragraph(item)
        else:
            reader.table(item)
    blocks = reader.blocks
    pages: int | None = reader.page
    if not reader.saw_break:
        # Without any recorded break a page number would be a guess; locations use the section path.
        pages = None
        for block in blocks:
            block.page = None
    return finish_document(path=path, sha256=sha256, fmt="docx", blocks=blocks, pages=pages, filename=filename)
