"""The findings as CSV: one row per requirement, in the report's order, for a spreadsheet or a tracker.

The text starts with a byte-order mark (written as UTF-8 it is the utf-8-sig encoding Excel needs to read
UTF-8), rows end in CRLF (the csv module's default, RFC 4180), and a cell that a spreadsheet would run as a
formula (starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io

from auditor.models import AuditReport, Evidence, Finding

COLUMNS = ("checklist", "requirement_id", "section", "citation", "title", "status", "tool_status", "reviewer",
           "review_reason", "missing", "evidence", "due", "overdue", "corrective_action_due", "rationale")
QUOTES = 3  # evidence quotes per row; the rest are counted
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """The value, with a leading apostrophe when a spreadsheet would read it as a formula (CSV injection), and its
    control characters (NUL, ESC) written as visible escapes."""
    from auditor.render import printable

    value = printable(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def quote(evidence: Evidence) -> str:
    page = f" p.{evidence.page}" if evidence.page else ""
    return f'{evidence.document}{page}: "{evidence.quote}"'


def row(finding: Finding) -> dict[str, str]:
    review = finding.review
    quotes = [quote(e) for e in finding.evidence[:QUOTES]]
    if len(finding.evidence) > QUOTES:
        quotes.append(f"and {len(finding.evidence) - QUOTES} more")
    values = {
        "checklist": finding.checklist,
        "requirement_id": finding.requirement_id,
        "section": finding.section,
        "citation": finding.citation,
        "title": finding.title,
        "status": finding.status,
        "tool_status": review.tool_status if review else finding.status,
        "reviewer": review.reviewer if review else "",
        "review_reason": (review.reason + (f" (expired {review.expires}; not applied)" if review.expired else ""))
        if review else "",
        "missing": "; ".join(finding.missing),
        "evidence": "; ".join(quotes),
        "due": finding.due.isoformat() if finding.due else "",
        "overdue": "" if finding.overdue is None else str(finding.overdue).lower(),
        "corrective_action_due": finding.corrective_action_due.isoformat() if finding.corrective_action_due else "",
        "rationale": finding.rationale,
    }
    return {key: safe_cell(value) for key, value in values.items()}


def render_csv(report: AuditReport) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for finding in report.findings:
        writer.writerow(row(finding))
    return out.getvalue()
