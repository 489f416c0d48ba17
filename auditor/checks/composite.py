"""`all_of` and `any_of`: named elements, so a requirement reports which of its elements are missing."""

from __future__ import annotations

from auditor.checks.base import CheckResult, EvalContext
from auditor.models import AbsentCheck, AllOfCheck, AnyOfCheck, EachCheck


def _merge(results: dict[str, CheckResult], status: str, labels: dict[str, str]) -> CheckResult:
    """One result of the elements' results, each element named by its label (words, for the reports)."""
    merged = CheckResult(status=status)  # type: ignore[arg-type]
    for key, result in results.items():
        name = labels.get(key) or key
        merged.evidence += [i for i in result.evidence if i not in merged.evidence]
        merged.candidates += [i for i in result.candidates if i not in merged.candidates]
        merged.notes += [_under(name, n) for n in result.notes]
        merged.data += result.data
        merged.computed = merged.computed or result.computed
        if result.neutral:
            continue
        if result.status == "met":
            merged.found.append(name)
        elif result.status == "partial":
            merged.found += [_under(name, f) for f in result.found]
            merged.missing += [_under(name, m) for m in result.missing] or [name]
        else:
            merged.missing.append(name)
        if result.status != "met":
            merged.nearest += [(share, i, [_under(name, lack) for lack in lacks]) for share, i, lacks in result.nearest]
    merged.nearest.sort(key=lambda near: -near[0])
    return merged


def _under(name: str, text: str) -> str:
    """A part's words under the element it belongs to; a part already named under its own element keeps that
    nearest name only, so three levels read "what the evaluation covers: the trends of the measures", not a chain."""
    return text if ": " in text else f"{name}: {text}"


def evaluate_all_of(check: AllOfCheck, ctx: EvalContext, run) -> CheckResult:
    results = {name: run(element, ctx) for name, element in check.elements.items()}
    # A red flag not raised (`absent`), or an `each` with no unit to judge, is no evidence of anything: it cannot
    # turn a gap into a partial finding.
    weighed = [r for name, r in results.items()
               if not (isinstance(check.elements[name], AbsentCheck) and r.status == "met")
               and not (isinstance(check.elements[name], EachCheck) and r.status == "met" and not r.found)
               and not r.neutral]
    statuses = {r.status for r in weighed} or {"met"}
    if statuses == {"met"}:
        status = "met"
    elif statuses <= {"not_met"}:
        status = "not_met"
    elif "not_met" not in statuses and "partial" not in statuses:
        status = "needs_review"  # nothing is missing for sure, but some element needs a reviewer's eye
    elif statuses <= {"not_met", "needs_review"}:
        status = "needs_review"
    else:
        status = "partial" if check.partial else "not_met"
    return _merge(results, status, _labels(check))


def _labels(check: AllOfCheck | AnyOfCheck) -> dict[str, str]:
    return {name: element.label or name for name, element in check.elements.items()}


def evaluate_any_of(check: AnyOfCheck, ctx: EvalContext, run) -> CheckResult:
    results = {name: run(element, ctx) for name, element in check.elements.items()}
    for wanted in ("met", "partial", "needs_review"):
        for name, result in results.items():
            if result.status == wanted:
                chosen = {name: result}
                if wanted != "met":  # show what the other alternatives offered too
                    chosen.update({n: r for n, r in results.items() if r.status == "needs_review"})
                merged = _merge(chosen, wanted, _labels(check))
                label = _labels(check)[name]
                merged.missing = [_under(label, m) for m in result.missing] if wanted == "partial" else []
                return merged
    # None of the alternatives: what is missing is any one of them.
    labels = list(_labels(check).values())
    either = labels[0] if len(labels) == 1 else "one of: " + "; ".join(labels[:-1]) + "; or " + labels[-1]
    return CheckResult(status="not_met", notes=[n for r in results.values() for n in r.notes], missing=[either],
                       nearest=sorted(((share, i, [_under(_labels(check)[name], lack) for lack in lacks])
                                       for name, r in results.items() for share, i, lacks in r.nearest),
                                      key=lambda near: -near[0]))
