"""What a report derives from its findings: the deadline list and the summary counts and scores.

Kept apart from the engine (and light) so that applying a reviewer's overrides to a saved report can recompute
them without loading the matching machinery.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from auditor.models import STATUSES, DeadlineEntry, Finding, SectionScore, Summary

WHEN_ORDER = {"overdue": 0, "within_30_days": 1, "later": 2, "past": 3, "needs_review": 4}


def deadline_list(findings: list[Finding], as_of: dt.date) -> list[DeadlineEntry]:
    """Every due date, by date: overdue first, then due within 30 days, then later, then past and met (a date
    before the audit that was kept is not "within 30 days")."""
    entries = []
    for f in findings:
        if f.due is None:
            if f.due_rule and f.status != "not_applicable":  # a clock that lacks its starting fact: say which
                entries.append(DeadlineEntry(due=None, when="needs_review", checklist=f.checklist,
                                             requirement_id=f.requirement_id, citation=f.citation, title=f.title,
                                             status=f.status, rule=f.due_rule))
            continue
        if f.overdue:
            when = "overdue"
        elif f.due < as_of:
            when = "past"
        else:
            when = "within_30_days" if f.due <= as_of + dt.timedelta(days=30) else "later"
        entries.append(DeadlineEntry(due=f.due, when=when, checklist=f.checklist, requirement_id=f.requirement_id,
                                     citation=f.citation, title=f.title, status=f.status, rule=f.due_rule or ""))
    return sorted(entries, key=lambda e: (WHEN_ORDER[e.when], e.due or dt.date.max, e.checklist, e.requirement_id))


def _score(counts: Counter) -> float | None:
    applicable = sum(counts.values()) - counts["not_applicable"]
    return round(counts["met"] / applicable, 4) if applicable else None


def summarise(findings: list[Finding], sections: Iterable[tuple[str, str, str]]) -> Summary:
    """Counts and scores in total and per section (checklist id, section id, title), in the order given."""
    totals = Counter(f.status for f in findings)
    scores = []
    for checklist, section, title in sections:
        counts = Counter(f.status for f in findings if f.checklist == checklist and f.section == section)
        if counts:
            scores.append(SectionScore(checklist=checklist, section=section, title=title,
                                       counts={s: counts[s] for s in STATUSES}, score=_score(counts)))
    return Summary(**{s: totals[s] for s in STATUSES}, score=_score(totals), sections=scores)
