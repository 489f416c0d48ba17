"""`phrase`: all the terms of the check occur together within one scope (sentence, window, paragraph, section).

A keyword somewhere in the file is not evidence: the terms must share a scope, and each must be asserted as
practice (auditor.statements). Terms that occur only in an option, a plan, a placeholder, a pointer, a purpose
statement, a negation or the rule's own words make the finding `partial`, with the passage and the reason; a
passage in the wrong kind of document is a candidate for review.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from auditor.checks.base import CheckResult, EvalContext
from auditor.document import names_a_topic
from auditor.models import PhraseCheck
from auditor.statements import LABELS

if TYPE_CHECKING:  # passages pulls in spaCy, which `explain` must not pay for
    from auditor.passages import Passage

Says = Callable[["Passage", str], bool]


def _cover(ctx: EvalContext, group: list[int], required: list[str], contextual: list[str],
           alternatives: list[str], says: Says) -> list[int] | None:
    """The passages of the group that carry the terms, or None when some term is absent.

    `says(passage, term)`: whether a passage counts as saying a term (as practice, or at all).
    One passage that says it all is better evidence than several that each say a part, so it is preferred.
    """
    passages = ctx.corpus.passages
    for i in group:
        p = passages[i]
        if (all(says(p, t) for t in required) and (not alternatives or any(says(p, t) for t in alternatives))
                and all(says(p, t) or t in p.context_terms for t in contextual)):
            return [i]
    chosen: list[int] = []
    for term in required:
        hit = next((i for i in group if says(passages[i], term)), None)
        if hit is None:
            return None
        chosen.append(hit)
    for term in contextual:
        hit = next((i for i in group if says(passages[i], term)), None)
        if hit is not None:
            chosen.append(hit)
        elif not any(term in passages[i].context_terms for i in group):
            return None
    if alternatives:
        hit = next((i for i in group if any(says(passages[i], t) for t in alternatives)), None)
        if hit is None:
            return None
        chosen.append(hit)
    return sorted(set(chosen))


def _may_cover(ctx: EvalContext, group: list[int], required: list[str], contextual: list[str],
               any_of: frozenset[str]) -> bool:
    """Whether `_cover` can find the terms in the group at all: exactly when its `mentioned` cover is not None, and
    a necessary condition of its `practice` cover (a passage asserts only terms it holds: auditor.passages adds to
    `asserted` only what it adds to `terms`). Most groups a check weighs lack a term; testing that on the union of
    their term sets, once, is far cheaper than the covers' search term by term and passage by passage."""
    terms = ctx.terms_in(group)
    if not all(t in terms for t in required) or (any_of and terms.isdisjoint(any_of)):
        return False
    around = [t for t in contextual if t not in terms]
    if not around:
        return True
    return all(ctx.in_context(group, t) for t in around)


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
    # a check that asks for headings takes a heading's words as said
    accept = frozenset(check.accept) | ({"label"} if "heading" in check.passages else frozenset())

    def practice(p: Passage, term: str) -> bool:
        return p.asserts(term, accept)

    def mentioned(p: Passage, term: str) -> bool:
        return term in p.terms

    any_of = frozenset(alternatives)
    candidates: list[int] = []
    said_otherwise: list[int] = []  # the terms together, but not as practice
    kinds: set[str] = set()
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
            if not _may_cover(ctx, group, required, contextual, any_of):
                continue  # neither cover below can succeed: a term is in none of the group's passages
            hit = _cover(ctx, group, required, contextual, alternatives, practice)
            if hit is None:
                loose = _cover(ctx, group, required, contextual, alternatives, mentioned)
                if loose is not None and not any(passages[i].terms & excluded for i in loose):
                    said_otherwise.extend(loose)
                    kinds.update(k for i in loose for t in (*required, *alternatives)
                                 if t in passages[i].terms and not practice(passages[i], t)
                                 for k in (passages[i].kinds.get(t) or {passages[i].statement or "negated"}))
                continue
            if any(passages[i].terms & excluded for i in hit):
                continue
            # (a document's title says what the document is: it needs no body)
            if "heading" not in check.passages and any(_topic_heading(passages[i]) for i in hit):
                body = _heading_body(ctx, hit)
                if body is None:
                    # "10. Overall Effectiveness" over "It is too early to judge": the heading names the subject,
                    # and nothing under it says it
                    said_otherwise.extend(hit)
                    kinds.add("label")
                    continue
                hit = sorted({*hit, body})
            header = next((i for i in hit if _header_row(passages[i])), None)
            if header is not None and "heading" not in check.passages:
                # "Measure | Type | Threshold": a table's header names what its rows give; only a row that gives
                # it (not "TBD") is evidence
                row = _header_row_body(ctx, header, [*required, *alternatives])
                if row is None:
                    said_otherwise.extend(hit)
                    kinds.add("label")
                    continue
                hit = sorted({*hit, row})
            if check.documents and not _in_expected_documents(ctx, hit, check.documents):
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
    if said_otherwise:
        # On topic, but not said as practice: a gap with the passage shown, not "nothing found".
        why = "; ".join(LABELS.get(k, k) for k in sorted(kinds))
        return CheckResult(status="partial", candidates=list(dict.fromkeys(said_otherwise))[:_NEAREST],
                           missing=[f"a statement of practice (found only {why})"],
                           notes=[f"found only {why}"], nearest=nearest)
    return CheckResult(status="not_met", nearest=nearest)


def _topic_heading(p: Passage) -> bool:
    """A heading that names its section's topic; a document's title (what the document is) and a statement set as a
    heading ("Approved by the Board of Directors on January 28, 2025") need no body."""
    # a question heading ("Q20. Do our UM criteria match the guidelines?") is answered by its body, not by itself
    return p.kind == "heading" and bool(p.section) and (names_a_topic(p.text) or p.text.rstrip().endswith("?"))


_BODY_SCAN = 200  # passages read under a heading for one that says its subject


def _header_row(p: Passage) -> bool:
    """A table's header row of labels ("Measure | Type | Threshold"): short cells, no figures."""
    if p.kind != "row" or p.row != 0 or " | " not in p.text or re.search(r"\d", p.text):
        return False
    return all(len(cell.split()) <= 5 for cell in p.text.split(" | "))


def _header_row_body(ctx: EvalContext, header: int, terms: list[str]) -> int | None:
    """A data row of the header's table that gives a value, not a placeholder, under a column the terms name."""
    from auditor.passages import _PLACEHOLDER_CELL

    passages = ctx.corpus.passages
    wanted = set(terms)
    for j in range(header + 1, min(len(passages), header + 1 + _BODY_SCAN)):
        p = passages[j]
        if p.doc != passages[header].doc or p.kind != "row" or not p.row:
            break
        if p.hollow() or p.pending:
            continue
        cells = ctx.table_cells(j)
        named = [cell for head, cell in cells if ctx.terms_of(head) & wanted]
        if not named or any(cell.strip() and not _PLACEHOLDER_CELL.match(cell.strip()) for cell in named):
            return j
    return None


def _heading_body(ctx: EvalContext, hit: list[int]) -> int | None:
    """A passage under the hit's heading (in its section or a sub-section) that says something as practice (or says
    something no cue qualifies), or a table's data row: a heading names what its section is about, and only with
    such a body is it evidence ("10. Overall Effectiveness" over "It is too early to judge" is a heading over
    nothing)."""
    passages = ctx.corpus.passages
    for i in hit:
        heading = passages[i]
        if not _topic_heading(heading):
            continue
        doc, path = heading.section_key
        for j in range(i + 1, min(len(passages), i + 1 + _BODY_SCAN)):
            p = passages[j]
            if p.doc != doc or p.section_key[1][:len(path)] != path:
                break
            if p.kind != "heading" and not p.hollow() and (p.kind == "row" and p.row or p.asserted or not p.marks):
                return j
    return None




# A statement that a document of the expected kind says something is evidence of what it says: "Participation in our
# QI activities is required in our agreements with physicians" reports the contracts' terms.
_REPORTS_CONTENT = re.compile(r"\b(?:require[sd]?|requirement|specif(?:y|ies|ied)|include[sd]?|stipulate[sd]?|"
                              r"state[sd]?|obligate[sd]?|must|shall|oblige[sd]?|provide[sd]? that|call for)\b",
                              re.IGNORECASE)


def _in_expected_documents(ctx: EvalContext, hit: list[int], documents: list[str]) -> bool:
    """The hit is in a document of an expected kind; or a provider manual stands in for a contract (contracts bind
    providers to it); or the hit's passage reports what such a document says."""
    allowed = set(documents)
    if "contract_template" in allowed:
        allowed.add("provider_manual")
    if ctx.kind_of(hit[0]) in allowed:
        return True
    if any(d.kind in allowed and not d.error for d in ctx.corpus.documents):
        return False  # the document itself was submitted: it speaks for itself, not a summary of it
    from extractors.kind import document_kinds_in

    if "contract_template" in allowed and any(_PROVIDER_DUTY.search(ctx.corpus.passages[i].text) for i in hit):
        return True  # "All participating providers must keep ...": the plan's terms for providers, said directly
    if "contract_template" in allowed and any(_quotes_contract(ctx.corpus.passages[i]) for i in hit):
        return True  # the contract's own words, quoted with their section: the clause itself, not a summary
    return any(allowed.intersection(document_kinds_in(ctx.corpus.passages[i].text))
               and _REPORTS_CONTENT.search(ctx.corpus.passages[i].text) for i in hit)


# A contract's clause quoted with where it stands: '"Provider will ..." (PCA-2024 section 6.1)', a table of
# "Agreement language" or "Contract excerpts".
_CLAUSE_CITED = re.compile(r"\b(?:section|sec\.|article|art\.|clause|paragraph|§)\s*[A-Z]?-?\d", re.IGNORECASE)
_CONTRACT_WORD = re.compile(r"\b(?:agreement|contract|provider terms|amendment)s?\b", re.IGNORECASE)
_CONTRACT_EXCERPT = re.compile(r"\b(?:agreement|contract)s?\b.{0,30}\b(?:language|wording|text|clauses?|excerpts?|"
                               r"provisions?|quoted)\b|\b(?:excerpts?|clauses?|language|wording)\b.{0,20}"
                               r"\b(?:agreement|contract)s?\b", re.IGNORECASE)


def _quotes_contract(passage) -> bool:
    # under a heading that names the contract and its section ("A.2 Provider Agreement, section S-4"): its text
    if any((m := _CONTRACT_WORD.search(h)) and _CLAUSE_CITED.search(h, m.end()) for h in passage.section[-2:]):
        return True
    text = passage.text
    if not any(q in text for q in "\"“”"):
        return False
    return bool(_CLAUSE_CITED.search(text)) or any(_CONTRACT_EXCERPT.search(h) for h in passage.section)


# A duty the plan puts on its providers, with no contract submitted to show it: "Participating providers must
# maintain an office procedure ...". (Not "are encouraged to": that is an option, and not asserted anyway.)
_PROVIDER_DUTY = re.compile(r"\b(?:providers?|practitioners?|physicians?|provider offices?|practices|clinicians?|"
                            r"medical groups?|PCPs?)\b(?:\s+and\s+their\s+(?:office\s+)?staff)?[^.;:]{0,40}?\s"
                            r"(?:must|shall|are\s+required\s+to|is\s+required\s+to|agree\s+to|are\s+obligated\s+to)\b",
                            re.IGNORECASE)


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
            text_terms = ctx.terms_in(group)
            lacks = [t for t in required if t not in text_terms]
            said = len(lacks) < len(required) or bool(alternatives and text_terms & any_of)
            if not said:  # a near miss says part of what is sought, not just its context
                continue
            if contextual:
                lacks += [t for t in contextual if t not in text_terms and not ctx.in_context(group, t)]
            if alternatives and not text_terms & any_of:
                lacks.append(" or ".join(alternatives))
            if not lacks:
                continue
            # Quote the passage of the group that carries most of the terms.
            best = group[0] if len(group) == 1 else max(group, key=lambda i: len(passages[i].terms & sought))
            share = 1 - len(lacks) / total
            if best not in scored or scored[best][0] < share:
                scored[best] = (share, lacks)
    ranked = sorted(scored.items(), key=lambda item: -item[1][0])  # stable: preferred order among equals
    # Words for people only for what is kept (they were once made for every group weighed).
    return [(share, i, [_lacks_in_words(ctx, lacks, set(contextual))]) for i, (share, lacks) in ranked[:_NEAREST]]


def _lacks_in_words(ctx: EvalContext, lacks: list[str], contextual: set[str]) -> str:
    """What a near miss lacks, as one phrase: the words it does not say, and the subject not around it."""
    def said(lack: str) -> str:
        return " or ".join(dict.fromkeys(ctx.term_words(key) for key in lack.split(" or ")))

    words = [said(lack) for lack in lacks if lack not in contextual]
    about = [said(lack) for lack in lacks if lack in contextual]
    parts = [f"a word such as {', '.join(words)}"] if words else []
    parts += [f"a mention around it of {', '.join(about)}"] if about else []
    return " and ".join(parts)


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
