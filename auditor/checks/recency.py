"""`recency`: every item (a guideline in a list or table) carries a date no older than the allowed age."""

from __future__ import annotations

from auditor.checks.base import CheckResult, EvalContext
from auditor.checks.items import items
from auditor.dates import find_dates, oldest_allowed
from auditor.models import RecencyCheck


def evaluate(check: RecencyCheck, ctx: EvalContext) -> CheckResult:
    since = oldest_allowed(ctx.as_of, check.max_age)
    fresh, stale, undated = [], [], []
    # names listed in a sentence carry no dates of their own: recency is read from lists and tables
    for item in items(ctx, ctx.keys(check.within), ctx.keys(check.of), check.documents, enumerations=False):
        dates = find_dates(item.text)
        if not dates:
            undated.append(item)
            continue
        written, latest = max(dates, key=lambda d: d[1])
        (fresh if latest >= since else stale).append((item, written))
    label = f"dated on or after {since.isoformat()}"
    missing = [f"{_name(item.text)} ({written})" for item, written in stale]
    missing += [f"{_name(item.text)} (no date)" for item in undated]
    notes = [f"{len(fresh)} item(s) {label}, {len(stale)} older, {len(undated)} undated"]
    evidence = [item.passages[0] for item, _ in fresh]
    if fresh and not stale and not undated:
        return CheckResult(status="met", evidence=evidence, notes=notes)
    if fresh:
        return CheckResult(status="partial", evidence=evidence, missing=missing, notes=notes,
                           candidates=[item.passages[0] for item, _ in stale])
    if stale:
        return CheckResult(status="not_met", missing=missing, notes=notes,
                           nearest=[(0.5, item.passages[0], ["a date within the allowed age"]) for item, _ in stale])
    if undated:  # items but no dates to judge by: a reviewer must look
        return CheckResult(status="needs_review", candidates=[item.passages[0] for item in undated],
                           missing=missing, notes=["the items carry no dates"])
    return CheckResult(status="not_met", notes=["no dated items found"])


def _name(text: str) -> str:
    first = text.split(" | ")[0]
    return first if len(first) <= 60 else first[:57] + "..."


def describe(check: RecencyCheck, show) -> str:
    age = check.max_age.describe()
    what = f" that say {' or '.join(map(show, check.of))}" if check.of else ""
    return (f"every list item or table row under {' or '.join(map(show, check.within))}{what} dated within "
            f"{age} before the audit date")
