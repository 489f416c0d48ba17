"""`count`: at least `min` items of a list or table that say what is counted ("two chronic-condition guidelines")."""

from __future__ import annotations

from auditor.checks.base import CheckResult, EvalContext
from auditor.checks.items import items
from auditor.models import CountCheck


def evaluate(check: CountCheck, ctx: EvalContext) -> CheckResult:
    counted = items(ctx, ctx.keys(check.within), ctx.keys(check.of), check.documents)
    evidence = [item.passages[0] for item in counted]
    note = f"counted {len(counted)} of the {check.min} required"
    if len(counted) >= check.min:
        return CheckResult(status="met", evidence=evidence, notes=[note])
    status = "partial" if counted else "not_met"
    return CheckResult(status=status, evidence=evidence, notes=[note],
                       missing=[f"{check.min - len(counted)} more item(s)"])


def describe(check: CountCheck, show) -> str:
    what = f" that say {' or '.join(map(show, check.of))}" if check.of else ""
    return (f"at least {check.min} list items or table rows under {' or '.join(map(show, check.within))}{what}")
