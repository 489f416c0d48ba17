"""Reports speak the examiner's words: no rule syntax (regexes, term names, phrase lists) in any format, and every
gap says what is missing."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest

from auditor.checklists import load_checklist
from auditor.models import AllOfCheck, AnyOfCheck, BaseModel
from auditor.render import FORMATS, render
from auditor.wording import RULE_SYNTAX, example_phrase, plain

SAMPLES = [("fixtures/sample-submission", "maine-ch109", dt.date(2025, 3, 1)),
           ("fixtures/bcbsil-sample", "bcbsil-qi27", dt.date(2025, 6, 30)),
           ("fixtures/covered-ca-sample", "covered-ca-qis2", dt.date(2025, 6, 30)),
           ("fixtures/mroqc-sample", "mroqc-qip", dt.date(2025, 6, 30)),
           ("fixtures/medi-cal-sample", "medi-cal-ecm-qip", dt.date(2025, 6, 30))]


def _element_names(check: BaseModel) -> set[str]:
    names: set[str] = set()
    if isinstance(check, AllOfCheck | AnyOfCheck):
        names |= set(check.elements)
    for value in check.__dict__.values():
        for item in (value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]):
            if isinstance(item, BaseModel):
                names |= _element_names(item)
    return names


def rule_names(checklist_id: str) -> re.Pattern:
    """The checklist's own identifiers a reader must never see: its term names and element names (those made of
    several words joined by underscores; a one-word name such as "credentialing" is an ordinary word). The roles'
    keys are left out: they are what a reader types in submission.yaml (`roles: {qm_committee: ...}`)."""
    checklist = load_checklist(checklist_id)
    names = set(checklist.terms) | {n for r in checklist.requirements for n in _element_names(r.evidence)}
    joined = sorted((n for n in names - set(checklist.roles) if "_" in n), key=len, reverse=True)
    if not joined:
        return re.compile(r"(?!)")  # nothing to look for
    return re.compile(r"(?<![\w/.-])(" + "|".join(map(re.escape, joined)) + r")(?![\w/.-])")


def text_of(report, fmt: str) -> str:
    """What a reader of the format sees."""
    out = render(report, fmt)
    if fmt == "docx":
        import docx

        document = docx.Document(io.BytesIO(out))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        heads = [p.text for s in document.sections for part in (s.header, s.footer) for p in part.paragraphs]
        return "\n".join([p.text for p in document.paragraphs] + cells + heads)
    if fmt == "html":
        body = out.split("<body", 1)[1]
        body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
        return re.sub(r"<[^>]+>", " ", body)  # the text, not the markup's attributes
    if fmt == "json":  # what people read of it; keys and status codes are the schema
        findings = json.loads(out)["findings"]
        return "\n".join([f["rationale"] for f in findings] + [m for f in findings for m in f["missing"]]
                         + [lack for f in findings for n in f["nearest"] for lack in n.get("lacks") or []])
    return out


@pytest.fixture(scope="module")
def reports():
    from auditor.api import audit

    return [(checklist, audit([folder], [checklist], as_of)) for folder, checklist, as_of in SAMPLES]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_report_shows_rule_syntax(reports, fmt):
    for checklist, report in reports:
        text = text_of(report, fmt)
        names = rule_names(checklist)
        assert not names.findall(text), (checklist, fmt, sorted(set(names.findall(text)))[:10])
        assert not re.search(r"\bre:|\[[a-z ]+: ", text), (checklist, fmt)
        for finding in report.findings:
            said = [finding.rationale, *finding.missing, *(lack for n in finding.nearest for lack in n.lacks or [])]
            assert not any(RULE_SYNTAX.search(s) for s in said), (finding.requirement_id, said)


def test_the_check_catches_a_term_name(reports):
    # The guard above must be able to fail: a rationale written the old way is caught.
    _, report = reports[0]
    old = report.model_copy(deep=True)
    old.findings[0].rationale = "Looked for [annual word: annual, annually, ...] and care_setting"
    assert rule_names("maine-ch109").findall(text_of(old, "md"))


def test_every_gap_says_what_is_missing_in_words(reports):
    for _, report in reports:
        for finding in report.findings:
            if finding.status in ("not_met", "partial"):
                assert finding.missing and all(m.strip() for m in finding.missing), finding.requirement_id
            assert len(finding.rationale) <= 700, (finding.requirement_id, len(finding.rationale))


def test_sample_rationales_name_what_was_found_and_what_is_missing(reports):
    _, report = reports[0]
    work_plan = next(f for f in report.findings if f.requirement_id == "1.03-1.C")
    assert work_plan.missing == ["planned monitoring of previously identified issues"]
    assert "Found: a work plan developed each year; approval of the work plan by the governing body" in \
        work_plan.rationale
    assert "Missing: planned monitoring of previously identified issues." in work_plan.rationale
    scope = next(f for f in report.findings if f.requirement_id == "1.03-2.E.4.d")  # a gap with near misses
    assert scope.status == "not_met"
    assert "The closest passage is in pcp-agreement-template.pdf, p. " in scope.rationale


def test_terms_are_said_by_an_example_phrase():
    assert example_phrase(["re:^\\d+$", "=updated", "last update|review date?"]) == "“updated”"
    assert example_phrase(["last update|review date?"]) == "“last update”"
    assert example_phrase(["re:^x$"]) is None
    assert plain("found only outside the expected documents (committee_minutes)") == \
        "found only outside the expected documents (committee minutes)"
    assert plain("all of [annual word: annual, yearly]") is None


def test_explain_keeps_the_rule_language_beside_the_labels():
    from click.testing import CliRunner

    from auditor.cli import main

    result = CliRunner().invoke(main, ["explain", "maine-ch109", "1.03-1.C"])
    assert result.exit_code == 0
    # The author's view: element and term names, the phrase lists, and the words the reports use.
    assert "- timetable (“a timetable for each activity”): all of [timetable word: timetable," in result.output
