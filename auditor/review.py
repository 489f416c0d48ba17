"""The reviewer's pass over a saved report: each open finding shown with its evidence, the decision recorded.

The walk is a plain loop over injected `ask` and `say` functions, so the terminal command is a thin shell and a test
can drive it with scripted answers. Decisions are saved after each one (atomically): stopping part-way loses nothing.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable

from auditor.models import AuditReport, Evidence, Finding, SignOff, Status
from auditor.overrides import Override, OverridesFile

OPEN: tuple[Status, ...] = ("partial", "not_met", "needs_review")
# One key per decision; the status each sets (None: no decision for this finding).
CHOICES: dict[str, Status | None] = {"m": "met", "p": "partial", "n": "not_met", "x": "not_applicable",
                                     "r": "needs_review", "s": None}
KEYS_HELP = "m met, p partial, n not met, x not applicable, r needs review, s skip, q save and quit"

Ask = Callable[[str, str], str]  # (question, default) -> answer


def tool_status(finding: Finding) -> Status:
    return finding.review.tool_status if finding.review else finding.status


def pending(report: AuditReport, statuses: tuple[Status, ...] = OPEN) -> list[Finding]:
    """The findings a reviewer must look at: by the tool's own status, in the report's order."""
    return [f for f in report.findings if tool_status(f) in statuses]


def _where(e: Evidence) -> str:
    return e.document + (f", p. {e.page}" if e.page else "") + (f" · {e.section}" if e.section else "")


def _quote(e: Evidence, width: int = 100) -> str:
    return textwrap.shorten(" ".join(e.quote.split()), width=width * 3, placeholder=" …")


def describe(finding: Finding, number: int, total: int) -> str:
    """The finding as a reviewer reads it in the terminal: rule, status, what is missing, the passages."""
    lines = [f"[{number}/{total}] {finding.requirement_id}  {finding.title}",
             f"  {finding.citation}",
             f"  Tool: {tool_status(finding).replace('_', ' ')}"
             + (f"; missing: {', '.join(m.replace('_', ' ') for m in finding.missing)}" if finding.missing else "")]
    if finding.review:
        r = finding.review
        lines.append(f"  Recorded decision: {r.status.replace('_', ' ')} by {r.reviewer}, {r.date}"
                     + (" (expired)" if r.expired else "") + f": {r.reason}")
    for title, passages in (("Evidence", finding.evidence), ("To review", finding.candidates),
                            ("Nearest", finding.nearest)):
        for e in passages[:3]:
            lacks = f" (lacks {'; '.join(e.lacks)})" if e.lacks else ""
            lines.append(f"  {title}: “{_quote(e)}” — {_where(e)}{lacks}")
        if len(passages) > 3:
            lines.append(f"  {title}: … and {len(passages) - 3} more in the report")
    lines.append(f"  Why: {textwrap.shorten(finding.rationale, width=400, placeholder=' …')}")
    return "\n".join(lines)


def _expiry(answer: str, today: dt.date) -> dt.date | None | str:
    """The expiry date, None for none, or a message saying what is wrong with the answer."""
    if not answer.strip():
        return None
    try:
        when = dt.date.fromisoformat(answer.strip())
    except ValueError:
        return "give the date as YYYY-MM-DD, or leave it empty"
    return when if when > today else f"the expiry must be after today ({today})"


def run_review(report: AuditReport, overrides: OverridesFile, reviewer: str, today: dt.date, ask: Ask,
               say: Callable[[str], None], save: Callable[[OverridesFile], None],
               statuses: tuple[Status, ...] = OPEN) -> OverridesFile:
    """Walk the open findings, asking for a decision on each; returns (and saves as it goes) the overrides."""
    several = len({c.id for c in report.checklists}) > 1
    decisions = {(o.checklist, o.requirement): o for o in overrides.overrides}
    todo = pending(report, statuses)
    say(f"{len(todo)} finding(s) to review ({', '.join(s.replace('_', ' ') for s in statuses)}). Keys: {KEYS_HELP}.")
    for number, finding in enumerate(todo, start=1):
        say("")
        say(describe(finding, number, len(todo)))
        while (key := ask("Decision", "s").strip().lower()) not in CHOICES and key != "q":
            say(f"  Keys: {KEYS_HELP}")
        if key == "q":
            break
        status = CHOICES[key]
        if status is None:
            continue
        reason = ""
        while not reason:
            reason = ask("Reason (required)", "").strip()
        while isinstance(expires := _expiry(ask("Expires (YYYY-MM-DD, empty for none)", ""), today), str):
            say(f"  {expires}")
        checklist = finding.checklist if several else None  # named only where an id could be ambiguous
        decisions[(checklist, finding.requirement_id)] = Override(
            requirement=finding.requirement_id, checklist=checklist, status=status,
            reason=reason, reviewer=reviewer, date=today, expires=expires)
        overrides = OverridesFile(overrides=list(decisions.values()), sign_off=overrides.sign_off)
        save(overrides)
        say(f"  Recorded: {finding.requirement_id} {status.replace('_', ' ')} (tool: "
            f"{tool_status(finding).replace('_', ' ')}).")
    return overrides


def sign(overrides: OverridesFile, reviewer: str, title: str | None, today: dt.date) -> OverridesFile:
    return OverridesFile(overrides=overrides.overrides,
                         sign_off=SignOff(reviewer=reviewer, title=title or None, date=today))
