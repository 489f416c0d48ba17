"""`phrase`: all the terms of the check occur together within one scope (sentence, window, paragraph, section).

A keyword somewhere in the file is not evidence: the terms must share a scope, and a passage that says the
opposite ("minutes are not signed") or sits in the wrong kind of document is only a candidate for review.
"""

from __future__ import annotations

import re

from auditor.checks.base import CheckResult, EvalContext
from auditor.models import PhraseCheck

_NEGATION = re.compile(r"\b(not|never|neither|nor|cannot|no longer)\b|n't\b", re.IGNORECASE)
# Phrases that contain a negation word but do not negate the statement.
_NOT_NEGATION = re.compile(r"\bnot limited to\b|\bwhether or not\b|\bnot only\b|\bif not\b|\bnot less than\b"
                           r"|\bnot later than\b|\bnot to exceed\b", re.IGNORECASE)


def negated(text: str) -> bool:
    return bool(_NEGATION.search(_NOT_NEGATION.sub(" ", text)))


def _cover(ctx: EvalContext, group: list[int], required: list[str], contextual: list[str],
           alternatives: list[str]) -> list[int] | None:
    """The passages of the group that carry the terms, or None when some term is absent.

    One passage that says it all is better evidence than several that each say a part, so it is preferred.
    """
    passages = ctx.corpus.passages
    must, any_of = set(required), set(alternatives)
    wanted = must | set(contextual)
    for i in group:
        terms = passages[i].terms
        if must <= terms and (not any_of or terms & any_of) and wanted <= terms | passages[i].context_terms:
            return [i]
    chosen: list[int] = []
    for term in required:
        hit = next((i for i in group if term in passages[i].terms), None)
        if hit is None:
            return None
        chosen.append(hit)
    for term in contextual:
        hit = next((i for i in group if term in passages[i].terms), None)
        if hit is not None:
            chosen.append(hit)
        elif not any(term in passages[i].context_terms for i in group):
            return None
    if alternatives:
        hit = next((i for i in group if passages[i].terms & any_of), None)
        if hit is None:
            return None
        chosen.append(hit)
    return sorted(set(chosen))


_ENOUGH = 25  # satisfying groups weighed before the best is chosen


def _on_topic(ctx: EvalContext, hit: list[int], required: list[str]) -> int:
    """How many of the check's terms the headings above the evidence also carry.

    A passage under "Quality Department Staff" is better evidence of staffing than a sentence in the
    introduction that lists the document's topics; ties keep document order (max keeps the first).
    """
    context = set().union(*(ctx.corpus.passages[i].context_terms for i in hit))
    return len(context & set(required))


def evaluate(check: PhraseCheck, ctx: EvalContext) -> CheckResult:
    required, contextual = ctx.keys(check.all), ctx.keys(check.context)
    alternatives, excluded = ctx.keys(check.any), set(ctx.keys(check.exclude))
    # Start from the passages holding the rarest required term: every satisfying group contains one.
    seeds_by_term = [ctx.with_term.get(t, []) for t in required]
    if not seeds_by_term:
        seeds_by_term = [sorted({i for t in alternatives for i in ctx.with_term.get(t, [])})]
    seeds = ctx.in_preferred_order(min(seeds_by_term, key=len), check.documents or check.prefer)
    if check.passages:  # e.g. a statement, not a planned task in a table row
        seeds = [i for i in seeds if ctx.corpus.passages[i].kind in check.passages]

    passages = ctx.corpus.passages
    candidates: list[int] = []
    notes: set[str] = set()
    seen: set[tuple[int, ...]] = set()
    found: list[list[int]] = []
    for seed in seeds:
        if found and ctx.kind_of(seed) != ctx.kind_of(found[0][0]):
            break  # seeds come in order of preferred kind: a worse kind cannot beat what was found
        if len(found) >= _ENOUGH:
            break
        for group in ctx.groups_around(seed, check.scope, check.window):
            key = tuple(group)
            if key in seen:
                continue
            seen.add(key)
            hit = _cover(ctx, group, required, contextual, alternatives)
            if hit is None or any(passages[i].terms & excluded for i in hit):
                continue
            if check.negation and any(negated(passages[i].text) for i in hit):
                notes.add("a passage with the terms is worded in the negative")
                candidates.extend(hit)
            elif check.documents and ctx.kind_of(hit[0]) not in check.documents:
                notes.add(f"found only outside the expected documents ({', '.join(check.documents)})")
                candidates.extend(hit)
            else:
                found.append(hit)
    if found:
        return CheckResult(status="met", evidence=max(found, key=lambda hit: _on_topic(ctx, hit, required)))
    nearest = _nearest(ctx, check, required, contextual, alternatives)
    if candidates:
        return CheckResult(status="needs_review", candidates=list(dict.fromkeys(candidates)), notes=sorted(notes),
                           nearest=nearest)
    return CheckResult(status="not_met", nearest=nearest)


_NEAREST = 3
_NEAREST_SEEDS = 500  # bounds the search on very large submissions (seeds come best-placed first)


def _nearest(ctx: EvalContext, check: PhraseCheck, required: list[str], contextual: list[str],
             alternatives: list[str]) -> list[tuple[float, int, list[str]]]:
    """The groups that come closest to satisfying the check, each with the terms it lacks.

    So a reviewer can confirm or overturn a gap from a few passages instead of re-reading the submission.
    """
    passages = ctx.corpus.passages
    seeds = sorted({i for t in (*required, *alternatives) for i in ctx.with_term.get(t, [])})
    total = len(required) + len(contextual) + (1 if alternatives else 0)
    any_of = set(alternatives)
    sought = set(required + contextual + alternatives)
    scored: dict[int, tuple[float, list[str]]] = {}
    # Neighbouring seeds share their groups (a section, a window): a group scores the same whichever seed it is
    # reached from, and a repeat can never raise a score, so each group is weighed once.
    seen: set[tuple[int, ...]] = set()
    for seed in ctx.in_preferred_order(seeds, check.documents or check.prefer)[:_NEAREST_SEEDS]:
        for group in ctx.groups_around(seed, check.scope, check.window):
            key = tuple(group)
            if key in seen:
                continue
            seen.add(key)
            if len(group) == 1:  # the usual group: the passage's own set, only read here
                text_terms = passages[group[0]].terms
            else:
                text_terms = set().union(*(passages[i].terms for i in group))
            lacks = [t for t in required if t not in text_terms]
            said = len(lacks) < len(required) or bool(alternatives and text_terms & any_of)
            if contextual:
                context_terms = set().union(*(passages[i].context_terms for i in group)) | text_terms
                lacks += [t for t in contextual if t not in context_terms]
            if alternatives and not text_terms & any_of:
                lacks.append(" or ".join(alternatives))
            if not lacks or not said:  # a near miss says part of what is sought, not just its context
                continue
            # Quote the passage of the group that carries most of the terms.
            best = group[0] if len(group) == 1 else max(group, key=lambda i: len(passages[i].terms & sought))
            share = 1 - len(lacks) / total
            if best not in scored or scored[best][0] < share:
                scored[best] = (share, lacks)
    ranked = sorted(scored.items(), key=lambda item: -item[1][0])  # stable: preferred order among equals
    # Labels for people only for what is kept (they were once made for every group weighed).
    return [(share, i, [" or ".join(map(ctx.term_label, lack.split(" or "))) for lack in lacks])
            for i, (share, lacks) in ranked[:_NEAREST]]


def describe(check: PhraseCheck, show) -> str:
    parts = [f"all of {', '.join(map(show, check.all))}"] if check.all else []
    if check.any:
        parts.append(f"one of {', '.join(map(show, check.any))}")
    if check.context:
        parts.append(f"in a passage or under a heading about {', '.join(map(show, check.context))}")
    where = f"a window of {check.window} sentences" if check.scope == "window" else f"one {check.scope}"
    text = f"{'; '.join(parts)} within {where}"
    if check.documents:
        text += f" of a {' or '.join(check.documents)} document"
    elif check.prefer:
        text += f", looking first in {' or '.join(check.prefer)} documents"
    return text
