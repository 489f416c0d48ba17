"""Year over year: what changed between two audit reports of the same HMO, requirement by requirement.

    from auditor.diff import diff_reports, load_report
    result = diff_reports(load_report("2024.json"), load_report("2025.json"))

Findings are keyed by (checklist, requirement_id). A gap is `not_met` or `partial`. Each requirement lands in one
category: `resolved` (a gap before; met or not applicable now), `new_gaps` (not a gap before, or absent before; a gap
now), `still_open` (a gap in both; `trend` says whether it went between partial and not met), `changed` (any other
change of status), `added` / `removed` (in one report only; an added requirement that is a gap is a new gap instead,
flagged `new_requirement`), or unchanged (same status, not a gap: only counted). The JSON form is the model's dump.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from auditor.models import STATUSES, AuditReport, ChecklistRef, Finding, Review, Status
from auditor.report_file import ReportLoadError, load_report  # noqa: F401 - part of this module's API

GAPS: tuple[Status, ...] = ("not_met", "partial")
FORMATS = ("json", "md")


class ReportSide(BaseModel):
    """One of the two reports, as the diff's header shows it."""

    as_of: dt.date
    hmo_name: str | None
    profile: str | None
    checklists: list[ChecklistRef]
    counts: dict[Status, int]
    score: float | None  # met / applicable


class DiffEntry(BaseModel):
    """One requirement whose standing changed (or, in `still_open`, did not get better)."""

    checklist: str
    requirement_id: str
    section: str
    citation: str
    title: str
    old_status: Status | None  # None: not in the old report
    new_status: Status | None  # None: not in the new report
    missing: list[str] = Field(default_factory=list)  # what the new report finds missing (gaps only)
    missing_before: list[str] = Field(default_factory=list)  # what the old report found missing (gaps only)
    trend: Literal["worsened", "improved"] | None = None  # still open: partial -> not_met, or back
    new_requirement: bool = False  # a new gap on a requirement the old report did not have
    old_review: Review | None = None  # the reviewer's override that decided the old status
    new_review: Review | None = None  # the reviewer's override that decided the new status


class ReportDiff(BaseModel):
    schema_version: Literal["1"] = "1"
    old: ReportSide
    new: ReportSide
    warnings: list[str] = Field(default_factory=list)  # different HMOs, checklists, versions or profiles
    resolved: list[DiffEntry] = Field(default_factory=list)
    new_gaps: list[DiffEntry] = Field(default_factory=list)
    still_open: list[DiffEntry] = Field(default_factory=list)
    changed: list[DiffEntry] = Field(default_factory=list)
    added: list[DiffEntry] = Field(default_factory=list)
    removed: list[DiffEntry] = Field(default_factory=list)
    unchanged: int = 0  # in both reports with the same status, not a gap


def _side(report: AuditReport) -> ReportSide:
    s = report.summary
    return ReportSide(as_of=report.as_of, hmo_name=report.submission.hmo_name, profile=report.profile,
                      checklists=report.checklists, counts={status: getattr(s, status) for status in STATUSES},
                      score=s.score)


def _keyed(report: AuditReport, which: str, warnings: list[str]) -> dict[tuple[str, str], Finding]:
    """Findings by (checklist, requirement_id), in report order; a repeated key keeps its first finding."""
    keyed: dict[tuple[str, str], Finding] = {}
    for finding in report.findings:
        key = (finding.checklist, finding.requirement_id)
        if key in keyed:
            warnings.append(f"the {which} report has more than one finding for {key[0]} {key[1]}; "
                            f"the first is compared")
            continue
        keyed[key] = finding
    return keyed


def _warnings(old: AuditReport, new: AuditReport) -> list[str]:
    warnings = []
    old_name, new_name = old.submission.hmo_name, new.submission.hmo_name
    if old_name != new_name:
        warnings.append(f"the reports are of different HMOs: {old_name or '(not given)'!s} (old) and "
                        f"{new_name or '(not given)'!s} (new)")
    old_lists = {c.id: c.version for c in old.checklists}
    new_lists = {c.id: c.version for c in new.checklists}
    if old_lists.keys() != new_lists.keys():
        warnings.append(f"the reports use different checklists: {', '.join(old_lists) or '(none)'} (old) and "
                        f"{', '.join(new_lists) or '(none)'} (new)")
    for checklist_id, version in old_lists.items():
        if checklist_id in new_lists and new_lists[checklist_id] != version:
            warnings.append(f"checklist {checklist_id} changed version: {version} (old) and "
                            f"{new_lists[checklist_id]} (new); requirements may have been added, removed or "
                            f"judged differently")
    if old.profile != new.profile:
        warnings.append(f"the reports use different review profiles: {old.profile or 'all'} (old) and "
                        f"{new.profile or 'all'} (new)")
    if new.as_of < old.as_of:
        warnings.append(f"the new report ({new.as_of}) is dated before the old one ({old.as_of}); "
                        f"are OLD and NEW swapped?")
    return warnings


def _decided(finding: Finding | None) -> Review | None:
    """The reviewer's override when it decided the finding's status (an expired one did not)."""
    return finding.review if finding and finding.review and not finding.review.expired else None


def _entry(old: Finding | None, new: Finding | None) -> DiffEntry:
    current = new or old
    assert current is not None
    return DiffEntry(
        checklist=current.checklist, requirement_id=current.requirement_id, section=current.section,
        citation=current.citation, title=current.title,
        old_status=old.status if old else None, new_status=new.status if new else None,
        missing=list(new.missing) if new and new.status in GAPS else [],
        missing_before=list(old.missing) if old and old.status in GAPS else [],
        old_review=_decided(old), new_review=_decided(new))


def diff_reports(old: AuditReport, new: AuditReport) -> ReportDiff:
    """What changed from the OLD report to the NEW one, per requirement; ordered as the new report orders its
    findings (checklist, then the checklist's own order), then removed requirements in the old report's order."""
    warnings = _warnings(old, new)
    before = _keyed(old, "old", warnings)
    after = _keyed(new, "new", warnings)
    result = ReportDiff(old=_side(old), new=_side(new), warnings=warnings)
    for key, finding in after.items():
        previous = before.get(key)
        entry = _entry(previous, finding)
        was_gap, is_gap = previous is not None and previous.status in GAPS, finding.status in GAPS
        if previous is None:
            entry.new_requirement = True
            (result.new_gaps if is_gap else result.added).append(entry)
        elif was_gap and is_gap:
            if previous.status != finding.status:
                entry.trend = "worsened" if finding.status == "not_met" else "improved"
            result.still_open.append(entry)
        elif is_gap:
            result.new_gaps.append(entry)
        elif was_gap and finding.status in ("met", "not_applicable"):
            result.resolved.append(entry)
        elif previous.status != finding.status:
            result.changed.append(entry)  # e.g. met -> needs_review, or partial -> needs_review
        else:
            result.unchanged += 1
    result.removed = [_entry(finding, None) for key, finding in before.items() if key not in after]
    return result


def render_diff(result: ReportDiff, fmt: str) -> str:
    """The diff as JSON (the model's dump) or Markdown (report_templates/diff.md.j2)."""
    if fmt == "json":
        return result.model_dump_json(indent=2) + "\n"
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    from auditor.render import environment  # the reports' one Jinja2 environment and its filters

    return environment().get_template(f"diff.{fmt}.j2").render(diff=result, statuses=STATUSES)
