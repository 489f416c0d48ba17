"""Row tests shared by the checks over inputs: conditions, parameters, and the table a check needs."""

from __future__ import annotations

import operator

from auditor.checks.base import CheckResult, EvalContext
from auditor.models import ParamRef, RowCondition

OPS = {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge, "eq": operator.eq,
       "ne": operator.ne}
SYMBOLS = {"lt": "<", "le": "≤", "gt": ">", "ge": "≥", "eq": "=", "ne": "≠"}


def value_of(value, ctx: EvalContext):
    """A literal, or a checklist parameter (possibly overridden in submission.yaml)."""
    if isinstance(value, ParamRef):
        if value.param not in ctx.parameters:
            raise KeyError(f"parameter {value.param!r} is not set")
        return ctx.parameters[value.param]
    return value


def _comparable(left, right):
    if isinstance(left, str) and isinstance(right, str):
        return left.strip().lower(), right.strip().lower()
    return left, right


def holds(condition: RowCondition, row: dict, ctx: EvalContext) -> bool:
    left = row.get(condition.column)
    right = row.get(condition.other) if condition.other else value_of(condition.value, ctx)
    if left is None or right is None:
        return False  # an empty cell satisfies no comparison
    left, right = _comparable(left, right)
    try:
        return OPS[condition.op](left, right)
    except TypeError:
        return False


def selected(rows: list[dict], where: list[RowCondition], any_where: list[RowCondition], ctx: EvalContext) -> list[int]:
    return [i for i, row in enumerate(rows)
            if all(holds(c, row, ctx) for c in where) and (not any_where or any(holds(c, row, ctx) for c in any_where))]


def explain(condition: RowCondition, row: dict, ctx: EvalContext) -> str:
    """"ntsv_rate 27.1 > 23.9" or "ipa_rate 61 < network_average 70"."""
    def show(v):
        if isinstance(v, bool):
            return "yes" if v else "no"
        return f"{v:g}" if isinstance(v, float) else str(v)
    left = f"{condition.column} {show(row.get(condition.column))}"
    right = (f"{condition.other} {show(row.get(condition.other))}" if condition.other
             else show(value_of(condition.value, ctx)))
    return f"{left} {SYMBOLS[condition.op]} {right}"


def table_or_review(ctx: EvalContext, name: str):
    """The input table, or a needs_review result saying why it cannot be used."""
    table = ctx.tables.get(name)
    if table is None:
        return None, CheckResult(status="needs_review", notes=[f"the input {name!r} is not available"])
    if table.error:
        return None, CheckResult(status="needs_review", notes=[table.error])
    return table, None


def row_label(table, index: int) -> str:
    return f"row {index + 2}" if table.source.endswith(".csv") else f"row {index + 1}"
