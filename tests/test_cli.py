"""The command line: formats, exit codes, and the commands that must start without spaCy."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from auditor.cli import main
from tests.conftest import SAMPLE

AUDIT = ["audit", str(SAMPLE), "--as-of", "2025-03-01"]


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_audit_json_to_stdout():
    result = invoke(*AUDIT, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["schema_version"] == "1"
    assert report["as_of"] == "2025-03-01"
    assert {f["status"] for f in report["findings"]} == {"met", "partial", "not_met", "needs_review", "not_applicable"}
    assert "finding(s)" in result.stderr


def test_audit_html_to_file(tmp_path):
    out = tmp_path / "report.html"
    result = invoke(*AUDIT, "--format", "html", "--output", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") and "Casco Bay Health Plan" in html
    # Self-contained: the stylesheet and script are inline, and nothing is fetched from the network.
    assert "<script>" in html and "<style>" in html
    for external in ('src="http', "src='http", 'href="http', "href='http", "@import", "url(http", "url('http",
                     'url("http', 'src="//', 'href="//'):
        assert external not in html, external


def test_fail_on_levels():
    assert invoke(*AUDIT, "--fail-on", "never").exit_code == 0
    assert invoke(*AUDIT, "--fail-on", "not_met").exit_code == 1
    assert invoke(*AUDIT, "--fail-on", "partial").exit_code == 1


def test_fail_on_is_not_triggered_when_everything_is_met(tmp_path):
    (tmp_path / "qmp.md").write_text("# Quality Program\nThe Board of Directors approves the QM Program each year.\n")
    args = ["audit", str(tmp_path / "qmp.md"), "--as-of", "2025-03-01", "--checklist", "maine-ch109"]
    assert invoke(*args, "--fail-on", "not_met").exit_code == 1  # most requirements are missing here
    assert invoke(*args, "--fail-on", "never").exit_code == 0


def test_no_readable_document_exits_2(tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"this is not a pdf")
    result = invoke("audit", str(tmp_path), "--format", "json")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["documents"][0]["error"]
    assert all(f["status"] in ("needs_review", "not_applicable") for f in report["findings"])


def test_usage_errors_exit_2(tmp_path):
    assert invoke("audit", str(tmp_path / "missing")).exit_code == 2
    assert invoke(*AUDIT, "--checklist", "no-such-checklist").exit_code == 2
    assert invoke(*AUDIT, "--format", "pdf").exit_code == 2
    assert invoke("explain", "maine-ch109", "9.99").exit_code == 2


def test_invalid_submission_yaml_is_a_usage_error(tmp_path):
    (tmp_path / "a.md").write_text("# Title\nText.\n")
    (tmp_path / "submission.yaml").write_text("members: lots\n")
    result = invoke("audit", str(tmp_path))
    assert result.exit_code == 2
    assert "members" in result.output


def test_checklists_lists_counts():
    result = invoke("checklists")
    assert result.exit_code == 0
    assert "maine-ch109" in result.output and "requirements" in result.output


def test_explain_shows_rule_citation_evidence_and_deadline():
    result = invoke("explain", "maine-ch109", "1.03-1.C")
    assert result.exit_code == 0
    assert "§ 1.03-1(C)" in result.output
    assert "timetable" in result.output and "work plan" in result.output
    assert "Deadline:" in result.output and "annual" in result.output


def test_help_documents_exit_codes():
    for command in ([], ["audit"], ["checklists"], ["explain"]):
        result = invoke(*command, "--help")
        assert result.exit_code == 0
        assert "Exit codes" in result.output


def test_help_checklists_and_explain_do_not_import_spacy():
    code = ("import sys; from click.testing import CliRunner; from auditor.cli import main; "
            "[CliRunner().invoke(main, a) for a in (['--help'], ['checklists'], ['explain', 'maine-ch109', '1.03']) ]; "
            "print('spacy' in sys.modules, 'pdfplumber' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def _entry_point(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    """The console script's own function, in a process of its own (it ends the process)."""
    code = "import sys; from auditor.cli import run; sys.argv[0] = 'hmo-audit'; run()"
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    return subprocess.run([sys.executable, "-c", code, *args], text=True, check=False, **streams)


def test_entry_point_flushes_output_and_keeps_exit_codes(tmp_path):
    listed = _entry_point("checklists")
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[0].startswith("bcbsil-qi27")
    assert listed.stdout.endswith("\n")
    unknown = _entry_point("explain", "maine-ch109", "no-such-id")
    assert unknown.returncode == 2
    assert "has no requirement 'no-such-id'" in unknown.stderr
    out = tmp_path / "report.json"
    audited = _entry_point(*AUDIT, "--format", "json", "--fail-on", "not_met", "-o", str(out))
    assert audited.returncode == 1  # the sample has gaps: the findings code survives the fast exit
    assert json.loads(out.read_text())["as_of"] == "2025-03-01"
    with (tmp_path / "piped.json").open("w") as sink:  # a file as standard output: nothing lost in its buffer
        to_file = _entry_point(*AUDIT, "--format", "json", stdout=sink, stderr=subprocess.PIPE)
    assert to_file.returncode == 0
    assert json.loads((tmp_path / "piped.json").read_text())["as_of"] == "2025-03-01"


def test_checklists_ids_lists_every_requirement_with_citation():
    result = invoke("checklists", "--ids", "maine-ch109")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    from auditor.checklists import load_checklist

    assert len(lines) == len(load_checklist("maine-ch109").requirements)
    assert any(line.startswith("1.03-2.E.4.a") and "§ 1.03-2(E)(4)(a)" in line for line in lines)
    assert invoke("checklists", "--ids", "nope").exit_code == 2


def test_profile_option_limits_what_applies():
    result = invoke(*AUDIT, "--format", "json", "--profile", "periodic-exam")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["profile"] == "periodic-exam"
    na = {f["requirement_id"] for f in report["findings"] if f["status"] == "not_applicable"}
    assert not any(r.startswith("1.03-1") for r in na)
    assert invoke(*AUDIT, "--profile", "no-such-profile").exit_code == 2


def test_fact_options_set_nested_facts_and_are_validated():
    args = [*AUDIT, "--format", "json", "--fact", "accreditation.body=NCQA",
            "--fact", "accreditation.survey_report_received=2025-02-10", "--members", "9000", "--waiver"]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["submission"]["accreditation"]["survey_report_received"] == "2025-02-10"
    assert report["submission"]["hmo_name"] == "Casco Bay Health Plan"  # the file's facts are kept
    status = {f["requirement_id"]: f["status"] for f in report["findings"]}
    assert status["1.03-9.A"] != "not_applicable"  # fewer than 20,000 members and a waiver requested
    assert status["1.05-2.A"] != "not_applicable"  # accredited: the accreditation duties apply
    bad = invoke(*AUDIT, "--fact", "accreditation.survey_report_received=someday")
    assert bad.exit_code == 2 and "survey_report_received" in bad.output
    assert invoke(*AUDIT, "--fact", "nonsense").exit_code == 2


PAYER_SAMPLES = [("bcbsil-qi27", "fixtures/bcbsil-sample"), ("covered-ca-qis2", "fixtures/covered-ca-sample"),
                 ("mroqc-qip", "fixtures/mroqc-sample"), ("medi-cal-ecm-qip", "fixtures/medi-cal-sample")]


@pytest.mark.parametrize(("checklist", "sample"), PAYER_SAMPLES)
def test_payer_checklist_runs_on_its_sample_and_shows_numbers(checklist, sample):
    result = invoke("audit", sample, "--checklist", checklist, "--as-of", "2025-06-30", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["inputs"] and all(not i["error"] for i in report["inputs"])
    statuses = {f["status"] for f in report["findings"]}
    assert "met" in statuses and statuses & {"not_met", "partial"}
    numeric = [f for f in report["findings"] if any(e["document"].endswith(".csv") for e in f["evidence"])]
    assert numeric and any(any(ch.isdigit() for ch in f["rationale"]) for f in numeric)
    assert all(f["rationale"] and f["evidence"][0]["quote"] for f in numeric)


@pytest.mark.parametrize(("checklist", "sample"), PAYER_SAMPLES)
def test_explain_describes_every_payer_requirement(checklist, sample):
    from auditor.checklists import load_checklist

    for requirement in load_checklist(checklist).requirements:
        result = invoke("explain", checklist, requirement.id)
        assert result.exit_code == 0 and "Evidence sought:" in result.output, requirement.id


def test_deadlines_command_and_ics(tmp_path):
    ics = tmp_path / "deadlines.ics"
    result = invoke("deadlines", str(SAMPLE), "--as-of", "2025-03-01", "--ics", str(ics), "--cure-days", "45")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("2025-03-01  due within 30 days  1.06")  # status words for people (issue 13)
    assert "2025-04-15  corrective action" in result.output  # 45 days after the audit date
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR")
