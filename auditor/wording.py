"""Rationales in the examiner's words, written from the checklists' labels.

A report says what was found, what is missing and where the closest passage is and what it lacks. The rule
language (term names, regexes, phrase lists) is for `explain`; nothing here prints it.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import TYPE_CHECKING, get_args

from auditor.document import DocumentKind

if TYPE_CHECKING:
    from auditor.checks.base import CheckResult
    from auditor.models import Evidence, Requirement

# Document kinds as a reader names them.
KIND_WORDS = {kind: kind.replace("_", " ") for kind in get_args(DocumentKind)} | {
    "qmp_description": "program description", "guideline_policy": "guideline policy", "other": "other"}
_KIND = re.compile(r"\b(" + "|".join(sorted(KIND_WORDS, key=len, reverse=True)) + r")\b")
# What no report may show: a regex, an alternation, `explain`'s bracketed term lists, a literal marker. (Term
# names are kept out at the source: checks say terms in words. A column name of the plan's own data file,
# "ntsv_rate", is the plan's word and stays.)
RULE_SYNTAX = re.compile(r"\bre:|\||\\[a-zA-Z]|\[[a-z ]+:|(?<![\w'’])=[a-z]")
LIST_MAX = 5  # items of a list a rationale names; the report's "missing" holds them all


def example_phrase(phrases: list[str]) -> str | None:
    """The first phrase of a term that reads as words, in quotes: `=updated` -> “updated”, `a|b c` -> “a c`."""
    for phrase in phrases:
        words: list[str] = []
        for word in phrase.split():
            if word.startswith("re:"):
                words = []
                break
            if word.endswith("?"):  # an optional word: the phrase reads without it
                continue
            words.append(word.lstrip("=").split("|")[0])
        if words:
            return "“" + " ".join(words) + "”"
    return None


def plain(note: str) -> str | None:
    """A check's note for people: document kinds in words; None if it still holds rule syntax."""
    note = _KIND.sub(lambda m: KIND_WORDS[m.group(1)], note)
    return None if RULE_SYNTAX.search(note) else note


def requirement_label(requirement: Requirement) -> str:
    """What the requirement as a whole looks for: its evidence's label, else its title."""
    return requirement.evidence.label or requirement.title


def gap_missing(requirement: Requirement, result: CheckResult) -> list[str]:
    """What a gap lacks, in words: never empty, so every gap says what is missing."""
    missing = [text for m in result.missing if (text := plain(m))]
    return missing or [requirement_label(requirement)]


def _listed(items: list[str]) -> str:
    shown = items[:LIST_MAX]
    text = "; ".join(shown)
    return text + (f"; and {len(items) - len(shown)} more" if len(items) > len(shown) else "")


def _notes(result: CheckResult, limit: int = 2, said: str = "") -> str:
    # a note that only repeats what "Missing" already says in its parentheses is left out
    kept = [n for n in (plain(note) for note in result.notes) if n and n.split(": ", 1)[-1].lower() not in said][:limit]
    return "".join(f" {n[0].upper()}{n[1:]}." for n in kept)


def _place(evidence: Evidence) -> str:
    name = PurePath(evidence.document).name
    return f"{name}, p. {evidence.page}" if evidence.page else name


def _closest(nearest: list[Evidence]) -> str:
    if not nearest:
        return ""
    first = nearest[0]
    lacks = [text for lack in (first.lacks or []) if (text := plain(lack))]
    text = f" The closest passage is in {_place(first)}"
    return text + (f"; it lacks {_listed(lacks[:2])}." if lacks else ".")


def rationale(requirement: Requirement, status: str, result: CheckResult, passages: int, documents: int,
              missing: list[str], nearest: list[Evidence]) -> str:
    """Why the finding is what it is: what was found, what is missing, where the closest passage is."""
    found = [text for f in result.found if (text := plain(f))]
    if status == "met":
        where = f"in {passages} passage(s) of {documents} document(s)" if passages else "without a passage to quote"
        return (f"Found: {_listed(found)}, {where}." if found else f"Evidenced {where}.") + _notes(result, 1)
    if status == "partial":
        text = (f"Found: {_listed(found)}. " if found else "The subject is there, but not as the plan's statement "
                "of what it does. ") + f"Missing: {_listed(missing)}."
        return text + _notes(result, said=" ".join(missing).lower()) + _closest(nearest)
    if status == "needs_review":
        notes = [n for n in (plain(note) for note in result.notes) if n]
        text = "Possible evidence needs a reviewer's judgement" + (f" ({'; '.join(notes[:3])})." if notes else ".")
        return text + (f" Found: {_listed(found)}." if found else "")
    label = requirement_label(requirement)
    if label[1:2].islower():  # "Annual work plan" reads lower-case mid-sentence; "QMP goals" stays as it is
        label = label[0].lower() + label[1:]
    text = f"No passage in the submission shows {label}."
    if missing != [requirement_label(requirement)]:
        text += f" Missing: {_listed(missing)}."
    return text + _closest(nearest)
