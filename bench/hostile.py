"""The hostile inputs of issue 15, each run through the command line in a process of its own: exit code, wall time,
peak memory (the largest resident set of the process and the processes it waited for), and what came out.

    .venv/bin/python bench/hostile.py                 # every case
    .venv/bin/python bench/hostile.py docx_bomb txt_100mb --json out.json
    .venv/bin/python bench/hostile.py --cap-gb 4 --timeout 120   # a memory cap (RLIMIT_AS) and a time-out per case

Inputs are built in a temporary folder (tests/hostile_inputs.py). The cap and the time-out keep a run of the
unfixed code from taking the machine down: a case that hits them says so.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import hostile_inputs as h  # noqa: E402

AS_OF = "2025-03-01"
TREE_ENV: dict[str, str] = {}  # --tree: run another checkout's code (PYTHONPATH comes before the editable install)


def run(argv: list[str], cwd: Path, cap_gb: float, timeout: float, env: dict | None = None,
        during: Callable[[subprocess.Popen], None] | None = None) -> dict:
    """Run `hmo-audit ARGV`; returns exit code (or the signal), seconds, peak RSS in MB, stdout and stderr."""
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115 - read back below, then closed

    def limits() -> None:
        if cap_gb:
            cap = int(cap_gb * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    start = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "auditor.cli", *argv], cwd=cwd, stdout=out, stderr=err,
                               stdin=subprocess.DEVNULL, env={**os.environ, **TREE_ENV, **(env or {})},
                               preexec_fn=limits,
                               start_new_session=True)
    happened = during(process) if during is not None else None
    timed_out = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > timeout:
            timed_out = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.05)
    process.returncode = os.waitstatus_to_exitcode(status)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # helpers left behind
    out.seek(0)
    err.seek(0)
    return {"exit": process.returncode, "timed_out": timed_out, "seconds": round(time.monotonic() - start, 2),
            **({"during": happened} if happened is not None else {}),
            "peak_mb": round(usage.ru_maxrss / 1024), "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace")}


def _tail(text: str, n: int = 3) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return " | ".join(lines[-n:])[-600:]


# ---------------------------------------------------------------- the cases: each builds its input in `tmp`, runs,
# and returns the measured run plus a few facts about the result.

CASES: dict[str, Callable] = {}


def case(func):
    CASES[func.__name__] = func
    return func


def _audit(sub: Path, tmp: Path, opts, *extra: str, env: dict | None = None) -> dict:
    report = tmp / "report.json"
    result = run(["audit", str(sub), "--as-of", AS_OF, "--format", "json", "-o", str(report), *extra], tmp,
                 opts.cap_gb, opts.timeout, env)
    result["report"] = json.loads(report.read_text()) if report.is_file() and report.stat().st_size else None
    return result


def _docs(result: dict) -> list:
    report = result.get("report") or {}
    return [(d["path"].split("/")[-1], d.get("error")) for d in report.get("documents", [])]


def _met(result: dict) -> int:
    return (result.get("report") or {}).get("summary", {}).get("met", 0)


@case
def yaml_alias_bomb(tmp, opts):
    sub = h.good_submission(tmp / "s")
    (sub / "submission.yaml").write_text(h.yaml_alias_bomb())
    return _audit(sub, tmp, opts)


@case
def yaml_alias_bomb_overrides(tmp, opts):
    sub = h.good_submission(tmp / "s")
    (sub / "overrides.yaml").write_text(h.yaml_alias_bomb().replace("hmo_name", "overrides"))
    return _audit(sub, tmp, opts)


@case
def yaml_deep(tmp, opts):
    sub = h.good_submission(tmp / "s")
    (sub / "submission.yaml").write_text(h.yaml_deep())
    return _audit(sub, tmp, opts)


@case
def yaml_latin1(tmp, opts):
    sub = h.good_submission(tmp / "s")
    (sub / "submission.yaml").write_bytes("hmo_name: Soci\u00e9t\u00e9 de sant\u00e9\n".encode("latin-1"))
    return _audit(sub, tmp, opts)


@case
def yaml_impossible_date(tmp, opts):
    sub = h.good_submission(tmp / "s")
    (sub / "submission.yaml").write_text("hmo_name: Casco\nlicense_date: 2025-02-30\n")
    return _audit(sub, tmp, opts)


@case
def overrides_impossible_date(tmp, opts):
    sub = h.good_submission(tmp / "s")
    (sub / "overrides.yaml").write_text("overrides:\n  - requirement: 1.03-1.C\n    status: met\n    reason: x\n"
                                        "    reviewer: J\n    date: 2025-02-30\n")
    return _audit(sub, tmp, opts)


@case
def docx_bomb(tmp, opts):
    sub = h.good_submission(tmp / "s")
    h.docx_bomb(sub / "bomb.docx", 150)
    return _audit(sub, tmp, opts)


@case
def ocr_pixel_bomb(tmp, opts):
    sub = h.good_submission(tmp / "s")
    (sub / "scan.pdf").write_bytes(h.pdf_pixel_bomb())
    return _audit(sub, tmp, opts)


@case
def txt_long_paragraph(tmp, opts):
    sub = h.good_submission(tmp / "s")
    h.long_paragraph_text(sub / "long.txt")
    return _audit(sub, tmp, opts)


@case
def txt_16mb_single_newlines(tmp, opts):
    sub = h.good_submission(tmp / "s")
    h.long_paragraph_text(sub / "long.txt", 16_000_000)
    return _audit(sub, tmp, opts)


@case
def txt_100mb(tmp, opts):
    sub = h.good_submission(tmp / "s")
    h.big_text(sub / "big.txt", 100)
    return _audit(sub, tmp, opts)


@case
def pdf_stream_bomb(tmp, opts):
    sub = h.good_submission(tmp / "s")
    h.pdf_stream_bomb(sub / "bomb.pdf", 1024)
    return _audit(sub, tmp, opts)


@case
def markdown_emphasis(tmp, opts):
    sub = h.good_submission(tmp / "s")
    (sub / "bad.md").write_text(h.markdown_emphasis_line())
    return _audit(sub, tmp, opts)


@case
def markdown_heading_padding(tmp, opts):
    sub = h.good_submission(tmp / "s")
    (sub / "bad.md").write_text(h.markdown_padded_heading())
    return _audit(sub, tmp, opts)


@case
def markdown_table_separator(tmp, opts):
    sub = h.good_submission(tmp / "s")
    (sub / "bad.md").write_text(h.markdown_table_separator())
    return _audit(sub, tmp, opts)


@case
def garbage_doc(tmp, opts):
    sub = h.good_submission(tmp / "s")
    (sub / "minutes.doc").write_bytes(h.garbage_doc())
    home = tmp / "home"
    home.mkdir()
    result = _audit(sub, tmp, opts, env={"HOME": str(home)})
    result["home_written"] = sorted(str(p.relative_to(home)) for p in home.rglob("*"))[:5]
    return result


@case
def symlinks_out(tmp, opts):
    outside = tmp / "outside"
    outside.mkdir()
    (outside / "private.txt").write_text("PRIVATE-OUTSIDE The Board of Directors approves the QM Program.\n")
    (outside / "facts.yaml").write_text("hmo_name: PRIVATE-FACTS\n")
    sub = h.good_submission(tmp / "s")
    os.symlink("/etc/passwd", sub / "notes.txt")
    os.symlink(outside / "private.txt", sub / "evidence.txt")
    os.symlink(outside / "facts.yaml", sub / "submission.yaml")
    os.symlink(sub / "loop", sub / "loop")  # a link loop
    h.fifo(sub / "pipe.txt")
    result = _audit(sub, tmp, opts)
    text = json.dumps(result.get("report") or {})
    result["leaked"] = [w for w in ("root:x:0:0", "PRIVATE-OUTSIDE", "PRIVATE-FACTS") if w in text]
    return result


@case
def injection_in_documents(tmp, opts):
    """Raw HTML, NUL and ESC in a document's text, and an escape sequence in a file name."""
    sub = h.good_submission(tmp / "s")
    filler = "The plan keeps minutes of each meeting. " * 120  # NUL after the first 4 KB: read as text
    (sub / "evil\x1b[31mred.txt").write_text(
        "QUALITY PROGRAM <script>alert(1)</script>\n\n" + filler + "\n\nThe Board of Directors "
        "<img src=x onerror=alert(1)> approves the QM Program.\x00\x1b[2J\n")
    (sub / "empty\x1b]0;pwned\x07\x1b[2J.pdf").write_bytes(b"")  # unreadable: its name is in a warning
    outputs = {}
    result: dict = {}
    for fmt in ("md", "html", "csv"):
        target = tmp / f"report.{fmt}"
        result = run(["audit", str(sub), "--as-of", AS_OF, "--format", fmt, "-o", str(target)], tmp, opts.cap_gb,
                     opts.timeout)
        text = target.read_text("utf-8", "replace") if target.is_file() else ""
        outputs[fmt] = {"exit": result["exit"], "raw_html": "<script>alert" in text or "<img src=x" in text,
                        "nul": "\x00" in text, "esc": "\x1b" in text}
    result["formats"] = outputs
    result["terminal_esc"] = "\x1b" in result["stderr"]
    return result


def _batch(root: Path, out: Path, opts, *extra: str, during=None, env=None) -> dict:
    result = run(["batch", str(root), "-o", str(out), "--as-of", AS_OF, *extra], root.parent, opts.cap_gb,
                 opts.timeout, env, during)
    portfolio = out / "portfolio.csv"
    result["portfolio"] = list(csv.DictReader(portfolio.open(encoding="utf-8"))) if portfolio.is_file() else None
    result["reports"] = sorted(p.name for p in out.glob("*.json")) if out.is_dir() else []
    result["part_files"] = sorted(p.name for p in out.rglob("*.part")) if out.is_dir() else []
    return result


@case
def batch_bad_facts(tmp, opts):
    root = tmp / "root"
    for i, text in enumerate(["hmo_name: 12345\n", "- a\n- b\n", None, "license_date: 2025-02-30\n"]):
        folder = h.good_submission(root / f"bad{i}")
        if text is None:
            (folder / "submission.yaml").write_bytes("hmo_name: Sant\u00e9\n".encode("latin-1"))
        else:
            (folder / "submission.yaml").write_text(text)
    for i in range(3):
        h.good_submission(root / f"good{i}", f"Good Plan {i}")
    return _batch(root, tmp / "out", opts, "--workers", "2")


def _kill_child(process: subprocess.Popen, delay: float = 6.0, which: int = -1, at_least: int = 3) -> None:
    """SIGKILL one of the batch's child processes once they are at work (what the OOM killer does). The progress
    display's Manager starts first (`which=0`); the pool's workers after it (`which=-1`: the last one)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_children(process.pid)) < at_least:
        time.sleep(0.1)
    time.sleep(delay)
    children = _children(process.pid)
    if not children:
        return "no child process to kill: the batch had finished"
    victim = sorted(children)[which]
    busy = _children(victim)
    os.kill(victim, signal.SIGKILL)
    return f"SIGKILL sent to child {victim} of {len(children)} at {delay:g} s ({len(busy)} processes of its own)"


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


@case
def batch_killed_worker(tmp, opts):
    """12 submissions, one of them hostile (a bad submission.yaml and a DOCX bomb), and one worker SIGKILLed."""
    root = tmp / "root"
    sample = ROOT / "fixtures" / "sample-submission"
    import shutil

    for i in range(11):
        folder = root / f"plan{i:02d}"
        shutil.copytree(sample, folder)
        (folder / "submission.yaml").write_text(f"hmo_name: Plan {i:02d}\nmembers: 14200\n")
    bad = h.good_submission(root / "plan11-hostile")
    (bad / "submission.yaml").write_text(h.yaml_alias_bomb())
    h.docx_bomb(bad / "bomb.docx", 40)
    result = _batch(root, tmp / "out", opts, "--workers", "2", "--no-cache",
                    during=lambda p: _kill_child(p, opts.kill_delay))
    return result


@case
def batch_killed_worker_no_facts_bomb(tmp, opts):
    """As batch_killed_worker, the hostile member a DOCX bomb only (before issue 15 the facts bomb alone stopped the
    batch before any worker started)."""
    root = tmp / "root"
    sample = ROOT / "fixtures" / "sample-submission"
    import shutil

    for i in range(11):
        folder = root / f"plan{i:02d}"
        shutil.copytree(sample, folder)
        (folder / "submission.yaml").write_text(f"hmo_name: Plan {i:02d}\nmembers: 14200\n")
    bad = h.good_submission(root / "plan11-hostile")
    h.docx_bomb(bad / "bomb.docx", 40)
    return _batch(root, tmp / "out", opts, "--workers", "2", "--no-cache",
                  during=lambda p: _kill_child(p, opts.kill_delay))


@case
def batch_killed_manager(tmp, opts):
    """The progress display's Manager process SIGKILLed mid-run."""
    root = tmp / "root"
    import shutil

    for i in range(4):
        shutil.copytree(ROOT / "fixtures" / "sample-submission", root / f"plan{i}")
        (root / f"plan{i}" / "submission.yaml").write_text(f"hmo_name: Plan {i}\n")
    return _batch(root, tmp / "out", opts, "--workers", "2", "--no-cache",
                  during=lambda p: _kill_child(p, 2.0, which=0))


@case
def batch_names(tmp, opts):
    root = tmp / "root"
    names = ["portfolio", "x" * 300, "..", ".cache", "CON", "=HYPERLINK(\"http://evil\",\"click\")", "@SUM(1+1)"]
    for i, name in enumerate(names):
        h.good_submission(root / f"s{i}", json.dumps(name))
    h.good_submission(root / "=cmd|calc")
    h.good_submission(root / "out")  # the output folder itself, inside the root
    out = root / "out"
    return _batch(root, out, opts, "--workers", "2")


@case
def write_full_disk(tmp, opts):
    """A report that cannot be written whole (RLIMIT_FSIZE stands in for a full disk) over a valid one."""
    sub = h.good_submission(tmp / "s")
    target = tmp / "report.json"
    target.write_text('{"valid": true}\n')
    argv = ["audit", str(sub), "--as-of", AS_OF, "--format", "json", "-o", str(target)]
    script = ("import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
              "resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000)); sys.argv = ['hmo-audit'] + sys.argv[1:]; "
              "from auditor.cli import main; main()")
    start = time.monotonic()
    p = subprocess.run([sys.executable, "-c", script, *argv], cwd=tmp, capture_output=True, timeout=opts.timeout,
                       env={**os.environ, **TREE_ENV})
    text = target.read_text()
    return {"exit": p.returncode, "seconds": round(time.monotonic() - start, 2), "peak_mb": None,
            "stderr": p.stderr.decode(), "stdout": "", "target_intact": text == '{"valid": true}\n',
            "part_files": sorted(x.name for x in tmp.glob("*.part"))}


@case
def batch_full_disk(tmp, opts):
    root = tmp / "root"
    for i in range(3):
        h.good_submission(root / f"s{i}", f"Plan {i}")
    out = tmp / "out"
    argv = ["batch", str(root), "-o", str(out), "--as-of", AS_OF, "--workers", "1", "--no-cache"]
    script = ("import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
              "resource.setrlimit(resource.RLIMIT_FSIZE, (3000, 3000)); sys.argv = ['hmo-audit'] + sys.argv[1:]; "
              "from auditor.cli import main; main()")
    start = time.monotonic()
    p = subprocess.run([sys.executable, "-c", script, *argv], cwd=tmp, capture_output=True, timeout=opts.timeout,
                       env={**os.environ, **TREE_ENV})
    return {"exit": p.returncode, "seconds": round(time.monotonic() - start, 2), "peak_mb": None,
            "stderr": p.stderr.decode(), "stdout": "",
            "part_files": sorted(x.name for x in out.rglob("*.part")) if out.is_dir() else []}


@case
def unreported_files(tmp, opts):
    sub = h.good_submission(tmp / "s")
    (sub / ".hidden.md").write_text("# Hidden\nText.\n")
    (sub / "Submission.YAML").write_text("hmo_name: Upper Case Plan\n")
    (sub / "measures.csv").write_text("a,b\n1,2\n")
    (sub / "notes.yaml").write_text("a: 1\n")
    result = _audit(sub, tmp, opts)
    result["hmo_name"] = ((result.get("report") or {}).get("submission") or {}).get("hmo_name")
    return result


@case
def cache_planted(tmp, opts):
    """A report planted in the cache under another submission's key is served by the next run."""
    root = tmp / "root"
    h.good_submission(root / "a", "Plan A")
    h.good_submission(root / "b", "Plan B")
    (root / "b" / "qmp.md").write_text("# Notes\nNothing here.\n")
    cache = tmp / "cache"
    first = _batch(root, tmp / "out1", opts, "--workers", "1", "--cache-dir", str(cache))
    reports = sorted((cache / "reports").glob("*.json"))
    planted = {}
    if len(reports) == 2:
        a, b = (json.loads(p.read_text()) for p in reports)
        a, b = (r.get("payload", r) for r in (a, b))  # entries named by their key, once they were
        key_of = {r["submission"]["hmo_name"]: p for r, p in zip((a, b), reports, strict=True)}
        # Plan B's entry now holds Plan A's report.
        key_of["Plan B"].write_text(key_of["Plan A"].read_text())
        planted = {"planted": True}
    second = _batch(root, tmp / "out2", opts, "--workers", "1", "--cache-dir", str(cache))
    second["first_exit"] = first["exit"]
    served = [r for r in second["portfolio"] or [] if r["folder"].endswith("/b")]
    second["b_row"] = served[0] if served else None
    second.update(planted)
    return second


@case
def cyclic_page_tree(tmp, opts):
    sub = tmp / "s"
    sub.mkdir()
    (sub / "qmp.pdf").write_bytes(h.pdf_cyclic_page_tree())
    result = _audit(sub, tmp, opts)
    report = result.get("report") or {}
    result["pages"] = [d.get("pages") for d in report.get("documents", [])]
    return result


@case
def ctrl_c_batch(tmp, opts):
    import shutil

    root = tmp / "root"
    for i in range(4):
        shutil.copytree(ROOT / "fixtures" / "sample-submission", root / f"plan{i}")

    def interrupt(process):
        time.sleep(opts.kill_delay)
        if process.poll() is not None:
            return "the batch had finished before Ctrl-C"
        os.killpg(process.pid, signal.SIGINT)  # what the terminal sends on Ctrl-C: the whole process group
        return f"SIGINT sent to the process group at {opts.kill_delay:g} s"

    result = _batch(root, tmp / "out", opts, "--workers", "2", "--no-cache", during=interrupt)
    result["tracebacks"] = result["stderr"].count("Traceback")
    return result


def summarise(name: str, result: dict) -> dict:
    keep = {k: v for k, v in result.items() if k not in ("stdout", "stderr", "report", "portfolio")}
    keep["stderr_tail"] = _tail(result.get("stderr", ""))
    keep["traceback"] = "Traceback" in result.get("stderr", "")
    if result.get("report") is not None:
        keep["documents"] = _docs(result)
        keep["met"] = _met(result)
    if result.get("portfolio") is not None:
        keep["portfolio"] = [{k: r[k] for k in ("submission", "folder", "met", "error") if k in r}
                             for r in result["portfolio"]]
    return keep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cases", nargs="*", help=f"cases to run (default all): {', '.join(CASES)}")
    parser.add_argument("--cap-gb", type=float, default=4.0, help="address-space cap per case (0: none)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per run")
    parser.add_argument("--kill-delay", type=float, default=8.0, help="seconds before the batch worker is killed")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument("--tree", type=Path, default=None, help="run the code of this checkout instead")
    opts = parser.parse_args()
    if opts.tree:
        TREE_ENV["PYTHONPATH"] = str(opts.tree.resolve())
    results = {}
    for name in opts.cases or list(CASES):
        with tempfile.TemporaryDirectory(prefix=f"hostile-{name}-") as tmp:
            result = summarise(name, CASES[name](Path(tmp), opts))
        results[name] = result
        print(json.dumps({name: result}, default=str)[:3000], flush=True)
    if opts.json:
        opts.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
