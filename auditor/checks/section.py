"""`section`: a heading that names the subject, with body text under it."""

from __future__ import annotations

from auditor.checks.base import CheckResult, EvalContext
from auditor.models import SectionCheck


def evaluate(check: SectionCheck, ctx: EvalContext) -> CheckResult:
    wanted = ctx.keys(check.heading)
    passages = ctx.corpus.passages
    candidates: list[int] = []
    seeds = ctx.in_preferred_order(min((ctx.with_term.get(t, []) for t in wanted), key=len))
    for i in seeds:
        heading = passages[i]
        if heading.kind != "heading" or not all(t in heading.terms for t in wanted):
            continue
        body = [j for j in ctx.corpus.by_section[heading.section_key] if j != i]
        if check.nested:
            doc, path = heading.section_key
            body += [j for (d, sub), items in ctx.corpus.by_section.items()
                     if d == doc and len(sub) > len(path) and sub[:len(path)] == path for j in items]
        # A body that only says something is to come ("to be finalized", "see the full report") is no body.
        body = [j for j in body if not passages[j].hollow()]
        if sum(len(passages[j].text.split()) for j in body) < check.min_words:
            continue
        found = [i, *body[:1]]
        if check.documents and ctx.kind_of(i) not in check.documents:
            candidates.extend(found)
            continue
        return CheckResult(status="met", evidence=found)
    if candidates:
        return CheckResult(status="needs_review", candidates=candidates,
                           notes=[f"found only outside the expected documents ({', '.join(check.documents)})"])
    return CheckResult(status="not_met")


def describe(check: SectionCheck, show) -> str:
    text = f"a heading naming {' + '.join(map(show, check.heading))} with at least {check.min_words} words under it"
    if check.nested:
        text += " (its subsections included)"
    if check.documents:
        text += f" in a {' or '.join(check.documents)} document"
    return text
