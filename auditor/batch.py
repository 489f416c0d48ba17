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
import re
import shutil
import signal
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass
from pathlib import Path

from auditor.files import remove_parts, write_atomic
from auditor.models import AuditReport

PORTFOLIO_FIELDS = ["submission", "folder", "met", "partial", "not_met", "needs_review", "not_applicable",
                    "score", "overdue_deadlines", "unreadable_files", "unreadable", "error"]
# Names the output folder holds besides the reports: a submission's report never takes one.
FIXED_STEMS = frozenset({"portfolio", "cache"})
_WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                               *(f"lpt{i}" for i in range(1, 10))})
_STEM_BYTES = 120  # file names are limited to 255 bytes; "<stem>.html" and its ".part" fit well within


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
    events: bytes | None = None  # a Manager's queue that hears of each file as it starts, pickled (see _events)
    state_dir: str | None = None  # where the worker marks the job started (to know whom a dead worker was reading)
    cure_days: int = 30


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
    unreadable: str = ""  # each unreadable file and why, "; "-separated
    error: str = ""
    files: int = 0
    report: str = ""  # the report's file stem in the output folder
    failure: str = ""  # with an error: "input" (a file the plan can fix), "write", "crash" or "died" (its worker)


class BatchError(Exception):
    """A batch that cannot start (its output folder inside a submission, say); the message says what to do."""


def _facts_name(folder: Path) -> str | None:
    """hmo_name from the folder's submission.yaml, if it is a name: a bad file costs only the nicer name here (the
    audit reports what is wrong with it), and a file linked from outside the folder is not read."""
    from auditor.api import FACTS_FILES, submission_file
    from auditor.safe_yaml import ConfigFileError, load

    path = submission_file([str(folder)], FACTS_FILES)
    if path is None:
        return None
    try:
        data = load(path)
    except ConfigFileError:
        return None
    name = data.get("hmo_name") if isinstance(data, dict) else None
    return " ".join(name.split())[:200] or None if isinstance(name, str) else None


def plan(root: Path, exclude: tuple[Path, ...] = ()) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    """The submissions under the root, as (folder, name), and what is left out, as (path, why): hidden entries,
    links, files beside the folders, and the batch's own output or cache folder when it lies in the root."""
    found, skipped = [], []
    own = {p.resolve() for p in exclude}
    loose = []  # files beside the folders: if there are no folders, the root is itself the one submission
    for folder in sorted(root.iterdir()):
        try:
            real = folder.resolve()
        except (OSError, RuntimeError):  # a link loop
            real = None
        if real in own:
            if not folder.name.startswith("."):
                skipped.append((str(folder), "the batch's own output (or cache) folder; not audited"))
        elif folder.name.startswith("."):
            skipped.append((str(folder), "hidden (its name starts with a dot); not audited"))
        elif folder.is_symlink() or real is None:
            skipped.append((str(folder), "a link; links are not followed"))
        elif not folder.is_dir():
            loose.append(folder)
        elif inner := [p for p in own if real in p.parents]:
            raise BatchError(f"the output folder {inner[0]} is inside the submission folder {folder}; "
                             "choose an output folder outside it (or beside the submissions)")
        else:
            found.append((folder, _facts_name(folder) or folder.name))
    if loose and not found:
        # A folder of documents with no subfolders is one submission (as `audit` reads it), not an empty batch.
        top = root.resolve()
        if inner := [p for p in own if top in p.parents]:
            raise BatchError(f"the output folder {inner[0]} is inside the submission folder {root} (ROOT holds "
                             "documents and no submission folders, so it is one submission); choose an output "
                             "folder outside it")
        return [(root, _facts_name(root) or root.resolve().name)], skipped
    skipped += [(str(f), "a file beside the submission folders, not a submission; not audited") for f in loose]
    return found, sorted(skipped)


def submissions(root: Path, exclude: tuple[Path, ...] = ()) -> list[tuple[Path, str]]:
    """Each folder under the root that holds files is one submission, named by its submission.yaml or folder."""
    return plan(root, exclude)[0]


def _stem(name: str, taken: set[str]) -> str:
    """A file stem for the report: letters, digits, - _ and inner dots; no hidden name, no Windows device name, none
    of the output folder's fixed names, at most _STEM_BYTES bytes, and none taken (case aside)."""
    text = unicodedata.normalize("NFC", str(name))
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in text)
    stem = re.sub(r"\.{2,}", "-", stem).strip("-._") or "submission"
    if len(stem.encode()) > _STEM_BYTES:
        suffix = "-" + hashlib.sha256(text.encode()).hexdigest()[:8]
        cut = stem.encode()[:_STEM_BYTES - len(suffix)].decode("utf-8", "ignore")
        stem = cut.rstrip("-._") + suffix
    if stem.split(".")[0].lower() in _WINDOWS_RESERVED or stem.lower() in FIXED_STEMS:
        stem += "-submission"
    candidate, n = stem, 2
    while candidate.lower() in taken:
        candidate, n = f"{stem}-{n}", n + 1
    taken.add(candidate.lower())
    return candidate


def _failure(exc: BaseException) -> tuple[str, str]:
    """(kind, what went wrong in one line): errors the user can fix as their own message, others with their type."""
    from auditor.api import FactsError
    from auditor.checklists import ChecklistError
    from auditor.overrides import OverridesError
    from extractors.common import one_line

    if isinstance(exc, FactsError | OverridesError | ChecklistError):
        return "input", one_line(str(exc), 400)
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return "write", one_line(f"cannot write or read{where}: {exc.strerror or exc}", 400)
    if isinstance(exc, MemoryError):
        return "crash", "ran out of memory auditing this submission"
    return "crash", one_line(f"{type(exc).__name__}: {exc}", 400)


def _error_row(job: Job, exc: BaseException) -> Row:
    kind, sentence = _failure(exc)
    return Row(submission=job.submission, folder=job.folder, report=job.name, error=sentence, failure=kind)


def run_job(job: Job) -> Row:
    """Audit one submission and write its reports. Runs in a worker: it must not raise."""
    from auditor.api import audit
    from auditor.cache import ExtractionCache
    from auditor.render import render

    row = Row(submission=job.submission, folder=job.folder, report=job.name)
    if job.state_dir:
        with contextlib.suppress(OSError):
            Path(job.state_dir, job.name).write_text(str(os.getpid()))
    try:
        report = None
        key = _inputs_key(job) if job.cache_dir else None
        saved = Path(job.cache_dir) / "reports" / f"{key}.json" if job.cache_dir else None
        if saved is not None and saved.is_file():  # nothing changed since the last run: reuse its report
            report = _saved_report(saved, key)
        if report is None:
            cache = ExtractionCache(job.cache_dir) if job.cache_dir else None
            events = _events(job.events)
            on_file = (lambda path: events.put((job.submission, path))) if events is not None else None
            report = audit([job.folder], job.checklists, job.as_of, profile=job.profile, cache=cache,
                           on_file=on_file, cure_days=job.cure_days)
            # A report with unreadable files is not kept: the reason may be a tool installed tomorrow.
            if saved is not None and not any(d.error for d in report.documents):
                from auditor.cache import envelope

                with contextlib.suppress(OSError):
                    saved.parent.mkdir(parents=True, exist_ok=True)
                    write_atomic(saved, envelope(key, report.model_dump_json()))
        if not report.documents and not any(not e.error for e in report.inputs):
            # As `audit` says with exit 2: nothing to audit is an error row, not a report of every requirement
            # unmet.
            row.files = 0
            row.failure, row.error = "input", ("no document to audit: the folder is empty or holds no file a reader "
                                               "takes (.pdf, .docx, .doc, .txt, .md)")
            return row
        # The JSON report last: once it is there, the rest is (a stopped batch lists the submissions whose JSON
        # report it finds, see _rows_written).
        for fmt in sorted(job.formats, key=lambda f: f == "json"):
            # Atomic: an interrupted or failed write (a full disk) leaves the old report, or none, never half.
            write_atomic(Path(job.out_dir) / f"{job.name}.{fmt}", render(report, fmt))
        _fill(row, report)
    except Exception as exc:  # noqa: BLE001 - one bad submission must not stop the batch
        row.failure, row.error = _failure(exc)
    return row


def _fill(row: Row, report: AuditReport) -> None:
    """A portfolio row's figures, from the submission's report."""
    row.files = len(report.documents)
    unreadable = [d for d in report.documents if d.error]
    row.unreadable_files = len(unreadable)
    row.unreadable = "; ".join(f"{d.path}: {d.error}" for d in unreadable)[:2000]
    s = report.summary
    row.met, row.partial, row.not_met = s.met, s.partial, s.not_met
    row.needs_review, row.not_applicable, row.score = s.needs_review, s.not_applicable, s.score
    row.overdue_deadlines = sum(1 for d in report.deadlines if d.when == "overdue")
    if len(unreadable) == len(report.documents) and not any(not e.error for e in report.inputs):
        row.failure, row.error = "input", "no document could be read (see unreadable)"


def _rows_written(jobs: list[Job], rows: list[Row], since: float) -> list[Row]:
    """Rows for the submissions whose JSON report a worker wrote in this run but whose result the batch had not
    yet received when it was stopped: every report of the run is in the portfolio."""
    have = {r.report for r in rows}
    out = []
    for job in jobs:
        path = Path(job.out_dir) / f"{job.name}.json"
        if job.name in have or "json" not in job.formats:
            continue
        try:
            if path.stat().st_mtime < since:
                continue
            report = AuditReport.model_validate_json(path.read_bytes())
        except (OSError, ValueError):
            continue
        row = Row(submission=job.submission, folder=job.folder, report=job.name)
        _fill(row, report)
        out.append(row)
    return out


def _events(pickled: bytes | None):
    """The progress queue in a worker, or None. The Manager's proxy travels pickled and is unpickled here, where a
    dead Manager (killed, or gone with Ctrl-C) costs the progress display only: unpickled by the pool, the proxy's
    failure to reach its Manager would kill every worker it is sent to."""
    if pickled is None:
        return None
    import pickle

    try:
        return pickle.loads(pickled)
    except Exception:  # noqa: BLE001 - ConnectionRefusedError, EOFError...: no progress, the audit goes on
        return None


def _saved_report(saved: Path, key: str) -> AuditReport | None:
    """The report saved under `key`, when the entry is that key's (a report planted under another key is not)."""
    from auditor.cache import opened

    try:
        payload = opened(saved.read_bytes(), key)
        return AuditReport.model_validate(payload) if payload is not None else None
    except (OSError, ValueError):
        return None


def _inputs_key(job: Job) -> str:
    """Everything a submission's report depends on: its files, the checklists, the date, the profile and the
    code. The same key means the same report, so a warm re-run need not audit again."""
    from auditor import __version__
    from auditor.cache import _readers_stamp
    from auditor.checklists import checklist_source

    digest = hashlib.sha256(f"{__version__}|{_readers_stamp()}|{job.as_of}|{job.profile}".encode()
                            + (f"|cure {job.cure_days}".encode() if job.cure_days != 30 else b""))
    for name in job.checklists:
        digest.update(checklist_source(name))
    for name in ("statement_cues.yaml", "roles.yaml"):  # how the text is read, beside the rules
        digest.update((Path(__file__).parent / name).read_bytes())
    for path in sorted(Path(job.folder).rglob("*")):
        if path.is_file():
            digest.update(_file_digest(Path(job.folder), path))
    return digest.hexdigest()


def _file_digest(folder: Path, path: Path) -> bytes:
    """A file's part of the inputs key: its name and content hash, read a megabyte at a time; a file that resolves
    outside the folder (a link out, which the audit does not read either) counts by its name alone."""
    from auditor.cache import file_sha256
    from extractors import inside

    name = str(path.relative_to(folder)).encode()
    try:
        within = inside(path.resolve(strict=True), folder.resolve())
    except (OSError, RuntimeError):
        within = False
    return name + (b"|" + (file_sha256(path) or "unreadable").encode() if within else b"|outside")


class Terminated(KeyboardInterrupt):
    """SIGTERM to the batch's process: handled as Ctrl-C is (workers ended, the portfolio of what finished written),
    as a KeyboardInterrupt so that every path that cleans up after Ctrl-C cleans up after it too."""


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """While the batch runs, SIGTERM raises Terminated in the main thread (by default it would end this process
    alone, leaving its workers running and no portfolio). Only where a handler can be set: the main thread."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminated(signum, frame):
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _worker_init() -> None:
    """A pool worker (or the progress display's Manager) leaves Ctrl-C to the batch's own process, which stops the
    workers, so the terminal sees no worker's traceback; and SIGTERM ends it at once, as it would have without the
    batch's own handler, which a forked worker inherits."""
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _new_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)


def _processes(pool: Executor) -> list:
    """A local pool's worker processes (multiprocessing.Process objects), as far as the pool still lists them."""
    return list((getattr(pool, "_processes", None) or {}).values())


def _stop_workers(pool: Executor) -> None:
    """End a local pool's worker processes now (Ctrl-C): not waiting for the submissions they are auditing."""
    processes = _processes(pool)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()


def _died(processes: list) -> str:
    codes = [p.exitcode for p in processes if getattr(p, "exitcode", None)]
    signals = sorted({-c for c in codes if c < 0})
    if signals:
        names = ", ".join(_signal_name(n) for n in signals)
        how = f"was killed ({names}{'; the out-of-memory killer sends SIGKILL' if 9 in signals else ''})"
    else:
        how = "ended abruptly"
    return (f"the worker process auditing this submission {how}; run again on its own, it died again, so this "
            "submission has no report (the others were audited)")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def run_batch(root: str | Path, out_dir: str | Path, checklists: list[str], as_of: dt.date, *,
              workers: int | None = None, cache_dir: str | Path | None = None,
              formats: tuple[str, ...] = ("json", "html"), profile: str | None = None, executor: Executor | None = None,
              on_done: Callable[[Row, int, int], None] | None = None,
              on_file: Callable[[str, str], None] | None = None, cure_days: int = 30) -> list[Row]:
    """Audit every submission under `root` into `out_dir`; returns the portfolio rows (also written).

    `on_done(row, done, total)` is called as each submission finishes; `on_file(submission, path)` as each file
    starts to be read, in this process (only with the default local pool: a cluster's workers cannot reach it).

    Each submission is audited on its own: a broken submission.yaml or a crash is that submission's error row. With
    the default pool, a worker process that dies (SIGKILL, the out-of-memory killer) costs at most the submission it
    was auditing: the pool is restarted, the submissions not yet started are audited as usual, and those the dead
    pool had started are run again one at a time, so that only one that kills its own worker again is lost.
    """
    root, out = Path(root), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    exclude = (out,) + ((Path(cache_dir),) if cache_dir else ())
    found, _skipped = plan(root, exclude)
    taken: set[str] = set(FIXED_STEMS)
    jobs = [Job(str(folder), name, _stem(name, taken), list(checklists), as_of, str(out), list(formats),
                str(cache_dir) if cache_dir else None, profile, cure_days=cure_days) for folder, name in found]
    own = executor is None
    workers = workers or os.cpu_count() or 1
    rows: list[Row] = []

    def finished(row: Row) -> None:
        rows.append(row)
        if on_done:
            on_done(row, len(rows), len(jobs))

    started = time.time() - 1  # reports written from here on are this run's (file times may be coarse)
    state = Path(tempfile.mkdtemp(prefix="hmo-audit-batch-")) if own else None
    with contextlib.ExitStack() as stack:
        if state is not None:
            stack.callback(shutil.rmtree, state, True)
        run = _Runner(events=None, on_file=on_file, finished=finished, own=own)
        if on_file is not None and own:
            from multiprocessing.managers import SyncManager

            manager = SyncManager()
            manager.start(_worker_init)  # its process ignores Ctrl-C too: no traceback of its own
            stack.callback(manager.shutdown)
            run.events = manager.Queue()
        for job in jobs:
            job.state_dir = str(state) if state else None
        try:
            todo, suspects = list(jobs), []
            unstarted: dict[str, int] = {}  # pools a job was lost with before it started
            while todo:
                run.pool = _new_pool(min(workers, len(todo))) if own else executor
                broken = run.jobs(todo)
                todo = []
                for job in broken:  # those the dead worker had started are suspects; the rest go on as usual
                    if state is not None and Path(state, job.name).exists():
                        suspects.append(job)
                        continue
                    unstarted[job.name] = unstarted.get(job.name, 0) + 1
                    if unstarted[job.name] < 3:
                        todo.append(job)
                    else:  # lost with three pools without ever starting: no worker can take it
                        finished(Row(submission=job.submission, folder=job.folder, report=job.name,
                                     error="no worker process could start auditing it", failure="crash"))
            for job in suspects:  # each alone, in a pool of one: a second death is its own doing
                run.pool = _new_pool(1)
                if run.jobs([job]):
                    finished(Row(submission=job.submission, folder=job.folder, report=job.name,
                                 error=_died(run.seen), failure="died"))
        except KeyboardInterrupt:
            # Stop cleanly: drop what has not started, end the workers, keep every report already written (with the
            # temporary files of those being written removed), and say so.
            if run.pool is not None and own:
                _stop_workers(run.pool)
                run.pool = None
            remove_parts(out)
            rows += _rows_written(jobs, rows, started)
            write_portfolio(out, rows, as_of, interrupted=True)
            raise
        finally:
            if run.pool is not None and own:
                run.pool.shutdown(wait=False, cancel_futures=True)
    if own:  # what killed workers were writing when they died
        remove_parts(out)
        if cache_dir:
            remove_parts(cache_dir, recursive=True)
    write_portfolio(out, rows, as_of)
    return sorted(rows, key=lambda r: r.folder)


@dataclass
class _Runner:
    """Runs jobs on one pool at a time, hands each row to `finished`, and says which jobs a broken pool lost."""

    events: object
    on_file: Callable[[str, str], None] | None
    finished: Callable[[Row], None]
    own: bool
    pool: Executor | None = None
    seen: list | None = None  # the pool's worker processes (their exit codes say how one died)

    def jobs(self, jobs: list[Job]) -> list[Job]:
        pool = self.pool
        assert pool is not None
        broken: list[Job] = []
        futures: dict[Future, Job] = {}
        pickled = None
        if self.events is not None:
            import pickle

            with contextlib.suppress(Exception):
                pickled = pickle.dumps(self.events)
        for job in jobs:
            job.events = pickled
            try:
                futures[pool.submit(run_job, job)] = job
            except BrokenExecutor:
                broken.append(job)
        self.seen = _processes(pool)
        pending = set(futures)
        while pending:
            # Short waits so that file events reach the display while submissions are still running.
            done, pending = wait(pending, timeout=0.1 if self.events is not None else None,
                                 return_when=FIRST_COMPLETED)
            self.seen = _processes(pool) or self.seen
            self.events = _drain(self.events, self.on_file)
            for future in done:
                job = futures[future]
                error = future.exception()
                if isinstance(error, BrokenExecutor) and self.own:
                    broken.append(job)
                    continue
                if job.state_dir:
                    with contextlib.suppress(OSError):
                        Path(job.state_dir, job.name).unlink()
                if error is None:
                    self.finished(future.result())
                else:  # a job that could not be sent, or a cluster executor that broke (not ours to restart)
                    self.finished(_error_row(job, error))
        if self.own:
            pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        return broken


def _drain(events, on_file):
    """Hand the queued file events to `on_file`; returns the queue, or None once it is gone (its Manager process
    killed): the progress display stops, the batch goes on."""
    while events is not None:
        try:
            submission, path = events.get_nowait()
        except queue.Empty:
            return events
        except Exception:  # noqa: BLE001 - EOFError, BrokenPipeError, ConnectionRefusedError: the Manager is gone
            return None
        with contextlib.suppress(Exception):
            on_file(submission, path)
    return None


def _csv(rows: list[Row]) -> str:
    """The portfolio as CSV; a text cell that a spreadsheet would run as a formula gets a leading apostrophe, as in
    the per-report CSV."""
    from auditor.render_csv import safe_cell

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=PORTFOLIO_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_cell(v) if isinstance(v, str) else v for k, v in asdict(row).items()})
    return buffer.getvalue()


def _html(rows: list[Row], as_of: dt.date, interrupted: bool) -> Iterator[str]:
    from auditor.render import portfolio_css, printable

    def escape(text: str) -> str:
        return html.escape(printable(text))

    yield ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Portfolio</title><style>\n"
           + portfolio_css() + "\n</style></head><body>")  # the reports' stylesheet: one look for both
    yield f"<h1>Portfolio of {len(rows)} submission(s)</h1><p class=\"meta\">As of {as_of}</p>"
    if interrupted:
        yield "<p class=\"e\">The run was interrupted: only the submissions below were audited.</p>"
    yield "<table><tr>" + "".join(f"<th>{html.escape(f.replace('_', ' '))}</th>" for f in PORTFOLIO_FIELDS) + "</tr>"
    for row in rows:
        data = asdict(row)
        cells = []
        for field in PORTFOLIO_FIELDS:
            value = data[field]
            if field == "submission" and not row.error:
                value = f"<a href=\"{escape(row.report)}.html\">{escape(str(value))}</a>"
                cells.append(f"<td>{value}</td>")
                continue
            shown = "" if value is None else (f"{value * 100:.0f}%" if field == "score" else str(value))
            css = " class=\"n\"" if isinstance(value, int | float) else (" class=\"e\"" if field == "error" else "")
            cells.append(f"<td{css}>{escape(shown)}</td>")
        yield "<tr>" + "".join(cells) + "</tr>"
    yield "</table></body></html>\n"


def write_portfolio(out: Path, rows: list[Row], as_of: dt.date, interrupted: bool = False) -> None:
    ordered = sorted(rows, key=lambda r: r.folder)
    for name, text in (("portfolio.csv", _csv(ordered)), ("portfolio.html", "".join(_html(ordered, as_of,
                                                                                          interrupted)))):
        write_atomic(out / name, text, newline="")
