"""The reviewer's walk through a saved report, and the whole path from audit to a signed-off Word letter."""

from __future__ import annotations

import datetime as dt

import docx
import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.overrides import OverridesFile, load_overrides
from auditor.review import pending, run_review
from tests.conftest import SAMPLE

TODAY = dt.date(2025, 3, 5)


def scripted(answers: list[str]):
    """An `ask` that replays answers in order, and the questions it was asked."""
    asked: list[str] = []

    def ask(question: str, default: str) -> str:
        asked.append(question)
        return answers.pop(0) if answers else default

    return ask, asked


def test_pending_walks_the_open_findings_in_report_order(sample_report):
    todo = pending(sample_report)
    assert todo and {f.status for f in todo} == {"partial", "not_met", "needs_review"}
    order = [f.requirement_id for f in sample_report.findings]
    assert [f.requirement_id for f in todo] == sorted((f.requirement_id for f in todo), key=order.index)


def test_decisions_are_recorded_and_saved_after_each(sample_report):
    first, second = pending(sample_report)[:2]
    saved: list[OverridesFile] = []
    ask, asked = scripted(["m", "Sent separately.", "", "bogus", "n", "", "No evidence.", "2024-01-01", "2026-03-01",
                           "q"])
    said: list[str] = []
    result = run_review(sample_report, OverridesFile(), "J. Examiner", TODAY, ask, said.append, saved.append)
    assert [(o.requirement, o.status, o.reason, o.expires) for o in result.overrides] == [
        (first.requirement_id, "met", "Sent separately.", None),
        (second.requirement_id, "not_met", "No evidence.", dt.date(2026, 3, 1))]
    assert all(o.reviewer == "J. Examiner" and o.date == TODAY for o in result.overrides)
    assert len(saved) == 2 and saved[-1] == result  # each decision is on disk before the next question
    assert asked.count("Reason (required)") == 3  # an empty reason is asked again
    assert any("the expiry must be after today" in line for line in said)
    assert any(first.requirement_id in line and first.citation in line for line in said)
    assert any("Keys:" in line for line in said[1:])  # an unknown key shows the keys again


def test_skip_records_nothing_and_existing_decisions_are_kept(sample_report):
    first, second = pending(sample_report)[:2]
    earlier = {"requirement": second.requirement_id, "status": "met", "reason": "Earlier.", "reviewer": "A",
               "date": "2025-03-01"}
    existing = OverridesFile.model_validate({"overrides": [earlier]})
    ask, _ = scripted(["s", "q"])
    result = run_review(sample_report, existing, "J. Examiner", TODAY, ask, lambda _: None, lambda _: None)
    assert result == existing


def test_evidence_is_shown_for_each_finding(sample_report):
    said: list[str] = []
    ask, _ = scripted(["q"])
    first = pending(sample_report)[0]
    run_review(sample_report, OverridesFile(), "J. Examiner", TODAY, ask, said.append, lambda _: None)
    shown = "\n".join(said)
    passages = (first.evidence or first.nearest or first.candidates)[:1]
    assert passages, "the first open finding of the sample shows passages"
    for e in passages:
        assert e.document in shown
        assert " ".join(e.quote.split())[:40] in shown


@pytest.fixture
def report_json(tmp_path, sample_report):
    path = tmp_path / "report.json"
    path.write_text(sample_report.model_dump_json())
    return path


def test_from_audit_to_a_signed_off_letter(tmp_path, report_json, sample_report):
    """A reviewer's path: audit → review (two decisions, sign-off) → audit with overrides → Word letter."""
    runner = CliRunner()
    first, second = pending(sample_report)[:2]
    overrides_path = tmp_path / "overrides.yaml"
    answers = ["m", "Work plan sent separately on 2025-02-20.", "", "n", "Not shown in any document.", "", "q",
               "y", "Examiner, Bureau of Insurance"]
    result = runner.invoke(main, ["review", str(report_json), "-o", str(overrides_path), "--reviewer", "J. Examiner",
                                  "--date", "2025-03-05"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "2 decision(s)" in result.output and "signed off by J. Examiner" in result.output
    recorded = load_overrides(overrides_path)
    assert recorded.sign_off.title == "Examiner, Bureau of Insurance" and recorded.sign_off.date == TODAY

    letter = tmp_path / "letter.docx"
    result = runner.invoke(main, ["audit", str(SAMPLE), "--as-of", "2025-03-01", "--overrides", str(overrides_path),
                                  "--format", "docx", "-o", str(letter)])
    assert result.exit_code == 0, result.output
    text = "\n".join([p.text for p in docx.Document(str(letter)).paragraphs]
                     + [c.text for t in docx.Document(str(letter)).tables for row in t.rows for c in row.cells])
    assert "Work plan sent separately on 2025-02-20." in text and "Not shown in any document." in text
    assert "J. Examiner" in text and "Examiner, Bureau of Insurance" in text

    reviewed_json = tmp_path / "reviewed.json"
    runner.invoke(main, ["audit", str(SAMPLE), "--as-of", "2025-03-01", "--overrides", str(overrides_path),
                         "--format", "json", "-o", str(reviewed_json)])
    from auditor.report_file import load_report

    final = {f.requirement_id: f for f in load_report(reviewed_json).findings}
    assert final[first.requirement_id].status == "met"
    assert final[first.requirement_id].review.tool_status == first.status
    assert final[second.requirement_id].status == "not_met"


def test_review_of_a_file_that_is_not_a_report_exits_2(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("[1, 2]")
    result = CliRunner().invoke(main, ["review", str(bad), "--reviewer", "J"], input="q\n")
    assert result.exit_code == 2 and "not an hmo-audit report" in result.output


def test_review_does_not_import_spacy_or_pdf_libraries(report_json, tmp_path):
    import subprocess
    import sys

    code = ("import sys; from click.testing import CliRunner; from auditor.cli import main; "
            f"r = CliRunner().invoke(main, ['review', {str(report_json)!r}, '-o', {str(tmp_path / 'o.yaml')!r}, "
            "'--reviewer', 'J'], input='q\\nn\\n'); "
            "print(r.exit_code, 'spacy' in sys.modules, 'pdfplumber' in sys.modules, 'pypdfium2' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "False", "False", "False"]
