"""The rules' clocks, hand-computed: working days across Maine holidays, leap years, fixed dates on weekends."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from auditor.api import audit
from auditor.calendar_export import to_ics
from auditor.deadlines import add
from auditor.models import Offset
from tests.conftest import SAMPLE

D = dt.date


@pytest.mark.parametrize(("start", "offset", "calendar", "due"), [
    # Ten Maine working days from the Thursday before Patriots' Day (Monday April 21, 2025).
    (D(2025, 4, 17), Offset(business_days=10), "US-ME", D(2025, 5, 2)),
    # Across Thanksgiving (Thursday November 27, 2025).
    (D(2025, 11, 20), Offset(business_days=10), "US-ME", D(2025, 12, 5)),
    # Across Christmas and New Year's Day.
    (D(2025, 12, 22), Offset(business_days=10), "US-ME", D(2026, 1, 7)),
    # Across Independence Day observed (Friday July 4, 2025) and a weekend.
    (D(2025, 7, 3), Offset(business_days=1), "US-ME", D(2025, 7, 7)),
    # Two Illinois business weeks across Martin Luther King Jr. Day.
    (D(2025, 1, 10), Offset(business_days=10), "US-IL", D(2025, 1, 27)),
    # Calendar arithmetic: a leap day plus a year, month ends, negative weeks.
    (D(2024, 2, 29), Offset(years=1), None, D(2025, 2, 28)),
    (D(2023, 2, 28), Offset(years=1), None, D(2024, 2, 28)),
    (D(2024, 1, 31), Offset(months=1), None, D(2024, 2, 29)),
    (D(2025, 6, 2), Offset(weeks=-6), None, D(2025, 4, 21)),
    (D(2025, 2, 14), Offset(days=20), None, D(2025, 3, 6)),
])
def test_clock_arithmetic(start, offset, calendar, due):
    assert add(start, offset, calendar) == due


def report(as_of: dt.date, *facts: str):
    from auditor.api import facts_from_pairs

    return audit([str(SAMPLE)], ["maine-ch109"], as_of, facts_from_pairs(list(facts)))


def due_of(rep, requirement_id):
    return next(f for f in rep.findings if f.requirement_id == requirement_id)


def test_annual_statement_is_march_1_even_on_a_sunday():
    finding = due_of(report(D(2026, 1, 15)), "1.06")  # March 1, 2026 is a Sunday
    assert finding.due == D(2026, 3, 1) and "March 1 each year" in finding.due_rule


def test_annual_statement_not_due_within_six_months_of_the_license():
    finding = due_of(report(D(2025, 6, 30), "license_date=2024-10-01"), "1.06")
    assert finding.status == "not_applicable"


def test_accreditation_clocks():
    rep = report(D(2025, 6, 30), "accreditation.onsite_survey_end=2024-11-05",
                 "accreditation.survey_report_received=2025-02-10")
    # 1.05-1.A: ten Maine working days after receipt, across Presidents' Day (February 17, 2025).
    assert due_of(rep, "1.05-1.A").due == D(2025, 2, 25)
    # 1.05-1.B: six weeks from the later of survey end + 100 days (2025-02-13) and receipt (2025-02-10).
    onsite = due_of(rep, "1.05-1.B")
    assert onsite.due == D(2025, 3, 27) and "later of" in onsite.due_rule


def test_examination_clocks_and_missing_facts():
    rep = report(D(2025, 6, 30), "examination.onsite_review_date=2025-09-15",
                 "examination.preliminary_findings_date=2025-10-01")
    assert due_of(rep, "1.05-5").due == D(2025, 8, 4)  # six weeks before the onsite review
    assert due_of(rep, "1.05-6.D.1").due == D(2025, 10, 21)  # twenty calendar days
    assert due_of(rep, "1.05").due == D(2025, 5, 16)  # three years after the last examination (sample facts)
    bare = due_of(report(D(2025, 6, 30)), "1.05-5")
    assert bare.due is None and bare.due_rule == "due date needs examination.onsite_review_date (not given)"


def test_dates_found_in_the_documents_start_the_annual_clocks():
    work_plan = due_of(report(D(2025, 3, 1)), "1.03-1.C")
    assert work_plan.due == D(2026, 1, 28)  # a year after the Board's approval on January 28, 2025
    assert "qi-work-plan-2025.pdf, p. 1" in work_plan.due_rule


def test_deadlines_section_is_sorted_and_overdue_first():
    rep = report(D(2025, 6, 30))
    whens = [d.when for d in rep.deadlines]
    assert whens == sorted(whens, key=["overdue", "within_30_days", "later", "needs_review"].index)
    pending = [d for d in rep.deadlines if d.when == "needs_review"]
    assert pending and all(d.due is None and "needs" in d.rule for d in pending)
    overdue = [d for d in rep.deadlines if d.when == "overdue"]
    assert overdue and all(d.due < D(2025, 6, 30) and d.status != "met" for d in overdue)
    gaps = [f for f in rep.findings if f.status in ("not_met", "partial")]
    assert gaps and all(f.corrective_action_due == D(2025, 7, 30) for f in gaps)


def test_ics_parses_back_with_the_same_library():
    rep = report(D(2025, 3, 1))
    calendar = icalendar.Calendar.from_ical(to_ics(rep))
    events = list(calendar.walk("VEVENT"))
    dated = [d for d in rep.deadlines if d.due]
    assert len(events) == len(dated) + 1  # plus the corrective-action date
    starts = sorted(e.decoded("dtstart") for e in events)
    assert starts[0] == min(d.due for d in dated)
    assert to_ics(rep) == to_ics(report(D(2025, 3, 1)))  # stable: same input, same file
