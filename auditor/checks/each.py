"""`each`: a check run on every unit of a kind, each study or each guideline section on its own.

A requirement such as "a study is complete when it has nine steps" is about each study: steps scattered over
different studies do not make one complete study.
"""

from __future__ import annotations

from auditor.checks.base import CheckResult, EvalContext
from auditor.checks.index import index
from auditor.models import EachCheck


def units(ctx: EvalContext, check: EachCheck) -> list[tuple[str, set[int]]]:
    """(name, passages) of each section or document that the check is about, in document order."""
    corpus = ctx.corpus
    at = index(corpus)
    wanted = set(ctx.keys(check.where))
    found: list[tuple[str, set[int]]] = []
    if check.unit == "document":
        for d, terms in sorted(corpus.title_terms.items()):
            if terms & wanted:
                members = {i for i in at.in_doc.get(d, []) if not ctx.ignored(i)}
                if members:
                    found.append((corpus.documents[d].title or corpus.documents[d].path, members))
        return found
    for i, parent in at.instances(frozenset(wanted)):
        if ctx.ignored(parent) or (i >= 0 and ctx.ignored(i)):
            continue
        if i < 0:
            # No subsection names one. Where one complete unit is sought, the section written as a whole ("6.
            # Studies", its study told in paragraphs) may hold it, unless it is about how it is done ("Study
            # topics"); where every unit must show something, a section about them in general is not one.
            if check.every or not corpus.passages[parent].names_one:
                continue
            i = parent
        unit = corpus.passages[i]
        found.append((unit.text, {k for k in at.below(unit.doc, unit.section_key[1]) if not ctx.ignored(k)}))
    # Keep the innermost units: "Studies" above "Study 1" and "Study 2" is not a study itself.
    return [(name, m) for name, m in found if not any(other < m for _, other in found)]


# What a unit lacks when its check says no more than its status.
_SHORT = {"not_met": "what is sought", "partial": "part of what is sought", "needs_review": "a reviewer's check"}


def evaluate(check: EachCheck, ctx: EvalContext, run) -> CheckResult:
    results = [(name, run(check.check, ctx.restricted(members))) for name, members in units(ctx, check)]
    if not results:
        if check.when_none != "not_met":
            return CheckResult(status=check.when_none, notes=["no unit found to check"])
        return CheckResult(status="not_met", notes=["no unit found to check"],
                           missing=[f"a {check.unit} on its own for each one"])
    merged = CheckResult(status="met")
    for name, result in results:
        merged.evidence += [i for i in result.evidence if i not in merged.evidence]
        merged.candidates += [i for i in result.candidates if i not in merged.candidates]
        merged.nearest += [(share, i, [f"{name}: {lack}" for lack in lacks]) for share, i, lacks in result.nearest]
        if result.status == "met":
            merged.found.append(name)
        else:
            merged.missing += [f"{name}: {m}" for m in (result.missing or [_SHORT[result.status]])]
    statuses = {r.status for _, r in results}
    complete = sum(1 for _, r in results if r.status == "met")
    if complete >= check.min and (statuses == {"met"} or not check.every):
        merged.status = "met"
    elif complete == 0 and statuses <= {"not_met"}:
        merged.status = "not_met"
    else:
        merged.status = "partial"
    if complete < check.min:
        merged.missing.append(f"{check.min - complete} more complete {check.unit}(s)")
    elif merged.status == "met" and merged.missing:  # `every` false: the incomplete units are told, not missing
        merged.notes.append("incomplete: " + "; ".join(merged.missing))
        merged.missing = []
    merged.notes.append(f"{complete} of {len(results)} {check.unit}(s) complete")
    return merged


def describe(check: EachCheck, show, element) -> str:
    unit = "section whose heading" if check.unit == "section" else "document whose title"
    many = f"at least {check.min}" + ("" if check.every else " must pass; the others are listed")
    return f"for each {unit} names {' or '.join(map(show, check.where))} ({many}): " + element(check.check)
