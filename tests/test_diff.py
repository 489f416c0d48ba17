"""Year over year: `diff_reports` per category, loading saved reports, the Markdown/JSON output and `hmo-audit diff`."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.diff import ReportLoadError, diff_reports, load_report, render_diff
from auditor.models import AuditReport, ChecklistRef, Finding, Review
from auditor.render import render
from auditor.summary import summarise
from tests.conftest import AS_OF, SAMPLE

NEXT_YEAR = dt.date(2026, 3, 1)

# Filling two of the sample's designed gaps: the work plan's tracking of earlier issues (1.03-1.C) and
# coordination with contracting and risk management (1.03-2.C).
ADDENDUM = """\
# 2026 Quality Improvement Work Plan Addendum

## Issues Carried Over

The Work Plan tracks open issues carried over from the prior year and monitors previously identified issues until
they are resolved.

## Coordination

The QI Program coordinates its activities with contracting and with risk management, using their performance
monitoring information.
"""


def ids(entries) -> list[str]:
    return [e.requirement_id for e in entries]


def by_id(entries) -> dict:
    return {e.requirement_id: e for e in entries}


def resummarised(report: AuditReport, findings: list[Finding], **update) -> AuditReport:
    """A copy of the report with these findings and the summary they give."""
    sections = [(s.checklist, s.section, s.title) for s in report.summary.sections]
    return report.model_copy(update={"findings": findings, "summary": summarise(findings, sections), **update})


def changed(report: AuditReport, statuses: dict[str, str], missing: dict[str, list[str]] | None = None,
            reviews: dict[str, Review] | None = None, drop: tuple[str, ...] = (), extra: tuple[Finding, ...] = (),
            **update) -> AuditReport:
    """The report with some statuses changed, some findings dropped and some appended."""
    missing, reviews = missing or {}, reviews or {}
    findings = []
    for f in report.findings:
        if f.requirement_id in drop:
            continue
        if f.requirement_id in statuses:
            f = f.model_copy(update={"status": statuses[f.requirement_id],
                                     "missing": missing.get(f.requirement_id, [])})
        if f.requirement_id in reviews:
            f = f.model_copy(update={"review": reviews[f.requirement_id]})
        findings.append(f)
    return resummarised(report, findings + list(extra), **update)


def first_sections(report: AuditReport) -> AuditReport:
    """The report cut to §1.03-1 and §1.03-2 (26 findings): small enough for a snapshot."""
    findings = [f for f in report.findings if f.section in ("1.03-1", "1.03-2")]
    return resummarised(report, findings)


def new_finding(rid: str, status: str, missing: list[str] | None = None) -> Finding:
    return Finding(checklist="maine-ch109", requirement_id=rid, section="1.03-1", citation=f"10-144 CMR ch. 109, {rid}",
                   title=f"A requirement of the new version ({rid})", status=status, missing=missing or [],
                   rationale="made up for the test")


REVIEW = Review(status="met", tool_status="partial", reason="Work plan p. 3 tracks last year's open items",
                reviewer="J. Examiner", date=dt.date(2026, 2, 20))
EXPIRED = Review(status="met", tool_status="not_met", reason="Accepted last year", reviewer="J. Examiner",
                 date=dt.date(2025, 2, 1), expires=dt.date(2025, 12, 31), expired=True)


@pytest.fixture(scope="module")
def pair(sample_report):
    """A hand-made year-over-year pair from the sample, with one requirement in each category."""
    new = changed(
        sample_report,
        statuses={"1.03-1.C": "met", "1.03-2.C": "not_applicable",  # resolved
                  "1.03-2.B": "not_met", "1.03-2.E.2": "partial",  # new gaps
                  "1.03-1.B.2": "not_met", "1.03-2.D.3": "partial",  # still open: worsened, improved
                  "1.03-2.E.4.d": "not_met",  # still open, unchanged
                  "1.03-1.A": "needs_review", "1.03-9.A": "met", "1.03-4.D": "needs_review"},  # other changes
        missing={"1.03-2.B": ["signed_and_dated"], "1.03-2.E.2": ["facility_contracts"],
                 "1.03-1.B.2": ["care_settings", "types_of_services", "demographics"], "1.03-2.D.3": ["auditing"],
                 "1.03-2.E.4.d": []},
        reviews={"1.03-1.C": REVIEW, "1.03-2.E.4.d": EXPIRED},
        drop=("1.03-1.G",),
        extra=(new_finding("1.03-1.H", "met"), new_finding("1.03-1.I", "not_met", ["board_minutes"])),
        as_of=NEXT_YEAR)
    return sample_report, new


# --- diff_reports on hand-made reports -------------------------------------------------------------------


def test_each_category(pair):
    old, new = pair
    result = diff_reports(old, new)
    assert ids(result.resolved) == ["1.03-1.C", "1.03-2.C"]
    assert ids(result.new_gaps) == ["1.03-2.B", "1.03-2.E.2", "1.03-1.I"]  # the new report's order (I is appended)
    assert ids(result.changed) == ["1.03-1.A", "1.03-4.D", "1.03-9.A"]
    assert ids(result.added) == ["1.03-1.H"]
    assert ids(result.removed) == ["1.03-1.G"]
    gaps_before = {f.requirement_id for f in old.findings if f.status in ("partial", "not_met")}
    assert "1.03-4.D" not in gaps_before  # met in the sample: its change to needs review is an "other change"
    assert set(ids(result.still_open)) == gaps_before - {"1.03-1.C", "1.03-2.C"}
    # not gaps before and not changed: all but the 2 that became gaps, the 3 other changes and the one removed
    assert result.unchanged == len(old.findings) - len(gaps_before) - 6
    assert result.warnings == []


def test_entries_carry_statuses_citations_and_what_is_missing(pair):
    result = diff_reports(*pair)
    resolved = by_id(result.resolved)["1.03-1.C"]
    assert (resolved.old_status, resolved.new_status) == ("partial", "met")
    assert resolved.citation == "10-144 CMR ch. 109, § 1.03-1(C)"
    assert resolved.missing == [] and resolved.missing_before == ["planned monitoring of previously identified issues"]
    assert by_id(result.resolved)["1.03-2.C"].new_status == "not_applicable"
    signed = by_id(result.new_gaps)["1.03-2.B"]
    assert (signed.old_status, signed.new_status, signed.missing) == ("met", "not_met", ["signed_and_dated"])
    assert not signed.new_requirement
    assert by_id(result.new_gaps)["1.03-2.E.2"].old_status == "needs_review"
    assert (by_id(result.changed)["1.03-9.A"].old_status, by_id(result.changed)["1.03-9.A"].new_status) == \
        ("not_applicable", "met")
    assert by_id(result.changed)["1.03-4.D"].old_status == "met"  # met, now for review: an "other change"
    assert by_id(result.removed)["1.03-1.G"].new_status is None


def test_still_open_says_worsened_or_improved(pair):
    still = by_id(diff_reports(*pair).still_open)
    assert (still["1.03-1.B.2"].old_status, still["1.03-1.B.2"].new_status, still["1.03-1.B.2"].trend) == \
        ("partial", "not_met", "worsened")
    assert still["1.03-1.B.2"].missing == ["care_settings", "types_of_services", "demographics"]
    assert still["1.03-1.B.2"].missing_before == ["all care settings", "all types of services"]
    assert (still["1.03-2.D.3"].trend, still["1.03-2.D.3"].new_status) == ("improved", "partial")
    assert still["1.03-2.E.4.d"].trend is None


def test_requirements_in_one_report_only(pair):
    result = diff_reports(*pair)
    new_gap = by_id(result.new_gaps)["1.03-1.I"]
    assert new_gap.new_requirement and new_gap.old_status is None and new_gap.missing == ["board_minutes"]
    added = result.added[0]
    assert added.new_requirement and (added.old_status, added.new_status) == (None, "met")
    removed = result.removed[0]
    assert (removed.old_status, removed.new_status, removed.citation) == \
        ("met", None, "10-144 CMR ch. 109, § 1.03-1(G)")


def test_reviewer_decisions_are_shown_and_expired_ones_are_not(pair):
    result = diff_reports(*pair)
    review = by_id(result.resolved)["1.03-1.C"].new_review
    assert review is not None and review.reason.startswith("Work plan") and review.tool_status == "partial"
    assert by_id(result.resolved)["1.03-1.C"].old_review is None
    assert by_id(result.still_open)["1.03-2.E.4.d"].new_review is None  # expired: it decided nothing


def test_header_has_dates_names_counts_and_scores(pair):
    old, new = pair
    result = diff_reports(old, new)
    assert (result.old.as_of, result.new.as_of) == (AS_OF, NEXT_YEAR)
    assert result.old.hmo_name == result.new.hmo_name == "Casco Bay Health Plan"
    assert result.old.counts["met"] == old.summary.met and result.new.counts["not_met"] == new.summary.not_met
    assert (result.old.score, result.new.score) == (old.summary.score, new.summary.score)
    assert sum(result.new.counts.values()) == len(new.findings)


def test_warns_when_plans_checklists_or_profiles_differ(sample_report):
    other = sample_report.model_copy(update={
        "submission": sample_report.submission.model_copy(update={"hmo_name": "Another Plan"}),
        "checklists": [ChecklistRef(id="maine-ch109", title="Maine", version="2027.1"),
                       ChecklistRef(id="bcbsil-qi27", title="BCBSIL", version="1")],
        "profile": "periodic-exam", "as_of": dt.date(2024, 3, 1)})
    warnings = diff_reports(sample_report, other).warnings
    assert len(warnings) == 5
    assert "different HMOs: Casco Bay Health Plan (old) and Another Plan (new)" in warnings[0]
    assert "different checklists" in warnings[1]
    assert "maine-ch109 changed version: 2026.1 (old) and 2027.1 (new)" in warnings[2]
    assert "review profiles: all (old) and periodic-exam (new)" in warnings[3]
    assert "swapped" in warnings[4]


def test_identical_reports_have_no_changes_but_open_gaps(sample_report):
    result = diff_reports(sample_report, sample_report)
    assert not (result.resolved or result.new_gaps or result.changed or result.added or result.removed)
    assert all(e.trend is None for e in result.still_open)
    assert len(result.still_open) == sample_report.summary.partial + sample_report.summary.not_met
    assert result.unchanged + len(result.still_open) == len(sample_report.findings)


def test_markdown_snapshot(sample_report, pair, snapshot):
    old, new = first_sections(pair[0]), first_sections(pair[1])
    new = new.model_copy(update={"checklists": [ChecklistRef(id="maine-ch109", title="Maine", version="2027.1")]})
    text = render_diff(diff_reports(old, new), "md")
    assert "## Gaps resolved" in text and "| **1.03-1.C**" in text
    assert "> **Warning:** checklist maine-ch109 changed version" in text
    assert text == snapshot


def test_json_is_the_models_dump(pair):
    result = diff_reports(*pair)
    data = json.loads(render_diff(result, "json"))
    assert data["schema_version"] == "1"
    assert [e["requirement_id"] for e in data["resolved"]] == ["1.03-1.C", "1.03-2.C"]
    assert data["old"]["as_of"] == "2025-03-01" and data["new"]["as_of"] == "2026-03-01"
    with pytest.raises(ValueError):
        render_diff(result, "html")


# --- real audits: the sample, and a year later with a gap filled and a document gone ---------------------


@pytest.fixture(scope="module")
def next_year(tmp_path_factory):
    from auditor.api import audit

    folder = tmp_path_factory.mktemp("next-year") / "sample-submission"
    shutil.copytree(SAMPLE, folder)
    (folder / "pcp-agreement-template.pdf").unlink()  # the contract evidenced 1.03-2.E.1-4
    (folder / "work-plan-addendum-2026.md").write_text(ADDENDUM, encoding="utf-8")
    return audit([str(folder)], ["maine-ch109"], NEXT_YEAR)


def test_real_audits_a_year_apart(sample_report, next_year):
    result = diff_reports(sample_report, next_year)
    resolved = by_id(result.resolved)
    assert {"1.03-1.C", "1.03-2.C"} <= resolved.keys()
    assert resolved["1.03-1.C"].missing_before == ["planned monitoring of previously identified issues"]
    assert set(resolved["1.03-2.C"].missing_before) == {"coordination with contracting",
                                                        "coordination with risk management"}
    new_gaps = by_id(result.new_gaps)
    assert {"1.03-2.E.3", "1.03-2.E.4.a", "1.03-2.E.4.b", "1.03-2.E.4.c"} <= new_gaps.keys()
    assert all(new_gaps[r].old_status == "met" and new_gaps[r].new_status == "not_met" for r in new_gaps)
    # With no contract in the submission, what the program description says the agreements require is the evidence:
    # 1.03-2.E.1 stays met, and the facility agreements' cooperation clause (a question beside the PCP contract,
    # which spoke for the contracts) is now met on the description's word.
    assert "1.03-2.E.1" not in by_id(result.changed)
    assert (by_id(result.changed)["1.03-2.E.2"].old_status, by_id(result.changed)["1.03-2.E.2"].new_status) == \
        ("needs_review", "met")
    still = by_id(result.still_open)
    assert still["1.03-2.E.4.d"].trend is None and still["1.03-2.D.3"].new_status == "not_met"
    assert set(still["1.03-1.B.2"].missing) == {"all care settings", "all types of services"}
    assert still["1.03-5.F"].trend == "worsened"  # without the contract, no termination or sanction either
    assert "termination or sanction of a provider as a last step" in still["1.03-5.F"].missing
    assert not (result.added or result.removed or result.warnings)
    total = sum(len(x) for x in (result.resolved, result.new_gaps, result.still_open, result.changed))
    assert total + result.unchanged == len(next_year.findings) == len(sample_report.findings)


# --- loading saved reports --------------------------------------------------------------------------------


def test_load_round_trips_a_saved_report(sample_report, tmp_path):
    path = tmp_path / "r.json"
    path.write_text(render(sample_report, "json"), encoding="utf-8")
    assert load_report(path) == sample_report


def test_reports_from_before_reviewer_overrides_still_load(sample_report, tmp_path):
    data = json.loads(render(sample_report, "json"))
    del data["overrides"]
    for finding in data["findings"]:
        del finding["review"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = load_report(path)
    assert report.overrides is None and all(f.review is None for f in report.findings)
    assert diff_reports(report, sample_report).unchanged + len(diff_reports(report, sample_report).still_open) == \
        len(sample_report.findings)


@pytest.mark.parametrize(("content", "message"), [
    (b"# not a report\n", "not JSON"),
    (b"\xff\xfe\x00garbage", "not JSON"),
    (b"[1, 2, 3]", "not an hmo-audit report"),
    (b'{"findings": []}', "not an hmo-audit report"),
    (b'{"schema_version": "2", "findings": []}', "unknown report schema_version '2'"),
    (b'{"schema_version": "1", "findings": [{"status": "great"}]}', "not a valid schema_version 1 report"),
])
def test_bad_files_are_clear_errors(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ReportLoadError, match=message) as info:
        load_report(path)
    assert str(path) in str(info.value)


def test_a_missing_file_is_a_load_error(tmp_path):
    with pytest.raises(ReportLoadError, match="cannot be read"):
        load_report(tmp_path / "nowhere.json")


# --- the command --------------------------------------------------------------------------------------------


@pytest.fixture
def report_files(pair, tmp_path):
    old, new = tmp_path / "2025.json", tmp_path / "2026.json"
    old.write_text(render(pair[0], "json"), encoding="utf-8")
    new.write_text(render(pair[1], "json"), encoding="utf-8")
    return str(old), str(new)


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_cli_markdown_to_stdout(report_files):
    result = invoke("diff", *report_files)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Year over year: Casco Bay Health Plan\n")
    assert "| **1.03-2.B** " in result.stdout
    assert "2 resolved, 3 new gap(s)" in result.stderr


def test_cli_json_to_a_file(report_files, tmp_path):
    out = tmp_path / "diff.json"
    result = invoke("diff", *report_files, "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [e["requirement_id"] for e in data["new_gaps"]] == ["1.03-2.B", "1.03-2.E.2", "1.03-1.I"]
    assert data["new_gaps"][2]["new_requirement"] is True


def test_cli_fail_on_new_gaps(report_files):
    assert invoke("diff", *report_files, "--fail-on-new-gaps").exit_code == 1
    old, _new = report_files
    assert invoke("diff", old, old, "--fail-on-new-gaps").exit_code == 0  # nothing new


def test_cli_bad_file_exits_2_with_the_reason(report_files, tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text("these are notes", encoding="utf-8")
    result = invoke("diff", report_files[0], str(bad))
    assert result.exit_code == 2
    assert "notes.json: not JSON" in result.output
    assert invoke("diff", report_files[0], str(tmp_path / "missing.json")).exit_code == 2
    assert invoke("diff", *report_files, "--format", "html").exit_code == 2


def test_cli_warns_about_different_plans(sample_report, tmp_path):
    other = sample_report.model_copy(update={
        "submission": sample_report.submission.model_copy(update={"hmo_name": "Another Plan"})})
    old, new = tmp_path / "a.json", tmp_path / "b.json"
    old.write_text(render(sample_report, "json"), encoding="utf-8")
    new.write_text(render(other, "json"), encoding="utf-8")
    result = invoke("diff", str(old), str(new))
    assert result.exit_code == 0
    assert "warning: the reports are of different HMOs" in result.stderr
    assert "> **Warning:** the reports are of different HMOs" in result.stdout
    assert "# Year over year: Casco Bay Health Plan → Another Plan" in result.stdout


def test_diff_help_documents_exit_codes():
    result = invoke("diff", "--help")
    assert result.exit_code == 0
    assert "Exit codes" in result.output and "--fail-on-new-gaps" in result.output


def test_diff_does_not_import_spacy_or_pdf_libraries(report_files):
    code = ("import sys; from click.testing import CliRunner; from auditor.cli import main; "
            f"r = CliRunner().invoke(main, ['diff', {report_files[0]!r}, {report_files[1]!r}]); "
            "print(r.exit_code, 'spacy' in sys.modules, 'pdfplumber' in sys.modules, 'pypdfium2' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "False", "False", "False"]


def test_a_repeated_requirement_is_compared_once_with_a_warning(sample_report):
    twice = sample_report.model_copy(update={"findings": [*sample_report.findings, sample_report.findings[0]]})
    result = diff_reports(sample_report, twice)
    assert result.warnings == ["the new report has more than one finding for maine-ch109 1.03; the first is compared"]
    assert result.unchanged + len(result.still_open) == len(sample_report.findings)
