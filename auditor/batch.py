"""Batch runs: every submission folder under a root, audited in parallel, each report written as it is done,
and a portfolio summary of them all.

The pool is any `concurrent.futures.Executor`: a local process pool by default, or whatever a site's cluster
engine offers (Dask's `Client(...).get_executor()`, say), through `executor=`. Workers return only a small
summary row, so memory does not grow with the number of submissions.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import html
import io
import os
import queue
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from auditor.models import AuditReport

PORTFOLIO_FIELDS = ["submission", "folder", "met", "partial", "not_met", "needs_review", "not_applicable",
                    "score", "overdue_deadlines", "unreadable_files", "error"]


@dataclass
class Job:
    folder: str
    submission: str  # the HMO's name, for people
    name: str  # the report's file stem
    checklists: list[str]
    as_of: dt.date
    out_dir: str
    formats: list[str]
    cache_dir: str | None
    profile: str | None = None
    events: object = None  # a queue (multiprocessing.Manager's) that hears of each file as it starts


@dataclass
class Row:
    submission: str
    folder: str
    met: int = 0
    partial: int = 0
    not_met: int = 0
    needs_review: int = 0
    not_applicable: int = 0
    score: float | None = None
    overdue_deadlines: int = 0
    unreadable_files: int = 0
    error: str = ""
    files: int = 0
    report: str = ""  # the report's file stem in the output folder


def submissions(root: Path) -> list[tuple[Path, str]]:
    """Each folder under the root that holds files is one submission, named by its submission.yaml or folder."""
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        name = folder.name
        facts = folder / "submission.yaml"
        if facts.is_file():
            # A bad submission.yaml is the audit's to report; here it only costs the nicer name.
            with contextlib.suppress(yaml.YAMLError, OSError, AttributeError):
                name = (yaml.safe_load(facts.read_text(encoding="utf-8")) or {}).get("hmo_name") or name
        found.append((folder, name))
    return found


def _stem(name: str, taken: set[str]) -> str:
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name).strip("-") or "submission"
    candidate, n = stem, 2
    while candidate in taken:
        candidate, n = f"{stem}-{n}", n + 1
    taken.add(candidate)
    return candidate


def run_job(job: Job) -> Row:
    """Audit one submission and write its reports. Runs in a worker: it must not raise."""
    from auditor.api import audit
    from auditor.cache import ExtractionCache
    from auditor.render import render

    row = Row(submission=job.submission, folder=job.folder, report=job.name)
    try:
        report = None
        saved = Path(job.cache_dir) / "reports" / f"{_inputs_key(job)}.json" if job.cache_dir else None
        if saved is not None and saved.is_file():  # nothing changed since the last run: reuse its report
            with contextlib.suppress(OSError, ValueError):
                report = AuditReport.model_validate_json(saved.read_bytes())
        if report is None:
            cache = ExtractionCache(job.cache_dir) if job.cache_dir else None
            on_file = (lambda path: job.events.put((job.submission, path))) if job.events is not None else None
            report = audit([job.folder], job.checklists, job.as_of, profile=job.profile, cache=cache,
                           on_file=on_file)
            # A report with unreadable files is not kept: the reason may be a tool installed tomorrow.
            if saved is not None and not any(d.error for d in report.documents):
                _write_atomic(saved, report.model_dump_json().encode())
        for fmt in job.formats:
            target = Path(job.out_dir) / f"{job.name}.{fmt}"
            tmp = target.with_suffix(target.suffix + ".part")
            tmp.write_text(render(report, fmt), encoding="utf-8")
            os.replace(tmp, target)  # an interrupted run leaves no half-written report
        s = report.summary
        row.met, row.partial, row.not_met = s.met, s.partial, s.not_met
        row.needs_review, row.not_applicable, row.score = s.needs_review, s.not_applicable, s.score
        row.overdue_deadlines = sum(1 for d in report.deadlines if d.when == "overdue")
        row.unreadable_files = sum(1 for d in report.documents if d.error)
        row.files = len(report.documents)
    except Exception as exc:  # noqa: BLE001 - one bad submission must not stop the batch
        row.error = f"{type(exc).__name__}: {exc}"
    return row


def _inputs_key(job: Job) -> str:
    """Everything a submission's report depends on: its files, the checklists, the date, the profile and the
    code. The same key means the same report, so a warm re-run need not audit again."""
    from auditor import __version__
    from auditor.cache import _readers_stamp
    from auditor.checklists import checklist_source

    digest = hashlib.sha256(f"{__version__}|{_readers_stamp()}|{job.as_of}|{job.profile}".encode())
    for name in job.checklists:
        digest.update(checklist_source(name))
    for name in ("statement_cues.yaml", "roles.yaml"):  # how the text is read, beside the rules
        digest.update((Path(__file__).parent / name).read_bytes())
    for path in sorted(Path(job.folder).rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(job.folder)).encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + f".{os.getpid()}.part")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def run_batch(root: str | Path, out_dir: str | Path, checklists: list[str], as_of: dt.date, *,
              workers: int | None = None, cache_dir: str | Path | None = None,
              formats: tuple[str, ...] = ("json", "html"), profile: str | None = None, executor: Executor | None = None,
              on_done: Callable[[Row, int, int], None] | None = None,
              on_file: Callable[[str, str], None] | None = None) -> list[Row]:
    """Audit every submission under `root` into `out_dir`; returns the portfolio rows (also written).

    `on_done(row, done, total)` is called as each submission finishes; `on_file(submission, path)` as each file
    starts to be read, in this process (only with the default local pool: a cluster's workers cannot reach it).
    """
    root, out = Path(root), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    jobs = [Job(str(folder), name, _stem(name, taken), list(checklists), as_of, str(out), list(formats),
                str(cache_dir) if cache_dir else None, profile) for folder, name in submissions(root)]
    own = executor is None
    pool = executor or ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1)
    rows: list[Row] = []
    with contextlib.ExitStack() as stack:
        events = None
        if on_file is not None and own:
            import multiprocessing

            events = stack.enter_context(multiprocessing.Manager()).Queue()
            for job in jobs:
                job.events = events
        try:
            pending: set[Future] = {pool.submit(run_job, job) for job in jobs}
            while pending:
                # Short waits so that file events reach the display while submissions are still running.
                finished, pending = wait(pending, timeout=0.1 if events is not None else None,
                                         return_when=FIRST_COMPLETED)
                _drain(events, on_file)
                for future in finished:
                    rows.append(future.result())
                    if on_done:
                        on_done(rows[-1], len(rows), len(jobs))
        except KeyboardInterrupt:
            # Stop cleanly: drop what has not started, keep every report already written, and say so.
            pool.shutdown(wait=False, cancel_futures=True)
            own = False
            write_portfolio(out, rows, as_of, interrupted=True)
            raise
        finally:
            if own:
                pool.shutdown()
    write_portfolio(out, rows, as_of)
    return sorted(rows, key=lambda r: r.folder)


def _drain(events, on_file) -> None:
    while events is not None:
        try:
            submission, path = events.get_nowait()
        except queue.Empty:
            return
        on_file(submission, path)


def _csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=PORTFOLIO_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(asdict(row))
    return buffer.getvalue()


def _html(rows: list[Row], as_of: dt.date, interrupted: bool) -> Iterator[str]:
    yield ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Portfolio</title><style>"
           "body{font:14px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}"
           "td,th{border:1px solid #ccc;padding:.3rem .5rem}td.n{text-align:right}.e{color:#a40e26}"
           "</style></head><body>")
    yield f"<h1>Portfolio of {len(rows)} submission(s)</h1><p>As of {as_of}</p>"
    if interrupted:
        yield "<p class=\"e\">The run was interrupted: only the submissions below were audited.</p>"
    yield "<table><tr>" + "".join(f"<th>{html.escape(f.replace('_', ' '))}</th>" for f in PORTFOLIO_FIELDS) + "</tr>"
    for row in rows:
        data = asdict(row)
        cells = []
        for field in PORTFOLIO_FIELDS:
            value = data[field]
            if field == "submission" and not row.error:
                value = f"<a href=\"{html.escape(row.report)}.html\">{html.escape(str(value))}</a>"
                cells.append(f"<td>{value}</td>")
                continue
            shown = "" if value is None else (f"{value * 100:.0f}%" if field == "score" else str(value))
            css = " class=\"n\"" if isinstance(value, int | float) else (" class=\"e\"" if field == "error" else "")
            cells.append(f"<td{css}>{html.escape(shown)}</td>")
        yield "<tr>" + "".join(cells) + "</tr>"
    yield "</table></body></html>\n"


def write_portfolio(out: Path, rows: list[Row], as_of: dt.date, interrupted: bool = False) -> None:
    ordered = sorted(rows, key=lambda r: r.folder)
    for name, text in (("portfolio.csv", _csv(ordered)), ("portfolio.html", "".join(_html(ordered, as_of,
                                                                                          interrupted)))):
        tmp = out / (name + ".part")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, out / name)
