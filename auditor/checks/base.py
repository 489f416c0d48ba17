"""What every check type shares: the evaluation context and the result of one check."""

from __future__ import annotations

import copy
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from auditor.models import Status, TermRef

if TYPE_CHECKING:  # passages pulls in spaCy, which `explain` must not pay for
    from auditor.passages import Corpus


@dataclass
class CheckResult:
    status: Status
    evidence: list[int] = field(default_factory=list)  # passage indices, in order
    candidates: list[int] = field(default_factory=list)  # passages a reviewer should look at
    missing: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)  # names of elements evidenced
    notes: list[str] = field(default_factory=list)
    # Closest partial matches of what was not found: (share of the terms present, passage, what it lacks).
    nearest: list[tuple[float, int, list[str]]] = field(default_factory=list)
    data: list[tuple[str, str, str]] = field(default_factory=list)  # rows quoted: (file, "row N", "col: value; ...")
    items: list[tuple[str, CheckResult]] | None = None  # one finding each ("a finding per measure")
    computed: bool = False  # a result from numbers: its notes (values, threshold) are the rationale
    # Nothing to judge (a date check with no list to date): beside other elements it neither counts nor fails.
    neutral: bool = False


# Where program-level evidence is best read first: the program's own description before the documents that
# only mention the program (a contract's definition of "Quality Improvement Program" says little of it).
KIND_ORDER = ("qmp_description", "work_plan", "annual_evaluation", "committee_minutes", "guideline_policy",
              "credentialing_policy", "other", "provider_manual", "contract_template")


@functools.cache
def _kind_rank(prefer: tuple[str, ...]) -> dict[str, int]:
    return {kind: r for r, kind in enumerate([*prefer, *(k for k in KIND_ORDER if k not in prefer)])}


class EvalContext:
    """The corpus plus indexes over it, built once per audit and shared by every check of a requirement."""

    def __init__(self, corpus: Corpus, term_key, ignore_kinds: frozenset[str] = frozenset(),
                 as_of: dt.date | None = None, tables: dict | None = None,
                 parameters: dict | None = None, vocabulary=None,
                 phrases: dict[str, list[str]] | None = None, lines: frozenset[str] = frozenset()) -> None:
        self.corpus = corpus
        # passages of a section for another line of business than the rules govern: no evidence here
        self.other_line = frozenset(i for i, p in enumerate(corpus.passages)
                                    if lines and p.lines and not p.lines & lines)
        self.phrases = phrases or {}  # term key -> its phrases, to say a term in words (auditor.wording)
        self.vocabulary = vocabulary  # matches terms in text that is not a passage (a table's header cell)
        self._text_terms: dict[str, set[str]] = {}
        self._table_rows: dict[tuple[int, int], dict[int, list]] = {}  # (doc, table) -> row -> its cell blocks
        self.as_of = as_of or dt.date.today()
        self.tables = tables or {}  # input name -> auditor.inputs.Table
        self.parameters = parameters or {}
        self.ignore_kinds = ignore_kinds
        self.key = term_key  # TermRef -> term name in the vocabulary
        self.with_term: dict[str, list[int]] = defaultdict(list)
        # each passage's kind of document: its file's, or that of the named part of the file it stands in
        self._kinds = [p.part_kind or corpus.documents[p.doc].kind for p in corpus.passages]
        for i, passage in enumerate(corpus.passages):
            if self._kinds[i] in ignore_kinds or i in self.other_line:
                continue  # the requirement says these documents cannot evidence it
            for term in passage.terms:
                self.with_term[term].append(i)
        self.section_pos: dict[int, int] = {}
        for members in corpus.by_section.values():
            for pos, i in enumerate(members):
                self.section_pos[i] = pos
        self.allowed: set[int] | None = None  # set by `restricted`: the passages of one study, say

    def restricted(self, passages: set[int]) -> EvalContext:
        """The same context seeing only the given passages (one item of an `each` check)."""
        sub = copy.copy(self)
        sub.allowed = passages if self.allowed is None else passages & self.allowed
        # From the unit's own passages, not by filtering every term's list over the whole corpus (which made
        # evaluation grow with the square of the document): the same lists, in the same order, as those were;
        # only the terms none of its passages holds have no entry (every check reads `with_term.get`).
        with_term: dict[str, list[int]] = {}
        all_passages = self.corpus.passages
        for i in sorted(sub.allowed):
            passage = all_passages[i]
            if self._kinds[i] in self.ignore_kinds or i in self.other_line:
                continue
            for term in passage.terms:
                with_term.setdefault(term, []).append(i)
        sub.with_term = with_term
        return sub

    @staticmethod
    def term_label(key: str) -> str:
        """A vocabulary key for people: "maine-ch109:governing_body" -> "governing body"."""
        name = key.split(":", 1)[1] if ":" in key and not key.startswith("=") else key.lstrip("=")
        return name.replace("_", " ")

    def term_words(self, key: str) -> str:
        """A term as a reader would say it: an example phrase of it in quotes ("“annual”"), never its name."""
        from auditor.wording import example_phrase

        phrases = self.phrases.get(key) or ([key.lstrip("=").split("/")[0]] if key.startswith("=") else [])
        return example_phrase(phrases) or "a related word"

    def in_preferred_order(self, passages: list[int], prefer: list[str] | tuple[str, ...] = ()) -> list[int]:
        # `order_key`, with the rank looked up once per document rather than once per passage (checks sort
        # thousands of passages on a long document).
        rank = _kind_rank(tuple(prefer))
        doc_rank = [rank.get(d.kind, len(rank)) for d in self.corpus.documents]
        if len(set(doc_rank)) <= 1:
            return sorted(passages)  # one rank for every document (one document, say): document order alone
        all_passages = self.corpus.passages
        return sorted(passages, key=lambda i: (doc_rank[all_passages[i].doc], i))

    def order_key(self, passage: int, prefer: list[str] | tuple[str, ...] = ()) -> tuple[int, int]:
        """Preferred kinds of document first, then document order."""
        rank = _kind_rank(tuple(prefer))
        return (rank.get(self.kind_of(passage), len(rank)), passage)

    def terms_of(self, text: str) -> set[str]:
        """The vocabulary's terms in a piece of text (a header cell), matched once per text."""
        if self.vocabulary is None or not text.strip():
            return set()
        if text not in self._text_terms:
            from auditor.passages import _terms_of
            self._text_terms[text] = _terms_of(text, self.vocabulary)
        return self._text_terms[text]

    def table_cells(self, passage: int) -> list[tuple[str, str]]:
        """A table row's cells as (header cell, cell) pairs, by column; empty for anything but a table row."""
        p = self.corpus.passages[passage]
        if p.kind != "row" or not p.row:
            return []
        blocks = self.corpus.documents[p.doc].blocks
        key = (p.doc, blocks[p.block].table)
        rows = self._table_rows.get(key)
        if rows is None:  # a document's blocks are read once per table, not once per row asked about
            rows = self._table_rows[key] = defaultdict(list)
            for b in blocks:
                if b.kind == "table_cell" and b.table == key[1]:
                    rows[b.row].append(b)
        header = {b.col: b.text for b in rows.get(0, [])}
        return [(header.get(b.col, ""), b.text) for b in rows.get(p.row, []) if b.text]

    def keys(self, refs: list[TermRef]) -> list[str]:
        return [self.key(r) for r in refs]

    def ignored(self, passage: int) -> bool:
        return (self.kind_of(passage) in self.ignore_kinds or passage in self.other_line
                or (self.allowed is not None and passage not in self.allowed))

    def kind_of(self, passage: int) -> str:
        return self._kinds[passage]

    def terms_in(self, group: list[int]) -> set[str]:
        """The terms of the group's passages together (a passage's own set for a group of one: read it, never
        change it). Not kept per group: the unions of a long document's windows made its audit ~25 MB larger for
        ~0.1 s saved."""
        passages = self.corpus.passages
        if len(group) == 1:
            return passages[group[0]].terms
        return set().union(*(passages[i].terms for i in group))

    def in_context(self, group: list[int], term: str) -> bool:
        """Some passage of the group has the term in its context (its headings, its table's header). Asked of the
        few terms a group's text lacks, so the group's context terms (large sets) are never put together: keeping
        their unions for every group weighed made the audit of a 220-page PDF ~25 MB larger."""
        passages = self.corpus.passages
        return any(term in passages[i].context_terms for i in group)

    def groups_around(self, passage: int, scope: str, window: int) -> Iterator[list[int]]:
        """Every group of the given scope that contains the passage."""
        p = self.corpus.passages[passage]
        if scope == "sentence":
            yield [passage]
        elif scope == "paragraph":
            yield self.corpus.by_block[(p.doc, p.block)]
        elif scope == "section":
            yield self.corpus.by_section[p.section_key]
        else:
            members = self.corpus.by_section[p.section_key]
            pos = self.section_pos[passage]
            size = min(window, len(members))
            for start in range(max(0, pos - size + 1), min(pos, len(members) - size) + 1):
                yield members[start:start + size]
