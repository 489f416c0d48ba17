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
EVIDENCE_SHOWN = 1  # passages quoted per finding: the letter cites, the HTML report holds them all
QUOTE_WORDS = 20  # a quote longer than this is cut: enough to find the passage in the plan's own document
MISSING_SHOWN = 8  # elements listed per gap; the rest are counted
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


def _profile(report: AuditReport):
    if not report.profile:
        return None
    from auditor.checklists import ChecklistError, load_checklist

    for ref in report.checklists:
        try:
            profile = load_checklist(ref.id).profiles.get(report.profile)
        except ChecklistError:  # a checklist given by path: not among the bundled ones
            continue
        if profile:
            return profile
    return None


def review_type(report: AuditReport) -> str:
    """The profile's title when a profile was used (looked up in the bundled checklists), else a readable
    form of its id; without a profile, a quality management program review."""
    if not report.profile:
        return DEFAULT_REVIEW
    profile = _profile(report)
    return profile.title if profile else report.profile.replace("-", " ").replace("_", " ").capitalize() + " review"


def short_title(report: AuditReport) -> str:
    """The review's short name, for the title and the running header: the profile's `short`, else its title up
    to a parenthesis or colon ("Periodic examination (QMP substance ...)" -> "Periodic examination")."""
    profile = _profile(report)
    if profile and profile.short:
        return profile.short
    return re.split(r" \(|: ", review_type(report), maxsplit=1)[0]


def _brief(quote: str) -> str:
    words = quote.split()
    return " ".join(words) if len(words) <= QUOTE_WORDS else " ".join(words[:QUOTE_WORDS]) + " …"


# A fact of submission.yaml named in a rule's clock ("examination.last_examination_date"), for people.
_FACT = re.compile(r"\b(?:[a-z]+\.)?([a-z]+(?:_[a-z]+)+)\b")


def _facts_in_words(text: str) -> str:
    return _FACT.sub(lambda m: "the " + m.group(1).replace("_", " "), text)


def letter_date(report: AuditReport) -> dt.date:
    """The sign-off's date when the overrides file gives one, else the audit date."""
    sign_off = report.overrides.sign_off if report.overrides else None
    return sign_off.date if sign_off else report.as_of


def place(evidence: Evidence) -> str:
    """'file p.N' (the file's name: the plan knows its own folders)."""
    where = PurePath(evidence.document).name or evidence.document
    return where + (f" p.{evidence.page}" if evidence.page else "")


def cite(evidence: Evidence) -> str:
    """'file p.N: "quote"', the quote cut to its first words."""
    return f'{place(evidence)}: "{_brief(evidence.quote)}"'


def _requirement(report: AuditReport, finding: Finding):
    """The finding's rule in the bundled checklists (None for a checklist given by path)."""
    from auditor.checklists import ChecklistError, load_checklist

    try:
        checklist = load_checklist(finding.checklist)
    except ChecklistError:
        return None
    return checklist.requirement(finding.requirement_id.split("[", 1)[0])


def _confirms(check) -> list[str]:
    from pydantic import BaseModel

    from auditor.models import ReviewerCheck

    if isinstance(check, ReviewerCheck):
        return [check.confirm]
    found: list[str] = []
    for value in check.__dict__.values():
        for item in (value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]):
            if isinstance(item, BaseModel):
                found += _confirms(item)
    return found


_GIVE_AS = re.compile(r"\s*\(give it as ([\w.]+)\)")


def _fact(report: AuditReport, name: str):
    value = report.submission.model_dump()
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def questions(report: AuditReport, finding: Finding) -> list[str]:
    """What the letter asks the plan about a finding left for review. A fact submission.yaml already gives is
    stated, not asked (the date of the last examination)."""
    requirement = _requirement(report, finding)
    out: list[str] = []
    for confirm in _confirms(requirement.evidence) if requirement else []:
        given = _GIVE_AS.search(confirm)
        value = _fact(report, given.group(1)) if given else None
        if value is not None:
            out.append(f"The submission gives {_facts_in_words(given.group(1))} as {value}; the plan need not "
                       "confirm it.")
            continue
        text = _GIVE_AS.sub("", confirm).rstrip(".")
        out.append(f"Please confirm {text}.")
    if not out:
        out.append(f"Please show where the program meets this requirement ({finding.title[0].lower()}"
                   f"{finding.title[1:]}), or send the document that does.")
    return out


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay the letter out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def render_docx(report: AuditReport) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.shared import Inches, Pt

    document = docx.Document()
    page = document.sections[0]
    page.left_margin = page.right_margin = Inches(1)  # 6.5 inches of text on Letter paper
    hmo = report.submission.hmo_name or "the health plan"
    kind = review_type(report)
    short = short_title(report)
    letter_day = letter_date(report)
    gaps = [f for f in report.findings if f.status in GAPS]
    asked = [f for f in report.findings if f.status == "needs_review"]
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

    def evidence_line(f: Finding) -> None:
        """The evidence reviewed, briefly: the passages quoted, else the closest one and what it lacks."""
        shown = (f.evidence + f.candidates)[:EVIDENCE_SHOWN]
        if shown:
            more = len(f.evidence) + len(f.candidates) - len(shown)
            text = "; ".join(cite(e) for e in shown) + (f"; and {more} more passage(s)" if more > 0 else "")
            para(text, bold_lead="Evidence reviewed: ")
        elif f.nearest:
            near = f.nearest[0]
            lacks = f" It lacks {near.lacks[0]}." if near.lacks else ""
            para(f"{cite(near)}.{lacks}", bold_lead="Evidence reviewed, closest passage: ")
        else:
            para("no passage in the documents submitted addresses this requirement.", bold_lead="Evidence reviewed: ")

    def gap_item(f: Finding) -> None:
        document.add_heading(_text(f"{finding_name(f)} {f.title}"), level=2)
        due = f" Corrective action due: {_date(f.corrective_action_due)}." if f.corrective_action_due else ""
        para(f"Citation: {f.citation}. Finding: {_label(f.status)}.{due}")
        decision(f)
        if f.missing == [f.title]:  # a requirement judged as one whole: its heading says what is missing
            para("the whole requirement.", bold_lead="Missing: ")
        elif f.missing:
            para(bold_lead="Missing:")
            for element in f.missing[:MISSING_SHOWN]:
                para(element, style="List Bullet")
            if len(f.missing) > MISSING_SHOWN:
                para(f"and {len(f.missing) - MISSING_SHOWN} more", style="List Bullet")
        evidence_line(f)
        if f.due:
            para(f"{f.due}{' (overdue)' if f.overdue else ''}"
                 + (f"; {_facts_in_words(f.due_rule)}" if f.due_rule else ""), bold_lead="Due under the rule: ")

    def question_item(f: Finding) -> None:
        document.add_heading(_text(f"{finding_name(f)} {f.title}"), level=2)
        para(f"Citation: {f.citation}.")
        decision(f)
        for question in questions(report, f):
            para(question)
        if f.candidates:
            para(cite(f.candidates[0]), bold_lead="Passage found: ")
        if f.due:
            para(f"{f.due}{' (overdue)' if f.overdue else ''}", bold_lead="Due under the rule: ")

    # --- running header and page numbers ------------------------------------------------------------------
    header = page.header.paragraphs[0]
    header.text = _text(f"{hmo} · {short} · {_date(letter_day)}")
    footer = page.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")

    # --- the facts of the review and the opening -----------------------------------------------------------
    document.add_heading(_text(short), level=0)
    para(hmo, bold_lead="Health plan: ")
    para(kind, bold_lead="Review: ")
    para("; ".join(f"{c.title} (version {c.version})" for c in report.checklists), bold_lead="Rules applied: ")
    para(_date(report.as_of), bold_lead="Documents reviewed as of: ")
    para(_date(letter_day), bold_lead="Date of this letter: ")
    cure_due = report.as_of + dt.timedelta(days=report.cure_period_days)
    documents = [d for d in report.documents if not d.error]
    opening = (f"We have reviewed the {len(documents)} quality management program document(s) that {hmo} "
               f"submitted, against {' and '.join(c.title for c in report.checklists)}, as of {report.as_of}. "
               f"Of {len(report.findings)} requirements, {report.summary.met} are met and {len(gaps)} are not met "
               f"or only partially met")
    opening += (f"; corrective action for each is due by {cure_due} ({report.cure_period_days} days after "
                f"{report.as_of})." if gaps else ".")
    if asked:
        opening += f" {len(asked)} item(s) need the plan's answer before they can be judged."
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
        para(f"For each requirement below, the plan must submit corrective action by {cure_due}: what is missing, "
             "and the evidence the review found.")
        for f in gaps:
            gap_item(f)
    else:
        para("None: no corrective action is required.")
    if asked:
        document.add_heading("Items for the plan to clarify", level=1)
        para("The documents do not settle these requirements either way. Please answer each question, or send "
             "what shows the requirement is met.")
        for f in asked:
            question_item(f)
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

    # --- appendix: a compact table of the requirements met --------------------------------------------------
    document.add_heading("Appendix: requirements met", level=1)
    if met:
        rows = []
        for f in met:
            if f.evidence:
                reference = place(f.evidence[0])
            elif f.review and not f.review.expired:
                reference = f"Reviewer's decision ({f.review.reviewer}, {f.review.date})"
            else:
                reference = "–"
            rows.append([finding_name(f), f.title, f.citation, reference])
        table(["Requirement", "Title", "Citation", "Evidence"], rows, [1.05, 2.45, 1.5, 1.5])
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
