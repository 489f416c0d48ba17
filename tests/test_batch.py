"""Batch runs over folders of submissions: reports, portfolio, cache, any Executor, clean interruption."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

import extractors
from auditor.batch import run_batch
from auditor.cache import ExtractionCache
from tests.conftest import SAMPLE

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture
def root(tmp_path):
    base = tmp_path / "submissions"
    shutil.copytree(SAMPLE, base / "casco")
    (base / "tiny").mkdir()
    (base / "tiny" / "qmp.md").write_text("# Quality Program\nThe Board of Directors approves the QM Program.\n")
    (base / "broken").mkdir()
    (base / "broken" / "plan.pdf").write_bytes(b"not a pdf")
    return base


def test_batch_writes_each_report_and_a_portfolio(root, tmp_path):
    out = tmp_path / "out"
    with ThreadPoolExecutor(max_workers=2) as pool:  # any concurrent.futures.Executor will do
        rows = run_batch(root, out, ["maine-ch109"], AS_OF, executor=pool)
    assert [r.folder.split("/")[-1] for r in rows] == ["broken", "casco", "tiny"]
    assert (out / "Casco-Bay-Health-Plan.json").is_file() and (out / "tiny.html").is_file()
    portfolio = list(csv.DictReader((out / "portfolio.csv").open()))
    by_name = {r["submission"]: r for r in portfolio}
    assert by_name["Casco Bay Health Plan"]["met"] == str(rows[1].met) and int(by_name["tiny"]["met"]) >= 1
    assert by_name["broken"]["unreadable_files"] == "1"  # a bad file is a row, not a crash
    assert "Casco-Bay-Health-Plan.html" in (out / "portfolio.html").read_text()


def test_rerun_reads_only_what_changed(root, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    run_batch(root, tmp_path / "out", ["maine-ch109"], AS_OF, cache_dir=cache_dir,
              executor=ThreadPoolExecutor(max_workers=1))
    calls = []
    real = extractors.read_document
    monkeypatch.setattr(extractors, "read_document", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    (root / "tiny" / "qmp.md").write_text("# Quality Program\nThe Board of Directors adopts the QM Program.\n")
    run_batch(root, tmp_path / "out", ["maine-ch109"], AS_OF, cache_dir=cache_dir,
              executor=ThreadPoolExecutor(max_workers=1))
    # Only the changed file, and the unreadable one (errors are never cached), are read again.
    assert sorted(c.split("/")[-1] for c in calls) == ["plan.pdf", "qmp.md"]


def test_cache_survives_a_corrupt_entry(tmp_path):
    cache = ExtractionCache(tmp_path / "cache")
    doc = tmp_path / "a.md"
    doc.write_text("# Title\nText here.\n")
    first = cache.read(doc, "a.md")
    for entry in (tmp_path / "cache").rglob("*.json"):
        entry.write_text("{ truncated")  # as if a run were killed mid-write without the atomic rename
    again = cache.read(doc, "shown/a.md")
    assert again.blocks == first.blocks and again.path == "shown/a.md" and cache.misses == 2


def test_interruption_keeps_reports_and_writes_the_portfolio(root, tmp_path):
    out = tmp_path / "out"

    def stop_after_first(row, done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), ThreadPoolExecutor(max_workers=1) as pool:
        run_batch(root, out, ["maine-ch109"], AS_OF, executor=pool, on_done=stop_after_first)
    rows = list(csv.DictReader((out / "portfolio.csv").open()))
    assert len(rows) == 1 and "interrupted" in (out / "portfolio.html").read_text()
    assert not list(out.glob("*.part"))  # no half-written file


def test_warm_rerun_reuses_reports_of_unchanged_submissions(root, tmp_path, monkeypatch):
    import auditor.api

    cache_dir = tmp_path / "cache"
    first = run_batch(root, tmp_path / "out1", ["maine-ch109"], AS_OF, cache_dir=cache_dir,
                      executor=ThreadPoolExecutor(max_workers=1))
    audits = []
    real = auditor.api.audit
    monkeypatch.setattr(auditor.api, "audit", lambda paths, *a, **k: audits.append(paths[0]) or real(paths, *a, **k))
    second = run_batch(root, tmp_path / "out2", ["maine-ch109"], AS_OF, cache_dir=cache_dir,
                       executor=ThreadPoolExecutor(max_workers=1))
    assert [p.split("/")[-1] for p in audits] == ["broken"]  # only the one with an unreadable file
    assert [(r.met, r.not_met) for r in first] == [(r.met, r.not_met) for r in second]
    assert (tmp_path / "out2" / "Casco-Bay-Health-Plan.html").read_text() == \
        (tmp_path / "out1" / "Casco-Bay-Health-Plan.html").read_text()


def test_progress_hears_of_each_file_from_the_worker_processes(root, tmp_path):
    """The default pool is processes: file events cross back to this process as each file starts."""
    heard: list[tuple[str, str]] = []
    done: list[int] = []
    rows = run_batch(root, tmp_path / "out", ["maine-ch109"], AS_OF, workers=2,
                     on_file=lambda submission, path: heard.append((submission, path.split("/")[-1])),
                     on_done=lambda row, n, total: done.append(n))
    assert done == [1, 2, 3]
    assert sorted(name for submission, name in heard if submission == "Casco Bay Health Plan") == sorted(
        p.name for p in SAMPLE.iterdir() if p.suffix in (".pdf", ".docx"))
    assert ("tiny", "qmp.md") in heard and ("broken", "plan.pdf") in heard
    assert sum(r.files for r in rows) == len(heard)
