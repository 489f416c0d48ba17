"""`document`: the submission holds a readable document of an expected kind (and title)."""

from __future__ import annotations

from auditor.checks.base import CheckResult, EvalContext
from auditor.models import DocumentCheck


def evaluate(check: DocumentCheck, ctx: EvalContext) -> CheckResult:
    corpus = ctx.corpus
    wanted = set(ctx.keys(check.title))
    first: dict[int, int] = {}  # document -> its first passage (its title, as a rule), which stands for it
    for i, passage in enumerate(corpus.passages):
        first.setdefault(passage.doc, i)
    matching = [i for d, i in sorted(first.items())
                if (not check.kinds or corpus.documents[d].kind in check.kinds)
                and not ctx.ignored(i)
                and (not wanted or corpus.title_terms.get(d, set()) & wanted)]
    if len(matching) >= check.min:
        return CheckResult(status="met", evidence=matching[:check.min])
    wanted_text = describe(check, lambda ref: ctx.term_words(ctx.key(ref)))  # words, not term names
    if matching:
        return CheckResult(status="partial", evidence=matching,
                           missing=[f"{check.min - len(matching)} more document(s)"],
                           notes=[f"found {len(matching)} of {check.min}: {wanted_text}"])
    return CheckResult(status="not_met", notes=[f"no {wanted_text}"])


def describe(check: DocumentCheck, show) -> str:
    what = " or ".join(k.replace("_", " ") for k in check.kinds) or "document"
    text = f"{check.min} {what} documents" if check.min > 1 else f"a {what} document"
    if check.title:
        text += f" titled with {' or '.join(map(show, check.title))}"
    return text
