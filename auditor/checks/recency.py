"""`recency`: every item (a guideline in a list or table) carries a date no older than the allowed age."""

from __future__ import annotations

import re

from auditor.checks.base import CheckResult, EvalContext
from auditor.checks.items import items
from auditor.dates import find_dates, oldest_allowed
from auditor.models import RecencyCheck


def evaluate(check: RecencyCheck, ctx: EvalContext) -> CheckResult:
    since = oldest_allowed(ctx.as_of, check.max_age)
    fresh, stale, undated = [], [], []
    # names listed in a sentence carry no dates of their own: recency is read from lists and tables
    for item in items(ctx, ctx.keys(check.within), ctx.keys(check.of), check.documents, enumerations=False,
                      in_effect=False):
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
    return _in_sentences(check, ctx, since, label)


_UPDATED = re.compile(r"\b(?:last\s+|most\s+recently\s+)?(?:reviewed|updated|revised|re-?approved|re-?adopted)\b",
                      re.IGNORECASE)


def _in_sentences(check: RecencyCheck, ctx: EvalContext, since, label: str) -> CheckResult:
    """No list of items: a sentence may still date the last update ("the preventive guidelines were last reviewed
    in November 2021"). With no dated update at all there is nothing to judge, and a stated cycle beside it is the
    practice."""
    passages = ctx.corpus.passages
    fresh, stale = [], []
    for i in sorted({i for key in ctx.keys(check.within) for i in ctx.with_term.get(key, [])}):
        if ctx.ignored(i) or not _UPDATED.search(passages[i].text):
            continue
        dates = [d for d in find_dates(passages[i].text) if d[1] <= ctx.as_of]
        if dates:
            written, latest = max(dates, key=lambda d: d[1])
            (fresh if latest >= since else stale).append((i, written))
    if stale:
        return CheckResult(status="not_met", missing=[f"an update since {written}" for _, written in stale],
                           notes=[f"last updated {', '.join(w for _, w in stale)}, before {since.isoformat()}"],
                           nearest=[(0.5, i, ["a date within the allowed age"]) for i, _ in stale])
    if fresh:
        return CheckResult(status="met", evidence=[i for i, _ in fresh], notes=[f"last update {label}"])
    return CheckResult(status="not_met", notes=["no list of items to date"], neutral=True)


def _name(text: str) -> str:
    first = text.split(" | ")[0]
    return first if len(first) <= 60 else first[:57] + "..."


def describe(check: RecencyCheck, show) -> str:
    age = check.max_age.describe()
    what = f" that say {' or '.join(map(show, check.of))}" if check.of else ""
    return (f"every list item or table row under {' or '.join(map(show, check.within))}{what} dated within "
            f"{age} before the audit date")
