"""Issue 13, the command line: each trap reproduced, and the conventions of lint and compliance tools."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from tests.conftest import ROOT, SAMPLE

AUDIT = ["audit", str(SAMPLE), "--as-of", "2025-03-01"]
HMO_AUDIT = str(Path(sys.executable).with_name("hmo-audit"))

QMP = """# Quality Management Program

The Board of Directors approves the QM Program each year. The Quality Committee meets quarterly.
"""


def invoke(*args: str):
    return CliRunner().invoke(main, ["--no-config", *args])


def small_submission(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "qmp.md").write_text(QMP)
    return folder


@pytest.fixture(scope="module")
def sample_with_strays(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("strays") / "submission"
    shutil.copytree(ROOT / SAMPLE, folder)
    (folder / "notes.tsv").write_text("a\tb\n")
    (folder / "qmp-old.bak").write_bytes(b"an editor's backup")
    return folder


# ---------------------------------------------------------------- unsupported files

def test_stray_unsupported_files_are_skipped_and_do_not_hide_gaps(sample_with_strays, sample_report):
    from auditor.api import audit

    report = audit([str(sample_with_strays)], ["maine-ch109"], dt.date(2025, 3, 1))
    assert not any(d.error for d in report.documents)
    skipped = {Path(s.path).name: s.reason for s in report.skipped}
    assert "unsupported file type '.tsv'" in skipped["notes.tsv"]
    assert "unsupported file type '.bak'" in skipped["qmp-old.bak"]
    # The statuses are the sample's own: a stray file does not turn a not_met into needs_review.
    assert [f.status for f in report.findings] == [f.status for f in sample_report.findings]
    assert report.summary.not_met > 0


def test_fail_on_not_met_still_fails_with_a_stray_file(sample_with_strays):
    result = invoke("audit", str(sample_with_strays), "--as-of", "2025-03-01", "--fail-on", "not_met", "-o",
                    os.devnull)
    assert result.exit_code == 1, result.output
    assert "notes.tsv: unsupported file type '.tsv'" in result.stderr


# ---------------------------------------------------------------- outputs

def test_format_from_the_extension_and_several_outputs_read_once(tmp_path, monkeypatch):
    import extractors

    reads = []
    real = extractors.read_document

    def counting(path, shown=None):
        reads.append(shown)
        return real(path, shown)

    monkeypatch.setattr(extractors, "read_document", counting)
    # read in this process, where the reads can be counted (a forked reader's would be its own: auditor.overlap)
    monkeypatch.setattr("auditor.overlap.worth_forking", lambda: False)
    outs = {ext: tmp_path / f"report.{ext}" for ext in ("html", "json", "csv", "xml", "md", "docx")}
    args = [a for path in outs.values() for a in ("-o", str(path))]
    result = invoke(*AUDIT, *args)
    assert result.exit_code == 0, result.output
    assert len(reads) == len(set(reads)) == 4  # the sample's four documents, each read once for six outputs
    assert outs["html"].read_text().startswith("<!DOCTYPE html>")
    assert json.loads(outs["json"].read_text())["schema_version"] == "1"
    assert outs["csv"].read_text(encoding="utf-8-sig").startswith("checklist,requirement_id")
    assert ET.parse(outs["xml"]).getroot().tag == "testsuites"
    assert outs["md"].read_text().startswith("# Quality program audit")
    assert outs["docx"].read_bytes()[:2] == b"PK"


def test_a_format_that_contradicts_the_name_is_refused(tmp_path):
    result = invoke(*AUDIT, "--format", "md", "-o", str(tmp_path / "report.html"))
    assert result.exit_code == 2
    assert "contradicts" in result.output and not (tmp_path / "report.html").exists()
    # A name that says nothing takes --format.
    result = invoke("audit", str(small_submission(tmp_path / "s")), "--format", "json", "-o", str(tmp_path / "r.txt"))
    assert result.exit_code == 0 and json.loads((tmp_path / "r.txt").read_text())


def test_output_into_a_missing_folder_fails_before_the_audit(tmp_path, monkeypatch):
    import auditor.api

    monkeypatch.setattr(auditor.api, "read_documents", lambda *a, **k: pytest.fail("the audit ran"))
    result = invoke(*AUDIT, "-o", str(tmp_path / "missing" / "report.html"))
    assert result.exit_code == 3  # the run failed: never 1, the findings code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "does not exist" in lines[0] and "Traceback" not in result.stderr


def test_an_unexpected_error_is_one_line_and_its_traceback_only_with_debug(monkeypatch):
    import auditor.api

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(auditor.api, "audit", broken)
    result = invoke(*AUDIT)
    assert result.exit_code == 3 and result.stderr.count("\n") == 1 and "unexpected RuntimeError" in result.stderr
    debug = CliRunner().invoke(main, ["--no-config", "--debug", *AUDIT])
    assert debug.exit_code == 3 and "Traceback" in debug.stderr


def test_a_closed_pipe_is_not_an_error():
    process = subprocess.Popen([HMO_AUDIT, "--no-config", "checklists", "--format", "json"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=ROOT)
    assert process.stdout.readline()  # `| head -1`: the reader takes one line (of 120 KB) and goes away
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0, stderr
    assert stderr == ""


def test_audit_on_an_empty_folder_errors_before_writing_a_report(tmp_path):
    (tmp_path / "empty").mkdir()
    result = invoke("audit", str(tmp_path / "empty"), "-o", str(tmp_path / "report.md"))
    assert result.exit_code == 2
    assert "no document to audit" in result.stderr
    assert not (tmp_path / "report.md").exists()


# ---------------------------------------------------------------- batch

def test_batch_on_a_folder_of_documents_is_one_submission(tmp_path):
    root = small_submission(tmp_path / "plan")
    result = invoke("batch", str(root), "-o", str(tmp_path / "out"), "--as-of", "2025-03-01", "--workers", "1")
    assert result.exit_code == 0, result.output
    rows = (tmp_path / "out" / "portfolio.csv").read_text().splitlines()
    assert len(rows) == 2 and ",plan," in rows[1] or rows[1].split(",")[1].endswith("plan")
    assert (tmp_path / "out" / "plan.json").is_file()


def test_batch_empty_folder_is_an_error_row_and_fail_on_and_unreadable_files(tmp_path):
    root = tmp_path / "root"
    small_submission(root / "good")
    (root / "good" / "broken.pdf").write_bytes(b"not a pdf")
    (root / "empty").mkdir(parents=True)
    out = tmp_path / "out"
    result = invoke("batch", str(root), "-o", str(out), "--as-of", "2025-03-01", "--workers", "1")
    assert result.exit_code == 0, result.output
    import csv

    rows = {r["submission"]: r for r in csv.DictReader((out / "portfolio.csv").open())}
    assert "no document to audit" in rows["empty"]["error"] and rows["empty"]["not_met"] == "0"
    assert not (out / "empty.json").exists()
    assert rows["good"]["unreadable_files"] == "1" and "broken.pdf: not a PDF file" in rows["good"]["unreadable"]
    failing = invoke("batch", str(root), "-o", str(out), "--as-of", "2025-03-01", "--workers", "1",
                     "--fail-on", "not_met")
    assert failing.exit_code == 1


def test_sigterm_to_batch_ends_every_worker_and_writes_the_portfolio(tmp_path):
    root = tmp_path / "root"
    for i in range(40):
        small_submission(root / f"plan-{i:02d}")
    out = tmp_path / "out"
    process = subprocess.Popen([HMO_AUDIT, "--no-config", "batch", str(root), "-o", str(out), "--as-of",
                                "2025-03-01", "--workers", "2", "--no-cache"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(out.glob("plan-*.json")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
    assert process.poll() is None and children, "the batch finished before it could be stopped"
    process.send_signal(signal.SIGTERM)
    stderr = process.communicate(timeout=60)[1].decode()
    assert process.returncode == 143, stderr
    assert "Traceback" not in stderr and "stopped (SIGTERM)" in stderr
    time.sleep(0.5)
    alive = [pid for pid in children if Path(f"/proc/{pid}").exists()
             and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()]
    assert alive == []
    portfolio = (out / "portfolio.csv").read_text().splitlines()
    assert 1 <= len(portfolio) - 1 < 40  # what finished, and only that
    assert "interrupted" in (out / "portfolio.html").read_text()


# ---------------------------------------------------------------- deadlines

def test_a_met_deadline_in_the_past_is_not_within_30_days():
    from auditor.models import Finding
    from auditor.summary import deadline_list

    as_of = dt.date(2025, 3, 1)
    met = Finding(checklist="c", requirement_id="1", section="s", citation="c", title="t", status="met",
                  rationale="", due=dt.date(2025, 1, 10), overdue=False)
    soon = met.model_copy(update={"requirement_id": "2", "status": "partial", "due": dt.date(2025, 3, 20)})
    whens = {d.requirement_id: d.when for d in deadline_list([met, soon], as_of)}
    assert whens == {"1": "past", "2": "within_30_days"}


def test_deadlines_speak_in_words_json_and_fail_on_overdue():
    text = invoke("deadlines", str(SAMPLE), "--as-of", "2026-06-01")
    assert text.exit_code == 0, text.output
    assert "?" not in text.stdout.split("\n", 1)[0] and "not known" in text.stdout
    for internal in ("within_30_days", "not_met", "needs_review"):
        assert internal not in text.stdout
    payload = json.loads(invoke("deadlines", str(SAMPLE), "--as-of", "2026-06-01", "--format", "json").stdout)
    assert any(d["when"] == "overdue" for d in payload["deadlines"])
    assert invoke("deadlines", str(SAMPLE), "--as-of", "2026-06-01", "--fail-on", "overdue").exit_code == 1
    assert invoke("deadlines", str(SAMPLE), "--as-of", "2025-03-01", "--fail-on", "overdue").exit_code == 0


# ---------------------------------------------------------------- errors in words

def test_a_bad_submission_yaml_names_file_field_expected_value_and_nearest_key(tmp_path):
    folder = small_submission(tmp_path / "s")
    (folder / "submission.yaml").write_text("hmo_nme: Casco\nmembers: lots\n")
    result = invoke("audit", str(folder))
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert str(folder / "submission.yaml") in line
    assert "members: expected a whole number (got 'lots')" in line
    assert "hmo_nme: not a field of this file; did you mean 'hmo_name'?" in line
    assert "pydantic" not in line and "errors.pydantic.dev" not in line


def test_a_bad_fact_names_the_field_and_the_nearest_key(tmp_path):
    result = invoke("audit", str(small_submission(tmp_path / "s")), "--fact", "accreditation.bdy=NCQA")
    assert result.exit_code == 2 and "did you mean 'body'?" in result.stderr


def test_checklist_names_and_ids_in_any_case_and_per_row_ids_in_explain():
    assert invoke("checklists", "--ids", "Maine-CH109").exit_code == 0
    explained = invoke("explain", "MAINE-ch109", "1.03-1.c")
    assert explained.exit_code == 0 and explained.stdout.startswith("1.03-1.C ")
    assert invoke("explain", "maine-ch109", "1.03-1.C[asthma]").stdout.startswith("1.03-1.C ")
    unknown = invoke("explain", "mane-ch109", "1.03-1.C")
    assert unknown.exit_code == 2 and "did you mean 'maine-ch109'?" in unknown.stderr
    typo = invoke("explain", "maine-ch109", "1.3-1.C")
    assert typo.exit_code == 2 and "did you mean '1.03-1.C'?" in typo.stderr


# ---------------------------------------------------------------- custom checklists

@pytest.fixture
def custom_checklist(tmp_path) -> tuple[Path, dict]:
    import yaml

    data = yaml.safe_load((ROOT / "checklists" / "bcbsil-qi27.yaml").read_text())
    data["id"] = "my-state"
    return tmp_path / "my-state.yaml", data


def test_checklists_validate_runs_the_files_own_examples(custom_checklist):
    import yaml

    path, data = custom_checklist
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    good = invoke("checklists", "validate", str(path))
    assert good.exit_code == 0, good.output
    assert "judged as they say" in good.stderr
    requirement = data["sections"][0]["requirements"][0]
    requirement["examples"]["fail"] = requirement["examples"]["pass"]  # a near miss that is in fact a pass
    broken = path.with_name("broken.yaml")  # another name: a process loads a checklist file once
    broken.write_text(yaml.safe_dump(data, sort_keys=False))
    bad = invoke("checklists", "validate", str(broken))
    assert bad.exit_code == 1 and f"fail: {requirement['id']}: failing example 1" in bad.stdout


def test_a_bad_custom_checklist_is_an_error_in_words(custom_checklist, tmp_path):
    import yaml

    path, data = custom_checklist
    data["sections"][0]["requirements"][0]["titel"] = data["sections"][0]["requirements"][0].pop("title")
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    for args in (("checklists", "validate", str(path)),
                 ("audit", str(small_submission(tmp_path / "s")), "--checklist", str(path))):
        result = invoke(*args)
        assert result.exit_code == 2
        assert "sections[0].requirements[0].titel: not a field of this file; did you mean 'title'?" in result.stderr
        assert "sections[0].requirements[0].title: required, but not given" in result.stderr
        assert "pydantic" not in result.stderr


def test_checklists_as_json():
    payload = json.loads(invoke("checklists", "--format", "json").stdout)
    maine = next(c for c in payload if c["id"] == "maine-ch109")
    assert len(maine["requirements"]) == 152 and "periodic-exam" in maine["profiles"]
    assert {"id", "section", "citation", "title", "text", "deadline"} <= set(maine["requirements"][0])


# ---------------------------------------------------------------- conventions

def test_junit_one_testcase_per_requirement(sample_report, tmp_path):
    out = tmp_path / "audit.xml"
    assert invoke(*AUDIT, "-o", str(out)).exit_code == 0
    root = ET.parse(out).getroot()
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(sample_report.findings) == int(root.get("tests"))
    s = sample_report.summary
    assert int(root.get("failures")) == s.not_met + s.partial == len(root.findall(".//failure"))
    assert int(root.get("errors")) == s.needs_review and int(root.get("skipped")) == s.not_applicable


def test_select_and_skip(tmp_path):
    folder = str(small_submission(tmp_path / "s"))
    result = invoke("audit", folder, "--format", "json", "--select", "1.03-1", "--skip", "1.03-1.B")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    ids = [f["requirement_id"] for f in report["findings"]]
    assert ids and all(i.startswith("1.03-1.") for i in ids) and "1.03-1.B" not in ids
    assert sum(report["summary"][k] for k in ("met", "partial", "not_met", "needs_review", "not_applicable")) \
        == len(ids)
    unknown = invoke("audit", folder, "--select", "1.3-1")
    assert unknown.exit_code == 2 and "did you mean" in unknown.stderr


def test_quiet_and_verbose(tmp_path):
    folder = str(small_submission(tmp_path / "s"))
    quiet = invoke("audit", folder, "-q", "-o", os.devnull)
    assert quiet.exit_code == 0 and quiet.stderr == ""
    verbose = invoke("audit", folder, "-v", "-o", os.devnull)
    assert "file: " in verbose.stderr and "qmp.md: read as" in verbose.stderr
    assert "name: " in verbose.stderr  # the roles and names found ("the Board of Directors")


def test_progress_names_the_file_being_read(capsys):
    from auditor.cli import _Progress

    progress = _Progress(enabled=True)
    progress("plan/qmp.md")
    progress.done()
    assert "reading plan/qmp.md" in capsys.readouterr().err
    silent = _Progress(enabled=False)
    silent("plan/qmp.md")
    assert capsys.readouterr().err == ""


def test_project_config_file(tmp_path, monkeypatch):
    folder = str(small_submission(tmp_path / "s"))
    (tmp_path / "hmo-audit.toml").write_text('fail_on = "not_met"\ncure_days = 45\n')
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["audit", folder, "-q", "-o", os.devnull]).exit_code == 1  # fail_on from the file
    assert runner.invoke(main, ["audit", folder, "-q", "-o", os.devnull, "--fail-on", "never"]).exit_code == 0
    assert runner.invoke(main, ["--no-config", "audit", folder, "-q", "-o", os.devnull]).exit_code == 0
    shown = runner.invoke(main, ["config"])
    assert "cure_days  = 45" in shown.stdout and str(tmp_path / "hmo-audit.toml") in shown.stdout
    (tmp_path / "hmo-audit.toml").write_text("cure_day = 45\n")
    typo = runner.invoke(main, ["audit", folder])
    assert typo.exit_code == 2 and "unknown setting 'cure_day'; did you mean 'cure_days'?" in typo.stderr
