"""Whole-process timings of the CLI: start-up of `--help`, `checklists`, `explain`, and the sample audit.

    python bench/startup.py [--runs 5]

Prints the median wall time of each command over the runs (a script, not a test: timings vary by machine).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def hmo_audit() -> list[str]:
    exe = shutil.which("hmo-audit", path=str(Path(sys.executable).parent)) or shutil.which("hmo-audit")
    return [exe] if exe else [sys.executable, "-m", "auditor.cli"]


def timed(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = hmo_audit()
    commands = {
        "hmo-audit --help": [*base, "--help"],
        "hmo-audit checklists": [*base, "checklists"],
        "hmo-audit explain maine-ch109 1.03-1.C": [*base, "explain", "maine-ch109", "1.03-1.C"],
        "audit sample (json)": [*base, "audit", "fixtures/sample-submission", "--as-of", "2025-03-01",
                                "--format", "json"],
        "audit sample (html)": [*base, "audit", "fixtures/sample-submission", "--as-of", "2025-03-01",
                                "--format", "html", "--output", "/dev/null"],
    }
    for name, cmd in commands.items():
        print(f"{name:<42} {timed(cmd, args.runs):6.3f} s (median of {args.runs})")


if __name__ == "__main__":
    main()
