"""JUnit XML: the interchange format CI servers and review dashboards read. One <testsuite> per checklist section,
one <testcase> per requirement (per item for per-item findings): met passes, not_met and partial are failures,
needs_review is an error (a question, not a verdict) and not_applicable is skipped.

Written with the standard library's ElementTree, which escapes text and attributes; control characters that XML 1.0
cannot hold at all are made visible first (auditor.render.printable)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from auditor.models import AuditReport, Finding
from auditor.render import printable


def _text(value: str) -> str:
    return printable(value).replace("\x09", " ")


def _message(finding: Finding) -> str:
    missing = f" Missing: {'; '.join(finding.missing)}." if finding.missing else ""
    return _text(f"{finding.status.replace('_', ' ')}: {finding.citation}.{missing}")


def _detail(finding: Finding) -> str:
    lines = [finding.rationale]
    for e in finding.evidence + finding.candidates + finding.nearest:
        page = f" p.{e.page}" if e.page else ""
        lines.append(f'{e.document}{page}: "{e.quote}"')
    if finding.corrective_action_due:
        lines.append(f"Corrective action due {finding.corrective_action_due.isoformat()}.")
    if finding.review:
        lines.append(f"Reviewer {finding.review.reviewer}: {finding.review.reason}")
    return _text("\n".join(lines))


def render_junit(report: AuditReport) -> str:
    hmo = report.submission.hmo_name or "submission"
    root = ET.Element("testsuites", name=_text(f"hmo-audit: {hmo} as of {report.as_of.isoformat()}"))
    suites: dict[tuple[str, str], ET.Element] = {}
    counts: dict[tuple[str, str], dict[str, int]] = {}
    titles = {(s.checklist, s.section): s.title for s in report.summary.sections}
    for finding in report.findings:
        key = (finding.checklist, finding.section)
        if key not in suites:
            suites[key] = ET.SubElement(root, "testsuite", name=_text(
                f"{finding.checklist} {finding.section} {titles.get(key, '')}".strip()))
            counts[key] = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        case = ET.SubElement(suites[key], "testcase", classname=_text(f"{finding.checklist}.{finding.section}"),
                             name=_text(f"{finding.requirement_id} {finding.title}"))
        tally = counts[key]
        tally["tests"] += 1
        if finding.status in ("not_met", "partial"):
            tally["failures"] += 1
            ET.SubElement(case, "failure", message=_message(finding), type=finding.status).text = _detail(finding)
        elif finding.status == "needs_review":
            tally["errors"] += 1
            ET.SubElement(case, "error", message=_message(finding), type="needs_review").text = _detail(finding)
        elif finding.status == "not_applicable":
            tally["skipped"] += 1
            ET.SubElement(case, "skipped", message=_text(finding.rationale))
        else:
            ET.SubElement(case, "system-out").text = _detail(finding)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for key, suite in suites.items():
        for name, value in counts[key].items():
            suite.set(name, str(value))
            totals[name] += value
    for name, value in totals.items():
        root.set(name, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
