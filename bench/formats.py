"""Agreement on a submission read from another format: each fixtures/formats variant against its original.

    PYTHONPATH=. python bench/formats.py

A variant (fixtures/formats/build.py) is a labelled submission whose program description was saved as a Word 97
`.doc` or scanned; the other documents are the original's. Each is scored against the original's labels
(bench/agreement.py's rules), and the program description's reading is shown: format, how it was read, headings,
list items, tables. The aim: the same agreement as the original, and the same findings.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agreement import read_labels  # noqa: E402 (bench/ is the script's folder)

from fixtures.formats.build import VARIANTS  # noqa: E402

AS_OF = dt.date(2025, 6, 30)


def run(folder: Path, labels: dict[str, str], document: str):
    from auditor.api import audit

    start = time.perf_counter()
    report = audit([str(folder)], ["maine-ch109"], AS_OF, overrides=False)
    seconds = time.perf_counter() - start
    status = {f.requirement_id: f.status for f in report.findings}
    agree = sum(1 for r, label in labels.items()
                if status.get(r) not in (None, "needs_review") and (status[r] == "met") == (label == "met"))
    stem = Path(document).stem
    entry = next(d for d in report.documents if Path(d.path).stem == stem)
    return agree, status, entry, seconds


def main() -> None:
    for name, (original, document, _how) in VARIANTS.items():
        set_folder, submission = (ROOT / "fixtures" / original).parent, Path(original).name
        labels = read_labels(set_folder)[submission]
        print(f"{name} (labels: {original}, {len(labels)} requirements)")
        results = {}
        folders = (("original", ROOT / "fixtures" / original), ("variant", ROOT / "fixtures" / "formats" / name))
        for label, folder in folders:
            agree, status, entry, seconds = run(folder, labels, document)
            results[label] = status
            c = entry.coverage
            print(f"  {label:<9} agreement {agree}/{len(labels)}   {Path(entry.path).name}: format {entry.format}, "
                  f"read as {c.read_as or 'itself'}, {c.headings} headings, {c.lists} list items, {c.tables} tables"
                  f"   ({seconds:.1f} s)")
        changed = sorted(r for r in results["original"] if results["original"][r] != results["variant"].get(r))
        print(f"  findings that differ: {len(changed)}")
        for r in changed:
            mark = "*" if r in labels else " "
            print(f"   {mark} {r:<14} {results['original'][r]:<13} -> {results['variant'].get(r)}")


if __name__ == "__main__":
    main()
