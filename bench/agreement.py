"""Agreement of the auditor with an examiner's labels, on every labelled set at once.

    PYTHONPATH=. python bench/agreement.py                 # every set: shared/corpus/dev and fixtures/*/labels.tsv
    PYTHONPATH=. python bench/agreement.py fixtures/blind-6 -v   # one set, every label's outcome

A set is a folder holding `labels.tsv` (submission, requirement id, `met` or `gap`) and one folder per submission.
A label is `met` or `gap` (partial or not met). The auditor's `met` agrees with `met`; its `partial` and `not_met`
agree with `gap`; `needs_review` is counted apart (it defers to the examiner, so it agrees with neither).

Per set it prints: agreement (agree / labels), gap recall (gaps reported as partial or not met / gaps), met recall
(mets reported as met / mets), false mets (gaps reported met) and the review load (needs_review / labels).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2025, 6, 30)


def default_sets() -> list[Path]:
    sets = [ROOT.parent / "shared" / "corpus" / "dev"]
    sets += sorted(p.parent for p in (ROOT / "fixtures").glob("*/labels.tsv"))
    return [s for s in sets if (s / "labels.tsv").is_file()]


def read_labels(folder: Path) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    for line in (folder / "labels.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            submission, requirement, expected = line.split("\t")[:3]
            labels.setdefault(submission, {})[requirement] = expected.strip()
    return labels


def score(folder: Path, verbose: bool = False) -> Counter:
    from auditor.api import audit

    tally: Counter = Counter()
    for submission, expected in sorted(read_labels(folder).items()):
        report = audit([str(folder / submission)], ["maine-ch109"], AS_OF, overrides=False)
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
            tally[(label, outcome)] += 1
            if verbose or outcome != "agree":
                print(f"  {submission:<28} {requirement:<14} label={label:<4} auditor={got or '-':<13} {outcome}")
    return tally


def line(name: str, tally: Counter) -> str:
    covered = tally["agree"] + tally["disagree"] + tally["review"]
    gaps = sum(tally[("gap", o)] for o in ("agree", "disagree", "review"))
    mets = sum(tally[("met", o)] for o in ("agree", "disagree", "review"))

    def share(a: int, b: int) -> str:
        return f"{a}/{b} = {a / b:.1%}" if b else "-"

    return (f"{name:<14} agreement {share(tally['agree'], covered):<17}"
            f" gap recall {share(tally[('gap', 'agree')], gaps):<16}"
            f" met recall {share(tally[('met', 'agree')], mets):<16} false met {tally[('gap', 'disagree')]:<3}"
            f" review {share(tally['review'], covered)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", help="folders holding labels.tsv (default: every labelled set)")
    parser.add_argument("--verbose", "-v", action="store_true", help="every label's outcome, not only disagreements")
    args = parser.parse_args()
    folders = [Path(s) for s in args.sets] or default_sets()
    results = []
    for folder in folders:
        print(f"{folder.name}:")
        tally = score(folder, args.verbose)
        results.append((folder.name, tally))
    print()
    for name, tally in results:
        print(line(name, tally))


if __name__ == "__main__":
    main()
