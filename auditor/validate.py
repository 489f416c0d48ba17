"""`hmo-audit checklists validate FILE`: a custom checklist loaded as the audit would load it, then judged on its
own examples: each requirement's `pass` examples must be met with evidence quoted from the example, each `fail`
example (a near miss) must not be met. What "another state is one YAML file" needs before it is trusted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from auditor.models import Accreditation, Checklist, Examination, Requirement, SubmissionFacts

AS_OF = dt.date(2025, 3, 1)

# Facts under which a rule that depends on an accreditation or an examination applies, to judge its examples.
SAMPLE_FACTS = {
    "accreditation": Accreditation(body="NCQA", onsite_survey_start=dt.date(2024, 11, 4),
                                   onsite_survey_end=dt.date(2024, 11, 5), survey_report_received=dt.date(2025, 2, 10)),
    "examination": Examination(notice_date=dt.date(2024, 9, 2), onsite_review_date=dt.date(2025, 1, 20),
                               preliminary_findings_date=dt.date(2025, 2, 14)),
}


@dataclass
class ExampleResult:
    requirement_id: str
    outcome: str  # "pass" or "fail": what the example is meant to show
    index: int
    ok: bool
    problem: str = ""  # in words, when not ok


def facts_that_apply(requirement: Requirement) -> SubmissionFacts:
    """Facts under which a conditional requirement applies, so its examples can be judged."""
    values: dict = {}
    for c in requirement.applies_if:
        if c.fact == "months_licensed_on_march_1":
            values["license_date"] = dt.date(2010, 1, 1)
        elif c.fact in ("accreditation", "examination") and c.known is not False:
            values[c.fact] = SAMPLE_FACTS[c.fact]
        elif c.eq is not None:
            values[c.fact] = c.eq
        elif c.lt is not None:
            values[c.fact] = int(c.lt) - 1
        elif c.ge is not None:
            values[c.fact] = int(c.ge)
    return SubmissionFacts(**values)


def run_examples(checklist: Checklist) -> list[ExampleResult]:
    """Every example of every requirement, judged (spaCy is loaded: this takes a few seconds)."""
    from auditor.engine import evaluate
    from auditor.inputs import validate_rows
    from extractors.text import read_markdown

    results = []
    for requirement in checklist.requirements:
        if not requirement.examples.passing:
            results.append(ExampleResult(requirement.id, "pass", 0, False, "has no passing example"))
        if not requirement.examples.failing:
            results.append(ExampleResult(requirement.id, "fail", 0, False, "has no failing example (a near miss)"))
        for outcome, examples in (("pass", requirement.examples.passing), ("fail", requirement.examples.failing)):
            for i, example in enumerate(examples):
                documents = []
                if example.text:
                    doc = read_markdown(example.text.encode("utf-8"), path="example.md", sha256="",
                                        filename="example.md")
                    documents = [doc.model_copy(update={"kind": example.kind})]
                facts = facts_that_apply(requirement).model_copy(update={"parameters": example.parameters})
                tables = {checklist.id: {name: validate_rows(name, spec, example.inputs.get(name, []), "example")
                                         for name, spec in checklist.inputs.items()}}
                report = evaluate(documents, [checklist], AS_OF, facts, tables=tables)
                findings = [f for f in report.findings if f.requirement_id == requirement.id
                            or f.requirement_id.startswith(requirement.id + "[")]
                text = " ".join(example.text.split())
                problem = ""
                if outcome == "pass":
                    bad = [f for f in findings if f.status != "met"]
                    if bad:
                        problem = (f"passing example {i + 1} is judged {bad[0].status.replace('_', ' ')}: "
                                   f"{bad[0].rationale[:300]}")
                    elif any(not f.evidence or not all(e.quote in text or e.document == "example"
                                                       for e in f.evidence) for f in findings):
                        problem = f"passing example {i + 1} is met without evidence quoted from the example"
                elif findings and all(f.status == "met" for f in findings):
                    quotes = "; ".join(e.quote for f in findings for e in f.evidence)[:300]
                    problem = f"failing example {i + 1} (a near miss) is judged met, on: {quotes}"
                results.append(ExampleResult(requirement.id, outcome, i, not problem, problem))
    return results
