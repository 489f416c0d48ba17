"""What a heading names: one thing of a kind ("Study 2: Asthma controller use", "Diabetes care study", "QIA-3"), or
the kind in general ("5. Studies", "How a study is run", "Study topics", "PIP updates").

A rule about each study (auditor.checks.each) takes the sections whose headings name one study as its units. A
section about studies in general (the plural, a question or a method, a register of them) is not a study: counted
as one, it lacks a study's parts (a benchmark, a re-measurement) and turns a complete set of studies into a
partial one, or its general description of the steps passes for a completed study.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that lead a heading about how things are done, not about one of them.
_QUESTION_LEAD = _words(
    "how what why when where who which running choosing selecting picking acting conducting doing managing "
    "designing")
# The outline's own words before a heading's number: "Section 3 -", "Slide 7 -", "Step 1.", "Finding 2024-QM-13 -".
_OUTLINE = _words(
    "section part article chapter step slide finding domain register appendix exhibit attachment item")
# A noun after the kind's word that makes the heading about an aspect of the kind in general: "Study topics",
# "PIP updates", "QIA Inventory", "Study Tracking Log".
_ASPECT = _words(
    "method methods methodology topic topics calendar inventory coverage record records tracking tracker log logs "
    "summaries update updates result results data population variables process processes design selection schedule "
    "list register forms overview framework standards requirements criteria cycle reports")
# A year or a span of years is a date, not an identifier: "Improvement Projects 2022-2024", "MY2024".
_YEARS = re.compile(r"^(?:MY|CY|FY)?(?:19|20)\d\d(?:[-\u2013/](?:MY|CY|FY)?(?:19|20)?\d\d)?$")


# Nouns of a program's own topics: a subsection "9.2 Data and sampling" or "10.2 Interventions" under a list of
# studies is about how studies are done, not one of them.
_TOPIC_OF_PROGRAM = _ASPECT | _words(
    "intervention interventions sampling status measure measures goal goals benchmark benchmarks team teams note "
    "reason reasons analysis analyses resource resources reporting evaluation barrier barriers procedure procedures "
    "background introduction purpose scope responsibilities oversight approval timeline contents appendix")


def names_one(sdoc: Doc, start: int, end: int) -> bool:
    """The heading sdoc[start:end] names one thing rather than a topic of the program: it carries an identifier
    ("QoC-1 Diabetes eye exam", "Project 2. Asthma"), or a name ("3.2 Controlling High Blood Pressure") that is
    neither a question ("3.6 Did it work?") nor the program's own topic ("9.2 Data and Sampling")."""
    tokens = [t for t in sdoc[start:end] if not t.is_space]
    words = [t for t in tokens if t.is_alpha]
    if not words or tokens[-1].text == "?" or _asks(sdoc, start, end):
        return False
    # an identifier that is not the outline's number: "QoC-1", "PIP-2", "Project 1" (not "3.2", not "Section 4")
    for i, t in enumerate(tokens):
        if any(c.isalpha() for c in t.text) and _number(t.text):
            return True
        if i and _number(t.text) and tokens[i - 1].is_alpha and tokens[i - 1].lower_ not in _OUTLINE:
            return True
    return not any(t.lower_ in _TOPIC_OF_PROGRAM for t in words)


def named_terms(sdoc: Doc, start: int, end: int, inside: list[tuple[str, int, int]]) -> set[str]:
    """The terms of the heading sdoc[start:end] (`inside`: name, first token, end token of each occurrence) that it
    names one thing of: an occurrence followed by an identifier ("Study 1", "Study QC-3"), holding one ("QIA-1"),
    or in the singular and not followed by an aspect noun; none in a heading led by a question or a method word."""
    if _asks(sdoc, start, end):
        return set()
    named = set()
    for name, s, e in inside:
        # the last token's words ("Activities (QIAs)" is one token where an acronym's definition was merged)
        words = [w.strip("()[],.:;") for w in sdoc[e - 1].text.split()]
        after = sdoc[e] if e < end else None
        identified = any(_number(t.text) for t in sdoc[s:e]) or (after is not None and _code(after.text))
        singular = not any(_plural(w) for w in words if w) and (after is None or after.lower_ not in _ASPECT)
        if identified or singular:
            named.add(name)
    return named


def _asks(sdoc: Doc, start: int, end: int) -> bool:
    """The heading is led (after its outline word and number) by a question or a method word, or has no word."""
    lead = next((t for t in sdoc[start:end] if t.is_alpha and t.lower_ not in _OUTLINE and not _code(t.text)), None)
    return lead is None or lead.lower_ in _QUESTION_LEAD


def _number(text: str) -> bool:
    """A number that is not a year: "1", "QIA-3", "22-01"."""
    return any(c.isdigit() for c in text) and not _YEARS.match(text)


def _code(text: str) -> bool:
    """An identifier: a number, or a short capital code ("QC" of "QC-3", "QS" of "QS-B")."""
    if any(c.isdigit() for c in text):
        return _number(text)
    # (not the capitals of an upper-case heading's ordinary words: "QM STUDY SUMMARIES", "STUDIES AND RESULTS")
    return text.isupper() and text.isalpha() and len(text) <= 3 and text not in ("QI", "QM", "AND", "OF", "THE")


def _plural(word: str) -> bool:
    """The kind's word in the plural: studies, projects, PIPs, QIAs (the kinds' words have no -ss singulars)."""
    word = word.lower()
    return len(word) > 3 and word.endswith("s") and not word.endswith("ss")
