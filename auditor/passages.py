"""The annotate step: documents become passages (sentences, headings, table rows) tagged with the terms found.

A passage is the smallest quotable unit of evidence. Each carries the terms found in its own text and,
separately, the terms found in its context (the headings above it, a table's header row), so a check
can tell "the sentence says it" from "the heading says it".
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from auditor import relations, roles, statements
from auditor.document import Block, Document
from auditor.nlp import Vocabulary, process

if TYPE_CHECKING:
    from spacy.tokens import Doc

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
    # What the passage asserts: the terms with at least one occurrence that is a statement of practice; for the
    # others, the statement kinds of their occurrences (auditor.statements: "permission", "placeholder", ...).
    asserted: set[str] = field(default_factory=set)
    kinds: dict[str, frozenset[str]] = field(default_factory=dict)
    # A passage that as a whole is not the plan's statement: "restates_rule" (the rule's own words, a crosswalk's
    # question cell), else None.
    statement: str | None = None
    # The kinds of the cues whose scope reaches the end of a sentence ending with a colon: what its list items are
    # ("The committee may:" introduces options).
    trailing: frozenset[str] = frozenset()
    # The characters of the passage's text that cues reach, with their kinds: (start, end, kinds).
    marks: list[tuple[int, int, frozenset[str]]] = field(default_factory=list)
    # A crosswalk row's question cells, as character spans of its text: the rule's words, not the plan's.
    questions: list[tuple[int, int]] = field(default_factory=list)
    # A table row whose item is not in effect yet: a placeholder where its column says approved, adopted or
    # reviewed ("Well-child | AAP Bright Futures | Pending" under "CAP review").
    pending: bool = False

    def kinds_at(self, start: int, end: int) -> frozenset[str]:
        """The statement kinds of the cues reaching any character in [start, end) of the text."""
        return frozenset().union(*(k for a, z, k in self.marks if a < end and z > start))

    def hollow(self) -> bool:
        """The passage as a whole says nothing yet: the rule's words, or mostly a placeholder, a plan for later or a
        pointer elsewhere ("Overall effectiveness: to be finalized in the full report")."""
        if self.statement:
            return True
        empty = sum(z - a for a, z, k in self.marks if k & {"placeholder", "plan", "pointer"})
        return bool(self.text) and empty >= 0.5 * len(self.text)

    def asserts(self, term: str, accept: frozenset[str] = frozenset()) -> bool:
        """The passage says the term as practice, or only in the given other kinds."""
        if term in self.asserted:
            return True
        return bool(accept) and term in self.terms and self.kinds.get(term, frozenset()) <= accept

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
    names: list[roles.Name] = field(default_factory=list)  # how the plan names things
    relations: list[relations.Relation] = field(default_factory=list)  # approvals, by what, whom and when


@dataclass
class _Unit:
    """One piece of text the pipeline reads as a whole: a heading, a paragraph or list item, or a table row."""

    doc: int
    block: int  # index of its (first) block
    first: Block
    text: str
    kind: str  # heading, text, row
    header: str = ""  # a row's table header row
    # A row's cells: (column, first character, end character) in `text`, and the header row's cells by column.
    cells: list[tuple[int, int, int]] = field(default_factory=list)
    header_cells: dict[int, str] = field(default_factory=dict)
    questions: set[int] = field(default_factory=set)  # columns that state the rule rather than answer it


def _table_units(d: int, blocks: list[tuple[int, Block]], echo: statements.RuleEcho | None) -> list[_Unit]:
    """Table cells grouped into rows, with each cell's place in the row's text and the header row's cells.

    A crosswalk (a table whose first cells cite or quote the rule, the plan's answer beside them) gets those cells
    marked as questions: the rule's words are not the plan's evidence, and the answer is read under them."""
    rows: dict[tuple[int | None, int | None], list[tuple[int, Block]]] = defaultdict(list)
    for index, block in blocks:
        rows[(block.table, block.row)].append((index, block))
    headers = {table: {b.col or 0: b.text for _, b in cells if b.text} for (table, row), cells in rows.items()
               if row == 0}
    questions = _question_columns(rows, echo) if echo is not None else {}
    result = []
    for (table, row), cells in rows.items():
        parts, spans, at = [], [], 0
        for _, b in cells:
            if not b.text:
                continue
            if parts:
                at += 3  # " | "
            parts.append(b.text)
            spans.append((b.col or 0, at, at + len(b.text)))
            at += len(b.text)
        if not parts:
            continue
        head = headers.get(table, {}) if row != 0 else {}
        unit = _Unit(doc=d, block=cells[0][0], first=cells[0][1], text=" | ".join(parts), kind="row",
                     header=" | ".join(head[c] for c in sorted(head)), cells=spans, header_cells=head)
        if row != 0:
            unit.questions = {c for c, a, z in spans if c in questions.get(table, set())
                              or (echo is not None and echo.restates(unit.text[a:z]))}
            if unit.questions and echo is not None:
                # an answer that only says the question back ("The QIC institutes needed actions.") answers nothing
                asked = " ".join(unit.text[a:z] for c, a, z in spans if c in unit.questions)
                unit.questions |= {c for c, a, z in spans if c not in unit.questions
                                   and statements.echoes(unit.text[a:z], asked)}
        result.append(unit)
    return result


def _question_columns(rows: dict, echo: statements.RuleEcho) -> dict[int | None, set[int]]:
    """Per table, the columns whose cells cite or quote the rule in most rows (at least two): a crosswalk's."""
    tally: dict[int | None, dict[int, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for (table, row), cells in rows.items():
        if row in (0, None):
            continue
        for _, b in cells:
            if b.text:
                tally[table][b.col or 0].append(echo.cites_or_echoes(b.text))
    return {table: {c for c, flags in cols.items() if sum(flags) >= 2 and sum(flags) * 2 >= len(flags)}
            for table, cols in tally.items()}


# A cell that holds nothing yet: its column's subject is not given for this row ("Benchmark | TBD").
_PLACEHOLDER_CELL = re.compile(
    r"^\(?(tbd|tba|tbc|to be (determined|decided|confirmed|developed|added|updated|completed|provided|set|"
    r"established|finalized|scheduled|assigned|identified)|under development|in development|pending|ongoing|"
    r"on-?going|n/?a|none( set)?|not (set|yet (determined|set|assigned|identified|scheduled))|as[ -]needed|"
    r"[-—–?]+|x{2,}%?|\[[^\]]*\]|placeholder|forthcoming|continuous|continual)\)?"
    r"(?:\s*\((?:after|until|once|when|pending)\b[^)]*\))?\.?$", re.IGNORECASE)  # "TBD (after 12 months of data)"


# A sentence's value after its label that is only a status, not content: "Barriers to improvement: ongoing review.",
# "Overall: on track." (a cell's placeholders, and a few status words a sentence uses the same way)
_STATUS_ONLY = re.compile(r"^(?:ongoing review|under review|on track|to follow|being (?:finalized|developed|"
                          r"drafted|updated|prepared)|(?:still )?in draft)\.?$", re.IGNORECASE)


def build_corpus(documents: list[Document], vocabulary: Vocabulary, echo: statements.RuleEcho | None = None,
                 role_terms: dict[str, list[str]] | None = None, given_names: dict[str, list[str]] | None = None,
                 hmo_name: str | None = None, as_of_year: int | None = None) -> Corpus:
    """Split readable documents into passages and tag each with the terms the vocabulary finds, and with what the
    passage asserts of each (auditor.statements); then learn the plan's own names for things (auditor.roles).

    `echo`: the rules' own words, so that a passage restating them (or a crosswalk cell quoting them) is known.
    `role_terms`: the checklists' terms for each role; `given_names`: names from submission.yaml, by role;
    `as_of_year`: the audit's year, after which "beginning in <year>" is a plan for later."""
    units: list[_Unit] = []
    for d, document in enumerate(documents):
        if document.error:
            continue
        cells: list[tuple[int, Block]] = []
        for b, block in enumerate(document.blocks):
            if block.kind == "table_cell":
                cells.append((b, block))
            elif block.text.strip():
                units.append(_Unit(d, b, block, block.text, "heading" if block.kind == "heading" else "text"))
        units += _table_units(d, cells, echo)
    units.sort(key=lambda u: (u.doc, u.block))

    passages: list[Passage] = []
    header_terms: dict[str, set[str]] = {}  # a table's header cell, matched once rather than once per row
    sentences: dict[str, list[tuple[int, int]]] = {}
    for unit, (sdoc, matches, marks, kinds) in zip(units, _analyses(units, vocabulary, as_of_year), strict=True):
        block = unit.first
        if unit.kind == "text":
            spans = sentences.get(unit.text) or _sentences(sdoc)
            sentences[unit.text] = spans
        else:
            spans = [(0, len(sdoc))]
        question_tokens = _question_tokens(sdoc, unit)
        blank_cols = _placeholder_columns(unit)
        for start, end in spans:
            text = sdoc[start:end].text.strip()
            if not text or _TOC_LINE.search(text):
                continue  # a table of contents names topics; it says nothing about them
            inside = [(name, s, k) for (name, s, _e), k in zip(matches, kinds, strict=True) if start <= s < end]
            terms = {name for name, _s, _k in inside}
            lead = _lead_end(sdoc, start, end, unit.kind == "row")
            lead_terms = {name for name, s, _k in inside if s < lead} if lead else set()
            passage = Passage(doc=unit.doc, block=unit.block, text=text, page=block.page,
                              section=tuple(block.section), kind="sentence" if unit.kind == "text" else unit.kind,
                              terms=terms,
                              context=" > ".join([*block.section, unit.header] if unit.header else block.section),
                              block_kind=block.kind, row=block.row, lead_terms=lead_terms)
            asked: set[str] = set()
            hollow_label = bool(lead and unit.kind == "text" and _hollow_value(sdoc[lead + 1:end].text))
            for name, s, k in inside:
                if hollow_label:
                    k = k | {"placeholder"}  # "Overall effectiveness: to be finalized": the label's subject is not said
                if s in question_tokens:
                    asked.add(name)  # the rule's words in a crosswalk's question cell: context, not evidence
                    continue
                if sdoc[s].idx in blank_cols.get("label_chars", ()):
                    k = k | {"placeholder"}
                if not k:
                    passage.asserted.add(name)
                else:
                    passage.kinds[name] = passage.kinds.get(name, frozenset()) | k
            if blank_cols.get("columns") and any(_IN_EFFECT_HEADER.search(unit.header_cells.get(c, ""))
                                                 for c in blank_cols["columns"]):
                passage.pending = True
            if unit.questions:
                passage.questions = [(a, z) for c, a, z in unit.cells if c in unit.questions]
            if asked:
                passage.terms -= asked - {name for name, s, _k in inside if s not in question_tokens}
                passage.context_terms |= asked
                passage.lead_terms -= asked
            for name in passage.asserted:
                passage.kinds.pop(name, None)
            if unit.kind != "row" and _asks(text, unit.kind, echo):
                # "Request 33: Provide the most recent annual evaluation ...", "What does the committee review?": the
                # examiner's question or the FAQ's, not the plan's statement; the answer follows it
                passage.statement = "restates_rule"
                passage.kinds = {t: frozenset({"restates_rule"}) for t in passage.terms}
                passage.asserted = set()
            elif echo is not None and unit.kind == "text" and (echo.restates(text) or echo.echoes_standard(text) or (
                    any("pointer" in k for k in kinds) and _points(sdoc, marks, start, end)
                    and echo.paraphrases(text))):
                passage.statement = "restates_rule"
                passage.kinds = {t: frozenset({"restates_rule"}) for t in passage.terms}
                passage.asserted = set()
            elif unit.kind == "text" and statements.bare_verdict(text):
                # "The QI Program was judged effective for 2024.": the conclusion, without the evaluation behind it
                passage.statement = "verdict"
                passage.kinds = {t: passage.kinds.get(t, frozenset()) | {"verdict"} for t in passage.terms}
                passage.asserted = set()
            elif unit.kind == "text" and (_CONTENTS.match(text) or block.kind == "paragraph" and _is_label(text)):
                # A label of a few words standing as a sentence ("Delegated functions.") names a subject; it says
                # nothing of it. (A heading's words do count: with the body under it they say what the section is.)
                passage.kinds = {t: passage.kinds.get(t, frozenset()) | {"label"} for t in passage.terms}
                passage.asserted = set()
            if marks:
                # What a colon-ended lead-in leaves open for its list items, and where the cues reach (character
                # offsets in the passage's text), for names found later in it (auditor.roles).
                if sdoc[end - 1].text == ":":
                    passage.trailing = marks.get(end - 1, frozenset())
                base = sdoc[start].idx + (len(sdoc[start:end].text) - len(sdoc[start:end].text.lstrip()))
                passage.marks = [(sdoc[i].idx - base, sdoc[i].idx - base + len(sdoc[i].text), k)
                                 for i, k in sorted(marks.items()) if start <= i < end]
            if hollow_label:
                passage.marks = [(0, len(text), frozenset({"placeholder"}))]
            passages.append(passage)
            if unit.header_cells:
                for col, cell in unit.header_cells.items():
                    if col in blank_cols.get("columns", ()):
                        continue  # this row gives nothing for the column's subject
                    if cell not in header_terms:
                        header_terms[cell] = _terms_of(cell, vocabulary)
                    passage.context_terms |= header_terms[cell]


    names = roles.discover(passages, documents, vocabulary, role_terms or {}, given_names, hmo_name)
    roles.apply(passages, names, vocabulary, documents)
    roles.mark_foreign(passages, documents, names, hmo_name)
    found = relations.extract(passages, documents, roles.agent_reader(names, vocabulary, role_terms or {}))
    _add_context_terms(passages, documents, vocabulary)
    _add_list_stems(passages)
    title_terms = _title_terms(documents, vocabulary)

    by_section: dict[tuple[int, tuple[str, ...]], list[int]] = defaultdict(list)
    by_block: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, passage in enumerate(passages):
        by_section[passage.section_key].append(i)
        by_block[(passage.doc, passage.block)].append(i)
    _label_empty_headings(passages, by_section)
    return Corpus(documents=documents, passages=passages, by_section=dict(by_section), by_block=dict(by_block),
                  title_terms=title_terms, names=names, relations=found)


_Analysis = tuple["Doc", list[tuple[str, int, int]], dict[int, frozenset[str]], list[frozenset[str]]]


def _analyses(units: list[_Unit], vocabulary: Vocabulary, as_of_year: int | None) -> Iterator[_Analysis]:
    """Per unit, in order: its spaCy doc, the terms found, the statement kinds of its tokens and of each term
    occurrence. All of it depends on the text alone, and a long document repeats many texts
    (running heads, boilerplate, a work plan's recurring cells): a text met again is not read again. Only texts
    that occur more than once are kept, so memory does not grow with the document's unique text."""
    counts = Counter(u.text for u in units)
    docs = process(dict.fromkeys(u.text for u in units))  # each text once, in order of first occurrence
    kept: dict[str, _Analysis] = {}
    for unit in units:
        done = kept.get(unit.text)
        if done is None:
            sdoc = next(docs)
            matches = vocabulary.match(sdoc)
            marks = statements.token_kinds(sdoc, as_of_year)
            kinds = [frozenset().union(*(marks.get(i, ()) for i in range(s, e))) if marks else frozenset()
                     for _n, s, e in matches]
            done = (sdoc, matches, marks, kinds)
            if counts[unit.text] > 1:
                kept[unit.text] = done
        yield done


def _points(sdoc, marks: dict, start: int, end: int) -> bool:
    """A pointer cue reaches some token of the sentence [start, end)."""
    return any("pointer" in marks.get(i, ()) for i in range(start, end))


# A numbered request or question ("Request 33:", "Item 4.2 -", "Q7.") or a sentence that asks.
_REQUEST = re.compile(r"^\s*(?:(?:request|question|item|q)\s*(?:no\.?\s*)?#?\s*\d+[\w.-]*\s*[:.)-]\s*)?(?:please\s+)?"
                      r"(?:provide|submit|describe|explain|list|attach|identify|demonstrate|indicate|upload|furnish|"
                      r"supply|detail|outline|summari[sz]e|specify|include)\b", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(?:request|question|item|q)\s*(?:no\.?\s*)?#?\s*\d+", re.IGNORECASE)
_QUESTION = re.compile(r"\?\s*$")


def _asks(text: str, kind: str, echo) -> bool:
    """The examiner's request ("Request 33: Provide the most recent annual evaluation ...") or a question in a
    sentence: the asker's words, not the plan's statement. A question heading ("Q17. Which clinical guidelines have
    we adopted?") is a heading like any other, its answer the body under it, unless it asks in the rule's words."""
    if _REQUEST.match(text) and (_NUMBERED.match(text) or kind == "heading"):
        return True
    if not _QUESTION.search(text):
        return False
    return kind != "heading" or (echo is not None and (echo.cites_or_echoes(text) or echo.paraphrases(text)))
_MAX_LABEL_TOKENS = 6
_LABEL_WORDS = 3


def _label_empty_headings(passages: list[Passage], by_section: dict) -> None:
    """A heading over nothing but placeholders and pointers ("8. Overall Effectiveness" over "to be finalized in the
    full report") names a subject the section does not treat: its words are a label, not a statement. A heading
    over a body that says something keeps its words, which with the body say what the section is."""
    for i, heading in enumerate(passages):
        if heading.kind != "heading" or not heading.terms:
            continue
        doc, path = heading.section_key
        body = [j for j in by_section.get((doc, path), []) if j != i]
        if not body:
            continue  # sub-sections may carry the body; leave such headings be
        if all(passages[j].hollow() for j in body):
            heading.kinds = {t: heading.kinds.get(t, frozenset()) | {"label"} for t in heading.terms}
            heading.asserted = set()


# A table of contents names the sections ("Contents: QM-302 Interventions; QM-401 Continuity ..."); it says nothing
# of what they hold.
_CONTENTS = re.compile(r"^\s*(?:table\s+of\s+)?contents\b\s*[:.-]?", re.IGNORECASE)


def _is_label(text: str) -> bool:
    """"Delegated functions.", "Barrier analysis:": a few words standing alone as a label, not a sentence."""
    words = re.findall(r"[A-Za-z][\w'-]*", text)
    if re.search(r"\d|\[", text) or {w.lower() for w in words} & {"none", "no", "yes", "n/a", "na", "nil"}:
        return False  # a number, a checkbox or an answer ("None.") says something
    titled = all(w[0].isupper() or w.lower() in ("of", "and", "the", "for", "to", "in") for w in words)
    # two words ("Delegated functions."), or a few in title case or before a colon ("Barrier Analysis:"); three
    # lower-case words are as likely a sentence ("Staff approve invoices.")
    return 0 < len(words) <= 2 or (len(words) <= _LABEL_WORDS + 1 and (titled or text.rstrip().endswith(":")))


def _question_tokens(sdoc, unit: _Unit) -> set[int]:
    """The tokens of a row's question cells."""
    if not unit.questions:
        return set()
    ranges = [(a, z) for c, a, z in unit.cells if c in unit.questions]
    return {t.i for t in sdoc if any(a <= t.idx < z for a, z in ranges)}


def _placeholder_columns(unit: _Unit) -> dict[str, set[int]]:
    """A row's cells that hold only a placeholder: their columns (whose header's subject the row then lacks) and,
    in a two-cell "label | value" row, the label's tokens' character offsets (the label's subject is a
    placeholder)."""
    if unit.kind != "row" or len(unit.cells) < 2:
        return {}
    blank = {c for c, a, z in unit.cells if _PLACEHOLDER_CELL.match(unit.text[a:z].strip())}
    if not blank:
        return {}
    out: dict[str, set[int]] = {"columns": blank}
    if len(unit.cells) == 2 and unit.cells[0][0] not in blank:
        out["label_chars"] = set(range(unit.cells[0][1], unit.cells[0][2]))
    return out





# A column saying whether the row's item is in effect: approved, adopted, reviewed (by a committee), effective.
_IN_EFFECT_HEADER = re.compile(r"\b(?:approv\w*|adopt\w*|effective|in effect|review(?:ed)?|implemented)\b",
                               re.IGNORECASE)


def _hollow_value(value: str) -> bool:
    value = value.strip()
    return bool(_PLACEHOLDER_CELL.match(value) or _STATUS_ONLY.match(value))


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


_ENUMERATOR = re.compile(r"^\s*(\(?[a-zA-Z0-9]{1,3}[.)]|[•\-–*▪])\s")


def _add_list_stems(passages: list[Passage]) -> None:
    """A list item's lead-in is its context: in "Provider shall maintain policies that: (a) protect ...",
    item (a) carries the obligation of the sentence that introduces the list, and in "The committee may: - invite
    practitioners", each item is an option, as the lead-in's cue says.

    Items are list-item blocks, or paragraphs opening with an enumerator ("(a)", "2.") after a lead-in that
    ends with a colon, as contracts often lay them out.
    """
    stem: set[str] = set()
    stem_kinds: frozenset[str] = frozenset()
    stem_key: tuple | None = None
    colon = False
    for passage in passages:
        key = (passage.doc, passage.section)
        is_item = passage.block_kind == "list_item" or (colon and bool(_ENUMERATOR.match(passage.text)))
        if is_item and stem_key == key:
            passage.context_terms |= stem
            if stem_kinds:
                for term in passage.terms:
                    passage.kinds[term] = passage.kinds.get(term, frozenset()) | stem_kinds
                passage.asserted = set()
        elif passage.kind == "sentence":
            # the last sentence before the items is their lead-in
            stem, stem_key, colon = passage.terms, key, passage.text.rstrip().endswith(":")
            stem_kinds = passage.trailing if colon else frozenset()
        else:
            stem, stem_key, colon, stem_kinds = set(), None, False, frozenset()


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
