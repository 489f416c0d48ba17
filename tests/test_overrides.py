"""Reviewer overrides: validation, the final status beside the tool's, expiry, and what follows from the status."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.overrides import OverridesError, OverridesFile, apply_overrides, load_overrides, save_overrides
from tests.conftest import SAMPLE

DECISION = {"requirement": "1.03-1.C", "status": "met", "reason": "Work plan sent separately on 2025-02-20.",
            "reviewer": "J. Examiner", "date": "2025-03-05"}


def decisions(*items: dict, **extra) -> OverridesFile:
    return OverridesFile.model_validate({"overrides": list(items), **extra})


def by_id(report):
    return {f.requirement_id: f for f in report.findings}


def test_override_sets_the_final_status_and_keeps_the_tools(sample_report):
    assert by_id(sample_report)["1.03-1.C"].status == "partial"
    reviewed = apply_overrides(sample_report, decisions(DECISION), "overrides.yaml")
    finding = by_id(reviewed)["1.03-1.C"]
    assert finding.status == "met"
    assert finding.review.tool_status == "partial" and finding.review.reviewer == "J. Examiner"
    assert finding.corrective_action_due is None  # no longer a gap
    assert reviewed.summary.met == sample_report.summary.met + 1
    assert reviewed.summary.partial == sample_report.summary.partial - 1
    assert reviewed.overrides.applied == 1 and reviewed.overrides.expired == 0
    assert by_id(sample_report)["1.03-1.C"].review is None  # the original report is not changed


def test_override_to_a_gap_sets_corrective_action(sample_report):
    met = next(f for f in sample_report.findings if f.status == "met")
    gap = {**DECISION, "requirement": met.requirement_id, "status": "not_met"}
    finding = by_id(apply_overrides(sample_report, decisions(gap)))[met.requirement_id]
    assert finding.status == "not_met"
    assert finding.corrective_action_due == sample_report.as_of + dt.timedelta(days=sample_report.cure_period_days)


def test_overdue_follows_the_final_status(sample_report):
    import datetime

    later = sample_report.model_copy(update={"as_of": datetime.date(2026, 6, 1)}, deep=True)
    clock = next(f for f in later.findings if f.due is not None and f.due < later.as_of and f.status != "met")
    done = {**DECISION, "requirement": clock.requirement_id, "status": "met"}
    reviewed = apply_overrides(later, decisions(done))
    assert by_id(reviewed)[clock.requirement_id].overdue is False
    open_ = {**DECISION, "requirement": clock.requirement_id, "status": "not_met"}
    reviewed = apply_overrides(later, decisions(open_))
    assert by_id(reviewed)[clock.requirement_id].overdue is True
    assert any(d.requirement_id == clock.requirement_id and d.when == "overdue" for d in reviewed.deadlines)


def test_section_scores_follow_the_final_status(sample_report):
    reviewed = apply_overrides(sample_report, decisions(DECISION))
    before = next(s for s in sample_report.summary.sections if s.section == "1.03-1")
    after = next(s for s in reviewed.summary.sections if s.section == "1.03-1")
    assert after.counts["met"] == before.counts["met"] + 1
    assert after.score > before.score


def test_expired_override_is_ignored_and_reported(sample_report):
    old = {**DECISION, "date": "2024-01-05", "expires": "2025-02-28"}  # the audit is as of 2025-03-01
    reviewed = apply_overrides(sample_report, decisions(old))
    finding = by_id(reviewed)["1.03-1.C"]
    assert finding.status == "partial" and finding.review.expired and finding.review.status == "met"
    assert reviewed.overrides.applied == 0 and reviewed.overrides.expired == 1
    assert reviewed.summary.model_dump() == sample_report.summary.model_dump()


def test_override_expiring_on_the_audit_date_still_applies(sample_report):
    last_day = {**DECISION, "date": "2024-01-05", "expires": "2025-03-01"}
    assert by_id(apply_overrides(sample_report, decisions(last_day)))["1.03-1.C"].status == "met"


@pytest.mark.parametrize("change, message", [
    ({"status": "passed"}, "unknown status 'passed'"),
    ({"reason": "  "}, "reason: Value error, must not be blank"),
    ({"expires": "2025-03-01"}, "is not after the decision's date"),
    ({"date": "yesterday"}, "overrides[0].date"),
    ({"approved": True}, "approved: Extra inputs are not permitted"),
])
def test_invalid_file_is_a_clear_error(tmp_path, change, message):
    path = tmp_path / "overrides.yaml"
    import yaml

    path.write_text(yaml.safe_dump({"overrides": [{**DECISION, **change}]}))
    with pytest.raises(OverridesError, match=r"overrides\.yaml") as error:
        load_overrides(path)
    assert message in str(error.value)


def test_unknown_requirement_is_an_error(sample_report):
    with pytest.raises(OverridesError, match="unknown requirement '1.03-99'"):
        apply_overrides(sample_report, decisions({**DECISION, "requirement": "1.03-99"}))
    with pytest.raises(OverridesError, match="unknown requirement 'bcbsil-qi27:1.03-1.C'"):
        apply_overrides(sample_report, decisions({**DECISION, "checklist": "bcbsil-qi27"}))


def test_two_decisions_for_one_requirement_is_an_error():
    with pytest.raises(ValueError, match="more than one decision for 1.03-1.C"):
        decisions(DECISION, {**DECISION, "status": "partial"})


def test_save_and_load_round_trip(tmp_path):
    original = decisions({**DECISION, "expires": "2026-03-01"},
                         sign_off={"reviewer": "J. Examiner", "date": "2025-03-06"})
    save_overrides(original, tmp_path / "overrides.yaml")
    text = (tmp_path / "overrides.yaml").read_text()
    assert "date: '2025-03-05'" in text or "date: 2025-03-05" in text
    assert load_overrides(tmp_path / "overrides.yaml") == original


def _overrides_file(tmp_path, *items, **extra):
    path = tmp_path / "overrides.yaml"
    save_overrides(decisions(*items, **extra), path)
    return str(path)


def test_cli_applies_overrides_and_shows_both_statuses(tmp_path):
    path = _overrides_file(tmp_path, DECISION, sign_off={"reviewer": "J. Examiner", "date": "2025-03-06"})
    result = CliRunner().invoke(main, ["audit", str(SAMPLE), "--as-of", "2025-03-01", "--overrides", path])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if line.startswith("| **1.03-1.C**"))
    assert "| met<br>reviewer; tool: partial" in row and "Work plan sent separately" in row
    assert "Reviewer overrides: 1 applied" in result.stdout and "Signed off by J. Examiner" in result.stdout


def test_cli_bad_overrides_exit_2(tmp_path):
    path = _overrides_file(tmp_path, {**DECISION, "requirement": "9.99"})
    result = CliRunner().invoke(main, ["audit", str(SAMPLE), "--as-of", "2025-03-01", "--overrides", path])
    assert result.exit_code == 2 and "unknown requirement '9.99'" in result.output


def test_submission_folder_overrides_are_found_and_can_be_turned_off(tmp_path):
    import shutil

    folder = tmp_path / "submission"
    shutil.copytree(SAMPLE, folder)
    _overrides_file(folder, DECISION)
    from auditor.api import audit

    assert by_id(audit([str(folder)], ["maine-ch109"], dt.date(2025, 3, 1)))["1.03-1.C"].status == "met"
    plain = audit([str(folder)], ["maine-ch109"], dt.date(2025, 3, 1), overrides=False)
    assert by_id(plain)["1.03-1.C"].status == "partial" and plain.overrides is None


def test_cli_warns_of_an_expired_override(tmp_path):
    path = _overrides_file(tmp_path, {**DECISION, "date": "2024-01-05", "expires": "2025-02-28"})
    result = CliRunner().invoke(main, ["audit", str(SAMPLE), "--as-of", "2025-03-01", "--overrides", path])
    assert result.exit_code == 0
    assert "warning: the override of 1.03-1.C by J. Examiner expired 2025-02-28; ignored (the tool's partial" \
        in result.stderr
    assert "reviewer's met expired 2025-02-28, ignored" in result.stdout
