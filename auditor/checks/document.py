"""`document`: the submission holds a readable document of an expected kind."""

from __future__ import annotations

from auditor.checks.base import CheckResult, EvalContext
from auditor.models import DocumentCheck


def evaluate(check: DocumentCheck, ctx: EvalContext) -> CheckResult:
    for i in range(len(ctx.corpus.passages)):
        if ctx.kind_of(i) in check.kinds:
            # The document's first passage (its title, as a rule) stands for the document.
            return CheckResult(status="met", evidence=[i])
    return CheckResult(status="not_met", notes=[f"no document recognised as {' or '.join(check.kinds)}"])


def describe(check: DocumentCheck, show) -> str:
    return f"a document recognised as {' or '.join(k.replace('_', ' ') for k in check.kinds)}"
