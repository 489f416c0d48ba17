"""Reporters: every format renders the one AuditReport. JSON is the model's own dump; md and html are templates;
csv is one row per finding (auditor/render_csv.py); docx is the findings letter (auditor/render_docx.py)."""

from __future__ import annotations

import functools
import re
from importlib import resources

from auditor.models import AuditReport

FORMATS = ("json", "md", "html", "csv", "docx", "junit")
# What an output file's name says of its format (`-o report.html`); other names take --format, else md.
EXTENSIONS = {".json": "json", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".csv": "csv",
              ".docx": "docx", ".xml": "junit"}
BINARY_FORMATS = ("docx",)  # render() returns bytes for these, text for the rest


# Control characters (NUL, ESC, DEL, C1): in a file name or a fact they would reach a terminal or a report as
# they are. Shown instead as the escape a reader can see ("\x1b").
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """The text with its control characters (tab and newline aside) written as visible escapes."""
    return _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _finalize(eval_ctx, value):
    """Every value a template writes: control characters made visible; in Markdown (not autoescaped), `<` as
    `&lt;`, so a document's or a file name's raw HTML shows as text in a Markdown viewer instead of running. HTML
    templates are autoescaped after this."""
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        value = printable(value)
        if not eval_ctx.autoescape:
            value = value.replace("<", "&lt;")
    return value


@functools.cache
def environment():
    import jinja2

    folder = resources.files("report_templates")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=jinja2.select_autoescape(
        enabled_extensions=("html.j2",), default_for_string=False), trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
        finalize=jinja2.pass_eval_context(_finalize))
    env.filters["pct"] = lambda v: "n/a" if v is None else f"{v * 100:.0f}%"
    env.filters["label"] = lambda s: s.replace("_", " ")
    env.filters["mdcell"] = lambda s: " ".join(str(s).split()).replace("|", "\\|")
    return env


def render(report: AuditReport, fmt: str) -> str | bytes:
    if fmt == "json":
        # `skipped` only when something was: reports of submissions without any read as they always have.
        return report.model_dump_json(indent=2, exclude=None if report.skipped else {"skipped"}) + "\n"
    if fmt == "csv":
        from auditor.render_csv import render_csv

        return render_csv(report)
    if fmt == "docx":
        from auditor.render_docx import render_docx

        return render_docx(report)
    if fmt == "junit":
        from auditor.render_junit import render_junit

        return render_junit(report)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    template = environment().get_template(f"report.{fmt}.j2")
    findings_by_section: dict[tuple[str, str], list] = {}
    for finding in report.findings:
        findings_by_section.setdefault((finding.checklist, finding.section), []).append(finding)
    return template.render(report=report, sections=report.summary.sections, by_section=findings_by_section,
                           css=_asset("report.css"), js=_asset("report.js"))


@functools.cache
def _asset(name: str):
    """A stylesheet or script of our own, inlined as it is: Markup, so autoescaping leaves its `>` and `&&` be."""
    from markupsafe import Markup

    text = resources.files("report_templates").joinpath(name).read_text("utf-8")
    if "</" in text:  # would end the <style> or <script> element early
        raise ValueError(f"{name} must not contain '</'")
    return Markup(text.strip())


def portfolio_css() -> str:
    """The batch portfolio's stylesheet: the reports' own, plus its numeric and error cells, so the portfolio
    reads like the reports it links to."""
    return (str(_asset("report.css"))
            + "\ntd.n { text-align: right; font-variant-numeric: tabular-nums; }\n.e { color: #a40e26; }")
