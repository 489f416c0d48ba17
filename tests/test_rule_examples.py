"""Every requirement of every checklist carries passing and failing examples; this runs them all.

A passing example must be judged `met` with quoted evidence; a failing example (a near miss: the key words
present but in the wrong place or saying something else) must not be `met`.
"""

from __future__ import annotations

import pytest

from auditor.checklists import checklist_files, load_checklist
from tests.helpers import facts_that_apply, judge_all, markdown_document


def _cases():
    for name in sorted(checklist_files()):
        checklist = load_checklist(name)
        for requirement in checklist.requirements:
            for outcome, examples in (("pass", requirement.examples.passing),
                                      ("fail", requirement.examples.failing)):
                for i, example in enumerate(examples):
                    yield pytest.param(name, requirement.id, outcome, example,
                                       id=f"{name}:{requirement.id}:{outcome}{i}")


def test_every_requirement_has_both_kinds_of_example():
    for name in checklist_files():
        for requirement in load_checklist(name).requirements:
            assert requirement.examples.passing, f"{name} {requirement.id} has no passing example"
            assert requirement.examples.failing, f"{name} {requirement.id} has no failing example"


@pytest.mark.parametrize(("checklist_id", "requirement_id", "outcome", "example"), list(_cases()))
def test_rule_example(checklist_id, requirement_id, outcome, example):
    checklist = load_checklist(checklist_id)
    requirement = checklist.requirement(requirement_id)
    documents = [markdown_document(example.text, kind=example.kind)] if example.text else []
    facts = facts_that_apply(requirement).model_copy(update={"parameters": example.parameters})
    findings = judge_all(documents, checklist, requirement_id, facts, inputs=example.inputs)
    text = " ".join(example.text.split())
    if outcome == "pass":
        for finding in findings:  # every item of a per-item requirement must pass
            assert finding.status == "met", f"{finding.requirement_id} {finding.status}: {finding.rationale}"
            assert finding.evidence, finding.requirement_id
            assert all(e.quote in text or e.document == "example" for e in finding.evidence)
    else:
        assert any(f.status != "met" for f in findings), \
            f"near miss judged met on {[e.quote for f in findings for e in f.evidence]}"
