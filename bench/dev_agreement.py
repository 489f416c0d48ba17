"""Agreement of the auditor with the examiner's labels on the development set (shared/corpus/dev).

    python bench/dev_agreement.py [--corpus ../shared/corpus/dev] [--verbose]

A label is `met` or `gap` (partial or not met). The auditor's `met` agrees with `met`; its `partial` and
`not_met` agree with `gap`; `needs_review` is counted apart (it defers to the examiner, so it agrees with
neither). Prints per-label rows with --verbose, then the totals.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter
from pathlib import Path

from auditor.api import audit

AS_OF = dt.date(2025, 6, 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"))
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args()
    corpus = Path(args.corpus)

    labels: dict[str, dict[str, str]] = {}
    for line in (corpus / "labels.tsv").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            submission, requirement, expected = line.split("\t")[:3]
            labels.setdefault(submission, {})[requirement] = expected.strip()

    tally: Counter[str] = Counter()
    for submission, expected in sorted(labels.items()):
        report = audit([str(corpus / submission)], ["maine-ch109"], AS_OF)
        status = {f.requirement_id: f.status for f in report.findings}
        for requirement, label in sorted(expected.items()):
            got = status.get(requirement)
            if got is None:
                outcome = "not covered"
            elif got == "needs_review":
                outcome = "review"
            elif (got == "met") == (label == "met"):
                outcome = "agree"
            else:
                outcome = "disagree"
            tally[outcome] += 1
            if args.verbose or outcome != "agree":
                print(f"{submission:<10} {requirement:<14} label={label:<4} auditor={got or '-':<13} {outcome}")
    covered = tally["agree"] + tally["disagree"] + tally["review"]
    total = sum(tally.values())
    print(f"\nlabels: {total}; covered by the checklist: {covered}; agree: {tally['agree']}; "
          f"disagree: {tally['disagree']}; needs review: {tally['review']}; not covered: {tally['not covered']}")
    if covered:
        print(f"agreement on covered labels: {tally['agree'] / covered:.1%}")


if __name__ == "__main__":
    main()
