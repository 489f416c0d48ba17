"""Real health-plan wording (shared/corpus/realdev) scored by the protocol of its README.

    PYTHONPATH=. python bench/realdev.py [--corpus ../shared/corpus/realdev] [--verbose] [--only ID]

Each passage alone is one submission of one Markdown document:

    # <org> Quality Improvement Program Description
    ## <heading>            (a lead-in after ' / ' becomes a '### ' subheading under it)
    <passage>

A `satisfies` passage agrees when its requirement comes out `met`; a `not` passage when it comes out `partial` or
`not_met`; `needs_review` agrees with neither and is counted apart. A requirement the checklist splits into parts
(1.03-4.C -> 4.C.1-4.C.3) is met when all its parts are. Prints recall on `satisfies` and rejection on `not`, in all
and per requirement, and the review load (share of `needs_review`).

The passages belong to their publishers: this script reads them from the shared corpus and never copies them into
the project.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from collections import Counter, defaultdict
from pathlib import Path

AS_OF = dt.date(2025, 6, 30)
DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "realdev"


def load(corpus: Path) -> list[dict[str, str]]:
    with (corpus / "passages.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def as_markdown(row: dict[str, str]) -> str:
    heading, _, lead = row["heading"].partition(" / ")
    lines = [f"# {row['org']} Quality Improvement Program Description"]
    if heading.strip():
        lines.append(f"## {heading.strip()}")
    if lead.strip():
        lines.append(f"### {lead.strip()}")
    lines.append(row["passage"])
    return "\n".join(lines) + "\n"


def status_of(findings, requirement: str) -> str | None:
    """The requirement's status, or that of its parts together (met only when every part is)."""
    exact = [f.status for f in findings if f.requirement_id == requirement]
    if exact:
        return exact[0]
    parts = [f.status for f in findings if f.requirement_id.startswith(requirement + ".")]
    if not parts:
        return None
    for status in ("not_met", "partial", "needs_review"):
        if status in parts:
            return status
    return "met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(DEFAULT))
    parser.add_argument("--verbose", "-v", action="store_true", help="print every passage's outcome")
    parser.add_argument("--only", help="only passages labelled against this requirement id")
    parser.add_argument("--show", action="store_true", help="with --verbose: the finding's rationale too")
    args = parser.parse_args()

    from auditor.checklists import load_checklist
    from auditor.engine import evaluate
    from extractors.text import read_markdown

    checklist = load_checklist("maine-ch109")
    rows = [r for r in load(Path(args.corpus)) if not args.only or r["id"] == args.only]
    per: dict[str, Counter] = defaultdict(Counter)
    total: Counter = Counter()
    for row in rows:
        text = as_markdown(row)
        document = read_markdown(text.encode("utf-8"), path=f"realdev-{row['n']}.md", sha256="",
                                 filename=f"realdev-{row['n']}.md")
        report = evaluate([document], [checklist], AS_OF)
        got = status_of(report.findings, row["id"])
        satisfies = row["label"] == "satisfies"
        if got == "needs_review":
            outcome = "review"
        elif got is None:
            outcome = "uncovered"
        elif satisfies:
            outcome = "agree" if got == "met" else "miss"
        else:
            outcome = "agree" if got in ("partial", "not_met") else "false-met"
        key = "satisfies" if satisfies else "not"
        per[row["id"]][(key, outcome)] += 1
        total[(key, outcome)] += 1
        if args.verbose:
            print(f"{row['n']:>4} {row['id']:<14} {row['label']:<9} -> {got or '-':<13} {outcome}")
            if args.show:
                finding = next((f for f in report.findings if f.requirement_id == row["id"]), None)
                if finding is not None:
                    print(f"       {finding.rationale[:400]}")

    def figures(counter: Counter) -> tuple[str, str, int]:
        sat = sum(v for (k, _), v in counter.items() if k == "satisfies")
        neg = sum(v for (k, _), v in counter.items() if k == "not")
        recall = f"{counter[('satisfies', 'agree')]}/{sat}" if sat else "-"
        reject = f"{counter[('not', 'agree')]}/{neg}" if neg else "-"
        review = counter[("satisfies", "review")] + counter[("not", "review")]
        return recall, reject, review

    print(f"{'requirement':<14} {'recall':>8} {'reject':>8} {'review':>7}")
    def order(requirement: str) -> list:
        return [int(p) if p.isdigit() else p for p in requirement.replace("-", ".").split(".")]

    for requirement in sorted(per, key=order):
        recall, reject, review = figures(per[requirement])
        print(f"{requirement:<14} {recall:>8} {reject:>8} {review:>7}")
    recall, reject, review = figures(total)
    sat = sum(v for (k, _), v in total.items() if k == "satisfies")
    neg = sum(v for (k, _), v in total.items() if k == "not")
    print(f"\npassages: {len(rows)} (satisfies {sat}, not {neg})")
    if sat:
        print(f"recall on satisfies: {recall} = {total[('satisfies', 'agree')] / sat:.1%}"
              f" (review {total[('satisfies', 'review')]}, missed {total[('satisfies', 'miss')]})")
    if neg:
        print(f"rejection on not:    {reject} = {total[('not', 'agree')] / neg:.1%}"
              f" (review {total[('not', 'review')]}, false met {total[('not', 'false-met')]})")
    print(f"review load: {review}/{len(rows)} = {review / max(len(rows), 1):.1%}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
