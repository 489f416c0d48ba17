"""Reviewer overrides: the examiner's decisions recorded beside the tool's findings, with an audit trail.

An overrides file (YAML) holds one decision per requirement: the reviewer's status, the reason, who decided and
when, and optionally when the decision expires. Applying it to a report keeps the tool's status beside the
reviewer's, counts the final status in the summary, and ignores (but reports) a decision that has expired.

    overrides:
      - requirement: 1.03-1.C
        checklist: maine-ch109        # optional when the id is in one checklist only
        status: met
        reason: The 2024 work plan was sent separately on 2025-02-20 and approved by the board.
        reviewer: J. Examiner
        date: 2025-03-05
        expires: 2026-03-01           # optional
    sign_off:                         # optional: the reviewer who signs the findings letter
      reviewer: J. Examiner
      title: Examiner, Bureau of Insurance
      date: 2025-03-06
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from auditor.models import STATUSES, AuditReport, OverridesInfo, Review, SignOff, Status
from auditor.summary import deadline_list, summarise

OVERRIDES_FILES = ("overrides.yaml", "overrides.yml")
GAPS = ("not_met", "partial")


class OverridesError(Exception):
    """An overrides file that cannot be read, does not validate, or names requirements the report lacks."""


class Override(BaseModel):
    model_config = ConfigDict(extra="forbid")

    requirement: str
    checklist: str | None = None
    status: Status
    reason: str
    reviewer: str
    date: dt.date
    expires: dt.date | None = None

    @field_validator("requirement", "reason", "reviewer")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @model_validator(mode="after")
    def _expiry_after_decision(self) -> Override:
        if self.expires is not None and self.expires <= self.date:
            raise ValueError(f"expires {self.expires} is not after the decision's date {self.date}")
        return self


class OverridesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    overrides: list[Override] = Field(default_factory=list)
    sign_off: SignOff | None = None

    @model_validator(mode="after")
    def _one_decision_each(self) -> OverridesFile:
        seen = Counter((o.checklist, o.requirement) for o in self.overrides)
        twice = sorted(f"{c + ':' if c else ''}{r}" for (c, r), n in seen.items() if n > 1)
        if twice:
            raise ValueError(f"more than one decision for {', '.join(twice)}")
        return self


def _plain(exc: ValidationError) -> str:
    """Pydantic's errors as one line each, addressed the way the YAML reads (overrides[2].status: ...); the input is
    quoted only when it is a short scalar (an alias bomb's expansion never reaches a message)."""
    from auditor.safe_yaml import short

    lines = []
    errors = exc.errors(include_url=False)
    for error in errors[:8]:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"]).lstrip(".")
        message = error["msg"]
        if error["type"] == "literal_error":
            message = f"unknown status {short(error['input'])}; expected one of {', '.join(STATUSES)}"
        elif error["type"].startswith("date") and not isinstance(error.get("input"), dict | list):
            message = f"{message} (got {short(error['input'])})"
        lines.append(f"{where or 'file'}: {message}")
    if len(errors) > 8:
        lines.append(f"and {len(errors) - 8} more")
    return "; ".join(lines)


def load_overrides(path: str | Path) -> OverridesFile:
    from auditor.safe_yaml import ConfigFileError, load

    path = Path(path)
    try:
        data = load(path)
    except ConfigFileError as exc:
        raise OverridesError(str(exc)) from exc
    if data is None:
        return OverridesFile()
    if isinstance(data, list):  # a bare list of decisions is accepted too
        data = {"overrides": data}
    if not isinstance(data, dict):
        raise OverridesError(f"{path}: expected `overrides:` (a list of decisions) and `sign_off:`, not a value")
    try:
        return OverridesFile.model_validate(data)
    except ValidationError as exc:
        raise OverridesError(f"{path}: {_plain(exc)}") from exc


def save_overrides(overrides: OverridesFile, path: str | Path) -> None:
    """Write the file atomically, dates as YYYY-MM-DD, empty fields left out, in the report's order."""
    data = overrides.model_dump(exclude_none=True)  # dates stay dates: YAML writes them unquoted
    if not data.get("overrides"):
        data.pop("overrides", None)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
    from auditor.files import write_atomic

    write_atomic(path, text)


def apply_overrides(report: AuditReport, overrides: OverridesFile, source: str | None = None) -> AuditReport:
    """A copy of the report with the decisions applied; raises OverridesError for an id the report lacks."""
    report = report.model_copy(deep=True)
    by_key = {(f.checklist, f.requirement_id): f for f in report.findings}
    by_id: dict[str, list] = {}
    for finding in report.findings:
        by_id.setdefault(finding.requirement_id, []).append(finding)
    problems = []
    applied = expired = 0
    for number, decision in enumerate(overrides.overrides):
        if decision.checklist:
            finding = by_key.get((decision.checklist, decision.requirement))
            matches = [finding] if finding else []
        else:
            matches = by_id.get(decision.requirement, [])
        if len(matches) != 1:
            name = f"{decision.checklist}:{decision.requirement}" if decision.checklist else decision.requirement
            if not matches:
                problems.append(f"overrides[{number}]: unknown requirement {name!r} (not in the audited checklists: "
                                f"{', '.join(c.id for c in report.checklists)})")
            else:
                problems.append(f"overrides[{number}]: {name!r} is in more than one checklist; add `checklist:`")
            continue
        finding = matches[0]
        tool_status = finding.review.tool_status if finding.review else finding.status
        is_expired = decision.expires is not None and decision.expires < report.as_of
        finding.review = Review(status=decision.status, tool_status=tool_status, reason=decision.reason,
                                reviewer=decision.reviewer, date=decision.date, expires=decision.expires,
                                expired=is_expired)
        finding.status = tool_status if is_expired else decision.status
        expired += is_expired
        applied += not is_expired
    if problems:
        raise OverridesError("; ".join(problems))
    _refresh(report)
    report.overrides = OverridesInfo(path=source, applied=applied, expired=expired, sign_off=overrides.sign_off)
    return report


def _refresh(report: AuditReport) -> None:
    """What depends on the final status: overdue flags, corrective-action dates, deadlines and the summary."""
    cure_due = report.as_of + dt.timedelta(days=report.cure_period_days)
    for finding in report.findings:
        if finding.due is not None:
            finding.overdue = finding.due < report.as_of and finding.status != "met"
        finding.corrective_action_due = cure_due if finding.status in GAPS else None
    report.deadlines = deadline_list(report.findings, report.as_of)
    report.summary = summarise(report.findings, [(s.checklist, s.section, s.title)
                                                          for s in report.summary.sections])
