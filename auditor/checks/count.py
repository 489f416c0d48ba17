"""`count`: at least `min` items of a list or table that say what is counted ("two chronic-condition guidelines"),
optionally only those dated within an age before the audit date ("three studies over three years")."""

from __future__ import annotations

import datetime as dt
import re

from auditor.checks.base import CheckResult, EvalContext
from auditor.checks.items import claimed_counts, items
from auditor.dates import find_dates, oldest_allowed
from auditor.models import CountCheck


def evaluate(check: CountCheck, ctx: EvalContext) -> CheckResult:
    found = items(ctx, ctx.keys(check.within), ctx.keys(check.of), check.documents, fields=ctx.keys(check.fields),
                  names=ctx.keys(check.names), exclude=ctx.keys(check.exclude),
                  shows=ctx.keys(check.shows), self_named=True, exclude_context=ctx.keys(["parts_lead"]))
    outside: list[str] = []
    if check.max_age:
        since = oldest_allowed(ctx.as_of, check.max_age)
        counted = []
        for item in found:
            dates = _item_dates(ctx, item, set(ctx.keys(check.undated_columns)))
            if dates and max(dates) >= since:
                counted.append(item)
            else:
                why = f"dated before {since.isoformat()}" if dates else "no date"
                outside.append(f"{item.text.split(' | ')[0][:60]} ({why})")
    else:
        counted = found
    counted, repeats = _distinct(counted, ctx)
    if repeats:
        outside.append("the same as another item: " + "; ".join(repeats))
    evidence = [item.passages[0] for item in counted]
    notes = [f"counted {len(counted)} of the {check.min} required"]
    if not found and not check.max_age:
        # no items listed at all: a count said in words ("four preventive health guidelines") is the evidence
        claims = claimed_counts(ctx, ctx.keys(check.within), ctx.keys(check.of), check.documents)
        if claims:
            number, passage = max(claims)
            notes = [f"the submission says {number}, without listing them"]
            if number >= check.min:
                return CheckResult(status="met", evidence=[passage], notes=notes)
            return CheckResult(status="partial", evidence=[passage], notes=notes,
                               missing=[f"{check.min - number} more item(s)"])
    if outside:
        notes.append("not counted: " + "; ".join(outside))
    if len(counted) >= check.min:
        return CheckResult(status="met", evidence=evidence, notes=notes)
    status = "partial" if counted else "not_met"
    return CheckResult(status=status, evidence=evidence, notes=notes,
                       missing=[f"{check.min - len(counted)} more item(s)"])


_YEAR = re.compile(r"\b(19|20)\d\d\b")
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s?%")
_WORD = re.compile(r"[a-z][a-z0-9-]{2,}")
# Words any row of a studies table may hold: they do not make two rows one study.
_GENERIC = frozenset({"the", "and", "for", "with", "from", "that", "this", "its", "their", "our", "all", "each",
    "per", "are", "was", "were", "has", "have", "will", "into", "study", "studies", "project", "projects", "pip",
    "pips", "qia", "qias", "qip", "qips", "initiative", "initiatives", "improvement", "quality", "care", "clinical",
    "members", "member", "rate", "rates", "measure", "measures", "goal", "goals", "baseline", "remeasurement",
    "status", "complete", "completed", "finished", "ongoing", "track", "quarterly", "monthly", "annual", "annually",
    "semiannual", "update", "updates", "year", "years", "report", "reports", "results", "chronic", "acute",
    "condition", "conditions", "type", "topic"})


def _distinct(items: list, ctx: EvalContext | None = None) -> tuple[list, list[str]]:
    """Items that are not the same study listed twice: under another name ("Eye Exams for Members with Diabetes:
    2024 Update" after "Seeing Clearly: eye checks for members with diabetes") or in another table, an item that
    shares a result figure and its subject with one already counted, or most of its own words, is that item; but
    two rows of one table naming different things do not share words enough to be one ("Breast cancer screening |
    Preventive | USPSTF" and "Cervical cancer screening | Preventive | USPSTF")."""
    kept: list = []
    repeats: list[str] = []
    signatures: list[tuple[set[str], set[str], tuple | None, str]] = []
    for item in items:
        words = set(_WORD.findall(item.text.lower())) - _GENERIC
        figures = {f.replace(" ", "") for f in _FIGURE.findall(item.text)}
        table = _table_of(ctx, item)
        name = " ".join(item.text.split(" | ")[0].lower().split())
        same = any((figures & f and words & w) or (len(words & w) >= 3
                                                  and len(words & w) >= 0.75 * min(len(words), len(w))
                                                  and not (table is not None and table == t and name != n))
                   for w, f, t, n in signatures)
        if same:
            repeats.append(item.text.split(" | ")[0][:60])
            continue
        kept.append(item)
        signatures.append((words, figures, table, name))
    return kept, repeats


def _table_of(ctx: EvalContext | None, item) -> tuple | None:
    """The (document, table) an item is a row of, or None."""
    if ctx is None:
        return None
    passage = ctx.corpus.passages[item.passages[0]]
    if passage.kind != "row":
        return None
    table = ctx.corpus.documents[passage.doc].blocks[passage.block].table
    return None if table is None else (passage.doc, table)


def _item_dates(ctx: EvalContext, item, undated: set[str] = frozenset()) -> list[dt.date]:
    """The dates an item is known by: its own dates; else the years it names; else the years of its
    headings or document title ("Studies, 2022-2024"), each taken as the year's last day. Future dates are
    not evidence of work done. A table cell under a header saying one of `undated` is left out."""
    def years(text: str) -> list[dt.date]:
        return [dt.date(int(m.group(0)), 12, 31) for m in _YEAR.finditer(text)]

    first = ctx.corpus.passages[item.passages[0]]
    title = ctx.corpus.documents[first.doc].title or ""
    text = item.text
    if undated:
        text = " ; ".join(_dated_text(ctx, i, undated) for i in item.passages)
    for found in ([d for _, d in find_dates(text)], years(text), years(f"{first.context} {title}")):
        found = [min(d, ctx.as_of) for d in found if d.year <= ctx.as_of.year]
        if found:
            return found
    return []


def _dated_text(ctx: EvalContext, passage: int, undated: set[str]) -> str:
    """A passage's text without the table cells whose column header says one of `undated`."""
    cells = ctx.table_cells(passage)
    if not cells:
        return ctx.corpus.passages[passage].text
    return " | ".join(cell for header, cell in cells if not ctx.terms_of(header) & undated)


def describe(check: CountCheck, show) -> str:
    what = f" that say {' or '.join(map(show, check.of))}" if check.of else ""
    text = f"at least {check.min} list items or table rows under {' or '.join(map(show, check.within))}{what}"
    if check.names:
        text += f" (a row by its first cell when that names {' or '.join(map(show, check.names))})"
    if check.fields:
        text += f"; items labelled {' or '.join(map(show, check.fields))} are fields of one record"
    text += " (or whose own name says so)"
    if check.shows:
        text += f"; an item with a section of its own counts if that says {' or '.join(map(show, check.shows))}"
    if check.exclude:
        text += f"; not those that say {' or '.join(map(show, check.exclude))}"
    text += "; not in a list introduced as the parts of one item (\"Each study defines:\")"
    if check.max_age:
        text += f", dated within {check.max_age.describe()} before the audit date"
    if check.undated_columns:
        text += f" (not by a column headed {' or '.join(map(show, check.undated_columns))})"
    return text
