"""What a heading names: one thing of a kind, or the kind in general (auditor.headings)."""

from __future__ import annotations

import pytest

from auditor import headings
from auditor.nlp import process


def _names_one(text: str) -> bool:
    doc = next(process([text]))
    return headings.names_one(doc, 0, len(doc))


def _named(text: str, word: str) -> bool:
    """The heading names one thing of the kind `word` (one token of it) stands for."""
    doc = next(process([text]))
    at = next(t.i for t in doc if t.text == word)
    return bool(headings.named_terms(doc, 0, len(doc), [("kind", at, at + 1)]))


@pytest.mark.parametrize(("text", "word", "one"), [
    ("Study 2: Controller medicines for asthma", "Study", True),
    ("4.2 Asthma Medication Ratio Study", "Study", True),
    ("Slide 7 - Study QS-A: Routine appointment access", "Study", True),
    ("CCIP 2022-2024: Heart failure", "CCIP", True),
    ("5. Studies", "Studies", False),
    ("Our Improvement Projects 2022-2024: One Page Each", "Projects", False),  # a span of years is no identifier
    ("Section 3 - How a study is run", "study", False),
    ("1.3 Study topics", "Study", False),
    ("8. PIP updates", "PIP", False),
    ("SEBASTICOOK HEALTH PLAN - QM STUDY SUMMARIES", "STUDY", False),
])
def test_a_heading_names_one_study_or_studies_in_general(text: str, word: str, one: bool) -> None:
    assert _named(text, word) is one


@pytest.mark.parametrize(("text", "one"), [
    ("QoC-1 Diabetes eye exam", True),
    ("Project 2. Breathing easier", True),
    ("3.2 Controlling High Blood Pressure", True),
    ("3.1 Choosing a topic", False),
    ("9.2 Data and Sampling", False),
    ("3.6 Did it work?", False),
    ("10.2 Interventions", False),
])
def test_a_subsection_names_one_thing_or_a_topic_of_the_program(text: str, one: bool) -> None:
    assert _names_one(text) is one
