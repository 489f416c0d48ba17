"""`rows`: one finding per selected row of an input ("each hospital above 23.9%", "the three lowest measures"),
each addressed in the documents by name when the check asks for it."""

from __future__ import annotations

import re

from auditor.checks.base import CheckResult, EvalContext
from auditor.checks.table_rows import explain, holds, row_label, selected, table_or_review
from auditor.models import RowsCheck


def evaluate(check: RowsCheck, ctx: EvalContext) -> CheckResult:
    table, problem = table_or_review(ctx, check.input)
    if problem:
        return problem
    chosen = selected(table.rows, check.where, check.any_where, ctx)
    if check.lowest:
        by = check.lowest.by
        chosen = sorted((i for i in chosen if table.rows[i].get(by) is not None),
                        key=lambda i: table.rows[i][by])[:check.lowest.n]
    if not chosen:  # nothing to address: the rows checked are the evidence
        return CheckResult(computed=True, status=check.none_selected,
                           data=[(table.source, row_label(table, i), table.quote(i))
                                 for i in range(min(10, len(table.rows)))],
                           notes=[f"none of the {len(table.rows)} row(s) of {table.source or 'the input'} is selected"])
    items = []
    seen: dict[str, int] = {}
    for rank, i in enumerate(chosen, start=1):
        row = table.rows[i]
        name = str(row.get(check.name) or f"row {i + 1}")
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:  # finding ids must stay unique
            name = f"{name} ({seen[name]})"
        why = "; ".join([*(explain(c, row, ctx) for c in check.where),
                         *(explain(c, row, ctx) for c in check.any_where if holds(c, row, ctx))]) or "selected"
        if check.lowest:
            why = f"lowest {check.lowest.by} no. {rank} ({row.get(check.lowest.by):g})" + (
                f"; {why}" if check.where else "")
        data = [(table.source, row_label(table, i), table.quote(i))]
        if check.addressed_in is None:
            items.append((name, CheckResult(computed=True, status="not_met", data=data,
                                            notes=[f"{name}: {why}; to be addressed"])))
            continue
        hits = _mentions(ctx, name, check)
        if hits:
            items.append((name, CheckResult(computed=True, status="met", evidence=hits[:2], data=data,
                                            notes=[f"{name} ({why}) is addressed by name"])))
        else:
            items.append((name, CheckResult(computed=True, status="not_met", data=data,
                                            notes=[f"{name} ({why}) is not addressed by name in the documents"])))
    statuses = {r.status for _, r in items}
    status = "met" if statuses == {"met"} else ("not_met" if statuses == {"not_met"} else "partial")
    return CheckResult(computed=True, status=status, items=items)


def _mentions(ctx: EvalContext, name: str, check: RowsCheck) -> list[int]:
    """Passages that name the row (whole words, any case), with the `near` terms within two sentences."""
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, name.split())) + r"(?!\w)", re.IGNORECASE)
    near = set(ctx.keys(check.addressed_in.near))
    kinds = check.addressed_in.documents
    found = []
    for i, passage in enumerate(ctx.corpus.passages):
        if ctx.ignored(i) or (kinds and ctx.kind_of(i) not in kinds) or not pattern.search(passage.text):
            continue
        if near and not any(near <= set().union(*(ctx.corpus.passages[j].terms for j in group))
                            for group in ctx.groups_around(i, "window", 2)):
            continue
        found.append(i)
    return found


def describe(check: RowsCheck, show) -> str:
    text = f"one finding per row of the {check.input} input"
    if check.where:
        text += " where " + " and ".join(f"{c.column} {c.op} {c.other or c.value}" for c in check.where)
    if check.lowest:
        text += f", the {check.lowest.n} lowest by {check.lowest.by}"
    if check.addressed_in:
        text += f", each named (column {check.name}) in the documents"
        if check.addressed_in.near:
            text += f" near {' and '.join(map(show, check.addressed_in.near))}"
    return text
