"""The command line: a thin shell over auditor.api. Heavy imports stay inside the commands that need them.

Exit codes: 0 success; 1 a finding at or above --fail-on exists; 2 usage error, bad checklist or facts
file, or no document could be read; 3 the run failed (an output that cannot be written, an unexpected error);
130 interrupted. Every error is one line on standard error; `--debug` adds the traceback.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
import traceback

import click

EXIT_CODES = """\b
Exit codes:
  0  the audit ran (and no finding reached --fail-on); a closed pipe (| head) is not an error
  1  a finding at or above the --fail-on level exists (deadlines: --fail-on overdue and one is)
  2  usage error, invalid checklist, config, submission.yaml or overrides file, or no document could be read
  3  the run failed: an output that cannot be written (a missing folder), or an unexpected error (--debug shows
     the traceback)
  130  interrupted (Ctrl-C); 143 stopped by SIGTERM (batch: the portfolio of what finished is written)"""

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
        except BrokenPipeError:
            _stdout_gone()
            raise click.exceptions.Exit(0) from None
        except (KeyboardInterrupt, click.Abort):  # Ctrl-C (click's own "Aborted!" would exit 1, the findings code)
            click.echo("\ninterrupted", err=True)
            raise click.exceptions.Exit(130) from None
        except (click.ClickException, click.exceptions.Exit, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - the promise: one sentence, a code of its own
            if _debugging():
                traceback.print_exc()
            raise RunError(_one_sentence(exc)) from exc

def _stdout_gone() -> None:
    """The reader of standard output went away (`| head`): not an error. What is still buffered goes nowhere, so
    that the interpreter's own flush at exit does not complain either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (a test runner's): nothing to redirect
        pass


def _echo_out(text: str | bytes) -> None:
    """Write a report to standard output; a closed pipe ends the writing, not the run (the exit code still says
    whether --fail-on was reached)."""
    try:
        click.echo(text, nl=False)
        sys.stdout.flush()
    except BrokenPipeError:
        _stdout_gone()


# --fail-on levels: needs_review counts with partial, as an open question is not yet a pass.
SEVERITY = {"met": 0, "not_applicable": 0, "partial": 1, "needs_review": 1, "not_met": 2}
FAIL_ON = {"never": 99, "partial": 1, "not_met": 2}


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES)
@click.version_option(package_name="hmo-audit")
@click.option("--debug", is_flag=True, help="Show the traceback of an error (also HMO_AUDIT_DEBUG=1).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="The project config file (default: hmo-audit.toml here or in a folder above; also "
                   "HMO_AUDIT_CONFIG). `hmo-audit config` shows the settings in effect.")
@click.option("--no-config", is_flag=True, help="Read no config file.")
@click.pass_context
def main(ctx: click.Context, debug: bool, config_path: str | None, no_config: bool) -> None:
    """Audit an HMO's quality management program documents against the rules that govern it."""
    from auditor.config import ConfigError, default_map, resolve

    ctx.obj = {"debug": debug}
    try:
        config = resolve(config_path, no_config)
    except ConfigError as exc:
        raise InputError(f"{exc}; fix it, or run with --no-config") from exc
    ctx.obj["config"] = config
    ctx.default_map = default_map(config)


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
         no_overrides, ics, select=(), skip=(), on_file=None):
    """The report for the submission (usage errors become exit 2); writes the iCalendar file if asked."""
    from auditor.api import FactsError, facts_from_pairs
    from auditor.api import audit as run_audit
    from auditor.checklists import ChecklistError, ProfileError
    from auditor.overrides import OverridesError
    from auditor.selection import SelectionError

    day = as_of.date() if as_of else dt.date.today()
    try:
        facts = facts_from_pairs(fact_pairs, hmo_name=hmo_name, members=members, waiver_requested=waiver)
        report = run_audit(list(paths), list(checklists), day, facts, profile, cure_days,
                           overrides=False if no_overrides else overrides, on_file=on_file,
                           select=list(select), skip=list(skip), overlap=True)
    except (ChecklistError, FactsError, ProfileError, OverridesError, SelectionError) as exc:
        raise InputError(str(exc)) from exc
    if ics:
        from auditor.calendar_export import to_ics

        _write(ics, to_ics(report))
    return report


def _outputs(outputs: tuple[str, ...], fmt: str | None) -> list[tuple[str | None, str]]:
    """(path, format) per output: the format an output's name says (`report.html`), else --format, else md; one
    to standard output (None) when no --output is given. A --format that contradicts a name is a usage error:
    writing Markdown into `report.html` is the trap this closes."""
    from auditor.render import BINARY_FORMATS, EXTENSIONS

    if not outputs:
        chosen = fmt or "md"
        if chosen in BINARY_FORMATS:
            raise click.UsageError(f"--format {chosen} writes a binary file: give --output FILE.{chosen}")
        return [(None, chosen)]
    planned = []
    for path in outputs:
        said = EXTENSIONS.get(os.path.splitext(path)[1].lower())
        if said and fmt and said != fmt:
            raise click.UsageError(f"--format {fmt} contradicts the name {path} (a .{path.rsplit('.', 1)[-1]} file "
                                   f"is {said}); drop --format, or name the file for its format")
        planned.append((path, said or fmt or "md"))
    seen: set[str] = set()
    for path, _ in planned:
        key = os.path.realpath(path)
        if key in seen and not path.startswith("/dev/"):
            raise click.UsageError(f"--output {path} is given twice")
        seen.add(key)
    return planned


def _check_writable(path: str) -> None:
    """Fail before the audit, not after minutes of it, when an output cannot be created: its folder missing, or a
    folder where the file should be. Exit 3 (the run failed), one line; never 1 (the findings code)."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise RunError(f"cannot write {_printable(path)}: it is a folder; give a file name (e.g. {path}/report.md)")
    if not os.path.isdir(folder):
        raise RunError(f"cannot write {_printable(path)}: the folder {_printable(folder)} does not exist; create it "
                       "first (mkdir -p) or choose another --output")
    if not os.access(folder, os.W_OK):
        raise RunError(f"cannot write {_printable(path)}: the folder {_printable(folder)} is not writable")


class _Progress:
    """The file being read, on one line of standard error that is rewritten: only on a terminal and without
    --quiet (a log or a pipe gets the summary lines only)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shown = 0

    def __call__(self, path: str) -> None:
        if not self.enabled:
            return
        text = _printable(f"reading {path}")[:100]
        click.echo("\r" + text.ljust(self.shown), nl=False, err=True)
        self.shown = len(text)

    def done(self) -> None:
        if self.enabled and self.shown:
            click.echo("\r" + " " * self.shown + "\r", nl=False, err=True)
            self.shown = 0


def _verbose(report) -> None:
    """-v: which files were read and how each was classified, which roles and defined names were found."""
    for d in report.documents:
        pages = f", {d.pages} page(s)" if d.pages else ""
        state = f"not read: {d.error}" if d.error else f"read as {d.kind.replace('_', ' ')} ({d.format}{pages})"
        click.echo(f"file: {_printable(d.path)}: {_printable(state)}", err=True)
    for entry in report.inputs:
        click.echo(f"input: {entry.checklist} {entry.name}: " + (_printable(entry.error) if entry.error else
                   f"{entry.rows} row(s) from {_printable(entry.path or '?')}"), err=True)
    for name in report.names:
        what = name.label or "defined name"
        where = f" ({_printable(name.document)}" + (f" p.{name.page}" if name.page else "") + ")" if name.document \
            else ""
        foreign = " (another organisation's)" if name.foreign else ""
        click.echo(f"name: {what}: {_printable(name.name)}{foreign}, {name.how}{where}", err=True)


def _no_document(report) -> str | None:
    """Why nothing can be audited (no document at all, or none readable, and no data input), else None."""
    if any(e for e in report.inputs if not e.error):
        return None
    if not report.documents:
        return ("no document to audit: the submission holds no file a reader takes (.pdf, .docx, .doc, .txt, .md)"
                + (f"; {len(report.skipped)} file(s) not read, listed above" if report.skipped else ""))
    if all(d.error for d in report.documents):
        return "no document could be read (the reasons are above)"
    return None


@main.command(epilog=EXIT_CODES)
@_submission_options
@click.option("--format", "fmt", type=click.Choice(["json", "md", "html", "csv", "docx", "junit"]), default=None,
              help="Default: from the --output name (.json .md .html .csv .docx .xml for junit), else md. "
                   "docx: the findings letter (needs --output); csv: one row per finding; junit: JUnit XML, one "
                   "test case per requirement.")
@click.option("--output", "-o", "outputs", multiple=True, type=click.Path(dir_okay=False),
              help="Write the report here instead of standard output; repeatable (-o report.html -o report.json): "
                   "the documents are read once.")
@click.option("--fail-on", type=click.Choice(["not_met", "partial", "never"]), default="never", show_default=True,
              help="Exit 1 when a finding at or above this level exists (needs_review counts as partial).")
@click.option("--select", "select", multiple=True, metavar="ID",
              help="Report only these requirements or sections (1.03-1.C, 1.03, 1.03-2*); repeatable.")
@click.option("--skip", "skip", multiple=True, metavar="ID",
              help="Leave these requirements or sections out of the report; repeatable.")
@click.option("--quiet", "-q", is_flag=True,
              help="Only errors and warnings on standard error: no progress, notes or summary.")
@click.option("--verbose", "-v", is_flag=True,
              help="Also list the files read and how each was classified, and the roles and names found.")
def audit(fmt: str | None, outputs: tuple[str, ...], fail_on: str, select: tuple[str, ...], skip: tuple[str, ...],
          quiet: bool, verbose: bool, **submission) -> None:
    """Audit the submission at PATHS (files or folders, read recursively) and write the gap report."""
    from auditor.render import render

    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose contradict each other: give one")
    planned = _outputs(outputs, fmt)
    for path in [p for p, _ in planned if p is not None] + ([submission["ics"]] if submission["ics"] else []):
        _check_writable(path)
    progress = _Progress(enabled=not quiet and sys.stderr.isatty())
    try:
        report = _run(**submission, select=select, skip=skip, on_file=progress)
    finally:
        progress.done()

    def note(text: str) -> None:
        if not quiet:
            click.echo(text, err=True)

    if verbose:
        _verbose(report)
    for d in report.documents:
        if d.error:
            click.echo(f"warning: {_printable(d.path)}: {_printable(d.error)}", err=True)
    for skipped in report.skipped:
        note(f"note: {_printable(skipped.path)}: {_printable(skipped.reason)}")
    for entry in report.inputs:
        if entry.error:
            click.echo(f"warning: {entry.checklist} input {entry.name}: {_printable(entry.error)}", err=True)
    why = _no_document(report)
    if why and not report.documents:
        # Before any report is written: a "138 not met" report of an empty folder would read as findings. (A
        # submission whose documents all failed to read still gets its report: every finding there is
        # needs_review, and it lists each document's error.)
        click.echo(f"error: {_printable(' '.join(submission['paths']))}: {why}", err=True)
        sys.exit(2)
    for path, chosen in planned:
        data = render(report, chosen)
        if path is None:
            _echo_out(data)
        else:
            _write(path, data, newline="" if chosen == "csv" else None)
    s = report.summary
    written = [path for path, _ in planned if path]
    note(f"{len(report.documents)} document(s), {len(report.findings)} finding(s): {s.met} met, "
         f"{s.partial} partial, {s.not_met} not met, {s.needs_review} needs review, "
         f"{s.not_applicable} not applicable"
         + (f"; report written to {', '.join(_printable(p) for p in written)}" if written else ""))
    for f in report.findings:
        if f.review and f.review.expired:
            note(f"warning: the override of {f.requirement_id} by {f.review.reviewer} expired "
                 f"{f.review.expires}; ignored (the tool's {f.status.replace('_', ' ')} stands)")
    if why:
        click.echo(f"error: {why}", err=True)
        sys.exit(2)
    if any(SEVERITY[f.status] >= FAIL_ON[fail_on] for f in report.findings):
        sys.exit(1)


# The deadline list's words for people (the JSON keeps the model's names).
WHEN_WORDS = {"overdue": "overdue", "within_30_days": "due within 30 days", "later": "due later",
              "past": "past, kept", "needs_review": "needs a start date"}
STATUS_WORDS = {"met": "met", "partial": "partly met", "not_met": "not met", "needs_review": "needs review",
                "not_applicable": "not applicable"}


@main.command(epilog=EXIT_CODES)
@_submission_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: the deadline entries and the corrective-action date, for scripts.")
@click.option("--fail-on", "fail_on", type=click.Choice(["never", "overdue"]), default="never", show_default=True,
              help="Exit 1 when a deadline is overdue (for CI or a scheduled check).")
def deadlines(fmt: str, fail_on: str, **submission) -> None:
    """List the due dates of the submission at PATHS: overdue, due within 30 days, later, past and kept, and
    those whose date cannot be known yet (with the fact they need)."""
    if submission["ics"]:
        _check_writable(submission["ics"])
    report = _run(**submission)
    gaps = [f for f in report.findings if f.corrective_action_due]
    if fmt == "json":
        import json

        entries = [d.model_dump(mode="json") for d in report.deadlines]
        payload = {"as_of": report.as_of.isoformat(), "deadlines": entries,
                   "corrective_action": {"due": gaps[0].corrective_action_due.isoformat(), "gaps": len(gaps),
                                         "cure_period_days": report.cure_period_days} if gaps else None}
        _echo_out(json.dumps(payload, indent=2) + "\n")
    else:
        lines = [] if report.deadlines else ["No clock could be computed from the submission's facts and documents."]
        for d in report.deadlines:
            due = d.due.isoformat() if d.due else "not known"
            lines.append(f"{due:<10}  {WHEN_WORDS[d.when]:<19} {d.requirement_id:<16} {STATUS_WORDS[d.status]:<14} "
                         f"{d.title}")
            lines.append(f"{'':<31}{d.citation}: {d.rule}")
        if gaps:
            lines.append(f"{gaps[0].corrective_action_due}  corrective action for {len(gaps)} gap(s) "
                         f"({report.cure_period_days} days after {report.as_of})")
        _echo_out("\n".join(lines) + "\n")
    if fail_on == "overdue" and any(d.when == "overdue" for d in report.deadlines):
        sys.exit(1)


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
@click.option("--cure-days", type=click.IntRange(min=0), default=30, show_default=True,
              help="Cure period: corrective action for each gap is due this many days after --as-of.")
@click.option("--fail-on", type=click.Choice(["not_met", "partial", "never"]), default="never", show_default=True,
              help="Exit 1 when a submission has a finding at or above this level (or could not be audited).")
@click.option("--executor", "executor_factory", default=None, metavar="MODULE:CALLABLE",
              help="A callable returning a concurrent.futures.Executor to run the submissions on (a cluster's, "
                   "e.g. a function returning dask.distributed's Client(...).get_executor()).")
@_limits_option
def batch(root: str, output_dir: str, checklists: tuple[str, ...], as_of: dt.datetime | None, profile: str | None,
          workers: int | None, cache_dir: str | None, no_cache: bool, cure_days: int, fail_on: str,
          executor_factory: str | None) -> None:
    """Audit each submission folder under ROOT (one HMO per folder) into OUTPUT_DIR, with a portfolio summary. A
    ROOT that holds documents and no folders is one submission; an empty folder is an error row.

    Ctrl-C or SIGTERM stops cleanly: every worker ends, the reports already written stay, and the portfolio lists
    them.
    """
    import importlib
    from pathlib import Path

    from auditor.batch import BatchError, Terminated, plan, run_batch, stop_on_sigterm

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
    from extractors import iter_input_files, unsupported

    total_files = sum(1 for folder, _ in found for path, _ in iter_input_files([str(folder)]) if not unsupported(path))
    try:
        with stop_on_sigterm(), click.progressbar(length=total_files, label=f"[0/{len(found)}] submissions",
                                                  file=sys.stderr, show_pos=True,
                                                  item_show_func=lambda item: item) as bar:
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
                             profile=profile, executor=executor, on_done=on_done, on_file=on_file,
                             cure_days=cure_days)
    except KeyboardInterrupt as exc:
        how = "stopped (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"
        click.echo(f"\n{how}: the workers were ended; the reports already written are kept, and portfolio.csv "
                   "lists them", err=True)
        sys.exit(143 if isinstance(exc, Terminated) else 130)
    except OSError as exc:
        raise RunError(f"cannot write the batch's output {_printable(exc.filename or output_dir)}: "
                       f"{exc.strerror or exc}; check the space left and the folder's permissions") from exc
    failed = [r for r in rows if r.error]
    for row in failed:
        click.echo(f"error: {_printable(row.folder)}: {_printable(row.error)}", err=True)
    click.echo(f"{len(rows)} submission(s) audited into {_printable(output_dir)} (portfolio.csv, portfolio.html)",
               err=True)
    if not rows:
        click.echo(f"error: {_printable(root)}: no submission to audit (no folder and no document in it)", err=True)
        sys.exit(2)
    if len(failed) == len(rows):
        # Nothing audited: 2 when the submissions' own files are to blame, 3 when the run failed (writes, crashes).
        sys.exit(2 if all(r.failure in ("input", "") for r in failed) else EXIT_FAILED)
    level = FAIL_ON[fail_on]
    # A submission that could not be audited cannot be said to pass: with --fail-on it fails the run too.
    if level < 99 and (failed or any((r.not_met if level == 2 else r.not_met + r.partial + r.needs_review)
                                     for r in rows)):
        sys.exit(1)


DIFF_EXIT_CODES = """\b
Exit codes:
  0  the reports were compared (and, with --fail-on-new-gaps, the new one has no new gap)
  1  --fail-on-new-gaps was given and the new report has new gaps
  2  usage error, or a file that is not a JSON report of a known schema version"""


@main.command(epilog=DIFF_EXIT_CODES)
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default=None,
              help="Default: from the --output name (.json, .md), else md.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the comparison here instead of standard output.")
@click.option("--fail-on-new-gaps", is_flag=True, help="Exit 1 when a requirement is a gap now and was not before.")
def diff(old: str, new: str, fmt: str | None, output: str | None, fail_on_new_gaps: bool) -> None:
    """Compare two JSON reports (`audit --format json`) of one HMO, OLD then NEW: gaps resolved, new gaps, gaps
    still open, other status changes, requirements added or removed, with citations."""
    from auditor.diff import ReportLoadError, diff_reports, load_report, render_diff

    (_, fmt), = _outputs((output,) if output else (), fmt)
    if fmt not in ("md", "json"):
        raise click.UsageError(f"the comparison is written as md or json, not {fmt}: name the output .md or .json")
    if output:
        _check_writable(output)

    try:
        result = diff_reports(load_report(old), load_report(new))
    except ReportLoadError as exc:
        raise InputError(str(exc)) from exc
    text = render_diff(result, fmt)
    if output:
        _write(output, text)
    else:
        _echo_out(text)
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


@main.group(name="checklists", epilog=EXIT_CODES, invoke_without_command=True)
@click.option("--ids", "ids_of", default=None, metavar="CHECKLIST",
              help="List every requirement id of this checklist with its citation and title.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: the checklists, their profiles and requirements (id, section, citation, title, deadline "
                   "rule), for scripts.")
@click.pass_context
def list_checklists(ctx: click.Context, ids_of: str | None, fmt: str) -> None:
    """List the available checklists, their requirement counts and review profiles (`checklists validate FILE`
    checks a checklist of your own)."""
    if ctx.invoked_subcommand is not None:
        return
    from auditor.checklist_files import ChecklistError, checklist_files

    if fmt == "json":
        import json

        from auditor.checklists import listing, load_checklist

        try:
            chosen = [load_checklist(ids_of)] if ids_of else [load_checklist(n) for n in sorted(checklist_files())]
        except ChecklistError as exc:
            raise InputError(str(exc)) from exc
        payload = [listing(c) for c in chosen]
        _echo_out(json.dumps(payload if not ids_of else payload[0], indent=2) + "\n")
        return
    # The text listing comes from the catalog (auditor.catalog): a bundled checklist's rules are not loaded.
    if ids_of:
        lines = _catalog_entry(ids_of)["ids"]
    else:
        lines = [line for name in sorted(checklist_files()) for line in _catalog_entry(name)["summary"]]
    _echo_out("\n".join(lines) + "\n")


def _catalog_entry(checklist: str) -> dict:
    """What is printed about a checklist: kept for a bundled one (auditor.catalog), loaded for a path or for a name
    given in another case."""
    from auditor.catalog import build, entry
    from auditor.checklist_files import ChecklistError

    try:
        return entry(checklist) or build(checklist)
    except ChecklistError as exc:
        raise InputError(str(exc)) from exc


@list_checklists.command(name="validate", epilog="""\b
Exit codes:
  0  the checklist loads and every example is judged as it says
  1  an example is judged otherwise (each one is listed)
  2  the checklist cannot be loaded (the message names the file and the field)""")
@click.argument("file", type=click.Path(exists=True))
@click.option("--no-examples", is_flag=True, help="Only load and check the file; do not judge its examples.")
def validate_checklist(file: str, no_examples: bool) -> None:
    """Load the checklist FILE (YAML, or a folder holding checklist.yaml) as the audit would, then judge each
    requirement's own `pass` examples (must be met) and `fail` examples (near misses: must not be met)."""
    from auditor.checklists import ChecklistError, load_checklist

    try:
        checklist = load_checklist(file)
    except ChecklistError as exc:
        raise InputError(str(exc)) from exc
    click.echo(f"{_printable(file)}: {checklist.id} {checklist.version}, {len(checklist.requirements)} "
               f"requirement(s) in {len(checklist.sections)} section(s): loads", err=True)
    if no_examples:
        return
    from auditor.validate import run_examples

    results = run_examples(checklist)
    failed = [r for r in results if not r.ok]
    for r in failed:
        click.echo(f"fail: {r.requirement_id}: {_printable(r.problem)}")
    click.echo(f"{len(results) - len(failed)} of {len(results)} example(s) judged as they say", err=True)
    if failed:
        sys.exit(1)


@main.command(epilog=EXIT_CODES)
@click.argument("checklist")
@click.argument("requirement_id")
def explain(checklist: str, requirement_id: str) -> None:
    """Show a requirement's text, citation, the evidence sought and its deadline rule. REQUIREMENT_ID in any case,
    and as reports print it (`1.06-1.D[asthma]` is 1.06-1.D)."""
    from auditor.suggest import did_you_mean, find_case_insensitive

    known = _catalog_entry(checklist)
    ids = list(known["explain"])
    found = find_case_insensitive(requirement_id.strip().split("[", 1)[0], ids)
    if found is None:
        raise InputError(f"{known['id']} has no requirement {requirement_id!r}{did_you_mean(requirement_id, ids)} "
                         f"(`hmo-audit checklists --ids {known['id']}` lists them)")
    _echo_out(known["explain"][found] + "\n")


def run() -> None:
    """The console entry point: `main`, then an exit that skips the interpreter's teardown once the output is
    flushed. Tearing down over 1,000 modules and spaCy's matchers took about 0.35 s after the report was written.
    The normal exit is kept when flushing fails (a closed pipe: Python's own handling and exit code apply) or when
    a child process or non-daemon thread is still alive (their atexit clean-up must run)."""
    # The cyclic garbage collector's default thresholds (a young collection every 700 allocations, a full one every
    # 100 young ones) made it walk the whole heap again and again while a long document was annotated: a third of
    # annotation and evaluation on a 200-page PDF. A run is short and makes little cyclic garbage; reference
    # counting frees the rest, and young collections still run, only less often.
    gc.set_threshold(50_000, 20, 100)
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


@main.command(name="config", epilog=EXIT_CODES)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def show_config(ctx: click.Context, fmt: str) -> None:
    """Show the settings in effect for audit, deadlines and batch, and where each comes from (the config file,
    or the built-in default); options given on a command line override them."""
    from auditor.config import KEYS

    config = ctx.find_root().obj["config"]
    defaults = {"checklist": ["maine-ch109"], "profile": None, "cure_days": 30, "fail_on": "never", "select": [],
                "skip": []}
    settings = {key: {"value": config.values.get(key, defaults[key]),
                      "from": str(config.path) if key in config.values else "default"} for key in KEYS}
    if fmt == "json":
        import json

        _echo_out(json.dumps({"config_file": str(config.path) if config.path else None, "settings": settings},
                             indent=2) + "\n")
        return
    lines = [f"config file: {config.path or 'none (hmo-audit.toml here or in a folder above is read)'}"]
    for key, entry in settings.items():
        value = entry["value"]
        shown = ", ".join(value) if isinstance(value, list) else ("(all requirements)" if value is None else value)
        lines.append(f"{key:<10} = {shown or '(none)'}  [{entry['from']}]")
    _echo_out("\n".join(lines) + "\n")


if __name__ == "__main__":
    run()
