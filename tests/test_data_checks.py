"""Inputs beside the documents (CSV/YAML) and the checks over them: rows, metric, word_limit."""

from __future__ import annotations

import datetime as dt

import pytest

from auditor.inputs import load_tables
from auditor.models import Checklist
from tests.helpers import judge_all, markdown_document

INPUTS = {
    "hospitals": {"title": "hospital rates", "files": ["*hospitals*.csv"], "columns": {
        "hospital": {"type": "text"}, "ntsv_rate": {"type": "percent"}, "enrolled": {"type": "bool"}}},
    "log": {"title": "data entry log", "files": ["*log*.csv"], "columns": {
        "date": {"type": "date"}, "project": {"type": "text", "required": False}}},
    "leave": {"title": "approved leave", "files": ["*leave*.csv"], "required": False, "columns": {
        "start": {"type": "date"}, "end": {"type": "date"}}},
    "measures": {"title": "measures", "files": ["*measures*.csv"], "columns": {
        "measure": {"type": "text"}, "points": {"type": "number"}, "target": {"type": "number"},
        "actual": {"type": "number"}}},
}


def checklist(evidence: dict) -> Checklist:
    return Checklist.model_validate({
        "id": "d", "title": "data", "version": "1", "source": "test", "inputs": INPUTS,
        "parameters": {"limit": 23.9, "pool": 100000, "percent": 10},
        "terms": {"action": ["action", "intervention", "outreach"]},
        "sections": [{"id": "S", "title": "S", "requirements": [{
            "id": "R", "citation": "c", "title": "t", "text": "t", "evidence": evidence,
            "examples": {"pass": ["x"], "fail": ["y"]}}]}],
    })


HOSPITALS = [{"hospital": "Mercy General", "ntsv_rate": "27.1%", "enrolled": "yes"},
             {"hospital": "Bay Medical", "ntsv_rate": "23.9%", "enrolled": "no"},
             {"hospital": "Valley Hospital", "ntsv_rate": "24.0", "enrolled": "yes"}]
ABOVE = {"type": "rows", "input": "hospitals", "name": "hospital",
         "where": [{"column": "ntsv_rate", "op": "gt", "value": {"param": "limit"}}],
         "addressed_in": {"near": ["action"]}}


def test_rows_gives_a_finding_per_selected_row_and_23_9_is_not_above():
    plan = markdown_document("# Work plan\nAt Mercy General we fund CMQCC coaching as an intervention.")
    findings = judge_all([plan], checklist(ABOVE), "R", inputs={"hospitals": HOSPITALS})
    status = {f.requirement_id: f.status for f in findings}
    assert status == {"R[Mercy General]": "met", "R[Valley Hospital]": "not_met"}  # Bay Medical is at 23.9
    mercy = findings[0]
    assert mercy.evidence[0].quote.startswith("At Mercy General")
    assert any(e.document == "example" and "ntsv_rate: 27.1" in e.quote for e in mercy.evidence)
    assert "ntsv_rate 24 > 23.9" in findings[1].rationale


def test_rows_name_without_the_near_terms_is_not_addressed():
    plan = markdown_document("# Work plan\nMercy General is a hospital in our network.")
    findings = judge_all([plan], checklist(ABOVE), "R", inputs={"hospitals": HOSPITALS[:1]})
    assert [f.status for f in findings] == ["not_met"]


def test_rows_lowest_and_none_selected():
    lowest = {"type": "rows", "input": "hospitals", "name": "hospital", "lowest": {"n": 2, "by": "ntsv_rate"}}
    ids = [f.requirement_id for f in judge_all([], checklist(lowest), "R", inputs={"hospitals": HOSPITALS})]
    assert ids == ["R[Bay Medical]", "R[Valley Hospital]"]
    none = {**ABOVE, "where": [{"column": "ntsv_rate", "op": "gt", "value": 99}]}
    [finding] = judge_all([], checklist(none), "R", inputs={"hospitals": HOSPITALS})
    assert finding.requirement_id == "R" and finding.status == "met"


def test_bad_input_values_need_review_with_the_row_and_column():
    bad = [{"hospital": "Mercy", "ntsv_rate": "high", "enrolled": "yes"}]
    [finding] = judge_all([], checklist(ABOVE), "R", inputs={"hospitals": bad})
    assert finding.status == "needs_review"
    assert "row 1, column ntsv_rate: 'high' is not a number" in finding.rationale


def test_missing_input_file_needs_review(tmp_path):
    tables = load_tables(checklist(ABOVE), [])
    assert "no hospital rates file" in tables["hospitals"].error


def test_csv_files_are_read_and_validated(tmp_path):
    path = tmp_path / "hospitals.csv"
    path.write_text("Hospital,NTSV Rate,Enrolled\nMercy,27.1%,yes\nBay,,no\n")
    tables = load_tables(checklist(ABOVE), [(path, "sub/hospitals.csv")])
    assert tables["hospitals"].error == "sub/hospitals.csv: row 3, column ntsv_rate: empty"
    path.write_text("Hospital,Enrolled\nMercy,yes\n")
    assert "missing column(s) ntsv_rate" in load_tables(checklist(ABOVE), [(path, "h.csv")])["hospitals"].error


def metric(evidence: dict, inputs: dict, as_of=dt.date(2025, 6, 30)):
    [finding] = judge_all([], checklist(evidence), "R", inputs=inputs, as_of=as_of)
    return finding


@pytest.mark.parametrize(("last_entry", "status"), [("2025-05-31", "met"), ("2025-05-30", "not_met")])
def test_longest_gap_runs_to_the_audit_date_at_the_boundary(last_entry, status):
    check = {"type": "metric", "input": "log", "compute": "longest_gap", "column": "date",
             "threshold": {"op": "le", "value": 30}}
    rows = [{"date": "2025-05-01"}, {"date": last_entry}]
    finding = metric(check, {"log": rows})  # 2025-05-31 -> 2025-06-30 is exactly 30 days
    assert finding.status == status
    assert "Longest gap" in finding.rationale


def test_longest_gap_does_not_count_approved_leave():
    check = {"type": "metric", "input": "log", "compute": "longest_gap", "column": "date", "exclude_input": "leave",
             "threshold": {"op": "le", "value": 30}}
    rows = [{"date": "2025-03-01"}, {"date": "2025-05-15"}, {"date": "2025-06-10"}]
    assert metric(check, {"log": rows}).status == "not_met"  # 75 days
    leave = [{"start": "2025-03-10", "end": "2025-04-30"}]
    assert metric(check, {"log": rows, "leave": leave}).status == "met"  # 75 - 52 days of leave


def test_share_count_and_score():
    share = {"type": "metric", "input": "hospitals", "compute": "share",
             "where": [{"column": "enrolled", "op": "eq", "value": True}], "threshold": {"op": "ge", "value": 66}}
    finding = metric(share, {"hospitals": HOSPITALS})
    assert finding.status == "met" and "2 of 3 rows" in finding.rationale
    score = {"type": "metric", "input": "measures", "compute": "score", "bonus_pool": {"param": "pool"},
             "bonus_percent": {"param": "percent"}, "scale_bonus_by_score": True}
    rows = [{"measure": "A", "points": 30, "target": 50, "actual": 55},
            {"measure": "B", "points": 20, "target": 80, "actual": 79.9}]
    finding = metric(score, {"measures": rows})
    assert "Score: 30 of 50 points (60%)" in finding.rationale
    assert "B: 79.9 vs target 80: 0/20" in finding.rationale
    assert "= 6,000.00" in finding.rationale  # 100,000 x 10% x 30/50


def test_word_limit_counts_each_field():
    check = {"type": "word_limit", "fields": [{"heading": [["description"]], "max": 5},
                                             {"heading": [["milestones"]], "max": 4, "each_item": True}]}
    form = "# Description\none two three four\n\n# Milestones\n- kick off by May\n- pilot launched in every hospital\n"
    [finding] = judge_all([markdown_document(form)], checklist(check), "R")
    assert finding.status == "partial"
    assert finding.missing == ["Milestones item 2: 5 words, over 4"]
    assert "Description: 4/5" in finding.rationale


def test_flat_bonus_once_the_score_qualifies():
    rows = [{"measure": "A", "points": 90, "target": 50, "actual": 55},
            {"measure": "B", "points": 10, "target": 80, "actual": 70}]
    check = {"type": "metric", "input": "measures", "compute": "score", "bonus_pool": 1000000,
             "bonus_percent": 5, "threshold": {"op": "ge", "value": 90}}
    finding = metric(check, {"measures": rows})
    assert finding.status == "met" and "bonus: 1,000,000.00 × 5% = 50,000.00" in finding.rationale.lower()
    rows[0]["points"] = 89
    finding = metric(check, {"measures": rows})
    assert finding.status == "not_met" and "does not qualify" in finding.rationale


def test_pct_change_compares_the_year_so_far_with_the_same_months_before():
    check = {"type": "metric", "input": "log", "compute": "pct_change", "column": "n", "period": "date",
             "threshold": {"op": "gt", "value": -20}}
    spec = dict(INPUTS)
    spec["log"] = {"title": "log", "files": ["x"], "columns": {"date": {"type": "date"}, "n": {"type": "number"}}}
    rows = [{"date": "2024-03-01", "n": 10}, {"date": "2024-10-01", "n": 90}, {"date": "2025-03-01", "n": 8}]
    data = Checklist.model_validate({**checklist(check).model_dump(by_alias=True), "inputs": spec})
    [finding] = judge_all([], data, "R", inputs={"log": rows}, as_of=dt.date(2025, 6, 30))
    # 8 against the 10 of January-June 2024 (not the whole year's 100): exactly a 20% decrease, which is flagged
    assert finding.status == "not_met"
    assert "10 in 2024, 8 in 2025 (to June 30 of each year): -20%" in finding.rationale
    rows[2]["n"] = 9
    [finding] = judge_all([], data, "R", inputs={"log": rows}, as_of=dt.date(2025, 6, 30))
    assert finding.status == "met" and "-10%" in finding.rationale


def test_enrollment_period_start_is_excused_even_when_the_gap_began_before_it():
    check = {"type": "metric", "input": "log", "compute": "longest_gap", "column": "date",
             "allow_after": {"month": 1, "day": 1, "days": 30}, "threshold": {"op": "lt", "value": 30}}
    rows = [{"date": "2024-12-15"}, {"date": "2025-02-10"}, {"date": "2025-03-01"}]
    finding = metric(check, {"log": rows}, as_of=dt.date(2025, 3, 10))
    assert finding.status == "met"  # 57 days, 30 of them the period's opening window
    assert "27 day(s)" in finding.rationale


def test_business_day_deadline_crosses_an_illinois_holiday():
    from auditor.deadlines import add
    from auditor.models import Offset

    # Ten Illinois business days from Friday 2025-01-10: Martin Luther King Jr. Day (Jan 20) does not count.
    assert add(dt.date(2025, 1, 10), Offset(business_days=10), "US-IL") == dt.date(2025, 1, 27)
    # Maine: ten working days from 2025-04-10 skip Patriots' Day (April 21).
    assert add(dt.date(2025, 4, 10), Offset(business_days=10), "US-ME") == dt.date(2025, 4, 25)
    assert add(dt.date(2024, 1, 31), Offset(months=1)) == dt.date(2024, 2, 29)  # leap year, month end
    assert add(dt.date(2025, 4, 22), Offset(weeks=2)) == dt.date(2025, 5, 6)


def test_findings_carry_due_dates_from_the_facts(tmp_path):
    import shutil

    from auditor.api import audit

    report = audit(["fixtures/bcbsil-sample"], ["bcbsil-qi27"], dt.date(2025, 6, 30))
    due = {f.requirement_id: f for f in report.findings if f.due_rule}
    response = due["QI27A.II.6"]
    assert response.due == dt.date(2025, 1, 21)  # Jan 20 is a holiday
    assert response.overdue is False  # past, but the reply is shown: not overdue
    assert response.due_rule == "10 business days (US-IL holidays) after dates.cquic_request 2025-01-06"
    assert due["QI27A.II.7"].due == dt.date(2026, 1, 27) and due["QI27A.II.7"].overdue is False
    shutil.copy("fixtures/bcbsil-sample/cquic-action-plan-2025.md", tmp_path)  # without its submission.yaml
    missing = audit([str(tmp_path)], ["bcbsil-qi27"], dt.date(2025, 6, 30))
    response = next(f for f in missing.findings if f.requirement_id == "QI27A.II.6")
    assert response.due is None and response.due_rule == "due date needs dates.cquic_request (not given)"
