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
    current = _current_years(ctx, wanted)
    approved, near, earlier = [], [], []
    for relation in ctx.corpus.relations:
        if ctx.ignored(relation.passage) or not wanted.intersection(relation.object_kinds):
            continue
        if relation.action == "approve" and relation.status == "approved" and relation.agent_role in by:
            if _earlier_version(relation, wanted, current):
                earlier.append(relation)
                near.append(relation)
            else:
                approved.append(relation)
        else:
            near.append(relation)
    if approved:
        return CheckResult(status="met", evidence=list(dict.fromkeys(r.passage for r in approved)))
    what = " or ".join(k.replace("_", " ") for k in check.of)
    who = " or ".join(_ROLE_WORDS[b] for b in check.by)
    if near:
        found = sorted({_why(r, by, earlier, current) for r in near})
        return CheckResult(status="partial", candidates=list(dict.fromkeys(r.passage for r in near))[:6],
                           missing=[f"approval of the {what} by {who}"],
                           notes=[f"found only: {'; '.join(found)}"])
    return CheckResult(status="not_met", missing=[f"approval of the {what} by {who}"],
                       notes=[f"no approval of the {what} found"])


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _current_years(ctx: EvalContext, kinds: set[str]) -> dict[str, int]:
    """The latest year the submission's own documents of each kind are titled by ("QI Program Description 2025")."""
    years: dict[str, int] = {}
    for document in ctx.corpus.documents:
        if document.kind in kinds and document.title:
            found = [int(y) for y in _YEAR.findall(document.title)]
            if found:
                years[document.kind] = max(years.get(document.kind, 0), max(found))
    return years


def _earlier_version(relation, kinds: set[str], current: dict[str, int]) -> bool:
    """"The Board approved the 2024 QM Program Description" where the submission's description is the 2025 one: the
    approval is of an earlier version, not of the document before the examiner."""
    named = [int(y) for y in _YEAR.findall(relation.object_text or "")]
    if not named:
        return False
    mentioned = [k for k in relation.object_kinds if k in kinds and k in current]
    return bool(mentioned) and all(max(named) < current[k] for k in mentioned)


def _why(relation, by: set[str], earlier: list = (), current: dict[str, int] | None = None) -> str:
    if relation in earlier:
        latest = max((current or {}).get(k, 0) for k in relation.object_kinds)
        return f"{relation.object_text} approved, an earlier version than the submission's {latest} document"
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
