"""Why a requirement came out as it did on a piece of Markdown: the finding, and what each passage asserts.

    PYTHONPATH=. python bench/why.py 1.03-2.E.3 "Providers shall give ... access to records."
    PYTHONPATH=. python bench/why.py 1.03-1.C --file some.md [--kind work_plan] [--checklist maine-ch109]
    PYTHONPATH=. python bench/why.py 1.03-1.C --example pass0      # one of the requirement's own examples
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requirement")
    parser.add_argument("text", nargs="?")
    parser.add_argument("--file")
    parser.add_argument("--example", help="pass0, fail1, ...: the requirement's own example")
    parser.add_argument("--kind", default="other")
    parser.add_argument("--checklist", default="maine-ch109")
    parser.add_argument("--as-of", default="2025-06-30")
    args = parser.parse_args()

    from auditor.checklists import load_checklist, vocabulary_terms
    from auditor.engine import _echo, _vocabulary, evaluate
    from auditor.passages import build_corpus
    from extractors.text import read_markdown

    checklist = load_checklist(args.checklist)
    kind = args.kind
    if args.example:
        requirement = checklist.requirement(args.requirement)
        examples = requirement.examples.passing if args.example.startswith("pass") else requirement.examples.failing
        example = examples[int(args.example[4:])]
        text, kind = example.text, example.kind
    else:
        text = Path(args.file).read_text(encoding="utf-8") if args.file else args.text
    document = read_markdown(text.encode("utf-8"), path="why.md", sha256="", filename="why.md")
    document = document.model_copy(update={"kind": kind})
    report = evaluate([document], [checklist], dt.date.fromisoformat(args.as_of))
    for finding in report.findings:
        if finding.requirement_id == args.requirement or finding.requirement_id.startswith(args.requirement + "."):
            print(f"{finding.requirement_id}: {finding.status}\n  {finding.rationale}\n  missing: {finding.missing}")
            for e in finding.evidence:
                print(f"  evidence: {e.quote[:160]}")
            for e in finding.candidates:
                print(f"  candidate: {e.quote[:160]}")
    vocabulary = _vocabulary(tuple((n, tuple(p)) for n, p in sorted(vocabulary_terms([checklist]).items())))
    corpus = build_corpus([document], vocabulary, _echo([checklist]))
    short = lambda t: t.split(":", 1)[-1]  # noqa: E731
    for p in corpus.passages:
        print(f"\n[{p.kind}/{p.block_kind}{'/' + p.statement if p.statement else ''}] {p.text[:200]}")
        print(f"   asserted: {sorted(map(short, p.asserted))}")
        if p.kinds:
            print(f"   other:    {sorted((short(t), sorted(k)) for t, k in p.kinds.items())}")
        print(f"   context:  {sorted(map(short, p.context_terms))[:30]}")


if __name__ == "__main__":
    main()
