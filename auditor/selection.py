"""`--select` / `--skip`: the requirements one run reports, picked by id or section, apart from reviewer decisions.

A pattern is a requirement id (`1.03-1.C`, which also takes its parts `1.03-1.C.1` and the items of a per-item
finding `1.03-1.C[asthma]`), a section id (`1.03`, every requirement of the section, and of `1.03-1`, `1.03-2`...)
or any id prefix followed by `*` (`1.03-2*`). Case does not matter. A pattern that matches nothing is an error (a
typo would otherwise report nothing without saying so)."""

from __future__ import annotations

from auditor.models import AuditReport, Checklist, Finding
from auditor.suggest import did_you_mean
from auditor.summary import deadline_list, summarise


class SelectionError(ValueError):
    """A --select or --skip pattern that names no requirement or section of the checklists."""


def _base_id(requirement_id: str) -> str:
    return requirement_id.split("[", 1)[0].strip()


def _names(pattern: str, name: str) -> bool:
    """Whether a pattern names an id: the id itself, one under it (`1.03` names 1.03-1.C), or a prefix with `*`."""
    wanted, name = pattern.strip().lower(), name.lower()
    if wanted.endswith("*"):
        return name.startswith(wanted[:-1])
    return name == wanted or any(name.startswith(wanted + sep) for sep in "-.[")


def _matches(pattern: str, finding: Finding) -> bool:
    return _names(pattern, finding.requirement_id) or _names(pattern, finding.section)


def check_patterns(patterns: list[str], checklists: list[Checklist], option: str) -> None:
    """Raise SelectionError, with the nearest id, for a pattern that names nothing in the checklists."""
    ids = [r.id for c in checklists for r in c.requirements]
    sections = [s.id for c in checklists for s in c.sections]
    for pattern in patterns:
        if not any(_names(pattern, name) or _names(_base_id(pattern), name) for name in ids + sections):
            raise SelectionError(f"{option} {pattern}: no requirement or section has this id"
                                 f"{did_you_mean(pattern, ids + sections)} (see `hmo-audit checklists --ids "
                                 f"{checklists[0].id}`)")


def select(report: AuditReport, checklists: list[Checklist], chosen: list[str] | None,
           skipped: list[str] | None) -> AuditReport:
    """The report with only the findings `chosen` names (all when none is given), less those `skipped` names;
    the summary, scores and deadlines are recomputed from what is left."""
    if not chosen and not skipped:
        return report
    findings = [f for f in report.findings if (not chosen or any(_matches(p, f) for p in chosen))
                and not any(_matches(p, f) for p in skipped or [])]
    kept_sections = {(f.checklist, f.section) for f in findings}
    sections = [(c.id, s.id, s.title) for c in checklists for s in c.sections if (c.id, s.id) in kept_sections]
    return report.model_copy(update={"findings": findings, "deadlines": deadline_list(findings, report.as_of),
                                     "summary": summarise(findings, sections)})
