"""Which versions of a submission's documents are in force.

Plans send the description in force beside the one it replaced ("SUPERSEDED on 2025-01-01 by version 4.0") and the
draft that may replace it ("DRAFT - not approved"); a bound file may hold a contract in use and a draft amendment to
it, each under its own document-control block. What a superseded version says the plan did once, and what a draft
says it may do; neither is what it does. Such text is read as a statement kind of its own ("superseded", "draft"),
as another organisation's text is: shown where it is on topic, never evidence that a requirement is met.

A revision history or change summary ("Version | Date | Change", "Section | Change | Reason | Status") says how the
text changed between versions ("Chair signature step removed", "Nurse practitioner seat added"): a record of the
document, not a statement of what the plan does; the version's own text says that. Its rows are a kind of their
own too ("change_log").

A version is not in force when its own status says so: a document-control row ("Status | SUPERSEDED (by version
4.0)", "Status | Draft -- pending Council review"), a banner or title opening with the word ("DRAFT FOR
DISCUSSION", "SUPERSEDED - Quality Program Description"), or the file's name ("...-2023-superseded.pdf"). A row
saying what the version replaces ("Supersedes | version 3.0") says the opposite.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import TYPE_CHECKING

from extractors.kind import kind_named

if TYPE_CHECKING:
    from auditor.document import Document
    from auditor.passages import Passage

# The statuses of a version not in force, as a control row's value, a banner or a title opens with them (a
# register's row no longer in effect says the same: auditor.passages).
NO_LONGER = r"superseded|obsolete|retired|archived|rescinded|withdrawn|discontinued|inactive|replaced\s+by"
_DRAFT = r"draft|proposed|not\s+(?:yet\s+)?approved|pending\s+(?:board\s+)?approval|for\s+discussion"
_VALUE = re.compile(rf"^\W*(?:(?P<superseded>{NO_LONGER})|(?P<draft>{_DRAFT}))\b", re.IGNORECASE)
_STATUS_KEY = re.compile(r"^(?:document\s+|version\s+|approval\s+)?status$", re.IGNORECASE)
# A banner or title says it in capitals, or as its first word followed by a dash or colon: "DRAFT FOR DISCUSSION",
# "Superseded - QM Program Description"; "Draft minutes were approved" is a sentence about another document.
_BANNER = re.compile(r"^\W*(?:(?P<superseded>SUPERSEDED|OBSOLETE|ARCHIVED|RETIRED)|(?P<draft>DRAFT|PROPOSED))\b"
                     r"|^\W*(?:(?P<superseded2>Superseded|Obsolete|Archived)|(?P<draft2>Draft|Proposed))\s*[-–—:]")
_FILE_WORDS = {"superseded": "superseded", "obsolete": "superseded", "archived": "superseded",
               "retired": "superseded", "draft": "draft"}


def _kind(match: re.Match | None) -> str | None:
    if match is None:
        return None
    found = {k for k, v in match.groupdict().items() if v}
    return "superseded" if found & {"superseded", "superseded2"} else "draft" if found else None


# A revision table's column of changes, beside the version or section changed, or under a heading that says so; a
# results table's "Year | Rate | Change" is a change of a rate.
_CHANGE_CELL = re.compile(r"^(?:(?:description|summary)\s+of\s+)?(?:changes?|revisions?|amendments?|what\s+changed)"
                          r"(?:\s+(?:made|summary|description))?$", re.IGNORECASE)
_VERSION_CELL = re.compile(r"^(?:version|rev\.?|revision|section|sections?\s+changed|v\.)$", re.IGNORECASE)
_CHANGE_HEADING = re.compile(r"\b(?:revision|document|version|change)\s+(?:history|log|summary|record)\b|"
                             r"\bsummary\s+of\s+changes\b|\bchange\s+summary\b", re.IGNORECASE)


def _change_row(p: Passage) -> bool:
    if p.kind != "row" or not p.row or not p.header:
        return False
    header = [c.strip() for c in p.header]
    if not any(_CHANGE_CELL.match(c) for c in header):
        return False
    return any(_VERSION_CELL.match(c) for c in header) or any(_CHANGE_HEADING.search(h) for h in p.section)


def mark(passages: list[Passage], documents: list[Document]) -> None:
    """Every passage of a version not in force says what it says as "superseded" or "draft", and every row of a
    change log as "change_log", not as practice."""
    for p in passages:
        if not p.statement and _change_row(p):
            p.say_only_as("change_log")
    status: dict[tuple[int, tuple[str, ...]], str] = {}  # a section (its document, its path) -> its status
    for d, doc in enumerate(documents):
        words = re.split(r"[-_. ]+", PurePath(doc.path).stem.lower())
        named = next((_FILE_WORDS[w] for w in words if w in _FILE_WORDS), None)
        if named:
            status[(d, ())] = named
    seen_text: set[int] = set()  # documents whose first passage of body text has gone by
    for p in passages:
        kind = None
        if p.kind == "row" and " | " in p.text:
            key, _, value = p.text.partition(" | ")
            if _STATUS_KEY.match(key.strip()):
                kind = _kind(_VALUE.match(value.strip()))
        elif p.doc not in seen_text and (p.kind == "heading" or p.block_kind == "paragraph"):
            # the title, or a banner before the body's first words
            kind = _kind(_BANNER.match(p.text))
            if p.kind != "heading":
                seen_text.add(p.doc)
        if kind is not None:
            # the section the control block or banner stands in: the document under its title, or the part
            where = p.section if p.kind != "heading" else (*p.section, p.text)
            status.setdefault((p.doc, where), kind)
    if not status:
        return
    # A draft beside a version in force is not in force; a draft that is the only text of its kind is what the plan
    # submits as its own (its approval is another requirement's question).
    status = {key: kind for key, kind in status.items()
              if kind == "superseded" or _in_force_elsewhere(key, status, passages, documents)}
    for p in passages:
        path = (*p.section, p.text) if p.kind == "heading" else p.section
        for depth in range(len(path), -1, -1):
            if (kind := status.get((p.doc, path[:depth]))) is not None:
                if not p.statement:
                    p.say_only_as(kind)
                break


def _in_force_elsewhere(key: tuple[int, tuple[str, ...]], status: dict, passages: list[Passage],
                        documents: list[Document]) -> bool:
    """Another document, or another part of a bound file, of the same kind as this version, with no status
    against it: the version in force."""
    d, where = key
    kind = (kind_named(where[-1]) if len(where) > 1 else None) or documents[d].kind
    if kind in (None, "other"):  # of no kind we know: nothing else can be its version in force
        return False

    def marked(doc: int, path: tuple[str, ...]) -> bool:
        return any((doc, path[:depth]) in status for depth in range(len(path) + 1))

    # a status against a document as a whole: its file name's, or one under its title
    whole = {e for e, where in status if len(where) <= 1}
    if any(e != d and not other.error and other.kind == kind and e not in whole for e, other in enumerate(documents)):
        return True
    return any(p.kind == "heading" and p.section and kind_named(p.text) == kind
               and not marked(p.doc, (*p.section, p.text)) for p in passages)
