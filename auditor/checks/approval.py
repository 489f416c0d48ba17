"""`approval`: a document of a kind approved by a role, read from the submission's approval relations.

The relation is the evidence: "The Board of Directors approved the 2025 QI Work Plan on January 28, 2025", or the
label "Approved: Board of Directors, 1/28/2025" at the head of the work plan. A work plan approved only by the
QIC, shown to the Board "for information", put to it "for approval", approved by a parent company's board, or
approved only in a plan for later, is `partial`: the passage is shown and the rationale says which.
"""

from __future__ import annotations

import re

from auditor.checks.base import CheckResult, EvalContext
from auditor.models import ApprovalCheck

_ROLE_WORDS = {"governing_body": "the governing body", "qm_committee": "the QM committee",
               "physician_leader": "the designated physician", "quality_unit": "the QM staff",
               "foreign": "another organisation's body", "other": "another body"}


def evaluate(check: ApprovalCheck, ctx: EvalContext) -> CheckResult:
    wanted = set(check.of)
    by = set(check.by)
    approved, near = [], []
    for relation in ctx.corpus.relations:
        if ctx.ignored(relation.passage) or not wanted.intersection(relation.object_kinds):
            continue
        if relation.action == "approve" and relation.status == "approved" and relation.agent_role in by:
            approved.append(relation)
        else:
            near.append(relation)
    if approved:
        return CheckResult(status="met", evidence=list(dict.fromkeys(r.passage for r in approved)))
    what = " or ".join(k.replace("_", " ") for k in check.of)
    who = " or ".join(_ROLE_WORDS[b] for b in check.by)
    if near:
        found = sorted({_why(r, by) for r in near})
        return CheckResult(status="partial", candidates=list(dict.fromkeys(r.passage for r in near))[:6],
                           missing=[f"approval of the {what} by {who}"],
                           notes=[f"found only: {'; '.join(found)}"])
    return CheckResult(status="not_met", missing=[f"approval of the {what} by {who}"],
                       notes=[f"no approval of the {what} found"])


def _why(relation, by: set[str]) -> str:
    who = _ROLE_WORDS.get(relation.agent_role or "", "an unnamed body")
    named = re.sub(r"^(The|Our|Its)\b", lambda m: m.group(1).lower(), relation.agent_text or "") or who
    if relation.action == "receive" or relation.status == "received":
        return f"received by {who}" if relation.agent_role in by else f"received by {named}"
    if relation.status == "approved":
        return f"approved by {named} ({who})" if relation.agent_role not in by else "approved"
    if relation.status == "pending":
        return f"put to {named} for approval, not yet approved"
    if relation.status == "prepared":
        return f"prepared by {named}"
    return f"approval said only as {relation.status}"


def describe(check: ApprovalCheck, show) -> str:
    what = " or ".join(k.replace("_", " ") for k in check.of)
    return f"an approval of the {what} by {' or '.join(_ROLE_WORDS[b] for b in check.by)}"
