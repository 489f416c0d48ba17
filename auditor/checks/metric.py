"""`metric`: one number computed from an input against a threshold; the finding shows the numbers it used.

Computations: share (on-time rate), count (per calendar year), pct_change (latest period against the one before),
longest_gap (days between consecutive dates, leave and enrollment-period starts aside), score (points earned
against points possible, and the bonus), has_values (required roles filled).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from auditor.checks.base import CheckResult, EvalContext
from auditor.checks.table_rows import OPS, SYMBOLS, explain, row_label, selected, table_or_review, value_of
from auditor.models import MetricCheck


def evaluate(check: MetricCheck, ctx: EvalContext) -> CheckResult:
    table, problem = table_or_review(ctx, check.input)
    if problem:
        return problem
    if not table.rows:
        return CheckResult(computed=True, status="needs_review", notes=[f"{table.source} has no rows"])
    try:
        return _COMPUTE[check.compute](check, ctx, table)
    except KeyError as exc:  # a parameter the plan must configure
        return CheckResult(computed=True, status="needs_review", notes=[str(exc).strip("'\"")])


def _judge(check: MetricCheck, ctx: EvalContext, value: float, what: str, table, rows: list[int],
           extra: list[str] | None = None) -> CheckResult:
    notes = [what, *(extra or [])]
    data = [(table.source, row_label(table, i), table.quote(i)) for i in rows[:10]]
    if check.threshold is None:
        return CheckResult(computed=True, status="met", notes=notes, data=data)
    limit = value_of(check.threshold.value, ctx)
    passed = OPS[check.threshold.op](value, limit)
    notes.append(f"threshold: {SYMBOLS[check.threshold.op]} {limit:g}: {'passes' if passed else 'fails'}")
    return CheckResult(computed=True, status="met" if passed else "not_met", notes=notes, data=data,
                       missing=[] if passed else [f"{value:g} is not {SYMBOLS[check.threshold.op]} {limit:g}"])


def _share(check, ctx, table) -> CheckResult:
    good = selected(table.rows, check.where, [], ctx)
    bad = [i for i in range(len(table.rows)) if i not in set(good)]
    value = round(100 * len(good) / len(table.rows), 2)
    why = [f"{row_label(table, i)} does not meet it: not ("
           + "; ".join(explain(c, table.rows[i], ctx) for c in check.where) + ")" for i in bad[:10]]
    return _judge(check, ctx, value, f"{len(good)} of {len(table.rows)} rows meet the condition: {value:g}%",
                  table, bad or good, why)


def _count(check, ctx, table) -> CheckResult:
    rows = selected(table.rows, check.where, [], ctx)
    if check.per is None:
        return _judge(check, ctx, len(rows), f"{len(rows)} row(s) meet the condition", table, rows)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in rows:
        when = table.rows[i].get(check.per.column)
        if isinstance(when, dt.date):
            groups[when.year].append(i)
    if not groups:
        return _judge(check, ctx, 0, "no rows meet the condition in any year", table, [])
    worst = max(groups, key=lambda year: len(groups[year]))
    per_year = ", ".join(f"{year}: {len(found)}" for year, found in sorted(groups.items()))
    return _judge(check, ctx, len(groups[worst]), f"per calendar year: {per_year}", table, groups[worst])


def _pct_change(check, ctx, table) -> CheckResult:
    # When the periods are dates and the latest year is still running, compare like with like: the year so far
    # against the same months of the year before, not half a year against a whole one.
    dated = [r for r in table.rows if isinstance(r.get(check.period), dt.date) and r[check.period] <= ctx.as_of]
    cutoff = (ctx.as_of.month, ctx.as_of.day) if dated and max(r[check.period] for r in dated).year == ctx.as_of.year \
        else None
    totals: dict = defaultdict(float)
    for row in table.rows:
        period = row.get(check.period)
        if isinstance(period, dt.date):
            if period > ctx.as_of or (cutoff and (period.month, period.day) > cutoff):
                continue
            period = period.year
        if period is not None and row.get(check.column) is not None:
            totals[period] += row[check.column]
    if len(totals) < 2:
        return CheckResult(computed=True, status="needs_review",
                           notes=[f"{table.source}: two periods of {check.column} are needed"])
    latest, previous = sorted(totals)[-1], sorted(totals)[-2]
    if not totals[previous]:
        return CheckResult(computed=True, status="needs_review",
                           notes=[f"{check.column} was 0 in {previous}: no change to compute"])
    change = round(100 * (totals[latest] - totals[previous]) / totals[previous], 2)
    through = f" (to {ctx.as_of.strftime('%B')} {ctx.as_of.day} of each year)" if cutoff else ""
    what = (f"{check.column}: {totals[previous]:g} in {previous}, {totals[latest]:g} in {latest}{through}: "
            f"{change:+g}%")
    used = [i for i, row in enumerate(table.rows)
            if (row.get(check.period).year if isinstance(row.get(check.period), dt.date) else row.get(check.period))
            in (latest, previous)]
    return _judge(check, ctx, change, what, table, used)


def _longest_gap(check, ctx, table) -> CheckResult:
    leave: list[tuple[dt.date, dt.date]] = []
    if check.exclude_input:
        other = ctx.tables.get(check.exclude_input)
        if other is not None and not other.error:
            leave = [(r["start"], r["end"]) for r in other.rows if r.get("start") and r.get("end")]
    groups: dict[str, list[dt.date]] = defaultdict(list)
    for row in table.rows:
        if isinstance(row.get(check.column), dt.date):
            groups[str(row.get(check.group)) if check.group else "all"].append(row[check.column])
    worst = (0, "", None, None)
    for group, dates in groups.items():
        dates = sorted(set(d for d in dates if d <= ctx.as_of))
        # The current stretch counts too: no entry since the last one, up to the audit date.
        for start, end in zip(dates, [*dates[1:], ctx.as_of], strict=True):
            # The start of an enrollment period is excused like leave: its days do not count, whenever the
            # gap around it began.
            excused = leave + _period_starts(start, end, check)
            days = (end - start).days - _covered(start, end, excused)
            if days > worst[0]:
                worst = (days, group, start, end)
    if worst[2] is None:
        return _judge(check, ctx, 0, "no gap between dates", table, [])
    days, group, start, end = worst
    edges = [i for i, row in enumerate(table.rows) if row.get(check.column) in (start, end)
             and (not check.group or str(row.get(check.group)) == group)]
    label = f" ({check.group} {group})" if check.group else ""
    what = f"longest gap{label}: {days} day(s), {start.isoformat()} to {end.isoformat()}"
    if leave:
        what += " (approved leave not counted)"
    return _judge(check, ctx, days, what, table, edges)


def _period_starts(start: dt.date, end: dt.date, check: MetricCheck) -> list[tuple[dt.date, dt.date]]:
    """The windows at the start of each annual enrollment period that fall between two dates."""
    allow = check.allow_after
    if allow is None:
        return []
    windows = []
    for year in range(start.year, end.year + 1):
        try:
            opens = dt.date(year, allow.month, allow.day)
        except ValueError:
            continue
        windows.append((opens, opens + dt.timedelta(days=allow.days - 1)))
    return windows


def _covered(start: dt.date, end: dt.date, leave: list[tuple[dt.date, dt.date]]) -> int:
    """Days strictly between start and end that fall within approved leave."""
    days = set()
    for first, last in leave:
        lo, hi = max(first, start + dt.timedelta(days=1)), min(last, end - dt.timedelta(days=1))
        if lo <= hi:
            days.update(lo + dt.timedelta(days=n) for n in range((hi - lo).days + 1))
    return len(days)


def _score(check, ctx, table) -> CheckResult:
    earned = possible = 0.0
    lines = []
    for row in table.rows:
        points, target, actual = row.get(check.points) or 0, row.get(check.target), row.get(check.actual)
        lower = row.get("lower_is_better") if row.get("lower_is_better") is not None else check.lower_is_better
        met = target is not None and actual is not None and (actual <= target if lower else actual >= target)
        possible += points
        earned += points if met else 0
        first = next(iter(row.values()))
        shown = "–" if actual is None else f"{actual:g}"
        lines.append(f"{first}: {shown} vs target {'–' if target is None else f'{target:g}'}: "
                     f"{points if met else 0:g}/{points:g}")
    if not possible:
        return CheckResult(computed=True, status="needs_review", notes=[f"{table.source}: no points possible"])
    score = round(100 * earned / possible, 2)
    extra = ["; ".join(lines)]
    if check.bonus_pool is not None and check.bonus_percent is not None:
        pool, percent = float(value_of(check.bonus_pool, ctx)), float(value_of(check.bonus_percent, ctx))
        qualifies = check.threshold is None or OPS[check.threshold.op](score, value_of(check.threshold.value, ctx))
        if check.scale_bonus_by_score:
            bonus = round(pool * percent / 100 * earned / possible, 2)
            extra.append(f"bonus: {pool:,.2f} × {percent:g}% × {earned:g}/{possible:g} = {bonus:,.2f}")
        elif qualifies:
            extra.append(f"bonus: {pool:,.2f} × {percent:g}% = {round(pool * percent / 100, 2):,.2f}")
        else:
            extra.append("bonus: none, as the score does not qualify")
    return _judge(check, ctx, score, f"score: {earned:g} of {possible:g} points ({score:g}%)", table,
                  list(range(len(table.rows))), extra)


def _has_values(check, ctx, table) -> CheckResult:
    have = {str(r.get(check.column, "")).strip().lower() for r in table.rows
            if not check.filled or str(r.get(check.filled) or "").strip()}
    missing = [v for v in check.values if v.strip().lower() not in have]
    found = [v for v in check.values if v not in missing]
    status = "met" if not missing else ("partial" if found else "not_met")
    notes = [f"filled: {', '.join(found) or 'none'}" + (f"; not filled: {', '.join(missing)}" if missing else "")]
    rows = [i for i, r in enumerate(table.rows) if str(r.get(check.column, "")).strip().lower()
            in {v.lower() for v in found}]
    return CheckResult(computed=True, status=status, found=found, missing=missing, notes=notes,
                       data=[(table.source, row_label(table, i), table.quote(i)) for i in rows])


_COMPUTE = {"share": _share, "count": _count, "pct_change": _pct_change, "longest_gap": _longest_gap,
            "score": _score, "has_values": _has_values}


def describe(check: MetricCheck, show) -> str:
    text = f"{check.compute.replace('_', ' ')} over the {check.input} input"
    if check.where:
        text += " (rows where " + " and ".join(f"{c.column} {c.op} {c.other or c.value}" for c in check.where) + ")"
    if check.threshold:
        value = check.threshold.value
        text += f", {check.threshold.op} {getattr(value, 'param', value)}"
    return text

