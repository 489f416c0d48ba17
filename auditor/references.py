"""A submission's references to its own parts: "(see Exhibit 10)", "as shown in Exhibit 11", "Appendix C section 4".

A master document that hands its details to exhibits and appendices is evidence where the part it cites is in the
submission (the rules then find the part itself), and only a pointer where that part is not: an exhibit listed as
"Not included" or "Available on request", or one the submission's own numbering names and no file or heading
holds. Where a submission uses no parts of a kind at all (a contract's "Exhibit A" in a lone policy), nothing is
known about them, and its references are left as they are.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from extractors.kind import kind_named

if TYPE_CHECKING:
    from auditor.document import Document
    from auditor.passages import Passage

_KIND = r"(?P<kind>exhibits?|attachments?|appendix|appendices|annex(?:es)?|enclosures?|schedules?)"
_ID = r"(?:[A-Z]{1,2}(?:-\d{1,2})?|\d{1,3}[A-Z]?)"
# "Exhibit 4", "Attachment B-2", "Appendices A and B"
_REF = re.compile(rf"\b{_KIND}\s+(?P<ids>{_ID}(?:\s*(?:,|and|&)\s*{_ID})*)\b(?![-/.]\d)", re.IGNORECASE)
_ONE_ID = re.compile(_ID)
# how a list of the parts marks one that is not there
_NOT_THERE = re.compile(r"\b(?:not\s+(?:included|attached|enclosed|submitted|provided)|available\s+(?:up)?on\s+request|"
                        r"to\s+follow|reserved|omitted|withheld)\b", re.IGNORECASE)
# where a sentence rests a claim on the part it names: in parentheses, or after "see", "shown in", "described in"
_CITING = re.compile(r"(?:\(\s*(?:see\s+(?:also\s+)?)?|\bsee\s+(?:also\s+)?|\b(?:shown|described|set\s+out|"
                     r"listed|detailed|documented|recorded|given)\s+in\s+|\b(?:is|are)\s+(?:in\s+)?)$", re.IGNORECASE)


def _kind(word: str) -> str:
    """The singular: "appendices" -> appendix, "annexes" -> annex, "exhibits" -> exhibit."""
    word = word.lower()
    if word.startswith("append"):
        return "appendix"
    return word[:-2] if word.endswith("xes") else word.rstrip("s")


def refs_in(text: str) -> list[tuple[str, str, int]]:
    """The parts a text names: (kind, id, offset of the name)."""
    out = []
    for m in _REF.finditer(text):
        kind = _kind(m.group("kind"))
        for ident in _ONE_ID.findall(m.group("ids")):
            out.append((kind, ident.upper(), m.start()))
    return out


def _present(passages: list[Passage], documents: list[Document]) -> set[tuple[str, str]]:
    """The parts the submission holds: named by a file's name ("exhibit-4-work-plan", "appendices-a-and-b") or title,
    or by a heading."""
    names = [re.sub(r"[_\-.]+", " ", PurePosixPath(doc.path).stem).upper() for doc in documents]
    names += [doc.title or "" for doc in documents]
    names += [p.text for p in passages if p.kind == "heading"]
    return {(kind, ident) for name in names for kind, ident, at in refs_in(name) if at < 40}


def _declared_missing(passages: list[Passage]) -> set[tuple[str, str]]:
    """Parts a list of the submission's parts marks as not there ("Exhibit 10 | ... | Not included")."""
    out = set()
    for p in passages:
        if p.kind == "row" and _NOT_THERE.search(p.text):
            refs = refs_in(p.text.split(" | ")[0])
            if len(refs) == 1:
                out.add(refs[0][:2])
    return out


def _absent(passages: list[Passage], documents: list[Document],
            cited: dict[int, list[tuple[str, str, int]]]) -> set[tuple[str, str]]:
    """The parts cited that the submission does not hold."""
    named = {(kind, ident) for refs in cited.values() for kind, ident, _ in refs}
    present = _present(passages, documents)
    kinds_held = {kind for kind, _ in present}
    # a part held whole holds its sub-parts ("Attachment B" holds B-1 and B-2)
    held = present | {(kind, ident) for kind, ident in named if (kind, ident.split("-")[0]) in present}
    missing = {ref for ref in named if ref[0] in kinds_held and ref not in held}
    return (missing | _declared_missing(passages)) - present


def _cited(passages: list[Passage]) -> dict[int, list[tuple[str, str, int]]]:
    """Per passage (not a heading) that names parts: the parts it names."""
    out = {}
    for i, p in enumerate(passages):
        if p.kind != "heading" and _QUICK.search(p.text) and (refs := refs_in(p.text)):
            out[i] = refs
    return out


_QUICK = re.compile(r"exhibit|attachment|append|annex|enclosure|schedule", re.IGNORECASE)


def mark_unresolved(passages: list[Passage], documents: list[Document]) -> None:
    """A claim resting on a part the submission does not hold is only a pointer: "Practitioners are informed
    through the Provider Update (see Exhibit 10)" with Exhibit 10 "Not included"."""
    cited = _cited(passages)
    if not cited:
        return
    missing = _absent(passages, documents, cited)
    if not missing:
        return
    for i, refs in cited.items():
        p = passages[i]
        if p.kind != "sentence" or not p.asserted:
            continue
        if any((kind, ident) in missing and _CITING.search(p.text[max(0, at - 20):at]) for kind, ident, at in refs):
            for term in p.asserted:
                p.kinds[term] = p.kinds.get(term, frozenset()) | {"pointer"}
            p.asserted = set()


def mark_parts(passages: list[Passage], documents: list[Document]) -> None:
    """A file that binds several parts of a submission ("Attachment B-1 - Participating Provider Agreement" and
    "Attachment B-2 - Clinical Guideline Register") holds a document of each part's kind under its heading: the
    register is no contract because it shares a file with one."""
    parts: dict[tuple[int, tuple[str, ...]], str] = {}
    for p in passages:
        if p.kind == "heading" and _REF.match(p.text.strip()):
            kind = kind_named(p.text)
            if kind is not None and kind != documents[p.doc].kind:
                parts[p.section_key] = kind
    if not parts:
        return
    for p in passages:
        doc, path = p.section_key
        for depth in range(len(path), 0, -1):
            if (kind := parts.get((doc, path[:depth]))) is not None:
                p.part_kind = kind
                break
