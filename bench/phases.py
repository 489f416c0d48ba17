"""Where an audit's time goes, phase by phase, and how evaluation grows with the document.

    PYTHONPATH=. python bench/phases.py [--pages 25,50,100,200,400] [--runs 3]

For each size it builds the bench's program description (bench.py's `build_large_pdf`) and audits it in this
process against maine-ch109: extraction (`read_document`), annotation (`build_corpus`), evaluation (every
requirement's checks and the report) and rendering (JSON), each the median of --runs. The last column is
evaluation's growth over the previous size: about 2.0 per doubling is linear.
A script, not a test: the figures depend on the machine and its load (`uptime` is printed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench import build_large_pdf  # bench/bench.py: this script's folder comes first on sys.path


def phases(path: Path) -> dict[str, float]:
    from auditor import engine
    from auditor.checklists import load_checklist
    from auditor.render import render
    from extractors import read_document

    start = time.perf_counter()
    document = read_document(path)
    extracted = time.perf_counter()
    corpus_seconds = []
    build = engine.build_corpus

    def timed_build(*args, **kwargs):
        t = time.perf_counter()
        try:
            return build(*args, **kwargs)
        finally:
            corpus_seconds.append(time.perf_counter() - t)

    engine.build_corpus = timed_build
    try:
        t = time.perf_counter()
        report = engine.evaluate([document], [load_checklist("maine-ch109")], dt.date(2025, 3, 1))
        evaluated = time.perf_counter() - t
    finally:
        engine.build_corpus = build
    t = time.perf_counter()
    render(report, "json")
    rendered = time.perf_counter() - t
    return {"extract": extracted - start, "annotate": corpus_seconds[0], "evaluate": evaluated - corpus_seconds[0],
            "render": rendered}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="25,50,100,200,400")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} at start")
    with tempfile.TemporaryDirectory() as tmp:
        warm = Path(tmp) / "warm.pdf"
        build_large_pdf(warm, 5)
        phases(warm)  # imports, spaCy and the matchers: paid once per process, not part of any phase
        previous = None
        print(f"{'pages':>5} {'extract':>9} {'annotate':>9} {'evaluate':>9} {'render':>8}  growth of evaluate")
        for pages in (int(p) for p in args.pages.split(",")):
            path = Path(tmp) / f"pd-{pages}.pdf"
            n = build_large_pdf(path, pages)
            runs = [phases(path) for _ in range(args.runs)]
            median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            growth = f"x{median['evaluate'] / previous:.2f}" if previous else ""
            print(f"{n:>5} {median['extract']:>8.2f}s {median['annotate']:>8.2f}s {median['evaluate']:>8.2f}s "
                  f"{median['render']:>7.2f}s  {growth}")
            previous = median["evaluate"]
    print(f"load average {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
