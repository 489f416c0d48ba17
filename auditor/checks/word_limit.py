"""`word_limit`: form fields within their word limits ("200 words", "50 words per milestone"), counts shown."""

from __future__ import annotations

from auditor.checks.base import CheckResult, EvalContext
from auditor.models import WordLimitCheck


def _words(text: str) -> int:
    return len([w for w in text.split() if any(ch.isalnum() for ch in w)])


def evaluate(check: WordLimitCheck, ctx: EvalContext) -> CheckResult:
    passages = ctx.corpus.passages
    result = CheckResult(computed=True, status="met")
    counts: list[str] = []
    for field in check.fields:
        wanted = set(ctx.keys(field.heading))
        label = " / ".join(str(h if isinstance(h, str) else h[0]) for h in field.heading)
        headings = [i for i, p in enumerate(passages)
                    if p.kind == "heading" and not ctx.ignored(i) and wanted <= p.terms]
        if not headings:
            result.missing.append(f"{label} (no such field)")
            continue
        for i in headings:
            body = [j for j in ctx.corpus.by_section.get(passages[i].section_key, [])
                    if passages[j].kind != "heading" and not (passages[j].kind == "row" and passages[j].row == 0)]
            if field.each_item:
                units: dict[tuple[int, int], list[int]] = {}
                for j in body:
                    units.setdefault((passages[j].doc, passages[j].block), []).append(j)
                parts = [(f"{passages[i].text} item {n}", members) for n, members in enumerate(units.values(), 1)]
            else:
                parts = [(passages[i].text, body)]
            for name, members in parts:
                count = sum(_words(passages[j].text) for j in members)
                counts.append(f"{name}: {count}/{field.max}")
                if count > field.max:
                    result.missing.append(f"{name}: {count} words, over {field.max}")
                    result.candidates.append(members[0] if members else i)
                elif members:
                    result.found.append(f"{name} ({count} words)")
                    result.evidence.append(members[0])
    result.notes.append("word counts: " + ("; ".join(counts) if counts else "no field found"))
    over = [m for m in result.missing if "over" in m]
    if not result.found and not over:
        result.status = "not_met"
    elif over or result.missing:
        result.status = "partial" if result.found else "not_met"
    return result


def describe(check: WordLimitCheck, show) -> str:
    parts = [f"{' + '.join(map(show, f.heading))} ≤ {f.max} words{' each item' if f.each_item else ''}"
             for f in check.fields]
    return "each field within its word limit: " + "; ".join(parts)
