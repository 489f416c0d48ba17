"""Due dates: a clock's start (a fact of the submission) plus its offset, on the rule's kind of day.

Calendar days, weeks, months and years follow dateutil (Jan 31 + 1 month is Feb 28). Business and working
days skip weekends and the legal holidays of the rule's state, with the observed dates the `holidays`
package knows; the due date is the Nth such day after the start.
"""

from __future__ import annotations

import datetime as dt
import functools

from dateutil.relativedelta import relativedelta

from auditor.models import DeadlineRule, Offset


@functools.cache
def _calendar(name: str, years: tuple[int, ...]):
    import holidays  # only when a business-day clock is computed

    country, _, subdiv = name.partition("-")
    return holidays.country_holidays(country, subdiv=subdiv or None, years=years)


def add(start: dt.date, offset: Offset, calendar: str | None = None) -> dt.date:
    due = start + relativedelta(years=offset.years, months=offset.months, weeks=offset.weeks, days=offset.days)
    if offset.business_days:
        years = tuple(range(due.year, due.year + 2 + offset.business_days // 200))
        due = _calendar(calendar or "US", years).get_nth_working_day(due, offset.business_days)
    return due


def due_date(rule: DeadlineRule, fact_value) -> tuple[dt.date | None, str]:
    """(due date, how it was reached) — or (None, which fact is missing). `fact_value(name)` reads a fact."""
    if rule.start is None or rule.after is None:
        return None, rule.rule
    start = fact_value(rule.start)
    if not isinstance(start, dt.date):
        return None, f"due date needs the fact {rule.start} (not given)"
    due = add(start, rule.after, rule.calendar)
    span = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in rule.after.model_dump().items() if v)
    where = f" ({rule.calendar} holidays)" if rule.after.business_days else ""
    return due, f"{span}{where} after {rule.start} {start.isoformat()}"
