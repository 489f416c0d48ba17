"""Check types: one small module each, dispatched on the check's `type`.

Adding a check type means a model in auditor.models and a module here with `evaluate` and `describe`,
registered below. Checks that contain other checks get `run` (and `describe`) passed in to recurse.
"""

from __future__ import annotations

from auditor.checks import (
    absent,
    approval,
    composite,
    count,
    document,
    each,
    metric,
    phrase,
    recency,
    reviewer,
    rows,
    section,
    word_limit,
)
from auditor.checks.base import CheckResult, EvalContext
from auditor.models import (
    AbsentCheck,
    AllOfCheck,
    AnyOfCheck,
    ApprovalCheck,
    Check,
    CountCheck,
    DocumentCheck,
    EachCheck,
    MetricCheck,
    PhraseCheck,
    RecencyCheck,
    ReviewerCheck,
    RowsCheck,
    SectionCheck,
    WordLimitCheck,
)

__all__ = ["CheckResult", "EvalContext", "run", "describe"]

# Check types that look at the text directly.
_LEAVES = {PhraseCheck: phrase, SectionCheck: section, DocumentCheck: document, CountCheck: count,
           RecencyCheck: recency, ReviewerCheck: reviewer, RowsCheck: rows, MetricCheck: metric,
           WordLimitCheck: word_limit, ApprovalCheck: approval}


def run(check: Check, ctx: EvalContext) -> CheckResult:
    module = _LEAVES.get(type(check))
    if module is not None:
        return module.evaluate(check, ctx)
    if isinstance(check, EachCheck):
        return each.evaluate(check, ctx, run)
    if isinstance(check, AbsentCheck):
        return absent.evaluate(check, ctx, run)
    if isinstance(check, AllOfCheck):
        return composite.evaluate_all_of(check, ctx, run)
    if isinstance(check, AnyOfCheck):
        return composite.evaluate_any_of(check, ctx, run)
    raise TypeError(f"unknown check type {type(check).__name__}")


def describe(check: Check, show, indent: str = "") -> str:
    """The evidence a check seeks, in words, for `explain` and for not-met rationales."""
    module = _LEAVES.get(type(check))
    if module is not None:
        return indent + module.describe(check, show)
    if isinstance(check, AbsentCheck):
        return indent + absent.describe(check, lambda inner: describe(inner, show, indent + "  ").lstrip())
    if isinstance(check, EachCheck):
        return indent + each.describe(check, show, lambda inner: describe(inner, show, indent + "  ").lstrip())
    word = "all" if isinstance(check, AllOfCheck) else "any"
    lines = [f"{indent}{word} of these elements:"]
    for name, element in check.elements.items():
        said = f" (“{element.label}”)" if element.label else ""  # the words the reports use for it
        lines.append(f"{indent}  - {name}{said}: " + describe(element, show, indent + "    ").lstrip())
    return "\n".join(lines)
