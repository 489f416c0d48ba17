"""The command line: a thin shell over auditor.api. Heavy imports stay inside the commands that need them.

Exit codes: 0 success; 1 a finding at or above --fail-on exists; 2 usage error, bad checklist or facts
file, or no document could be read; 3 the run failed (an output that cannot be written, an unexpected error);
130 interrupted. Every error is one line on standard error; `--debug` adds the traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback

import click

EXIT_CODES = """\b
Exit codes:
  0  the audit ran (and no finding reached --fail-on)
  1  a finding at or above the --fail-on level exists
  2  usage error, invalid checklist, submission.yaml or overrides file, or no document could be read
  3  the run failed: an output that cannot be written, or an unexpected error (--debug shows the traceback)"""

EXIT_FAILED = 3


class InputError(click.ClickException):
    """A file the user gave (or the submission holds) that cannot be used as it is: exit 2, one line."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"error: {_printable(self.format_message())}", err=True)


class RunError(click.ClickException):
    """The run could not finish (an output that cannot be written, an unexpected error): exit 3, one line."""

    exit_code = EXIT_FAILED

    def show(self, file=None) -> None:
        click.echo(f"error: {_printable(self.format_message())}", err=True)


def _printable(text: str) -> str:
    """Text for the terminal: a file name's escape sequences (ESC, NUL) shown, never sent."""
    from auditor.render import printable

    return printable(str(text))


def _debugging() -> bool:
    context = click.get_current_context(silent=True)
    root = context.find_root() if context is not None else None
    return bool(root and (root.params.get("debug") or (root.obj or {}).get("debug"))) or \
        os.environ.get("HMO_AUDIT_DEBUG", "") not in ("", "0")


def _one_sentence(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return f"cannot write or read{where}: {exc.strerror or exc}; check the path, the space left and permissions"
    if isinstance(exc, MemoryError):
        return "ran out of memory; see the limits in the README (--limit) and try fewer --workers"
    detail = " ".join(str(exc).split())[:300]
    return (f"unexpected {type(exc).__name__}: {detail}; this is a bug: run again with --debug for the traceback "
            "and report it")


class _Main(click.Group):
    """Whatever a command raises ends as one line on standard error and exit code 3 (never 1, the findings
    code); the traceback only with --debug."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, click.Abort):  # Ctrl-C (click's own "Aborted!" would exit 1, the findings code)
            click.echo("\ninterrupted", err=True)
            raise click.exceptions.Exit(130) from None
        except (click.ClickException, click.exceptions.Exit, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - the promise: one sentence, a code of its own
            if _debugging():
                traceback.print_exc()
            raise RunError(_one_sentence(exc)) from exc

# --fail-on levels: needs_review counts with partial, as an open question is not yet a pass.
SEVERITY = {"met": 0, "not_applicable": 0, "partial": 1, "needs_review": 1, "not_met": 2}
FAIL_ON = {"never": 99, "partial": 1, "not_met": 2}


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES)
@click.version_option(package_name="hmo-audit")
@click.option("--debug", is_flag=True, help="Show the traceback of an error (also HMO_AUDIT_DEBUG=1).")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Audit an HMO's quality management program documents against the rules that govern it."""
    ctx.obj = {"debug": debug}


def _limits_option(command):
    return click.option(
        "--limit", "limits", multiple=True, metavar="NAME=VALUE", callback=_set_limits, expose_value=False,
        help="Raise (or lower) a reading limit, e.g. --limit file_mb=1024; repeatable. Names: file_mb, "
             "docx_part_mb, pdf_stream_mb, document_chars, document_blocks, block_chars, ocr_megapixels, "
             "ocr_memory_mb, file_seconds (see the README's Limits).")(command)


def _set_limits(ctx, param, values) -> None:
    from extractors.limits import LimitError, apply

    try:
        apply(values)
    except LimitError as exc:
        raise click.BadParameter(str(exc)) from exc


def _write(path: str, data: str | bytes, newline: str | None = None) -> None:
    """An output file written whole or not at all: the old file stays until the new one is complete."""
    from auditor.files import write_atomic

    try:
        write_atomic(path, data, newline=newline)
    except OSError as exc:
        raise RunError(f"cannot write {_printable(exc.filename or path)}: {exc.strerror or exc}; the file is as it "
                       "was (check the space left and the folder's permissions)") from exc


def _submission_options(command):
    """The options every command that reads a submission shares."""
    options = [
        click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True)),
        click.option("--checklist", "checklists", multiple=True, default=["maine-ch109"], show_default=True,
                     help="Checklist id (see `hmo-audit checklists`) or path to a checklist YAML; repeatable."),
        click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                     help="The date the audit is judged as of (YYYY-MM-DD). Default: today."),
        click.option("--profile", default=None,
                     help="Kind of review: which requirements apply (see `hmo-audit checklists`); default: all."),
        click.option("--hmo-name", default=None, help="Overrides hmo_name in submission.yaml."),
        click.option("--members", type=click.IntRange(min=0), default=None,
                     help="Overrides members in submission.yaml."),
        click.option("--waiver/--no-waiver", "waiver", default=None, help="Whether a 1.03-9 waiver is requested."),
        click.option("--fact", "fact_pairs", multiple=True, metavar="KEY=VALUE",
                     help="Any submission.yaml fact, dotted for nested ones: --fact license_date=2009-07-01 "
                          "--fact dates.cquic_request=2025-01-06. Repeatable; overrides the file."),
        click.option("--cure-days", type=click.IntRange(min=0), default=30, show_default=True,
                     help="Cure period: corrective action for each gap is due this many days after --as-of."),
        click.option("--overrides", "overrides", type=click.Path(exists=True, dir_okay=False), default=None,
                     help="A reviewer's overrides file (YAML). Default: overrides.yaml in the submission folder."),
        click.option("--no-overrides", is_flag=True, help="Apply no overrides: the tool's findings alone."),
        click.option("--ics", "ics", type=click.Path(dir_okay=False, writable=True), default=None,
                     help="Also write the deadlines as an iCalendar file."),
        _limits_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _run(paths, checklists, as_of, profile, hmo_name, members, waiver, fact_pairs, cure_days, overrides,
         no_overrides, ics):
    """The report for the submission (usage errors become exit 2); writes the iCalendar file if asked."""
    from auditor.api import FactsError, facts_from_pairs
    from auditor.api import audit as run_audit
    from auditor.checklists import ChecklistError
    from auditor.engine import ProfileError
    from auditor.overrides import OverridesError

    day = as_of.date() if as_of else dt.date.today()
    try:
        facts = facts_from_pairs(fact_pairs, hmo_name=hmo_name, members=members, waiver_requested=waiver)
        report = run_audit(list(paths), list(checklists), day, facts, profile, cure_days,
                           overrides=False if no_overrides else overrides)
    except (ChecklistError, FactsError, ProfileError, OverridesError) as exc:
        raise InputError(str(exc)) from exc
    if ics:
        from auditor.calendar_export import to_ics

        _write(ics, to_ics(report))
    return report


@main.command(epilog=EXIT_CODES)
@_submission_options
@click.option("--format", "fmt", type=click.Choice(["json", "md", "html", "csv", "docx"]), default="md",
              show_default=True, help="docx: the findings letter (needs --output); csv: one row per finding.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the report here instead of standard output.")
@click.option("--fail-on", type=click.Choice(["not_met", "partial", "never"]), default="never", show_default=True,
              help="Exit 1 when a finding at or above this level exists (needs_review counts as partial).")
def audit(fmt: str, output: str | None, fail_on: str, **submission) -> None:
    """Audit the submission at PATHS (files or folders, read recursively) and write the gap report."""
    from auditor.render import BINARY_FORMATS, render

    if fmt in BINARY_FORMATS and not output:
        raise click.UsageError(f"--format {fmt} writes a binary file: give --output FILE.{fmt}")
    report = _run(**submission)
    text = render(report, fmt)
    if output:
        _write(output, text, newline="" if fmt == "csv" else None)
    else:
        click.echo(text, nl=False)

    s = report.summary
    unreadable = [d for d in report.documents if d.error]
    for d in unreadable:
        click.echo(f"warning: {_printable(d.path)}: {_printable(d.error)}", err=True)
    for skipped in report.skipped:
        click.echo(f"note: {_printable(skipped.path)}: {_printable(skipped.reason)}", err=True)
    click.echo(f"{len(report.documents)} document(s), {len(report.findings)} finding(s): {s.met} met, "
               f"{s.partial} partial, {s.not_met} not met, {s.needs_review} needs review, "
               f"{s.not_applicable} not applicable" + (f"; report written to {_printable(output)}" if output else ""),
               err=True)
    for f in report.findings:
        if f.review and f.review.expired:
            click.echo(f"warning: the override of {f.requirement_id} by {f.review.reviewer} expired "
                       f"{f.review.expires}; ignored (the tool's {f.status.replace('_', ' ')} stands)", err=True)
    for entry in report.inputs:
        if entry.error:
            click.echo(f"warning: {entry.checklist} input {entry.name}: {_printable(entry.error)}", err=True)
    read_inputs = [e for e in report.inputs if not e.error]
    if len(unreadable) == len(report.documents) and not read_inputs:
        click.echo("error: no document could be read", err=True)
        sys.exit(2)
    if any(SEVERITY[f.status] >= FAIL_ON[fail_on] for f in report.findings):
        sys.exit(1)


@main.command(epilog=EXIT_CODES)
@_submission_options
def deadlines(**submission) -> None:
    """List the due dates of the submission at PATHS: overdue, due within 30 days, later."""
    report = _run(**submission)
    if not report.deadlines:
        click.echo("No clock could be computed from the submission's facts and documents.")
    for d in report.deadlines:
        due = d.due.isoformat() if d.due else "?"
        click.echo(f"{due:<10}  {d.when.replace('_', ' '):<14}  {d.requirement_id:<16} {d.status:<13} {d.title}")
        click.echo(f"{'':<30}{d.citation}: {d.rule}")
    gaps = [f for f in report.findings if f.corrective_action_due]
    if gaps:
        click.echo(f"{gaps[0].corrective_action_due}  corrective action for {len(gaps)} gap(s) "
                   f"({report.cure_period_days} days after {report.as_of})")


@main.command(epilog=EXIT_CODES)
@click.argument("root", type=click.Path(exists=True, file_okay=False))
@click.option("--output-dir", "-o", required=True, type=click.Path(file_okay=False),
              help="Where the reports (<submission>.json/.html) and portfolio.csv/.html go.")
@click.option("--checklist", "checklists", multiple=True, default=["maine-ch109"], show_default=True)
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Default: today.")
@click.option("--profile", default=None, help="Kind of review (see `hmo-audit checklists`).")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Parallel processes. Default: the cores.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="Extraction cache (by file content). Default: OUTPUT_DIR/.cache.")
@click.option("--no-cache", is_flag=True, help="Read every file again.")
@click.option("--executor", "executor_factory", default=None, metavar="MODULE:CALLABLE",
              help="A callable returning a concurrent.futures.Executor to run the submissions on (a cluster's, "
                   "e.g. a function returning dask.distributed's Client(...).get_executor()).")
@_limits_option
def batch(root: str, output_dir: str, checklists: tuple[str, ...], as_of: dt.datetime | None, profile: str | None,
          workers: int | None, cache_dir: str | None, no_cache: bool, executor_factory: str | None) -> None:
    """Audit each submission folder under ROOT (one HMO per folder) into OUTPUT_DIR, with a portfolio summary.

    Ctrl-C stops cleanly: the reports already written stay, and the portfolio lists them.
    """
    import importlib
    from pathlib import Path

    from auditor.batch import BatchError, plan, run_batch

    executor = None
    if executor_factory:
        module, _, name = executor_factory.partition(":")
        try:
            executor = getattr(importlib.import_module(module), name)()
        except (ImportError, AttributeError, ValueError) as exc:
            raise click.UsageError(f"--executor {executor_factory}: {exc}") from exc
    cache = None if no_cache else (cache_dir or os.path.join(output_dir, ".cache"))
    day = as_of.date() if as_of else dt.date.today()
    try:
        found, left_out = plan(Path(root), (Path(output_dir),) + ((Path(cache),) if cache else ()))
    except BatchError as exc:
        raise InputError(str(exc)) from exc
    for folder, why in left_out:
        click.echo(f"note: {_printable(folder)}: {why}", err=True)
    from extractors import iter_input_files

    total_files = sum(len(iter_input_files([str(folder)])) for folder, _ in found)
    try:
        with click.progressbar(length=total_files, label=f"[0/{len(found)}] submissions", file=sys.stderr,
                               show_pos=True, item_show_func=lambda item: item) as bar:
            started: dict[str, int] = {}  # files begun per submission: each new one means the last is done

            def on_file(submission: str, path: str) -> None:
                if started.get(submission):
                    bar.update(1)
                started[submission] = started.get(submission, 0) + 1
                bar.current_item = _printable(f"reading {submission[:30]}: {os.path.basename(path)[:40]}")
                bar.render_progress()

            def on_done(row, done: int, total: int) -> None:
                bar.label = f"[{done}/{total}] submissions"
                bar.update(row.files - max(started.pop(row.submission, 0) - 1, 0),
                           _printable(f"done: {row.submission[:50]}"))

            rows = run_batch(root, output_dir, list(checklists), day, workers=workers, cache_dir=cache,
                             profile=profile, executor=executor, on_done=on_done, on_file=on_file)
    except KeyboardInterrupt:
        click.echo("\ninterrupted: the reports already written are kept; see portfolio.csv", err=True)
        sys.exit(130)
    except OSError as exc:
        raise RunError(f"cannot write the batch's output {_printable(exc.filename or output_dir)}: "
                       f"{exc.strerror or exc}; check the space left and the folder's permissions") from exc
    failed = [r for r in rows if r.error]
    for row in failed:
        click.echo(f"error: {_printable(row.folder)}: {_printable(row.error)}", err=True)
    click.echo(f"{len(rows)} submission(s) audited into {_printable(output_dir)} (portfolio.csv, portfolio.html)",
               err=True)
    if rows and len(failed) == len(rows):
        # Nothing audited: 2 when the submissions' own files are to blame, 3 when the run failed (writes, crashes).
        sys.exit(2 if all(r.failure in ("input", "") for r in failed) else EXIT_FAILED)


DIFF_EXIT_CODES = """\b
Exit codes:
  0  the reports were compared (and, with --fail-on-new-gaps, the new one has no new gap)
  1  --fail-on-new-gaps was given and the new report has new gaps
  2  usage error, or a file that is not a JSON report of a known schema version"""


@main.command(epilog=DIFF_EXIT_CODES)
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the comparison here instead of standard output.")
@click.option("--fail-on-new-gaps", is_flag=True, help="Exit 1 when a requirement is a gap now and was not before.")
def diff(old: str, new: str, fmt: str, output: str | None, fail_on_new_gaps: bool) -> None:
    """Compare two JSON reports (`audit --format json`) of one HMO, OLD then NEW: gaps resolved, new gaps, gaps
    still open, other status changes, requirements added or removed, with citations."""
    from auditor.diff import ReportLoadError, diff_reports, load_report, render_diff

    try:
        result = diff_reports(load_report(old), load_report(new))
    except ReportLoadError as exc:
        raise InputError(str(exc)) from exc
    text = render_diff(result, fmt)
    if output:
        _write(output, text)
    else:
        click.echo(text, nl=False)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{len(result.resolved)} resolved, {len(result.new_gaps)} new gap(s), {len(result.still_open)} still "
               f"open, {len(result.changed)} changed, {len(result.added)} added, {len(result.removed)} removed, "
               f"{result.unchanged} unchanged" + (f"; written to {output}" if output else ""), err=True)
    if fail_on_new_gaps and result.new_gaps:
        sys.exit(1)


@main.command(epilog=EXIT_CODES)
@click.argument("report_path", metavar="REPORT.json", type=click.Path(exists=True, dir_okay=False))
@click.option("--overrides", "-o", "overrides_path", type=click.Path(dir_okay=False), default="overrides.yaml",
              show_default=True, help="The overrides file to write; decisions already in it are kept and updated.")
@click.option("--reviewer", default=None, help="Your name, recorded with each decision. Asked if not given.")
@click.option("--status", "statuses", multiple=True, default=["partial", "not_met", "needs_review"],
              type=click.Choice(["met", "partial", "not_met", "needs_review", "not_applicable"]), show_default=True,
              help="Which of the tool's statuses to walk; repeatable.")
@click.option("--date", "decided", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date recorded with the decisions (YYYY-MM-DD). Default: today.")
@click.option("--sign-off", "sign_off", is_flag=True, help="Sign off the findings letter at the end (asks your title).")
def review(report_path: str, overrides_path: str, reviewer: str | None, statuses: tuple[str, ...],
           decided: dt.datetime | None, sign_off: bool) -> None:
    """Walk the open findings of REPORT.json (from `audit --format json`) in the terminal, show the evidence, and
    record your decisions in an overrides file; then apply it with `audit --overrides FILE`."""

    from auditor.overrides import OverridesError, OverridesFile, load_overrides, save_overrides
    from auditor.report_file import ReportLoadError, load_report
    from auditor.review import run_review, sign

    try:
        report = load_report(report_path)
        overrides = load_overrides(overrides_path) if os.path.exists(overrides_path) else OverridesFile()
    except (ReportLoadError, OverridesError) as exc:
        raise InputError(str(exc)) from exc
    today = decided.date() if decided else dt.date.today()
    reviewer = reviewer or click.prompt("Reviewer's name")
    overrides = run_review(report, overrides, reviewer, today, ask=lambda q, d: click.prompt(q, default=d,
                           show_default=bool(d)), say=click.echo, save=lambda o: save_overrides(o, overrides_path),
                           statuses=tuple(statuses))
    if sign_off or click.confirm("Sign off the findings letter now?", default=False):
        overrides = sign(overrides, reviewer, click.prompt("Your title", default="", show_default=False), today)
        save_overrides(overrides, overrides_path)
    click.echo(f"{len(overrides.overrides)} decision(s) in {overrides_path}"
               + (f", signed off by {overrides.sign_off.reviewer}" if overrides.sign_off else "")
               + f". Apply them: hmo-audit audit PATHS --overrides {overrides_path} --format docx -o letter.docx")


@main.command(name="checklists", epilog=EXIT_CODES)
@click.option("--ids", "ids_of", default=None, metavar="CHECKLIST",
              help="List every requirement id of this checklist with its citation and title.")
def list_checklists(ids_of: str | None) -> None:
    """List the available checklists, their requirement counts and review profiles."""
    from auditor.catalog import entry
    from auditor.checklist_files import checklist_files

    if ids_of:
        for line in _catalog_entry(ids_of)["ids"]:
            click.echo(line)
        return
    for name in sorted(checklist_files()):
        for line in entry(name)["summary"]:
            click.echo(line)


def _catalog_entry(checklist: str) -> dict:
    """What is printed about a checklist: kept for a bundled one (auditor.catalog), loaded for a path."""
    from auditor.catalog import build, entry
    from auditor.checklist_files import ChecklistError

    try:
        return entry(checklist) or build(checklist)
    except ChecklistError as exc:
        raise click.UsageError(str(exc)) from exc


@main.command(epilog=EXIT_CODES)
@click.argument("checklist")
@click.argument("requirement_id")
def explain(checklist: str, requirement_id: str) -> None:
    """Show a requirement's text, citation, the evidence sought and its deadline rule."""
    known = _catalog_entry(checklist)
    text = known["explain"].get(requirement_id)
    if text is None:
        raise click.UsageError(f"{known['id']} has no requirement {requirement_id!r}; "
                               f"see `hmo-audit checklists` for the checklists and their ids")
    click.echo(text)


def run() -> None:
    """The console entry point: `main`, then an exit that skips the interpreter's teardown once the output is
    flushed. Tearing down over 1,000 modules and spaCy's matchers took about 0.35 s after the report was written.
    The normal exit is kept when flushing fails (a closed pipe: Python's own handling and exit code apply) or when
    a child process or non-daemon thread is still alive (their atexit clean-up must run)."""
    try:
        main()
        code: int | str | None = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        raise SystemExit(code)  # a message: printed, exit 1, as Python does
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None
    if _others_alive():
        raise SystemExit(code)
    os._exit(code)


def _others_alive() -> bool:
    import threading

    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        return True
    mp = sys.modules.get("multiprocessing")
    return bool(mp is not None and mp.active_children())


if __name__ == "__main__":
    run()
