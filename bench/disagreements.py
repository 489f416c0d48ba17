"""The disagreements on a labelled set, with the finding's evidence or nearest passages, to see why.

    PYTHONPATH=. python bench/disagreements.py fixtures/paraphrase-7 [--only false-met|missed|review]
        [--id 1.03-1.C] [--plan NAME] [--all]
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from agreement import read_labels  # bench/ is on the path when run as a script


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set")
    parser.add_argument("--only", choices=["false-met", "missed", "review"])
    parser.add_argument("--id")
    parser.add_argument("--plan")
    parser.add_argument("--all", action="store_true", help="show agreeing findings too")
    args = parser.parse_args()
    from auditor.api import audit

    folder = Path(args.set)
    for submission, expected in sorted(read_labels(folder).items()):
        if args.plan and args.plan not in submission:
            continue
        report = audit([str(folder / submission)], ["maine-ch109"], dt.date(2025, 6, 30), overrides=False)
        findings = {f.requirement_id: f for f in report.findings}
        for rid, label in sorted(expected.items()):
            f = findings.get(rid)
            if f is None or (args.id and rid != args.id):
                continue
            got = f.status
            outcome = ("agree" if (got == "met") == (label == "met") and got != "needs_review"
                       else "review" if got == "needs_review" else "false-met" if got == "met" else "missed")
            if (outcome == "agree" and not args.all) or (args.only and outcome != args.only):
                continue
            print(f"=== {submission} {rid} label={label} got={got} [{outcome}] {f.title}")
            print(f"    {f.rationale[:300]}")
            for e in f.evidence[:3]:
                print(f"    E {Path(e.document).name} p{e.page}: {e.quote[:220]}")
            for e in f.candidates[:2]:
                print(f"    C {Path(e.document).name} p{e.page}: {e.quote[:220]}")
            for e in f.nearest[:2]:
                lacks = ", ".join(e.lacks or [])[:120]
                print(f"    N {Path(e.document).name} p{e.page}: {e.quote[:200]} (lacks {lacks})")


if __name__ == "__main__":
    main()
