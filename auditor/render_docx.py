"""The findings letter an examiner sends, as a Word document (python-docx).

Built-in Word styles only (Title, Heading 1/2, Table Grid, List Bullet), so it opens cleanly in Word and
LibreOffice. Deterministic: the core properties are dated from the audit date and the zip entries get a fixed
timestamp, so two renders of the same report give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import PurePath

from auditor.models import AuditReport, Evidence, Finding

GAPS = ("not_met", "partial")
STATUS_ORDER = ("met", "partial", "not_met", "needs_review", "not_applicable")
LABELS = {"met": "Met", "partial": "Partially met", "not_met": "Not met", "needs_review": "Needs review",
          "not_applicable": "Not applicable"}
DEFAULT_REVIEW = "Quality management program review"
EVIDENCE_SHOWN = 3  # quotes per finding; the rest are counted
# Characters XML 1.0 forbids (extracted text sometimes carries them); python-docx refuses them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: object) -> str:
    return _NOT_XML.sub("", str(value))


def _label(status: str) -> str:
    return LABELS.get(status, status.replace("_", " "))


def _pct(score: float | None) -> str:
    return "n/a" if score is None else f"{score * 100:.0f}%"


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else "–"


def review_type(report: AuditReport) -> str:
    """The profile's title when a profile was used (looked up in the bundled checklists), else a readable
    form of its id; without a profile, a quality management program review."""
    if not report.profile:
        return DEFAULT_REVIEW
    from auditor.checklists import ChecklistError, load_checklist

    for ref in report.checklists:
        try:
            profile = load_checklist(ref.id).profiles.get(report.profile)
        except ChecklistError:  # a checklist given by path: not among the bundled ones
            continue
        if profile:
            return profile.title
    return report.profile.replace("-", " ").replace("_", " ").capitalize() + " review"


def letter_date(report: AuditReport) -> dt.date:
    """The sign-off's date when the overrides file gives one, else the audit date."""
    sign_off = report.overrides.sign_off if report.overrides else None
    return sign_off.date if sign_off else report.as_of


def cite(evidence: Evidence) -> str:
    """'file p.N: "quote"' (the file's name: the plan knows its own folders)."""
    where = PurePath(evidence.document).name or evidence.document
    if evidence.page:
        where += f" p.{evidence.page}"
    return f'{where}: "{" ".join(evidence.quote.split())}"'


def render_docx(report: AuditReport) -> bytes:
    import docx
    from docx.enum.text import WD_BREAK
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.shared import Inches, Pt

    document = docx.Document()
    page = document.sections[0]
    page.left_margin = page.right_margin = Inches(1)  # 6.5 inches of text on Letter paper
    hmo = report.submission.hmo_name or "the health plan"
    kind = review_type(report)
    letter_day = letter_date(report)
    gaps = [f for f in report.findings if f.status in GAPS]
    questions = [f for f in report.findings if f.status == "needs_review"]
    met = [f for f in report.findings if f.status == "met"]
    reviewed = [f for f in report.findings if f.review]
    several = len(report.checklists) > 1

    def para(text: str = "", style: str | None = None, bold_lead: str | None = None):
        paragraph = document.add_paragraph(style=style)
        if bold_lead:
            paragraph.add_run(_text(bold_lead)).bold = True
        if text:
            paragraph.add_run(_text(text))
        return paragraph

    def table(header: list[str], rows: list[list[str]], widths: list[float]):
        """A Table Grid table, header row bold, 9-point text, columns `widths` inches wide."""
        grid = document.add_table(rows=1, cols=len(header))
        grid.style = document.styles["Table Grid"]
        grid.autofit = False
        for cell, name in zip(grid.rows[0].cells, header, strict=True):
            run = cell.paragraphs[0].add_run(_text(name))
            run.bold = True
        for row in rows:
            for cell, value in zip(grid.add_row().cells, row, strict=True):
                cell.paragraphs[0].add_run(_text(value))
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = Inches(width)
            for cell in column.cells:
                cell.width = Inches(width)
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(9)
        return grid

    def finding_name(f: Finding) -> str:
        return f"{f.checklist}: {f.requirement_id}" if several else f.requirement_id

    def decision(f: Finding) -> None:
        review = f.review
        if review is None:
            return
        if review.expired:
            text = (f"{review.reviewer} decided {_label(review.status).lower()} on {review.date} "
                    f"({review.reason}); the decision expired {review.expires} and is not applied.")
        else:
            text = (f"{_label(review.status)} (the tool found: {_label(review.tool_status).lower()}), decided by "
                    f"{review.reviewer} on {review.date}: {review.reason}")
        para(text, bold_lead="Reviewer's decision: ")

    def quotes(lead: str, items: list[Evidence], lacks: bool = False) -> None:
        if not items:
            return
        para(bold_lead=lead)
        for item in items[:EVIDENCE_SHOWN]:
            line = cite(item)
            if lacks and item.lacks:
                line += f" (does not show: {'; '.join(item.lacks)})"
            para(line, style="List Bullet")
        if len(items) > EVIDENCE_SHOWN:
            para(f"and {len(items) - EVIDENCE_SHOWN} more passage(s)", style="List Bullet")

    def item(f: Finding, gap: bool) -> None:
        document.add_heading(_text(f"{finding_name(f)} {f.title}"), level=2)
        para(f.citation, bold_lead="Citation: ")
        para(_label(f.status), bold_lead="Finding: ")
        decision(f)
        if f.missing:
            para(bold_lead="What is missing:")
            for element in f.missing:
                para(element.replace("_", " "), style="List Bullet")
        quotes("Evidence reviewed:", f.evidence)
        quotes("Passages for the plan to clarify:", f.candidates)
        quotes("Nearest passages found:" if gap else "Nearest passages:", f.nearest, lacks=True)
        if not (f.evidence or f.candidates or f.nearest):
            para("No passage in the documents submitted addresses this requirement.", bold_lead="Evidence reviewed: ")
        para(f.rationale, bold_lead="Basis: ")
        if f.due:
            para(f"{f.due}{' (overdue)' if f.overdue else ''}" + (f"; {f.due_rule}" if f.due_rule else ""),
                 bold_lead="Due under the rule: ")
        if gap and f.corrective_action_due:
            para(_date(f.corrective_action_due), bold_lead="Corrective action due: ")

    # --- letterhead: the page header, the title and the facts of the review -------------------------------
    header = document.sections[0].header.paragraphs[0]
    header.text = _text(f"{hmo}: {kind}")
    document.add_heading(_text(f"Findings: {kind}"), level=0)
    para(hmo, bold_lead="Health plan: ")
    para(kind, bold_lead="Review: ")
    para("; ".join(f"{c.title} (version {c.version})" for c in report.checklists), bold_lead="Rules applied: ")
    para(_date(report.as_of), bold_lead="Documents reviewed as of: ")
    para(_date(letter_day), bold_lead="Date of this letter: ")
    cure_due = report.as_of + dt.timedelta(days=report.cure_period_days)
    opening = (f"We have reviewed the quality management program documents that {hmo} submitted, against "
               f"{' and '.join(c.title for c in report.checklists)}, as of {report.as_of}. "
               f"{len(gaps)} requirement(s) are not met or only partially met")
    opening += (f"; corrective action for each is due by {cure_due} ({report.cure_period_days} days after "
                f"{report.as_of})." if gaps else ".")
    if questions:
        opening += f" {len(questions)} item(s) need the plan's clarification before they can be judged."
    para(opening)

    # --- summary -------------------------------------------------------------------------------------------
    document.add_heading("Summary", level=1)
    s = report.summary
    table(["Status", "Requirements"], [[_label(status), str(getattr(s, status))] for status in STATUS_ORDER]
          + [["Score (met ÷ applicable)", _pct(s.score)]], [3.0, 1.5])
    para()
    table((["Checklist"] if several else []) + ["Section", "Title", "Met", "Partial", "Not met", "Needs review",
                                                "N/A", "Score"],
          [([row.checklist] if several else []) + [row.section, row.title]
           + [str(row.counts.get(status, 0)) for status in STATUS_ORDER] + [_pct(row.score)]
           for row in s.sections],
          ([0.9] if several else []) + [0.75, 2.2 - (0.9 if several else 0), 0.5, 0.75, 0.55, 0.65, 0.5, 0.6])
    if report.overrides:
        o = report.overrides
        para(f"{o.applied} reviewer decision(s) applied" + (f", {o.expired} expired and not applied" if o.expired
                                                             else "") + ". The counts are of the final status.")

    # --- gaps, questions, decisions ------------------------------------------------------------------------
    document.add_heading("Requirements not met or partially met", level=1)
    if gaps:
        para(f"For each requirement below, the plan must submit corrective action by {cure_due}.")
        for f in gaps:
            item(f, gap=True)
    else:
        para("None: no corrective action is required.")
    if questions:
        document.add_heading("Items for the plan to clarify", level=1)
        para("The documents do not settle these requirements either way. Please explain or send what shows them.")
        for f in questions:
            item(f, gap=False)
    if reviewed:
        document.add_heading("Reviewer's decisions", level=1)
        para("Where the examiner's judgment differs from the automated review, the examiner's decision stands.")
        table(["Requirement", "Tool status", "Final status", "Reviewer", "Date", "Reason"],
              [[finding_name(f), _label(f.review.tool_status), _label(f.status)
                + (" (decision expired)" if f.review.expired else ""), f.review.reviewer, _date(f.review.date),
                f.review.reason] for f in reviewed], [1.05, 0.8, 0.8, 0.95, 0.85, 2.05])

    # --- sign-off ------------------------------------------------------------------------------------------
    document.add_heading("Sign-off", level=1)
    sign_off = report.overrides.sign_off if report.overrides else None
    if sign_off:
        para("Signed,")
        para(bold_lead=sign_off.reviewer)
        if sign_off.title:
            para(sign_off.title)
        para(_date(sign_off.date))
    else:
        para("\n\n_______________________________________", bold_lead="Signature: ")
        para("_______________________________________", bold_lead="Name and title: ")
        para("_______________________", bold_lead="Date: ")

    # --- appendix ------------------------------------------------------------------------------------------
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading("Appendix: requirements met", level=1)
    if met:
        rows = []
        for f in met:
            if f.evidence:
                reference = cite(f.evidence[0])
            elif f.review and not f.review.expired:
                reference = f"Reviewer's decision ({f.review.reviewer}, {f.review.date}): {f.review.reason}"
            else:
                reference = f.rationale
            rows.append([finding_name(f), f.title, f.citation, reference])
        table(["Requirement", "Title", "Citation", "Evidence"], rows, [1.05, 1.65, 1.4, 2.4])
    else:
        para("No requirement was found met.")

    # --- properties and deterministic bytes ----------------------------------------------------------------
    stamp = dt.datetime.combine(report.as_of, dt.time(), tzinfo=dt.UTC)
    props = document.core_properties
    props.title = _text(f"Findings: {hmo}, {kind}")
    props.subject = kind
    props.author = "hmo-audit"
    props.last_modified_by = "hmo-audit"
    props.comments = f"{report.tool.name} {report.tool.version}, audit as of {report.as_of}"
    props.keywords = ", ".join(c.id for c in report.checklists)
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):  # python-docx's template thumbnail is not this document
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel_id]
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue(), report.as_of)


def _fixed_zip(data: bytes, day: dt.date) -> bytes:
    """The same zip with every entry dated `day` (python-docx stamps the current time), in the same order."""
    when = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()
