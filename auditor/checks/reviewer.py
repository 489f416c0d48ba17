"""`reviewer`: an obligation the documents cannot show; the reviewer confirms it."""

from __future__ import annotations

from auditor.checks.base import CheckResult, EvalContext
from auditor.models import ReviewerCheck


def evaluate(check: ReviewerCheck, ctx: EvalContext) -> CheckResult:
    return CheckResult(status="needs_review", notes=[f"confirm: {check.confirm}"])


def describe(check: ReviewerCheck, show) -> str:
    return f"a reviewer's confirmation: {check.confirm}"
