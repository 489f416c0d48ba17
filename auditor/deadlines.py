"""Due dates: where a clock starts (a fact, a date written in the evidence, a fixed day of the year) plus its
offset, on the rule's kind of day.

Conventions, per kind of day:
- calendar days, weeks, months, years: dateutil arithmetic (Jan 31 + 1 month is Feb 28/29); a due date that falls
  on a weekend or holiday does not move, as the rules count calendar time;
- working/business days: the Nth weekday after the start that is not a legal holiday of the rule's state, with
  the observed dates the `holidays` package knows (so the due date is itself always a working day);
- a fixed day each year (the annual statement on March 1): that date, not moved for weekends.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from dateutil.relativedelta import relativedelta

from auditor.dates import find_dates
from auditor.models import DeadlineRule, Offset


@functools.cache
def _calendar(name: str, years: tuple[int, ...]):
    import holidays  # only when a business-day clock is computed

    country, _, subdiv = name.partition("-")
    return holidays.country_holidays(country, subdiv=subdiv or None, years=years)


def add(start: dt.date, offset: Offset, calendar: str | None = None) -> dt.date:
    due = start + relativedelta(years=offset.years, months=offset.months, weeks=offset.weeks, days=offset.days)
    if offset.business_days:
        years = tuple(range(due.year - 1, due.year + 2 + offset.business_days // 200))
        due = _calendar(calendar or "US", years).get_nth_working_day(due, offset.business_days)
    return due


def _span(offset: Offset) -> str:
    """"10 business days", "1 year", "-6 weeks"."""
    parts = []
    for unit, value in offset.model_dump().items():
        if value:
            name = unit.replace("_", " ")
            parts.append(f"{value} {name[:-1] if abs(value) == 1 else name}")
    return ", ".join(parts) or "0 days"


def due_date(rule: DeadlineRule, fact_value: Callable[[str], object], as_of: dt.date,
             evidence_dates: list[tuple[dt.date, str]]) -> tuple[dt.date | None, str]:
    """(due date, how it was reached) — or (None, what is missing to compute it)."""
    if rule.each_year:
        due = dt.date(as_of.year, rule.each_year.month, rule.each_year.day)
        return due, f"{due.strftime('%B')} {due.day} each year ({due.isoformat()} for {as_of.year})"
    offset = rule.after or Offset()
    if rule.start_later_of:
        points = []
        for point in rule.start_later_of:
            value = fact_value(point.fact)
            if not isinstance(value, dt.date):
                return None, f"due date needs the fact {point.fact} (not given)"
            points.append((add(value, point.after, rule.calendar), f"{point.fact} {value.isoformat()}"
                           + (f" {_span(point.after)}" if point.after != Offset() else "")))
        start, _ = max(points)
        how = f"{_span(offset)} after the later of {'; '.join(label for _, label in points)}"
        return add(start, offset, rule.calendar), how
    if rule.start is None:
        return None, rule.rule
    for name in [rule.start] if isinstance(rule.start, str) else rule.start:
        if name.startswith("evidence."):
            if not evidence_dates:
                continue
            start, where = (max if name == "evidence.latest" else min)(evidence_dates)
            label = f"{start.isoformat()} ({where})"
        else:
            value = fact_value(name)
            if not isinstance(value, dt.date):
                continue
            start, label = value, f"{name} {value.isoformat()}"
        where = f" ({rule.calendar} holidays)" if offset.business_days else ""
        return add(start, offset, rule.calendar), f"{_span(offset)}{where} after {label}"
    wanted = rule.start if isinstance(rule.start, str) else " or ".join(rule.start)
    wanted = wanted.replace("evidence.latest", "a date in the evidence").replace("evidence.earliest",
                                                                                 "a date in the evidence")
    return None, f"due date needs {wanted} (not given)"


def dates_in(quotes: list[tuple[str, str]], as_of: dt.date) -> list[tuple[dt.date, str]]:
    """Dates written in evidence quotes, with where each was found; none after the audit date."""
    return [(value, where) for text, where in quotes for _, value in find_dates(text) if value <= as_of]
