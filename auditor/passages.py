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

from auditor import headings, references, relations, roles, statements, versions
from auditor.document import Block, Document
from auditor.nlp import Vocabulary, process
from extractors.kind import document_kinds_in

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Dot or underscore leaders running to a page number: a table-of-contents line.
_TOC_LINE = re.compile(r"(\.{5,}|_{5,}|…{2,})\s*(page\s*)?\d+\b", re.IGNORECASE)
# A "sentence" that is only a list label ("1.", "b)") belongs to the sentence after it.
_LABEL_ONLY = re.compile(r"^\(?([0-9]{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)]$")


# The statement kinds that say nothing yet of their subject: what is still to come, elsewhere, or a reviewer's note.
HOLLOW = frozenset({"placeholder", "plan", "pointer", "comment", "change_log"})


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
    header: tuple[str, ...] = ()  # for a table row: its table's header cells, in column order
    # for a register's row ("I-7 | Level 1 letters ..."): its code, and the role its items are (roles.register_code)
    register: tuple[str, str, str] | None = None
    # Terms of its lead: a table row's first cell, or the label of a "Label: value" sentence ("Measure: ...").
    lead_terms: set[str] = field(default_factory=set)
    # For a heading: the terms it names one thing of ("Study 2: Asthma"), not the kind in general ("5. Studies").
    named: set[str] = field(default_factory=set)
    # For a heading: it names one thing ("QoC-1 Diabetes eye exam"), not a topic of the program ("9.2 Data").
    names_one: bool = False
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
    # A table row whose item is not in effect, yet or any more: a placeholder where its column says approved,
    # adopted or reviewed ("Well-child | AAP Bright Futures | Pending" under "CAP review"; "Retired").
    pending: bool = False
    # The lines of business the passage is said to apply to, when its section says so ("This subsection applies to
    # MaineCare enrollees"): empty for all of them.
    lines: frozenset[str] = frozenset()
    # The kind of document of the named part it stands in, where a file binds several ("Attachment B-2 - Clinical
    # Guideline Register" inside a file of contract excerpts); None: the file's own kind.
    part_kind: str | None = None

    def say_only_as(self, kind: str) -> None:
        """The passage as a whole is not the plan's statement: every term it holds is said only as `kind` (the rule's
        words, another organisation's, a version not in force)."""
        self.statement = kind
        self.kinds = {t: frozenset({kind}) for t in self.terms}
        self.asserted = set()

    def kinds_at(self, start: int, end: int) -> frozenset[str]:
        """The statement kinds of the cues reaching any character in [start, end) of the text."""
        return frozenset().union(*(k for a, z, k in self.marks if a < end and z > start))

    def hollow(self) -> bool:
        """The passage as a whole says nothing yet: the rule's words, or mostly a placeholder, a plan for later or a
        pointer elsewhere ("Overall effectiveness: to be finalized in the full report")."""
        if self.statement:
            return True
        empty = sum(z - a for a, z, k in self.marks if k & HOLLOW)
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
    score: str = ""  # an audit tool's score for the row's standard ("Yes", "Partial", "No")
    raci: bool = False  # a row of a responsibility chart: an activity named, with letters for who does what
    boilerplate: set[int] = field(default_factory=set)  # columns that repeat one text in every row


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
    scored = _scored_columns(rows, headers)
    charts = _raci_tables(rows)
    repeated = _repeated_columns(rows, headers)
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
        unit.raci = table in charts
        unit.boilerplate = repeated.get(table, set())
        if row != 0:
            unit.questions = {c for c, a, z in spans if c in questions.get(table, set())
                              or (echo is not None and echo.restates(unit.text[a:z]))
                              or (_ASKED_HEADER.match(head.get(c, "")) and len(spans) > 2)}
            if table in scored:
                score_col, standard_cols = scored[table]
                unit.questions |= {c for c, _a, _z in spans if c in standard_cols}
                unit.score = next((_checked(unit.text[a:z]) for c, a, z in spans if c == score_col), "")
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


# An audit tool's table: a column that scores each standard ("Score", "Met?") and the column that states the
# standard. The standard is the rule in the auditor's words, not evidence; a standard scored short of met ("Partial",
# "No") is a finding against the plan, whatever the comments beside it quote.
_SCORE_HEADER = re.compile(r"^\s*(?:score|scoring|rating|result|met\s*\??|compliant\s*\??|compliance|finding|"
                           r"determination|status|y\s*/\s*n(?:\s*/\s*p)?|response|answer|attestation|attested|"
                           r"reply|self-?assessment|self-?score)\s*\??\s*$", re.IGNORECASE)
# A form's answer as check boxes ("☒ Yes ☐ No ☐ N/A", "[x] Yes [ ] No"): the answer is the one option ticked.
_BOX = re.compile(r"(?P<box>[☒☑✓✔■☐□]|\[\s*[xX✓✔]?\s*\]|\(\s*[xX]?\s*\))\s*"
                  r"(?P<option>[A-Za-z][\w/ -]{0,24}?)\s*(?=[☒☑✓✔■☐□]|\[|\(|[.;,]|$)")
_TICKED = re.compile(r"[☒☑✓✔■xX]")
_SCORE_VALUE = re.compile(r"^\s*(?:yes|no|partial(?:ly)?(?: met)?|met|not met|n/?a|compliant|non-?compliant|"
                          r"partially compliant|full|none|y|n|p)\s*\.?$", re.IGNORECASE)
_FAILED_SCORE = re.compile(r"^\s*(?:no|partial(?:ly)?(?: met)?|not met|non-?compliant|partially compliant|none|n|p)"
                           r"\s*\.?$", re.IGNORECASE)
_STANDARD_HEADER = re.compile(r"^\s*(?:standard|standards|requirement|requirements|element|elements|criterion|"
                              r"criteria|question|item|measure of compliance|review element)\s*$", re.IGNORECASE)


# A column that says what is asked of the plan, beside the plan's answer: a corrective action plan's "Examiner's
# finding", a compliance table's "Requirement" or "Citation". Its cells are the examiner's or the rule's words.
_ASKED_HEADER = re.compile(r"^\s*(?:(?:the\s+)?(?:examiner|examiners|reviewer|surveyor|auditor|bureau|department|"
                           r"state|regulator)['’]?s?\s+)?(?:finding|findings|deficiency|deficiencies|observation|"
                           r"observations|requirement|requirements|regulatory\s+requirement|rule|regulation|citation|"
                           r"regulatory\s+citation|rule\s+text|question|request)(?:\s+(?:text|description|cited))?"
                           r"\s*$", re.IGNORECASE)


# A responsibility (RACI) chart's cell: "R", "A", "A/R", "C, I".
_RACI_CELL = re.compile(r"^\s*[RACIS](?:\s*[,/+]\s*[RACIS])*\s*$")


def _raci_tables(rows: dict) -> set[int | None]:
    """Tables whose cells beside the first are mostly RACI letters, in at least two columns and three rows: an
    activity in such a row is named, with who is responsible, accountable, consulted or informed; it does not say
    the activity is done."""
    tally: dict[int | None, list[bool]] = defaultdict(list)
    columns: dict[int | None, set[int]] = defaultdict(set)
    body_rows: dict[int | None, int] = defaultdict(int)
    for (table, row), cells in rows.items():
        if row in (0, None):
            continue
        body_rows[table] += 1
        for _, b in cells[1:]:
            if b.text:
                hit = bool(_RACI_CELL.match(b.text))
                tally[table].append(hit)
                if hit:
                    columns[table].add(b.col or 0)
    return {t for t, flags in tally.items() if body_rows[t] >= 3 and len(columns[t]) >= 2
            and sum(flags) * 3 >= 2 * len(flags)}


def _header_key(headers: dict, table: int | None) -> tuple | int | None:
    """What makes two tables one: the same header row (a table continued on the next page repeats it)."""
    return tuple(sorted(headers[table].items())) if table in headers else table


def _repeated_columns(rows: dict, headers: dict) -> dict[int | None, set[int]]:
    """Per table, the columns that say the same thing (four words or more) in every row, three rows at least (a table
    continued under the same header counts as one), or nothing of substance in any ("TBD", "See the log"): a form's
    boilerplate ("Selected as a priority area for study" as every study's rationale) says nothing of any one row."""
    keys = {table: _header_key(headers, table) for table, _row in rows}
    cells: dict[tuple, list[str]] = defaultdict(list)
    for (table, row), blocks in rows.items():
        if row in (0, None):
            continue
        for _, b in blocks[1:]:
            if b.text:
                cells[(keys[table], b.col or 0)].append(" ".join(b.text.split()).lower())
    same: dict[tuple | int | None, set[int]] = defaultdict(set)
    for (key, col), texts in cells.items():
        if (len(texts) >= 3 and len(set(texts)) == 1 and len(texts[0].split()) >= 4) or all(map(_hollow_value, texts)):
            same[key].add(col)
    return {table: same[key] for table, key in keys.items() if key in same}


def _checked(value: str) -> str:
    """A score cell's answer: the text, or for a set of check boxes the one option ticked ("" if none or several)."""
    boxes = list(_BOX.finditer(value))
    if len(boxes) < 2:
        return value.strip()
    ticked = [m.group("option").strip() for m in boxes if _TICKED.search(m.group("box"))]
    return ticked[0] if len(ticked) == 1 else ""


def _scored_columns(rows: dict, headers: dict) -> dict[int | None, tuple[int, set[int]]]:
    """Per audit-tool table: its score column (a score header, and score words in at least two thirds of at least
    three rows) and the columns stating the standards."""
    found = {}
    for table, head in headers.items():
        score_cols = [c for c, h in head.items() if _SCORE_HEADER.match(h)]
        standard_cols = {c for c, h in head.items() if _STANDARD_HEADER.match(h)}
        if not score_cols or not standard_cols:
            continue
        for col in score_cols:
            values = [_checked(b.text) for (t, r), cells in rows.items() if t == table and r not in (0, None)
                      for _, b in cells if (b.col or 0) == col and b.text]
            if len(values) >= 3 and sum(bool(_SCORE_VALUE.match(v)) for v in values) * 3 >= 2 * len(values):
                found[table] = (col, standard_cols)
                break
    # A table continued on the next page repeats its header over as few as one row: it is scored as the table is.
    scored_heads = {_header_key(headers, t): cols for t, cols in found.items()}
    for table in headers:
        found.setdefault(table, scored_heads.get(_header_key(headers, table)))
    return {t: cols for t, cols in found.items() if cols is not None}


# A cell that holds nothing yet: its column's subject is not given for this row ("Benchmark | TBD").
_PLACEHOLDER_CELL = re.compile(
    r"^\(?(tbd|tba|tbc|to be (determined|decided|confirmed|developed|added|updated|completed|provided|set|"
    r"established|finalized|scheduled|assigned|identified)|under development|in development|pending|ongoing|"
    r"on-?going|n/?a|none( set)?|not (set|yet (determined|set|assigned|identified|scheduled))|as[ -]needed|"
    r"[-—–?]+|x{2,}%?|\[[^\]]*\]|placeholder|forthcoming|continuous|continual|to follow)\)?"
    r"(?:\s*\([^()]{1,40}\))?\.?$"  # "TBD (after 12 months of data)", "TBD (Legal review)"
    # "To be set at the 2025 Council retreat", "TBD after baseline": still to come, whenever
    r"|^\(?(?:tbd|tba|tbc|to be (?:determined|decided|confirmed|set|scheduled|assigned|identified|established|"
    r"finalized|provided|developed|added|completed)|pending)(?:\s+(?:at|after|by|once|when|during|following|in|with)\s+"
    # "TBD - CQC to discuss at the September 2025 meeting"
    r"|\s*[-–—:;,]\s*)[^.;|()]{1,60}\.?$", re.IGNORECASE)


# A work plan's or calendar's status column, and the statuses that say the row's activity has not happened:
# "Nov | Facility QM education | PR Dir. | TBD", "Deferred to Q4 - staffing". ("Ongoing" in a status column is
# the activity going on, so it is not among them.)
_STATUS_HEADER = re.compile(r"^\s*(?:status|progress|state|stage|current status)\b", re.IGNORECASE)
_NOT_DONE = re.compile(
    r"^\(?(?:tbd|tba|to be (?:determined|decided|scheduled|confirmed)|not (?:yet )?(?:started|begun|scheduled|done|"
    r"implemented)|deferred|postponed|on hold|planned|pending|cancell?ed|withdrawn|tabled|paused)\b", re.IGNORECASE)


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
    # a sentence's text -> whether it is the rule's own words (restated, or its standard echoed): weighed once per
    # text, as a long document repeats many sentences (running text, boilerplate, a form's lines)
    rule_words: dict[str, bool] = {}
    for unit, (sdoc, matches, marks, kinds) in zip(units, _analyses(units, vocabulary, as_of_year), strict=True):
        block = unit.first
        if unit.kind == "text":
            spans = sentences.get(unit.text) or _sentences(sdoc)
            sentences[unit.text] = spans
        else:
            spans = [(0, len(sdoc))]
        question_tokens = _question_tokens(sdoc, unit)
        blank_cols = _placeholder_columns(unit)
        undone = ("negated" if _FAILED_SCORE.match(unit.score) else "label" if unit.raci
                  else _not_done(unit))
        # a cell that only points elsewhere ("See the Rationale column of the Study Log.", "On file") shows nothing
        pointing = {i for c, a, z in unit.cells if c != unit.cells[0][0] and _POINTER_ONLY.match(unit.text[a:z].strip())
                    for i in range(a, z)} if unit.kind == "row" and len(unit.cells) > 1 else set()
        repeated_chars = {i for c, a, z in unit.cells if c in unit.boilerplate for i in range(a, z)}
        label_chars = blank_cols.get("label_chars", set())
        # a token's character offset is looked up only where some cell marks characters (most units: none)
        marked_chars = bool(label_chars or pointing or repeated_chars)
        header = tuple(unit.header_cells.get(c, "") for c in sorted(unit.header_cells)) if unit.kind == "row" else ()
        register = roles.register_code(unit.text, header, tuple(block.section)) if unit.kind == "row" and \
            block.row else None
        interviewer = unit.kind != "row" and bool(_INTERVIEWER.match(unit.text))
        for start, end in spans:
            text = sdoc[start:end].text.strip()
            if not text or _TOC_LINE.search(text):
                continue  # a table of contents names topics; it says nothing about them
            inside = [(name, s, k) for (name, s, _e), k in zip(matches, kinds, strict=True) if start <= s < end]
            terms = {name for name, _s, _k in inside}
            lead = _lead_end(sdoc, start, end, unit.kind == "row")
            if lead is not None and register is not None and start == 0:
                # a register's row is led by its item's name, not by its code: "G-4 | Depression in primary care |"
                lead = next((j for j in range(lead + 1, end) if sdoc[j].text == "|"), lead)
            lead_terms = {name for name, s, _k in inside if s < lead} if lead else set()
            passage = Passage(doc=unit.doc, block=unit.block, text=text, page=block.page,
                              section=tuple(block.section), kind="sentence" if unit.kind == "text" else unit.kind,
                              terms=terms,
                              context=" > ".join([*block.section, unit.header] if unit.header else block.section),
                              block_kind=block.kind, row=block.row, lead_terms=lead_terms, header=header,
                              register=register)
            if unit.kind == "heading":
                passage.named = headings.named_terms(
                    sdoc, start, end, [(name, s, e) for name, s, e in matches if start <= s < end])
                passage.names_one = headings.names_one(sdoc, start, end)
            asked: set[str] = set()
            # (the character tests first: most sentences have no semicolon or colon, and reading tokens is slow)
            restated = (_restated_clauses(sdoc, start, end, echo)
                        if unit.kind == "text" and echo is not None and ";" in text else ())
            colon = lead if lead else _first_colon(sdoc, start, end) if unit.kind == "text" and ":" in text else None
            if colon is None and unit.kind == "text" and start == 0:
                colon = _run_in_end(sdoc, end)  # "Interventions. None were started.": the run-in label's full stop
            hollow_label = bool(colon and unit.kind == "text" and _hollow_value(sdoc[colon + 1:end].text))
            # "Interventions: none were started": what the value denies, it denies of the label's subject
            denied = bool(colon and unit.kind == "text" and _DENIED_VALUE.match(sdoc[colon + 1:end].text))
            for name, s, k in inside:
                if hollow_label:
                    k = k | {"placeholder"}  # "Overall effectiveness: to be finalized": the label's subject is not said
                if denied and s < colon:
                    k = k | {"negated"}
                if s in question_tokens:
                    asked.add(name)  # the rule's words in a crosswalk's question cell: context, not evidence
                    continue
                if s in restated:
                    k = k | {"restates_rule"}
                if marked_chars:
                    at = sdoc[s].idx
                    if at in label_chars:
                        k = k | {"placeholder"}
                    if at in pointing:
                        k = k | {"pointer"}
                    if at in repeated_chars:
                        k = k | {"boilerplate"}
                if undone:
                    k = k | {undone}  # the row's status says its activity has not happened
                if not k:
                    passage.asserted.add(name)
                else:
                    passage.kinds[name] = passage.kinds.get(name, frozenset()) | k
            if blank_cols.get("columns") and any(_IN_EFFECT_HEADER.search(unit.header_cells.get(c, ""))
                                                 for c in blank_cols["columns"]):
                passage.pending = True
            elif unit.kind == "row" and any(_IN_EFFECT_HEADER.search(unit.header_cells.get(c, ""))
                                            and _NOT_IN_EFFECT.match(unit.text[a:z].strip()) for c, a, z in unit.cells):
                passage.pending = True  # "Adopted | Draft; adoption expected 2025-09": not in effect yet
            if unit.questions:
                passage.questions = [(a, z) for c, a, z in unit.cells if c in unit.questions]
            if asked:
                passage.terms -= asked - {name for name, s, _k in inside if s not in question_tokens}
                passage.context_terms |= asked
                passage.lead_terms -= asked
            for name in passage.asserted:
                passage.kinds.pop(name, None)
            if unit.kind != "row" and (interviewer or _asks(text, unit.kind, echo)):
                # "Request 33: Provide the most recent annual evaluation ...", "What does the committee review?": the
                # examiner's question or the FAQ's, not the plan's statement; the answer follows it
                passage.say_only_as("restates_rule")
            elif echo is not None and unit.kind == "text" and (_rule_words(echo, text, rule_words) or (
                    any("pointer" in k for k in kinds) and _points(sdoc, marks, start, end)
                    and echo.paraphrases(text))):
                passage.say_only_as("restates_rule")
            elif unit.kind == "text" and statements.bare_verdict(text):
                # "The QI Program was judged effective for 2024.": the conclusion, without the evaluation behind it
                passage.statement = "verdict"
                passage.kinds = {t: passage.kinds.get(t, frozenset()) | {"verdict"} for t in passage.terms}
                passage.asserted = set()
            elif unit.kind == "text" and (_CONTENTS.match(text) or block.kind == "paragraph"
                                          and _is_label(text, alone=len(spans) == 1)
                                          # a bullet's opening label ("- Aim 1. We aspire to ..."), before what
                                          # the bullet says
                                          or block.kind == "list_item" and len(spans) > 1 and start == spans[0][0]
                                          and (_is_label(text, alone=False) or bool(_ITEM_LABEL.match(text)))):
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
                    # an Owner or Due column's header says what the row's filled cell is: who answers for the row,
                    # and when ("Owner | Dr. Lee" names who is responsible)
                    if (not undone and (_OWNER_HEADER.match(cell) or _WHEN_HEADER.match(cell))
                            and any(c == col and not _hollow_value(unit.text[a:z]) for c, a, z in unit.cells)):
                        fresh = header_terms[cell] - passage.terms
                        passage.terms |= fresh
                        passage.asserted |= fresh
                # a row of a table with a column for each of several years ("Measure | 2022 | 2023 | 2024"), filled
                # in for two years at least, is a measure trended over those years
                years = [c for c, h in unit.header_cells.items() if _YEAR_HEADER.match(h)]
                filled = sum(1 for c, a, z in unit.cells if c in years and not _hollow_value(unit.text[a:z]))
                if len(years) >= 2 and filled >= 2 and not undone:
                    _assert_trended(passage, header_terms, vocabulary)
            if not undone and _years_with_values(text) >= 2:
                # a sentence giving a rate for each of several years ("38.4% (2022), 33.9% (2023), 29.6% (2024)",
                # "from 61% in 2023 to 66% in 2024") follows the measure over time, as a table of yearly values does
                _assert_trended(passage, header_terms, vocabulary)


    _mark_lines(passages)
    names = roles.discover(passages, documents, vocabulary, role_terms or {}, given_names, hmo_name)
    roles.apply(passages, names, vocabulary, documents)
    roles.mark_foreign(passages, documents, names, hmo_name)
    versions.mark(passages, documents)
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
    _add_run_in_headings(passages, by_block)
    references.mark_unresolved(passages, documents)
    references.mark_parts(passages, documents)
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


def _rule_words(echo: statements.RuleEcho, text: str, known: dict[str, bool]) -> bool:
    """The sentence restates a rule or echoes its standard (`known`: the texts weighed so far)."""
    said = known.get(text)
    if said is None:
        said = known[text] = echo.restates(text) or echo.echoes_standard(text)
    return said


def _points(sdoc, marks: dict, start: int, end: int) -> bool:
    """A pointer cue reaches some token of the sentence [start, end)."""
    return any("pointer" in marks.get(i, ()) for i in range(start, end))


# A numbered request or question ("Request 33:", "Item 4.2 -", "Q7.") or a sentence that asks.
_REQUEST = re.compile(r"^\s*(?:(?:request|question|item|q)\s*(?:no\.?\s*)?#?\s*\d+[\w.-]*\s*[:.)-]\s*)?(?:please\s+)?"
                      r"(?:provide|submit|describe|explain|list|attach|identify|demonstrate|indicate|upload|furnish|"
                      r"supply|detail|outline|summari[sz]e|specify|include)\b", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(?:request|question|item|q)\s*(?:no\.?\s*)?#?\s*\d+", re.IGNORECASE)
_QUESTION = re.compile(r"\?\s*$")
# An examiner's numbered finding, as a corrective action plan heads its answer: "Finding 2024-QM-05 - ...",
# "Deficiency 3:", "Observation no. 4.".
_FINDING = re.compile(r"^\s*(?:(?:examiner|bureau|department|survey)['’]?s?\s+)?(?:finding|deficiency|observation|"
                      r"citation)\s*(?:no\.?\s*)?#?\s*[\w.]*\d[\w.-]*\s*(?:[:.)]|\s[-–—])", re.IGNORECASE)


# An interviewer's turn in a transcript, every sentence of it: "Q (OS): The Program Overview says the QSG is
# accountable to the Board. Is that so?", "Surveyor: Tell me about ..."; the answer ("A (Szymanski): ...") is the
# plan's.
_INTERVIEWER = re.compile(r"^\s*(?:Q|Question|Interviewer|Surveyor|Examiner|Auditor|Reviewer)\s*(?:\d{1,3}\s*)?"
                          r"(?:\([^)]{1,30}\)\s*)?:\s")


def _asks(text: str, kind: str, echo) -> bool:
    """The examiner's request ("Request 33: Provide the most recent annual evaluation ...") or a question in a
    sentence: the asker's words, not the plan's statement. A question heading ("Q17. Which clinical guidelines have
    we adopted?") is a heading like any other, its answer the body under it, unless it asks in the rule's words."""
    if _REQUEST.match(text) and (_NUMBERED.match(text) or kind == "heading"):
        return True
    if _FINDING.match(text):
        return True  # "Finding 2024-QM-05 - Follow-up of QOC actions": the examiner's finding, answered below it
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
            continue
        # "7. Overall effectiveness" over "Was the program effective overall? | TBD": what the body says of the
        # heading's subject is only a placeholder (or a plan, a pointer), so the heading names it and no more
        hollow = {t for j in body for t, k in passages[j].kinds.items() if k & HOLLOW} & heading.asserted
        if not hollow:
            continue
        # a verdict the section goes on to ground ("The QIHEC concludes that the program was effective") keeps them
        unsaid = {t for t in hollow
                  if not any(t in passages[j].asserted or "verdict" in passages[j].kinds.get(t, ()) for j in body)}
        for t in unsaid:
            heading.kinds[t] = heading.kinds.get(t, frozenset()) | {"label"}
        heading.asserted -= unsaid


# A table of contents names the sections ("Contents: QM-302 Interventions; QM-401 Continuity ..."); it says nothing
# of what they hold.
_CONTENTS = re.compile(r"^\s*(?:table\s+of\s+)?contents\b\s*[:.-]?", re.IGNORECASE)


_OUTLINE_NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[A-Z]\.|\(?[a-z0-9]{1,3}\))\s+")


# A bullet's numbered label before what it says: "Aim 1.", "Goal B:", "Objective 3)".
_ITEM_LABEL = re.compile(r"^\s*[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?\s+(?:\d{1,2}|[A-Z])[.:)]?\s*$")


def _is_label(text: str, alone: bool = False) -> bool:
    """"Delegated functions.", "Barrier analysis:": a few words standing alone as a label, not a sentence.

    `alone`: the text is its whole paragraph, so an outline number before it ("3.2.2 Education.") only numbers the
    label. (A numbered run-in heading, "2.2 Practitioner involvement. The subcommittee ...", heads its paragraph.)"""
    if alone:
        text = _OUTLINE_NUMBER.sub("", text)
    words = re.findall(r"[A-Za-z][\w'-]*", text)
    if re.search(r"\d|\[", text) or {w.lower() for w in words} & {"none", "no", "yes", "n/a", "na", "nil"}:
        return False  # a number, a checkbox or an answer ("None.") says something
    titled = all(w[0].isupper() or w.lower() in ("of", "and", "the", "for", "to", "in") for w in words)
    # two words ("Delegated functions."), or a few in title case or before a colon ("Barrier Analysis:"); three
    # lower-case words are as likely a sentence ("Staff approve invoices.")
    return 0 < len(words) <= 2 or (len(words) <= _LABEL_WORDS + 1 and (titled or text.rstrip().endswith(":")))


# The lines of business a plan may run beside its commercial HMO, by the names plans and states give them.
_LINES = {
    "medicaid": r"medicaid|mainecare|medi-cal|masshealth|medicaid managed care|chip|mco line",
    "medicare": r"medicare(?:\s+advantage)?|d-?snps?|dual[- ]eligibles?",
    "exchange": r"marketplace|exchange|qhp|individual market",
    "commercial": r"commercial(?:\s+hmo)?|employer group",
}
_LINE_NAME = "|".join(f"(?P<{k}>{v})" for k, v in _LINES.items())
_LINE_WHO = r"(?:\s+(?:managed\s+care\s+)?(?:enrollees?|members?|line|lines of business|business|products?|population|"
_LINE_WHO += r"beneficiaries|program|contract))?"
# "This subsection applies to MaineCare enrollees.", "Applies to: Medicare Advantage only", a heading's "(Medicaid
# only)"
_LINE_SCOPE = re.compile(rf"^\s*(?:this\s+(?:sub)?(?:section|part|policy|procedure|page|chapter|appendix)\s+)?"
                         rf"(?:applies|apply|is\s+applicable)\s+(?:only\s+)?to\s*:?\s+(?:the\s+)?(?:{_LINE_NAME})"
                         rf"{_LINE_WHO}(?:\s+only)?\b", re.IGNORECASE)
_LINE_ONLY = re.compile(rf"\((?:{_LINE_NAME}){_LINE_WHO}\s+only\)\s*$", re.IGNORECASE)


_LINE_CELL = re.compile(rf"^(?:{_LINE_NAME})(?:\s+(?:managed\s+care\s+)?(?:enrollees|members|population|"
                        rf"beneficiaries))?(?:\s+only)?\.?$", re.IGNORECASE)
_LINE_SENTENCE = re.compile(rf"^\s*(?:(?:for|among|in)\s+(?:the\s+)?)?(?:{_LINE_NAME})(?:\s+(?:managed\s+care\s+)?"
                            rf"(?:enrollees|members|line|beneficiaries|population)\b"
                            # "MaineCare: the thresholds in Contract Exhibit Q", "Commercial: thresholds will be set"
                            rf"|\s*[:–-]\s)", re.IGNORECASE)


_LINE_OF = re.compile(rf"\b(?:{_LINE_NAME})\s+(?:managed\s+care\s+)?(?:enrollees?|members?|beneficiaries|addendum|"
                      rf"handbook|contract|provider\s+bulletin|line)\b", re.IGNORECASE)
_ALL_LINES = re.compile(r"\b(?:all|both|every|each|any)\s+(?:of\s+(?:the|our)\s+)?(?:lines?|enrollees?|members?|"
                        r"products?|plans?)\b|\bcommercial\b|\band\s+(?:the\s+)?(?:commercial|hmo)\b", re.IGNORECASE)


def _lines(m: re.Match) -> frozenset[str]:
    """The lines of business a match of `_LINE_NAME` names."""
    return frozenset(k for k, v in m.groupdict().items() if v and k in _LINES)


# What exists in one line only, by its program's own terms: Medicare's Part C and D ("Part D adherence", not a
# section's "Part D. Studies"), its Star Ratings and its Health Outcomes Survey.
_LINE_OWN = {"medicare": re.compile(r"\bPart [CD] (?=[a-z])|\bStar Ratings?\b|\bHOS\b")}
# A heading that opens with one line's name ("Medicare Advantage Regulatory Requirements Addendum", "12. MaineCare
# Members") and names no other: its section is that line's.
_LINE_HEADING = re.compile(rf"^\s*(?:(?:article|section|schedule|exhibit|appendix|attachment|addendum)?\s*"
                           rf"[\w.-]*\d[\w.-]*[.:)]?\s+)?(?:{_LINE_NAME})\b(?!.*\b(?:and|&|commercial|all|both)\b)",
                           re.IGNORECASE)
# The plan's own name for a line's product: "a Medicare Advantage contract (..., marketed as DHP Advantage (HMO))",
# "our Medicaid plan, \"Pine Care\"".
_PRODUCT = re.compile(rf"\b(?:{_LINE_NAME})\b[^.;]{{0,80}}?(?:\b(?:marketed|known|sold|branded|offered)\s+as\s+|"
                      rf"\b(?:plan|product|HMO|line)s?\s*[(,]\s*[\"“])(?:the\s+)?[\"“]?"
                      rf"(?P<product>[A-Z][\w&'-]*(?:\s+[A-Z][\w&'-]*){{0,3}})", re.IGNORECASE)


def _product_names(passages: list[Passage]) -> dict[re.Pattern, frozenset[str]]:
    """The plan's names for its other lines' products, each with the line it names (not the commercial line)."""
    found: dict[re.Pattern, frozenset[str]] = {}
    # each sentence's text once, in order of first occurrence (a repeated text names nothing new)
    for text in dict.fromkeys(p.text for p in passages if p.kind == "sentence"):
        if not _PRODUCT_CUE.search(text):
            continue
        for m in _PRODUCT.finditer(text):
            lines = _lines(m)
            name = m.group("product").strip()
            if len(lines) == 1 and "commercial" not in lines and name[0].isupper() and len(name) > 3:
                found.setdefault(re.compile(rf"\b{re.escape(name)}\b"), lines)
    return found


_ONLY_END = re.compile(r"\([^()]*\bonly\)\s*$", re.IGNORECASE)
_PRODUCT_CUE = re.compile(r"\b(?:marketed|known|sold|branded|offered)\s+as\b|[\"“]", re.IGNORECASE)


def _mark_lines(passages: list[Passage]) -> None:
    """A section that says it applies to one line of business ("This subsection applies to MaineCare enrollees",
    a heading's "(Medicaid only)") speaks for that line only: its passages, and those of its sub-sections, say so."""
    scoped: dict[tuple[int, tuple[str, ...]], frozenset[str]] = {}
    products = _product_names(passages)
    for p in passages:
        if p.kind == "heading":
            m = _LINE_ONLY.search(p.text) or _LINE_HEADING.match(p.text)
            path = (*p.section, p.text) if p.section and p.section[-1] != p.text else tuple(p.section)
            # "CCIP 2022-2024: Heart failure (DHP Advantage only)": a product's own name in the "(... only)"
            only = None if m else _ONLY_END.search(p.text)
            lines = _lines(m) if m else next((own for name, own in products.items()
                                              if only and name.search(only.group(0))), None)
        elif p.kind in ("sentence", "row"):
            m = _LINE_SCOPE.match(p.text.replace(" | ", ": ", 1))
            path, lines = tuple(p.section), _lines(m) if m else None
        else:
            continue
        if lines and path:
            scoped.setdefault((p.doc, path), lines)
    # a passage's kind and text -> the one line it is about, if any: read once per text, as a long document repeats
    # many
    about: dict[tuple[str, str], frozenset[str] | None] = {}
    for p in passages:
        key = (p.kind, p.text)
        if key not in about:
            about[key] = _line_about(p.kind, p.text, products)
        if about[key] is not None:
            p.lines = about[key]
    if not scoped:
        return
    for p in passages:
        if p.kind == "heading":
            continue
        path = tuple(p.section)
        for (d, s), lines in scoped.items():
            if p.doc == d and path[:len(s)] == s:
                p.lines = lines
                break


def _line_about(kind: str, text: str, products: dict[re.Pattern, frozenset[str]]) -> frozenset[str] | None:
    """The line of business a passage (of this kind and text) is about by what it says itself, or None."""
    # a row whose population is another line's ("NEMT Trip Timeliness | Nonclinical | MaineCare enrollees"),
    # a sentence about another line's members ("For MaineCare enrollees, the QMD audits ...")
    m = None
    if kind == "row" and " | " in text:
        m = next(filter(None, (_LINE_CELL.match(c.strip()) for c in text.split(" | ")[1:])), None)
    elif kind == "sentence":
        m = _LINE_SENTENCE.match(text)
    if m:
        return _lines(m)
    if kind in ("sentence", "row") and not _ALL_LINES.search(text):
        # one line named, and no other, in a passage about that line's people or papers ("network providers
        # serving MaineCare enrollees", "MaineCare Addendum s. 4.2")
        named = frozenset().union(*(_lines(hit) for hit in _LINE_OF.finditer(text)),
                                  *(lines for name, lines in products.items() if name.search(text)),
                                  *(frozenset({line}) for line, own in _LINE_OWN.items() if own.search(text)))
        if len(named) == 1 and "commercial" not in named:
            return frozenset(named)
    return None


# A column headed by a year: "2023", "MY2023", "CY 2024", "2024 rate", "FY2025 result".
_YEAR_HEADER = re.compile(r"^\s*(?:(?:MY|CY|FY|RY)\s?)?(?:19|20)\d\d(?:\s+(?:rate|result|results|value|score|actual))?"
                          r"\s*$", re.IGNORECASE)
# What a table of yearly values shows, in words the vocabulary knows.
_TRENDED = "trended over time"
_REMEASURED = "measured again"


# A rate and the year it is for: "38.4% (2022", "61% in 2023", "2024: 66%", "CY2023 rate 71%". A year after "by" or
# "goal"/"target" is a deadline, not a measured year ("30% by 2024").
_VALUE_YEAR = re.compile(r"\b\d{1,3}(?:\.\d+)?\s?%\s*(?:\(\s*|in\s+|for\s+)(?:(?:MY|CY|FY)\s?)?((?:19|20)\d\d)\b"
                         r"|\b(?:(?:MY|CY|FY)\s?)?((?:19|20)\d\d)(?:\s+(?:rate|result|results|value))?\s*[:=]?\s*"
                         r"\d{1,3}(?:\.\d+)?\s?%", re.IGNORECASE)
_DEADLINE_BEFORE = re.compile(r"(?:\bby|\bgoal|\btarget|\bthrough|\buntil|\bobjective|\baim)\W*(?:(?:MY|CY|FY)\s?)?$",
                              re.IGNORECASE)


def _years_with_values(text: str) -> int:
    """How many different years a text gives a rate for."""
    if "%" not in text:
        return 0
    years = set()
    for m in _VALUE_YEAR.finditer(text):
        year = m.group(1) or m.group(2)
        if _DEADLINE_BEFORE.search(text[max(0, m.start() - 12):m.start()]):
            continue
        years.add(year)
    return len(years)


def _assert_trended(passage: Passage, header_terms: dict, vocabulary) -> None:
    """A measure given for several years is trended, and each year after the first measured it again."""
    for words in (_TRENDED, _REMEASURED):
        if words not in header_terms:
            header_terms[words] = _terms_of(words, vocabulary)
        passage.terms |= header_terms[words]
        passage.asserted |= header_terms[words]


def _not_done(unit: _Unit) -> str | None:
    """The statement kind a row's status cell gives the whole row: "placeholder" for "TBD", "plan" for "Deferred",
    "Planned", "Not started"; None when the row has no such status."""
    answering = any(_ASKED_HEADER.match(h) for h in unit.header_cells.values())
    for c, a, z in unit.cells:
        if c == unit.cells[0][0]:
            continue
        header, cell = unit.header_cells.get(c, ""), unit.text[a:z].strip()
        if _STATUS_HEADER.match(header) and _NOT_DONE.match(cell):
            return "placeholder" if re.match(r"^\(?(?:tbd|tba|to be)\b", cell, re.IGNORECASE) else "plan"
        # a step no one is named to do ("Owner: TBD") is not yet a practice; one done "as needed" is an option
        if _OWNER_HEADER.match(header) and _PLACEHOLDER_CELL.match(cell) and not _NOT_APPLICABLE.match(cell):
            return "placeholder"
        if _WHEN_HEADER.match(header) and _AS_NEEDED.match(cell):
            return "permission"
        # a step whose timing is still to be set ("Publish to the portal | TBD") is not yet done on any schedule
        if _WHEN_HEADER.match(header) and _UNSET.match(cell):
            return "placeholder"
        # a corrective action plan's row (a column states the examiner's finding): the correction is not made until
        # its status says closed, and a status closed on no evidence is only the plan's word
        if answering and _STATUS_HEADER.match(header) and _OPEN_STATUS.match(cell):
            return "plan"
        if answering and _EVIDENCE_HEADER.match(header) and (_PLACEHOLDER_CELL.match(cell) or _NO_EVIDENCE.match(cell)):
            return "placeholder"
    if answering:
        evidence = [c for c, h in unit.header_cells.items() if _EVIDENCE_HEADER.match(h)]
        if evidence and not any(c in evidence for c, _a, _z in unit.cells):
            return "placeholder"  # the evidence cell left empty
    return None


# A corrective action plan's columns: the evidence offered for a correction, and a status saying it is not made.
_EVIDENCE_HEADER = re.compile(r"^\s*(?:evidence|evidence (?:attached|provided|submitted|of (?:completion|correction))|"
                              r"supporting (?:documentation|evidence|documents?)|attachments?|documentation)\s*$",
                              re.IGNORECASE)
_OPEN_STATUS = re.compile(r"^\(?(?:in progress|open|not (?:yet )?(?:closed|complete|completed|resolved)|ongoing|"
                          r"on-?going|under way|underway|partially (?:complete|completed|implemented)|overdue)\b",
                          re.IGNORECASE)
_NO_EVIDENCE = re.compile(r"^\(?(?:none(?: yet)?|nothing (?:yet )?attached|see attached|attached|to follow|"
                          r"will be (?:provided|submitted|attached)|not (?:yet )?(?:provided|available|attached)|"
                          r"draft\b.*|[\w ]{0,40}\bto be provided)\.?\)?\.?$", re.IGNORECASE)


_OWNER_HEADER = re.compile(r"^\s*(?:owner|owned by|responsible|responsibility|accountable|lead|assigned to|who|actor|"
                           r"person responsible|responsible (?:party|staff|person|role))\b", re.IGNORECASE)
_WHEN_HEADER = re.compile(r"^\s*(?:when|timing|timeframe|time frame|frequency|schedule|how often|due|target date)\b",
                          re.IGNORECASE)
_AS_NEEDED = re.compile(r"^\(?(?:as needed|as required|when needed|if needed|ad hoc|as resources allow|"
                        r"as capacity allows|as time allows|when possible|prn)\b", re.IGNORECASE)
_NOT_APPLICABLE = re.compile(r"^\(?n/?a\)?\.?$", re.IGNORECASE)
_UNSET = re.compile(r"^\(?(?:tbd|tba|tbc|to be (?:determined|decided|set|scheduled|confirmed|agreed)|pending|"
                    r"not (?:yet )?(?:set|scheduled|determined))\b", re.IGNORECASE)


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
    # "Facility participation | Hospital Services Agreement | Per contract.": a pointer, beside only the name of
    # the document pointed to, says no more than a placeholder
    pointing = {c for c, a, z in unit.cells[1:] if _POINTER_ONLY.match(unit.text[a:z].strip())}
    named = {c for c, a, z in unit.cells[1:] if len(unit.text[a:z].split()) <= 10
             and document_kinds_in(unit.text[a:z]) and not re.search(r"[\"“”]", unit.text[a:z])}
    if not blank and not pointing:
        return {}
    out: dict[str, set[int]] = {"columns": blank}
    # "Member access to own records | - | - | TBD (Legal review)": when every cell after the label holds nothing,
    # the label's subject is not given either
    if unit.cells[0][0] not in blank and all(c in blank | pointing | named for c, _a, _z in unit.cells[1:]):
        out["label_chars"] = set(range(unit.cells[0][1], unit.cells[0][2]))
    return out





# A column saying whether the row's item is in effect: approved, adopted, reviewed (by a committee), effective.
_IN_EFFECT_HEADER = re.compile(r"\b(?:approv\w*|adopt\w*|effective|in effect|review(?:ed)?|implemented)\b",
                               re.IGNORECASE)


# An in-effect column's value saying the row's item is not in effect yet, or no longer ("RETIRED by HQC 2024-12-03").
_NOT_IN_EFFECT = re.compile(r"^\(?(?:draft|drafted|proposed|pending|planned|expected|under (?:development|review)|"
                            r"in (?:development|draft|progress)|not yet|awaiting|to be (?:adopted|approved)|"
                            rf"no longer|{versions.NO_LONGER})\b", re.IGNORECASE)


# A value that only points elsewhere: "Consistency with UM criteria: per policy CPG-02.", "Thresholds: see UM-4.",
# "Signed minutes: on file.", "available on request", "Delegated functions: reported separately by Compliance".
_POINTER_ONLY = re.compile(
    r"^(?:(?:as )?per|see|refer to|according to|in accordance with|as described in|as set out in|described in)\s+"
    r"(?:the\s+|our\s+|its\s+)?[\w&.'/-]*(?:\s+[\w&.'/-]+){0,8}\.?$"
    r"|^(?:kept |maintained |retained )?on file(?: with [\w\s.'-]{1,40})?\.?$"
    r"|^(?:available )?(?:up)?on request\.?$"
    r"|^(?:is |are )?(?:reported|covered|handled|addressed|described|evaluated|reviewed|documented) separately\b.*$",
    re.IGNORECASE)


# A label's value that denies: "none were started", "No", "not done".
_DENIED_VALUE = re.compile(r"\s*(?:none|no|not|nothing|never)\b", re.IGNORECASE)


def _hollow_value(value: str) -> bool:
    value = value.strip()
    return bool(_PLACEHOLDER_CELL.match(value) or _STATUS_ONLY.match(value) or _POINTER_ONLY.match(value))


def _first_colon(sdoc, start: int, end: int) -> int | None:
    """A sentence's first colon after its first word: a long label's ("4.5 Consistency of guidelines with UM
    criteria, member education and benefits: per policy CPG-02.")."""
    return next((i for i in range(start + 1, end - 1) if sdoc[i].text == ":"), None)


def _restated_clauses(sdoc, start: int, end: int, echo) -> set[int]:
    """The tokens of a sentence's clauses that restate a rule, where the sentence joins them with semicolons: "The
    HMO shall have written standards or thresholds for identifying potential underutilization or overutilization;
    thresholds for these indicators are pending adoption" answers only in its second clause."""
    cuts = [i for i in range(start, end) if sdoc[i].text == ";"]
    if not cuts:
        return set()
    out: set[int] = set()
    for a, z in zip([start, *(c + 1 for c in cuts)], [*cuts, end], strict=True):
        if z - a >= 8 and echo.restates(sdoc[a:z].text):
            out.update(range(a, z))
    return out


def _lead_end(sdoc, start: int, end: int, row: bool) -> int | None:
    """Where a passage's lead ends: a row's first " | ", or the colon of a short label opening a sentence."""
    for i in range(start, end if row else min(end, start + _MAX_LABEL_TOKENS + 1)):
        if sdoc[i].text == ("|" if row else ":"):
            return i if i > start else None
    return None


def _run_in_label(text: str) -> bool:
    """A paragraph's first sentence that is a short label in sentence case ("Interventions.", "Measure and goal.";
    not "Target: increase."): kept with the sentence after it. (A numbered or capitalised title, "2. ACTION ITEMS.",
    heads its whole paragraph instead: _run_in and _add_run_in_headings.)"""
    return text.endswith(".") and ":" not in text and _is_label(text)


def _run_in_end(sdoc, end: int) -> int | None:
    """The full stop of the run-in heading that opens sdoc[0:end], if one does (_sentences keeps it with the
    sentence after it)."""
    first = next(iter(sdoc.sents), None)
    if first is None or first.end >= end or not _run_in_label(first.text.strip()):
        return None
    return first.end - 1


def _sentences(sdoc) -> list[tuple[int, int]]:
    """The sentences of a paragraph, an enumerator ("(a)") or a run-in heading kept with the sentence after it: in
    "Interventions. Laboratory feeds from both laboratories (started Q1 2023)." the label says what the sentence
    is about."""
    spans: list[tuple[int, int]] = []
    carry: int | None = None
    sents = list(sdoc.sents)
    for n, sent in enumerate(sents):
        text = sent.text.strip()
        if _LABEL_ONLY.match(text) or (n == 0 and len(sents) > 1 and _run_in_label(text)):
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


# A lead-in that names what its items are ("What held us back:", "Barriers to improvement:"), not a clause whose
# subject the items complete ("Each study defines:").
_NAMING_LEAD = re.compile(r"^(?!(?:each|every|all|the|this|these|those|it|we|our|its|they)\b)"
                          r"\W*(?:\w+\W+){0,5}\w+\s*:$", re.IGNORECASE)


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
    named: set[str] = set()
    for passage in passages:
        key = (passage.doc, passage.section)
        is_item = passage.block_kind == "list_item" or (colon and bool(_ENUMERATOR.match(passage.text)))
        if is_item and stem_key == key:
            passage.context_terms |= stem
            if stem_kinds:
                for term in passage.terms:
                    passage.kinds[term] = passage.kinds.get(term, frozenset()) | stem_kinds
                passage.asserted = set()
            elif named and passage.asserted and not passage.statement and not passage.kinds:
                # "What held us back: - The analyst post has been empty since October": each item is one of what
                # the label lead-in names, said of it
                passage.terms |= named
                passage.asserted |= named
        elif is_item:
            continue  # an item with no lead-in in its section is no lead-in for the items after it
        elif passage.kind == "sentence":
            # the last sentence before the items is their lead-in
            stem, stem_key, colon = passage.terms, key, passage.text.rstrip().endswith(":")
            stem_kinds = passage.trailing if colon else frozenset()
            named = ({t for t, k in passage.kinds.items() if k == {"label"}}
                     if colon and not passage.asserted and _NAMING_LEAD.match(passage.text) else set())
        else:
            stem, stem_key, colon, stem_kinds, named = set(), None, False, frozenset(), set()


def _add_run_in_headings(passages: list[Passage], by_block: dict[tuple[int, int], list[int]]) -> None:
    """A run-in heading heads the rest of its paragraph: in "2. ACTION ITEMS. Carried without report: 24-06-1", the
    sentence after the item's title is about action items, as if it stood under a heading of that name, and the
    title itself names a subject without saying anything of it ("7. UTILIZATION FOLLOW-UP." is no follow-up).
    Minutes and outlines number their items so."""
    for members in by_block.values():
        if len(members) < 2:
            continue
        head = passages[members[0]]
        if head.kind != "sentence" or head.block_kind not in ("paragraph", "list_item") or not _run_in(head.text):
            continue
        head.kinds = {t: head.kinds.get(t, frozenset()) | {"label"} for t in head.terms}
        head.asserted = set()
        for i in members[1:]:
            passages[i].context_terms |= head.terms


_RUN_IN_WORDS = 6
_YEAR_FIRST = re.compile(r"^\s*(?:19|20)\d\d\b")


def _run_in(text: str) -> bool:
    """A title ending its sentence, numbered and in title case ("4. Staffing.", "3.1 Utilization Management.") or
    in capitals ("2. ACTION ITEMS.", "ASTHMA GUIDELINE FOLLOW-UP (24-09-1)."); not a short sentence ("Quorum
    present.", "2.2 Practitioner involvement." whose words, as a heading's, say what its paragraph is about) nor a
    year ("2024 Annual Evaluation.")."""
    if _YEAR_FIRST.match(text):
        return False
    bare = re.sub(r"\([^)]*\)", " ", _OUTLINE_NUMBER.sub("", text)).strip()
    if not bare.endswith((".", ":")) or re.search(r"\d", bare):
        return False
    words = re.findall(r"[A-Za-z][\w'/-]*", bare)
    if not 0 < len(words) <= _RUN_IN_WORDS:
        return False
    if all(w.isupper() for w in words if len(w) > 1) and len(bare) > 3:
        return True
    return bool(_OUTLINE_NUMBER.match(text)) and all(w[0].isupper() or w.lower() in _MINOR for w in words)


_MINOR = frozenset(["of", "and", "the", "for", "to", "in", "on", "from"])


def _title_terms(documents: list[Document], vocabulary: Vocabulary) -> dict[int, set[str]]:
    """Terms of each readable document's title and file name ("org-chart-2025.pdf" names an org chart)."""
    out = {}
    for d, doc in enumerate(documents):
        if not doc.error:
            stem = re.sub(r"[_\-.]+", " ", PurePosixPath(doc.path).stem)
            out[d] = _terms_of(f"{doc.title or ''}. {stem}", vocabulary)
    return out


_SUBJECT_LINE = re.compile(r"^\s*(?:re|subject|regarding)\s*:\s*(.{3,200})$", re.IGNORECASE)


def _subject_line(doc: Document) -> str:
    """A memo's or letter's subject line, which titles it as much as its heading ("Re: The Year-End Quality Review
    for 2024"), among its first blocks; or what the document says it is in its opening ("This page summarizes our
    quality program and our 2024 Quality Program Evaluation")."""
    for b in doc.blocks[:12]:
        text = b.text or ""
        if m := _SUBJECT_LINE.match(text):
            return m.group(1)
        if (m := _SELF_DESCRIBED.search(text)) and document_kinds_in(m.group(1)):
            return m.group(1)  # what it is, not a list of the topics it treats ("describes the goals, scope, ...")
    return ""


# A document's opening sentence saying what it is: "This page summarizes ...", "This report presents ...".
_SELF_DESCRIBED = re.compile(r"\bthis\s+(?:page|document|report|summary|chapter|booklet|memo|section)\s+"
                             r"(?:summari[sz]es|describes|presents|sets out|reports on|is|covers)\s+([^.;]{5,200})",
                             re.IGNORECASE)


def _add_context_terms(passages: list[Passage], documents: list[Document], vocabulary: Vocabulary) -> None:
    """Context terms of a passage: those of the document's title and of every heading above it.

    The title counts for every passage: under "Quality Improvement Program Description", a section on
    "Data and Analytic Resources" is about the program's resources even when its heading does not say so.
    """
    heading_terms: dict[tuple[int, tuple[str, ...]], set[str]] = {
        p.section_key: p.terms for p in passages if p.kind == "heading"
    }
    titles = {}
    for d, doc in enumerate(documents):
        title = f"{doc.title or ''}. {_subject_line(doc)}" if not doc.error else ""
        if title.strip(" ."):
            titles[d] = _terms_of(title, vocabulary)
    for passage in passages:
        passage.context_terms |= titles.get(passage.doc, set())
        path = passage.section_key[1]
        for depth in range(1, len(path) + 1):
            passage.context_terms |= heading_terms.get((passage.doc, path[:depth]), set())
