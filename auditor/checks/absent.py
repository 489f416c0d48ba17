"""`absent`: a red flag that must not be there ("Benchmark: TBD", a timeline of "Ongoing"). Met when the inner
check finds nothing; otherwise the configured status, with the passages found as candidates for review.

With `unless`, a flag is cleared when its own section also meets that check ("Benchmark: n/a" in a study whose
goal is 72%), and the search goes on in the rest of the submission.
"""

from __future__ import annotations

from auditor.checks.base import CheckResult, EvalContext
from auditor.models import AbsentCheck

_MAX_CLEARED = 20  # sections cleared before giving up the search (bounds the work on large submissions)


def evaluate(check: AbsentCheck, ctx: EvalContext, run) -> CheckResult:
    corpus = ctx.corpus
    sub = ctx
    for _ in range(_MAX_CLEARED):
        found = run(check.check, sub)
        flagged = list(dict.fromkeys([*found.evidence, *found.candidates]))
        # A flag said in any way counts ("Benchmark: TBD" is a placeholder, which is the point of the flag); one
        # found only outside the documents it is about (needs_review) is not raised there.
        if found.status in ("not_met", "needs_review") or not flagged:
            return CheckResult(status="met")
        if check.unless is None:
            break
        section = set(corpus.by_section[corpus.passages[flagged[0]].section_key])
        if run(check.unless, ctx.restricted(section)).status != "met":
            break
        everything = sub.allowed if sub.allowed is not None else set(range(len(corpus.passages)))
        sub = ctx.restricted(everything - section)
    else:
        return CheckResult(status="met")
    return CheckResult(status=check.status, candidates=flagged, missing=[f"none with {check.flag}"],
                       notes=[f"{len(flagged)} passage(s) with {check.flag}"])


def describe(check: AbsentCheck, describe_inner) -> str:
    text = f"no passage with {check.flag} (found by: {describe_inner(check.check)})"
    if check.unless is not None:
        text += f", unless its section also has: {describe_inner(check.unless)}"
    return f"{text}; else {check.status}"
