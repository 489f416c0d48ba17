"""Hostile input (issue 15): bounded memory and time, one bad file never costs the others, nothing read from outside
a submission, every failure one sentence with an exit code of its own.

Each input is built small (or streamed) in a temporary folder at test time (tests/hostile_inputs.py). Time bounds
are generous (a slow CI machine passes them; the quadratic code they guard against took minutes); memory bounds are
kept with resource.setrlimit in a subprocess where the platform has it. bench/hostile.py runs the full-size inputs
and measures them.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

import extractors
from auditor.api import audit
from auditor.batch import run_batch
from auditor.cli import main
from auditor.render import render
from extractors import read_document
from tests import hostile_inputs as h
from tests.conftest import ROOT

AS_OF = dt.date(2025, 3, 1)
MET_BY_GOOD_QMP = "1.03-1.D"  # the board approves the QM Program: met by tests/hostile_inputs.GOOD_QMP

try:
    import resource
except ImportError:  # Windows
    resource = None

posix_only = pytest.mark.skipif(resource is None or not hasattr(signal, "SIGKILL"), reason="needs POSIX")
fork_only = pytest.mark.skipif(multiprocessing.get_start_method() != "fork",
                               reason="the worker-killing reader reaches the workers only when they are forked")


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def capped(args: list[str], cwd: Path, memory_mb: int = 1024, timeout: float = 120, env: dict | None = None):
    """hmo-audit ARGS in a subprocess whose address space is capped at `memory_mb` (where the platform allows);
    returns the completed process and the seconds it took."""

    def cap() -> None:
        size = memory_mb * 1_048_576
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    start = time.monotonic()
    process = subprocess.run([sys.executable, "-m", "auditor.cli", *args], cwd=cwd, capture_output=True, text=True,
                             timeout=timeout, preexec_fn=cap if resource is not None else None,
                             env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    return process, time.monotonic() - start


def one_line_error(text: str) -> str:
    """The error line of a command's standard error, asserting it is one line and no traceback."""
    assert "Traceback" not in text, text
    errors = [line for line in text.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, text
    return errors[0]


def finding(report: dict, requirement: str) -> dict:
    return next(f for f in report["findings"] if f["requirement_id"] == requirement)


# ---------------------------------------------------------------- bombs: bounded memory, the others' findings intact


@posix_only
def test_bombs_cost_only_themselves_in_bounded_memory_and_time(tmp_path):
    """A DOCX part, a PDF stream and a text file past their limits, a page to OCR at 10,000 megapixels and a
    1.1-million-character paragraph, beside one good document, in a process capped at 1 GiB: each bomb is a
    document with an error naming its limit and how to raise it, the long paragraph is read, the good document's
    finding stands. (Unbounded, the DOCX took 7-12 GB, the OCR 12.4 GB, the PDF 2.2 GB; the paragraph crashed.)"""
    sub = h.good_submission(tmp_path / "s")
    h.docx_bomb(sub / "bomb.docx", 70)  # 250 KB on disk; its document.xml declares 70 MB
    h.pdf_stream_bomb(sub / "stream.pdf", 100)  # 100 KB on disk; its content stream inflates to 100 MB
    h.big_text(sub / "big.txt", 21)  # over 4 bytes a character for the 5,000,000-character limit
    (sub / "scan.pdf").write_bytes(h.pdf_pixel_bomb())
    h.long_paragraph_text(sub / "long.txt")
    process, seconds = capped(["audit", str(sub), "--as-of", "2025-03-01", "--format", "json", "-o",
                               str(tmp_path / "r.json")], tmp_path, memory_mb=1024)
    assert process.returncode == 0, process.stderr
    assert "Traceback" not in process.stderr and seconds < 60
    report = json.loads((tmp_path / "r.json").read_text())
    errors = {Path(d["path"]).name: d["error"] or "" for d in report["documents"]}
    assert "--limit docx_part_mb=N" in errors["bomb.docx"] and "HMO_AUDIT_MAX_DOCX_PART_MB" in errors["bomb.docx"]
    assert "--limit pdf_stream_mb=N" in errors["stream.pdf"]
    assert "--limit document_chars=N" in errors["big.txt"]
    from extractors import ocr

    assert ("--limit ocr_megapixels=N" if not ocr.missing_tools() else "install") in errors["scan.pdf"]
    assert errors["long.txt"] == "" and errors["qmp.md"] == ""
    long_doc = next(d for d in report["documents"] if d["path"].endswith("long.txt"))
    assert long_doc["coverage"]["characters"] > 1_000_000
    assert finding(report, MET_BY_GOOD_QMP)["status"] == "met"


def test_a_block_over_the_limit_is_split_and_an_overlong_row_becomes_paragraphs():
    from auditor.document import Block
    from extractors.common import finish_document

    sentence = "The committee reviews the quality of care and acts on what it finds. "
    blocks = [Block(kind="paragraph", text=sentence * 20_000),  # 1.4 million characters
              *(Block(kind="table_cell", text=sentence * 900, table=0, row=0, col=c) for c in range(3))]
    document = finish_document(path="x", sha256="", fmt="text", blocks=blocks, pages=None, filename="x.txt")
    assert document.error is None
    assert max(len(b.text) for b in document.blocks) <= 100_000
    assert len([b for b in document.blocks if b.kind == "paragraph"]) >= 14 + 3
    assert all(b.text.endswith(".") for b in document.blocks)  # cut after a sentence's end
    assert not any(b.kind == "table_cell" for b in document.blocks)  # 3 x 63,000 characters: too long for a row


def test_text_reader_is_linear(tmp_path, monkeypatch):
    """8 MB of single newlines: one paragraph, joined once (was: concatenated line by line, 129 s for 16 MB)."""
    monkeypatch.setenv("HMO_AUDIT_MAX_DOCUMENT_CHARS", "20000000")
    path = h.long_paragraph_text(tmp_path / "long.txt", 8_000_000)
    start = time.monotonic()
    document = read_document(path)
    assert time.monotonic() - start < 15
    assert document.error is None and max(len(b.text) for b in document.blocks) <= 100_000


@pytest.mark.parametrize("text", [h.markdown_emphasis_line(), h.markdown_padded_heading(),
                                  h.markdown_table_separator()], ids=["emphasis", "padded-heading", "table-sep"])
def test_markdown_patterns_are_linear(tmp_path, text):
    """Each took 6-126 s with the old patterns."""
    path = tmp_path / "bad.md"
    path.write_text(text)
    start = time.monotonic()
    document = read_document(path)
    assert time.monotonic() - start < 5
    assert document.error is None


def test_markdown_inline_and_headings_read_as_before():
    from extractors.text import _inline, read_markdown

    assert _inline("**bold *and* italic** and __under__, `code`, [link](http://x \"t\"), ![alt](i.png)") == \
        "bold and italic and under, code, link, alt"
    document = read_markdown(b"## Title ##\n\n# Padded    \n\n|a|b|\n|---|:-:|\n|1|2|\n", path="x", sha256="",
                             filename="x.md")
    assert [(b.kind, b.text) for b in document.blocks] == [("heading", "Title"), ("heading", "Padded"),
                                                           ("table_cell", "a"), ("table_cell", "b"),
                                                           ("table_cell", "1"), ("table_cell", "2")]


def test_over_a_limit_the_error_says_which_and_how_to_raise_it(tmp_path, monkeypatch):
    path = tmp_path / "plan.txt"
    path.write_text("the plan reviews quality and the committee acts on it " * 50_000)  # 2.7 MB, one sentence
    monkeypatch.setenv("HMO_AUDIT_MAX_FILE_MB", "1")  # (and restores the variable --limit sets below)
    document = read_document(path)
    assert document.error == ("the file is 2.6 MB, over the limit of 1 MB per file; raise it with --limit "
                              "file_mb=N or HMO_AUDIT_MAX_FILE_MB=N")
    result = invoke("audit", str(path), "--limit", "file_mb=5", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["documents"][0]["error"] is None
    assert invoke("audit", str(path), "--limit", "file_gb=5").exit_code == 2


def test_a_file_that_takes_too_long_is_stopped(tmp_path, monkeypatch):
    path = tmp_path / "slow.txt"
    path.write_text("The plan reviews quality.\n")

    def forever(*args, **kwargs):
        while True:
            with contextlib.suppress(Exception):  # a reader swallowing errors does not swallow the time limit
                time.sleep(0.01)

    monkeypatch.setattr(extractors.text, "read_plain_text", forever)
    monkeypatch.setenv("HMO_AUDIT_MAX_FILE_SECONDS", "1")
    start = time.monotonic()
    document = read_document(path)
    assert time.monotonic() - start < 10
    assert "--limit file_seconds=N" in (document.error or "")


def test_a_cyclic_page_tree_counts_each_page_once(tmp_path):
    path = tmp_path / "qmp.pdf"
    path.write_bytes(h.pdf_cyclic_page_tree())
    document = read_document(path)
    assert document.error is None and document.pages == 1
    assert [b.text for b in document.blocks] == ["QUALITY PROGRAM The Board of Directors approves the QM Program."]


def test_a_garbage_doc_is_an_error_not_mojibake(tmp_path):
    path = tmp_path / "minutes.doc"
    path.write_bytes(h.garbage_doc(20_000))
    document = read_document(path)
    assert document.blocks == [] and document.error
    from extractors.legacy_doc import converters

    assert ("damaged" if converters() else "antiword") in document.error


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_keeps_its_profile_and_home_in_the_temporary_folder(tmp_path, monkeypatch):
    from extractors import legacy_doc

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(legacy_doc, "converters", lambda: {"soffice": shutil.which("soffice")})
    document = read_document(ROOT / "fixtures" / "messy" / "committee-minutes-1998.doc")
    assert document.error is None and document.blocks
    assert list(home.iterdir()) == []


# ---------------------------------------------------------------- facts and overrides files


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("submission.yaml", h.yaml_alias_bomb(), "aliases expand to more than 100,000 values"),
    ("overrides.yaml", h.yaml_alias_bomb().replace("hmo_name", "overrides"), "aliases expand"),
    ("submission.yaml", h.yaml_deep(), "nested more than 64 levels deep"),
    ("submission.yaml", "hmo_name: Soci\u00e9t\u00e9\n".encode("latin-1"), "not UTF-8 text (byte 0xe9 on line 1)"),
    ("submission.yaml", "license_date: 2025-02-30\n",
     "license_date: expected a date as YYYY-MM-DD (day value is outside expected range)"),
    ("overrides.yaml", "overrides:\n  - {requirement: 1.03-1.C, status: met, reason: x, reviewer: J,\n"
                       "     date: 2025-02-30}\n", "overrides[0].date: Input should be a valid date"),
    ("submission.yaml", "hmo_name: 12345\n", "hmo_name: expected text (got 12345)"),
    ("submission.yaml", "- a\n- b\n", "expected facts as `name: value` lines"),
    ("submission.yaml", "members: " + "9" * 5000 + "\n", "a value cannot be read"),
], ids=["alias-bomb", "overrides-alias-bomb", "deep", "latin-1", "impossible-date", "overrides-impossible-date",
        "number-name", "list", "huge-integer"])
def test_a_bad_config_file_is_one_sentence_naming_file_and_field(tmp_path, name, text, expected):
    h.good_submission(tmp_path)
    target = tmp_path / name
    target.write_bytes(text if isinstance(text, bytes) else text.encode())
    start = time.monotonic()
    result = invoke("audit", str(tmp_path), "--as-of", "2025-03-01")
    assert time.monotonic() - start < 20
    assert result.exit_code == 2
    line = one_line_error(result.stderr)
    assert str(target) in line and expected in line and len(line) < 600


def test_an_impossible_fact_on_the_command_line_is_one_sentence(tmp_path):
    h.good_submission(tmp_path)
    result = invoke("audit", str(tmp_path), "--fact", "license_date=2025-02-30")
    assert result.exit_code == 2 and "license_date" in one_line_error(result.stderr)


# ---------------------------------------------------------------- containment


@posix_only
def test_links_out_of_the_submission_are_skipped_and_listed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "private.txt").write_text("PRIVATE-OUTSIDE The Board of Directors approves the QM Program.\n")
    (outside / "facts.yaml").write_text("hmo_name: PRIVATE-FACTS\n")
    sub = h.good_submission(tmp_path / "s")
    (sub / "notes.txt").symlink_to("/etc/passwd")
    (sub / "evidence.txt").symlink_to(outside / "private.txt")
    (sub / "submission.yaml").symlink_to(outside / "facts.yaml")
    (sub / "loop.txt").symlink_to(sub / "loop.txt")
    (sub / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (sub / "folder-link").symlink_to(outside)
    (sub / "inside.md").symlink_to(sub / "qmp.md")  # inside: read (once)
    h.fifo(sub / "pipe.txt")
    (sub / ".hidden.md").write_text("# Hidden\n")
    (sub / "measures.csv").write_text("a,b\n1,2\n")
    report = audit([str(sub)], ["maine-ch109"], AS_OF)
    dump = report.model_dump_json()
    assert "root:x:0:0" not in dump and "PRIVATE" not in dump
    assert [Path(d.path).name for d in report.documents] == ["qmp.md"]
    reasons = {Path(s.path.rstrip("/")).name: s.reason for s in report.skipped}
    assert reasons["notes.txt"] == reasons["evidence.txt"] == "a link to a file outside the submission folder; not read"
    assert reasons["submission.yaml"].startswith("a link to a file outside")
    assert "loops" in reasons["loop.txt"] and "broken link" in reasons["gone.txt"]
    assert "links to folders are not followed" in reasons["folder-link"]
    assert "FIFO" in reasons["pipe.txt"] and "hidden" in reasons[".hidden.md"]
    assert "no checklist input reads" in reasons["measures.csv"]
    assert "Not read" in render(report, "md") and "Not read" in render(report, "html")
    assert "skipped" in json.loads(render(report, "json"))
    assert finding(json.loads(render(report, "json")), MET_BY_GOOD_QMP)["status"] == "met"


def test_submission_yaml_in_another_case_is_read(tmp_path):
    h.good_submission(tmp_path)
    (tmp_path / "Submission.YAML").write_text("hmo_name: Upper Case Plan\n")
    assert audit([str(tmp_path)], ["maine-ch109"], AS_OF).submission.hmo_name == "Upper Case Plan"


# ---------------------------------------------------------------- what reaches reports and the terminal


def test_control_characters_and_raw_html_never_reach_reports_or_the_terminal(tmp_path):
    sub = h.good_submission(tmp_path / "s")
    filler = "The plan keeps minutes of each meeting. " * 120  # past the 4 KB a text file is checked for NUL in
    (sub / "evil\x1b[31mred.txt").write_text(
        "QUALITY PROGRAM <script>alert(1)</script>\n\n" + filler + "\n\nThe Board of Directors <img src=x "
        "onerror=alert(1)> approves the QM Program.\x00\x1b[2J\n")
    (sub / "empty\x1b]0;pwned\x07.pdf").write_bytes(b"")  # unreadable: its name is in a warning
    result = invoke("audit", str(sub), "--as-of", "2025-03-01", "--format", "md")
    assert result.exit_code == 0 and "warning: " in result.stderr and "empty\\x1b]0;pwned\\x07.pdf" in result.stderr
    assert "\x1b" not in result.stderr and "\x1b" not in result.stdout and "\x00" not in result.stdout
    assert "<script>" not in result.stdout and "<img" not in result.stdout and "&lt;img src=x" in result.stdout
    assert "evil\\x1b[31mred.txt" in result.stdout  # the file name shown, its escape sequence made visible
    report = audit([str(sub)], ["maine-ch109"], AS_OF)
    page = render(report, "html")
    assert "<img src=x" not in page and "alert(1)</script>" not in page and "\x1b" not in page
    table = render(report, "csv")
    assert "\x1b" not in table and "\x00" not in table


# ---------------------------------------------------------------- errors and writes


def test_an_unexpected_error_is_one_sentence_with_exit_3(tmp_path, monkeypatch):
    import auditor.api

    def broken(*args, **kwargs):
        raise RuntimeError("something internal broke")

    monkeypatch.setattr(auditor.api, "audit", broken)
    result = invoke("audit", str(h.good_submission(tmp_path)))
    assert result.exit_code == 3
    line = one_line_error(result.stderr)
    assert "RuntimeError: something internal broke" in line and "--debug" in line
    debug = invoke("--debug", "audit", str(tmp_path))
    assert debug.exit_code == 3 and "Traceback" in debug.stderr


def _failing_writes(monkeypatch, errno: int = 28, strerror: str = "No space left on device") -> None:
    """Every write_atomic fails as a full disk does: partway through the data."""
    import auditor.files

    real = auditor.files.os.fdopen

    class Full:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[:10])
            raise OSError(errno, strerror)

    monkeypatch.setattr(auditor.files.os, "fdopen", lambda fd, mode: Full(real(fd, mode)))


def test_a_failed_write_keeps_the_old_report_and_leaves_no_part_file(tmp_path, monkeypatch):
    sub = h.good_submission(tmp_path / "s")
    target = tmp_path / "report.json"
    target.write_text('{"valid": true}\n')
    _failing_writes(monkeypatch)
    result = invoke("audit", str(sub), "--format", "json", "-o", str(target))
    assert result.exit_code == 3
    assert "No space left on device" in one_line_error(result.stderr)
    assert target.read_text() == '{"valid": true}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json", "s"]


def test_a_batch_that_cannot_write_says_so_in_one_sentence(tmp_path, monkeypatch):
    for i in range(2):
        h.good_submission(tmp_path / "root" / f"s{i}")
    _failing_writes(monkeypatch, 30, "Read-only file system")
    monkeypatch.setattr("auditor.batch.ProcessPoolExecutor", lambda **kw: ThreadPoolExecutor(max_workers=1))
    result = invoke("batch", str(tmp_path / "root"), "-o", str(tmp_path / "out"), "--no-cache")
    assert result.exit_code == 3
    assert "Read-only file system" in one_line_error(result.stderr.replace("error: /", "row: /"))
    assert not list((tmp_path / "out").glob("*.part"))


# ---------------------------------------------------------------- batches


def test_batch_names_are_safe_unique_and_never_the_portfolio(tmp_path):
    root = tmp_path / "root"
    names = ["portfolio", "x" * 300, "..", ".cache", "CON", '=HYPERLINK("http://evil","click")', "Plan", "plan"]
    for i, name in enumerate(names):
        h.good_submission(root / f"s{i}", json.dumps(name))
    h.good_submission(root / "=cmd")
    out = root / "out"
    h.good_submission(out)  # the output folder inside the root, holding files: not a submission
    with ThreadPoolExecutor(max_workers=2) as pool:
        rows = run_batch(root, out, ["maine-ch109"], AS_OF, executor=pool)
    assert len(rows) == len(names) + 1 and not any(r.error for r in rows)
    stems = [r.report for r in rows]
    assert len({s.lower() for s in stems}) == len(stems)
    assert "portfolio" not in [s.lower() for s in stems] and all(not s.startswith(".") for s in stems)
    assert all(len(s.encode()) <= 120 and s.split(".")[0].upper() not in ("CON", "PRN", "NUL") for s in stems)
    assert {f"{s}.json" for s in stems} <= {p.name for p in out.iterdir()}
    portfolio = list(csv.DictReader((out / "portfolio.csv").open(encoding="utf-8")))
    assert len(portfolio) == len(rows)
    for row in portfolio:
        assert not row["submission"].startswith(("=", "+", "-", "@")) and not row["folder"].startswith("=")
    assert {'\'=HYPERLINK("http://evil","click")', "'=cmd"} <= {r["submission"] for r in portfolio}


def test_bad_submission_yaml_costs_only_its_submission(tmp_path):
    root = tmp_path / "root"
    for i, text in enumerate(["hmo_name: 12345\n", "- a\n", h.yaml_alias_bomb(), "license_date: 2025-02-30\n"]):
        (h.good_submission(root / f"bad{i}") / "submission.yaml").write_text(text)
    (h.good_submission(root / "bad4") / "submission.yaml").write_bytes("hmo_name: Sant\u00e9\n".encode("latin-1"))
    h.good_submission(root / "good", "Good Plan")
    with ThreadPoolExecutor(max_workers=2) as pool:
        rows = run_batch(root, tmp_path / "out", ["maine-ch109"], AS_OF, executor=pool)
    by_folder = {Path(r.folder).name: r for r in rows}
    assert by_folder["good"].error == "" and by_folder["good"].met >= 1
    for i in range(5):
        row = by_folder[f"bad{i}"]
        assert row.failure == "input" and "submission.yaml" in row.error and len(row.error) <= 400


def test_cache_entries_serve_only_their_own_key(tmp_path):
    from auditor.cache import ExtractionCache

    cache = ExtractionCache(tmp_path / "cache")
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.write_text("# Alpha\nThe Board approves the plan.\n")
    b.write_text("# Beta\nNothing here.\n")
    first_a, first_b = cache.read(a, "a.md"), cache.read(b, "b.md")
    entries = {p.stem: p for p in (tmp_path / "cache").rglob("*.json")}
    entries[first_b.sha256].write_bytes(entries[first_a.sha256].read_bytes())  # a's entry planted under b's key
    assert cache.read(b, "b.md").title == "Beta" and cache.misses == 3

    root = tmp_path / "root"
    h.good_submission(root / "a", "Plan A")
    (h.good_submission(root / "b", "Plan B") / "qmp.md").write_text("# Notes\nNothing here.\n")
    with ThreadPoolExecutor(max_workers=1) as pool:
        before = {r.submission: r.met for r in run_batch(root, tmp_path / "o1", ["maine-ch109"], AS_OF,
                                                          cache_dir=tmp_path / "c", executor=pool)}
    saved = sorted((tmp_path / "c" / "reports").glob("*.json"))
    reports = {json.loads(p.read_bytes())["payload"]["submission"]["hmo_name"]: p for p in saved}
    reports["Plan B"].write_bytes(reports["Plan A"].read_bytes())
    with ThreadPoolExecutor(max_workers=1) as pool:
        after = {r.submission: r.met for r in run_batch(root, tmp_path / "o2", ["maine-ch109"], AS_OF,
                                                         cache_dir=tmp_path / "c", executor=pool)}
    assert after == before and before["Plan A"] != before["Plan B"]


def _killing_reader(marker_dir: Path, always: bool):
    """read_document, except that reading a file named kill-me.txt SIGKILLs the worker (as the OOM killer would):
    every time, or only the first time (a marker file remembers)."""
    real = extractors.read_document

    def read(path, display=None):
        if Path(path).name == "kill-me.txt":
            marker = marker_dir / "killed-once"
            if always or not marker.exists():
                marker.touch()
                os.kill(os.getpid(), signal.SIGKILL)
        return real(path, display)

    return read


@posix_only
@fork_only
def test_12_submissions_one_hostile_one_killed_worker_report_the_other_11(tmp_path, monkeypatch):
    root = tmp_path / "root"
    for i in range(11):
        h.good_submission(root / f"plan{i:02d}", f"Plan {i:02d}")
    (root / "plan05" / "kill-me.txt").write_text("The plan reviews quality.\n")  # its worker is killed once
    hostile = h.good_submission(root / "plan11-hostile")
    (hostile / "submission.yaml").write_text(h.yaml_alias_bomb())
    h.docx_bomb(hostile / "bomb.docx", 70)
    monkeypatch.setattr(extractors, "read_document", _killing_reader(tmp_path, always=False))
    start = time.monotonic()
    rows = run_batch(root, tmp_path / "out", ["maine-ch109"], AS_OF, workers=2)
    assert time.monotonic() - start < 60
    assert (tmp_path / "killed-once").exists()
    reports = sorted(p.name for p in (tmp_path / "out").glob("*.json"))
    assert reports == [f"Plan-{i:02d}.json" for i in range(11)]
    portfolio = list(csv.DictReader((tmp_path / "out" / "portfolio.csv").open(encoding="utf-8")))
    assert len(portfolio) == 12
    by_folder = {Path(r.folder).name: r for r in rows}
    assert "aliases expand" in by_folder["plan11-hostile"].error
    assert all(by_folder[f"plan{i:02d}"].error == "" and by_folder[f"plan{i:02d}"].met >= 1 for i in range(11))


@posix_only
@fork_only
def test_a_submission_that_kills_its_worker_every_time_is_its_own_error_row(tmp_path, monkeypatch):
    root = tmp_path / "root"
    for i in range(3):
        h.good_submission(root / f"plan{i}", f"Plan {i}")
    (root / "plan1" / "kill-me.txt").write_text("x\n")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "Plan-1.json.4242.a1b2c3.part").write_text("{ half")  # as a killed worker leaves it
    monkeypatch.setattr(extractors, "read_document", _killing_reader(tmp_path, always=True))
    rows = run_batch(root, tmp_path / "out", ["maine-ch109"], AS_OF, workers=2)
    assert not list((tmp_path / "out").glob("*.part"))
    by_folder = {Path(r.folder).name: r for r in rows}
    assert by_folder["plan1"].failure == "died" and "SIGKILL" in by_folder["plan1"].error
    assert by_folder["plan0"].error == by_folder["plan2"].error == ""
    assert sorted(p.name for p in (tmp_path / "out").glob("*.json")) == ["Plan-0.json", "Plan-2.json"]


@posix_only
def test_a_dead_progress_manager_costs_only_the_progress_display(tmp_path):
    root = tmp_path / "root"
    for i in range(3):
        h.good_submission(root / f"plan{i}", f"Plan {i}")
    heard = []

    def on_file(submission, path):
        heard.append(path)
        for child in multiprocessing.active_children():
            if "Manager" in child.name:
                os.kill(child.pid, signal.SIGKILL)

    rows = run_batch(root, tmp_path / "out", ["maine-ch109"], AS_OF, workers=2, on_file=on_file)
    assert heard and len(rows) == 3 and not any(r.error for r in rows)


@posix_only
def test_ctrl_c_stops_a_batch_without_tracebacks(tmp_path):
    root = tmp_path / "root"
    for i in range(4):
        shutil.copytree(ROOT / "fixtures" / "sample-submission", root / f"plan{i}")
        (root / f"plan{i}" / "submission.yaml").write_text(f"hmo_name: Plan {i}\n")
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "auditor.cli", "batch", str(root), "-o", str(out),
                                "--workers", "2", "--no-cache", "--as-of", "2025-03-01"], cwd=tmp_path,
                               stderr=subprocess.PIPE, text=True, start_new_session=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(out.glob("*.json")) and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)  # what the terminal sends: the whole process group
    _, stderr = process.communicate(timeout=60)
    if "4 submission(s) audited" in stderr:
        pytest.skip("the batch finished before Ctrl-C arrived")
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    assert "interrupted" in (out / "portfolio.html").read_text()
    assert not list(out.glob("*.part"))


def test_the_readme_documents_every_limit_with_its_default():
    from extractors.limits import LIMITS

    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### Limits"):]
    for limit in LIMITS.values():
        row = next(line for line in section.splitlines() if line.startswith(f"| `{limit.name}` |"))
        assert limit.env in row and f"{limit.default:,.0f} {limit.unit}" in row, row


def test_what_a_batch_leaves_out_it_says(tmp_path):
    from auditor.batch import BatchError, plan

    root = tmp_path / "root"
    h.good_submission(root / "plan")
    h.good_submission(root / ".hidden")
    (root / "notes.txt").write_text("x")
    (root / "link").symlink_to(root / "plan") if resource is not None else None
    h.good_submission(root / "out")
    found, skipped = plan(root, (root / "out",))
    assert [f.name for f, _ in found] == ["plan"]
    reasons = {Path(p).name: why for p, why in skipped}
    assert "hidden" in reasons[".hidden"] and "beside" in reasons["notes.txt"] and "own output" in reasons["out"]
    with pytest.raises(BatchError, match="inside the submission folder"):
        plan(root, (root / "plan" / "reports",))


@posix_only
def test_writes_never_replace_a_device_fifo_or_link(tmp_path):
    """`-o /dev/null` (bench/bench.py's) once renamed a regular file over the device: a special file is written to as
    it is, and a link keeps pointing where it did."""
    import stat
    import threading

    from auditor.files import write_atomic

    fifo = h.fifo(tmp_path / "pipe")
    heard = []
    reader = threading.Thread(target=lambda: heard.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "through the pipe\n")
    reader.join(timeout=10)
    assert heard == [b"through the pipe\n"] and stat.S_ISFIFO(fifo.stat().st_mode)
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "pipe", "real.json"]


def test_ctrl_c_in_an_audit_exits_130_not_the_findings_code(tmp_path, monkeypatch):
    import auditor.api

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(auditor.api, "audit", interrupted)
    result = invoke("audit", str(h.good_submission(tmp_path)))
    assert result.exit_code == 130 and "interrupted" in result.stderr and "Traceback" not in result.stderr
