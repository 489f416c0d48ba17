"""The annotate step: documents become passages (sentences, headings, table rows) tagged with the terms found.

A passage is the smallest quotable unit of evidence. Each carries the terms found in its own text and,
separately, the terms found in its context (the headings above it, a table's header row), so a check
can tell "the sentence says it" from "the heading says it".
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from auditor.document import Block, Document
from auditor.nlp import Vocabulary, process

# Dot or underscore leaders running to a page number: a table-of-contents line.
_TOC_LINE = re.compile(r"(\.{5,}|_{5,}|…{2,})\s*(page\s*)?\d+\b", re.IGNORECASE)
# A "sentence" that is only a list label ("1.", "b)") belongs to the sentence after it.
_LABEL_ONLY = re.compile(r"^\(?([0-9]{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)]$")


@dataclass
class Passage:
    doc: int  # index into the document list
    block: int  # index of the (first) block within the document
    text: str
    page: int | None
    section: tuple[str, ...]
    kind: str  # heading, sentence, row
    terms: set[str] = field(default_factory=set)
    context_terms: set[str] = field(default_factory=set)
    context: str = ""  # heading path and table header, for display
    block_kind: str = "paragraph"  # the kind of block it came from: heading, paragraph, list_item, table_cell
    row: int | None = None  # for a table row: its index (0 is the header row)
    # Terms of its lead: a table row's first cell, or the label of a "Label: value" sentence ("Measure: ...").
    lead_terms: set[str] = field(default_factory=set)

    @property
    def section_key(self) -> tuple[int, tuple[str, ...]]:
        """The section this passage belongs to; a heading belongs to the section it opens."""
        if self.kind == "heading":
            return (self.doc, (*self.section, self.text))
        return (self.doc, self.section)


@dataclass
class Corpus:
    documents: list[Document]
    passages: list[Passage]
    by_section: dict[tuple[int, tuple[str, ...]], list[int]]
    by_block: dict[tuple[int, int], list[int]]
    title_terms: dict[int, set[str]]  # per document: the terms of its title and file name


def _table_rows(blocks: list[tuple[int, Block]]) -> list[tuple[int, Block, str, str]]:
    """Group table cells into rows: (first block index, first block, row text, header text)."""
    rows: dict[tuple[int | None, int | None], list[tuple[int, Block]]] = defaultdict(list)
    for index, block in blocks:
        rows[(block.table, block.row)].append((index, block))
    headers = {table: " | ".join(b.text for _, b in cells if b.text)
               for (table, row), cells in rows.items() if row == 0}
    result = []
    for (table, row), cells in rows.items():
        text = " | ".join(b.text for _, b in cells if b.text)
        if text:
            header = headers.get(table, "") if row != 0 else ""
            result.append((cells[0][0], cells[0][1], text, header))
    return result


def build_corpus(documents: list[Document], vocabulary: Vocabulary) -> Corpus:
    """Split readable documents into passages and tag each with the terms the vocabulary finds."""
    units: list[tuple[int, int, Block, str, str, str]] = []  # doc, block index, block, text, kind, header
    for d, document in enumerate(documents):
        if document.error:
            continue
        cells: list[tuple[int, Block]] = []
        for b, block in enumerate(document.blocks):
            if block.kind == "table_cell":
                cells.append((b, block))
            elif block.text.strip():
                units.append((d, b, block, block.text, "heading" if block.kind == "heading" else "text", ""))
        for b, block, text, header in _table_rows(cells):
            units.append((d, b, block, text, "row", header))
    units.sort(key=lambda u: (u[0], u[1]))

    passages: list[Passage] = []
    header_terms: dict[str, set[str]] = {}  # a table's header row, matched once rather than once per row
    docs = process(u[3] for u in units)
    for (d, b, block, unit_text, kind, header), sdoc in zip(units, docs, strict=True):
        matches = vocabulary.match(sdoc, unit_text)  # spaCy keeps the text as given: unit_text is sdoc.text
        spans = _sentences(sdoc) if kind == "text" else [(0, len(sdoc))]
        for start, end in spans:
            text = sdoc[start:end].text.strip()
            if not text or _TOC_LINE.search(text):
                continue  # a table of contents names topics; it says nothing about them
            terms = {name for name, s, _e in matches if start <= s < end}
            lead = _lead_end(sdoc, start, end, kind == "row")
            lead_terms = {name for name, s, _e in matches if start <= s < lead} if lead else set()
            passages.append(Passage(doc=d, block=b, text=text, page=block.page, section=tuple(block.section),
                                    kind="sentence" if kind == "text" else kind, terms=terms,
                                    context=" > ".join([*block.section, header] if header else block.section),
                                    block_kind=block.kind, row=block.row,
                                    lead_terms=lead_terms))
            if header:
                if header not in header_terms:
                    header_terms[header] = _terms_of(header, vocabulary)
                passages[-1].context_terms |= header_terms[header]
    _add_defined_terms(passages, vocabulary)
    _add_context_terms(passages, documents, vocabulary)
    _add_list_stems(passages)
    title_terms = _title_terms(documents, vocabulary)

    by_section: dict[tuple[int, tuple[str, ...]], list[int]] = defaultdict(list)
    by_block: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, passage in enumerate(passages):
        by_section[passage.section_key].append(i)
        by_block[(passage.doc, passage.block)].append(i)
    return Corpus(documents=documents, passages=passages, by_section=dict(by_section), by_block=dict(by_block),
                  title_terms=title_terms)


_MAX_LABEL_TOKENS = 6


def _lead_end(sdoc, start: int, end: int, row: bool) -> int | None:
    """Where a passage's lead ends: a row's first " | ", or the colon of a short label opening a sentence."""
    for i in range(start, end if row else min(end, start + _MAX_LABEL_TOKENS + 1)):
        if sdoc[i].text == ("|" if row else ":"):
            return i if i > start else None
    return None


def _sentences(sdoc) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    carry: int | None = None
    for sent in sdoc.sents:
        if _LABEL_ONLY.match(sent.text.strip()):
            carry = sent.start if carry is None else carry
            continue
        spans.append((carry if carry is not None else sent.start, sent.end))
        carry = None
    if carry is not None:
        spans.append((carry, len(sdoc)))
    return spans


def _terms_of(text: str, vocabulary: Vocabulary) -> set[str]:
    return {name for name, _s, _e in vocabulary.match(next(iter(process([text]))))}


# 'The Quality Improvement Council (the "Council")': a defined short form, used for the full name after it.
_DEFINITION = re.compile(r"(?P<full>[A-Z][\w&/,' -]{2,80}?)\s*\((?:the\s+|hereinafter\s+(?:the\s+)?)?[\"“”']"
                         r"(?P<alias>[A-Z][\w&/ -]{1,30}?)[\"“”']\)")


def _add_defined_terms(passages: list[Passage], vocabulary: Vocabulary) -> None:
    """Where a document defines a short form ("Quality Improvement Council (the "Council")"), later
    passages that use the short form carry the terms of the full name: "the Council orders actions"
    is the committee ordering actions."""
    # Both loops test a plain substring first ("(" and the alias itself), which every match needs: running the
    # regexes on every passage of a long document cost a good part of a second.
    definitions: dict[int, list[tuple[int, str, re.Pattern, set[str]]]] = {}
    for i, passage in enumerate(passages):
        if "(" not in passage.text:
            continue
        for match in _DEFINITION.finditer(passage.text):
            terms = _terms_of(match.group("full"), vocabulary)
            if terms:
                word = match.group("alias")
                alias = re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)")
                definitions.setdefault(passage.doc, []).append((i, word, alias, terms))
    for doc, found in definitions.items():
        for i, passage in enumerate(passages):
            if passage.doc != doc:
                continue
            for start, word, alias, terms in found:
                if i > start and word in passage.text and alias.search(passage.text):
                    passage.terms |= terms


_ENUMERATOR = re.compile(r"^\s*(\(?[a-zA-Z0-9]{1,3}[.)]|[•\-–*▪])\s")


def _add_list_stems(passages: list[Passage]) -> None:
    """A list item's lead-in is its context: in "Provider shall maintain policies that: (a) protect ...",
    item (a) carries the obligation of the sentence that introduces the list.

    Items are list-item blocks, or paragraphs opening with an enumerator ("(a)", "2.") after a lead-in that
    ends with a colon, as contracts often lay them out.
    """
    stem: set[str] = set()
    stem_key: tuple | None = None
    colon = False
    for passage in passages:
        key = (passage.doc, passage.section)
        is_item = passage.block_kind == "list_item" or (colon and bool(_ENUMERATOR.match(passage.text)))
        if is_item and stem_key == key:
            passage.context_terms |= stem
        elif passage.kind == "sentence":
            # the last sentence before the items is their lead-in
            stem, stem_key, colon = passage.terms, key, passage.text.rstrip().endswith(":")
        else:
            stem, stem_key, colon = set(), None, False


def _title_terms(documents: list[Document], vocabulary: Vocabulary) -> dict[int, set[str]]:
    """Terms of each readable document's title and file name ("org-chart-2025.pdf" names an org chart)."""
    out = {}
    for d, doc in enumerate(documents):
        if not doc.error:
            stem = re.sub(r"[_\-.]+", " ", PurePosixPath(doc.path).stem)
            out[d] = _terms_of(f"{doc.title or ''}. {stem}", vocabulary)
    return out


def _add_context_terms(passages: list[Passage], documents: list[Document], vocabulary: Vocabulary) -> None:
    """Context terms of a passage: those of the document's title and of every heading above it.

    The title counts for every passage: under "Quality Improvement Program Description", a section on
    "Data and Analytic Resources" is about the program's resources even when its heading does not say so.
    """
    heading_terms: dict[tuple[int, tuple[str, ...]], set[str]] = {
        p.section_key: p.terms for p in passages if p.kind == "heading"
    }
    titles = {d: _terms_of(doc.title, vocabulary) for d, doc in enumerate(documents) if doc.title and not doc.error}
    for passage in passages:
        passage.context_terms |= titles.get(passage.doc, set())
        path = passage.section_key[1]
        for depth in range(1, len(path) + 1):
            passage.context_terms |= heading_terms.get((passage.doc, path[:depth]), set())
