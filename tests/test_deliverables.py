"""The deliverables: the Word findings letter (--format docx) and the CSV of findings (--format csv).

The LibreOffice checks convert the letter to PDF and the CSV to a spreadsheet, headless, with a throwaway
profile; they skip, saying why, when soffice (or its Writer or Calc part) is not installed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.overrides import OverridesFile, apply_overrides
from auditor.render import render
from auditor.render_csv import COLUMNS, render_csv
from auditor.render_docx import LABELS, STATUS_ORDER, render_docx, review_type
from tests.conftest import SAMPLE

HMO = "Casco Bay Health Plan"
STILL_A_GAP = "1.03-2.D.3"  # not met by the tool; the reviewer makes it partial
NOW_MET = "1.03-1.C"  # partial by the tool; the reviewer makes it met
DECISIONS = OverridesFile.model_validate({
    "overrides": [
        {"requirement": NOW_MET, "status": "met", "reason": "Work plan sent separately on 2025-02-20.",
         "reviewer": "J. Examiner", "date": "2025-03-05"},
        {"requirement": STILL_A_GAP, "status": "partial", "reason": "Profiling is in the credentialing policy.",
         "reviewer": "R. Second", "date": "2025-03-05"},
    ],
    "sign_off": {"reviewer": "Jane Q. Examiner", "title": "Examiner, Bureau of Insurance", "date": "2025-03-06"},
})
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not on PATH; .ci/run installs "
                                   "libreoffice-writer-nogui and libreoffice-calc-nogui")


@pytest.fixture(scope="module")
def reviewed(sample_report):
    return apply_overrides(sample_report, DECISIONS, "overrides.yaml")


@pytest.fixture(scope="module")
def letter(reviewed):
    return render_docx(reviewed)


def blocks(data: bytes) -> dict[str, list[tuple[str, list[str]]]]:
    """The letter's body as {Heading 1: [(Heading 2, [paragraphs under it])]}; text before any Heading 2 is
    filed under ""."""
    document = docx.Document(io.BytesIO(data))
    out: dict[str, list[tuple[str, list[str]]]] = {}
    chapter = ""
    for paragraph in document.paragraphs:
        style = paragraph.style.name
        if style in ("Heading 1", "Title"):
            chapter = paragraph.text
            out[chapter] = [("", [])]
        elif style == "Heading 2":
            out[chapter].append((paragraph.text, []))
        elif chapter:
            out[chapter][-1][1].append(paragraph.text)
    return out


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def items(chapter: list[tuple[str, list[str]]]) -> dict[str, str]:
    """Requirement id -> the text of its block."""
    return {heading.split()[0]: "\n".join(lines) for heading, lines in chapter if heading}


# --- the Word letter -----------------------------------------------------------------------------------------


def test_letter_header_names_the_plan_the_review_and_the_dates(reviewed, letter):
    document = docx.Document(io.BytesIO(letter))
    assert HMO in document.sections[0].header.paragraphs[0].text
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"Health plan: {HMO}" in text
    assert "Review: Quality management program review" in text  # no profile
    assert "Documents reviewed as of: 2025-03-01" in text
    assert "Date of this letter: 2025-03-06" in text  # the sign-off's date
    assert reviewed.checklists[0].title in text
    props = document.core_properties
    assert props.author == "hmo-audit" and HMO in props.title
    assert props.created == props.modified == dt.datetime(2025, 3, 1, tzinfo=dt.UTC)


def words_of(data: bytes) -> int:
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
    return sum(len(t.split()) for t in texts)


def test_letter_is_short_with_a_running_header_and_a_short_title(reviewed, letter):
    # 20,677 words before it was written as a letter: each gap now cites one passage, briefly, and the met
    # requirements are one table row each.
    assert words_of(letter) < 8000
    document = docx.Document(io.BytesIO(letter))
    assert document.sections[0].header.paragraphs[0].text == \
        f"{HMO} · Quality management program review · 2025-03-06"  # plan, review, date of the letter
    footer = document.sections[0].footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    periodic = reviewed.model_copy(update={"profile": "periodic-exam"})
    title = next(p for p in docx.Document(io.BytesIO(render_docx(periodic))).paragraphs if p.style.name == "Title")
    assert title.text == "Periodic examination"  # the profile's short name, not its description


def test_letter_does_not_ask_for_a_fact_the_submission_gives(sample_report):
    assert sample_report.submission.examination.last_examination_date == dt.date(2022, 5, 16)
    clarify = items(blocks(render_docx(sample_report))["Items for the plan to clarify"])
    assert "Please confirm" not in clarify["1.05"] and "last examination date as 2022-05-16" in clarify["1.05"]
    unknown = sample_report.model_copy(deep=True)
    unknown.submission.examination.last_examination_date = None
    asked = items(blocks(render_docx(unknown))["Items for the plan to clarify"])["1.05"]
    assert "Please confirm the date of the HMO's last periodic examination by the Department." in asked
    assert "Please confirm the HMO filed its annual statement" in clarify["1.06"]  # a fact no file gives


def test_letter_date_is_the_audit_date_without_a_sign_off(sample_report):
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(render_docx(sample_report))).paragraphs)
    assert "Date of this letter: 2025-03-01" in text


def test_review_type_from_the_profile(sample_report):
    assert review_type(sample_report) == "Quality management program review"
    periodic = sample_report.model_copy(update={"profile": "periodic-exam"})
    assert review_type(periodic).startswith("Periodic examination")  # the profile's title in the checklist
    unknown = sample_report.model_copy(update={"profile": "desk-audit", "checklists": [
        sample_report.checklists[0].model_copy(update={"id": "./my-rules.yaml"})]})
    assert review_type(unknown) == "Desk audit review"  # a checklist not bundled: the id made readable
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(render_docx(periodic))).paragraphs)
    assert "Review: Periodic examination" in text


def test_summary_table_counts_equal_the_reports_summary(reviewed, letter):
    tables = docx.Document(io.BytesIO(letter)).tables
    counts = {row[0]: row[1] for row in table_rows(tables[0])[1:]}
    for status in STATUS_ORDER:
        assert counts[LABELS[status]] == str(getattr(reviewed.summary, status))
    assert counts["Score (met ÷ applicable)"] == f"{reviewed.summary.score * 100:.0f}%"
    sections = table_rows(tables[1])
    assert sections[0][:3] == ["Section", "Title", "Met"]
    assert len(sections) - 1 == len(reviewed.summary.sections)
    for row, score in zip(sections[1:], reviewed.summary.sections, strict=True):
        assert row[0] == score.section and row[1] == score.title
        assert row[2:7] == [str(score.counts[status]) for status in STATUS_ORDER]


def test_every_gap_with_citation_missing_evidence_and_corrective_action_date(reviewed, letter):
    chapters = blocks(letter)
    gaps = items(chapters["Requirements not met or partially met"])
    expected = [f for f in reviewed.findings if f.status in ("not_met", "partial")]
    assert list(gaps) == [f.requirement_id for f in expected]
    for f in expected:
        block = gaps[f.requirement_id]
        assert f"Citation: {f.citation}" in block
        assert f.corrective_action_due == dt.date(2025, 3, 31)
        assert f"Corrective action due: {f.corrective_action_due}" in block
        if f.missing == [f.title]:  # judged as a whole: the heading names it
            assert "Missing: the whole requirement." in block
        for element in f.missing[:8] if f.missing != [f.title] else []:
            assert element in block
        for passage in (f.evidence + f.candidates + f.nearest)[:1]:
            assert Path(passage.document).name in block
            assert " ".join(passage.quote.split())[:60] in block
    partial = next(f for f in expected if f.status == "partial" and f.evidence)
    assert f"p.{partial.evidence[0].page}" in gaps[partial.requirement_id]
    assert "2025-03-31" in "\n".join(chapters["Requirements not met or partially met"][0][1])


def test_needs_review_items_are_listed_separately(reviewed, letter):
    clarify = items(blocks(letter)["Items for the plan to clarify"])
    assert list(clarify) == [f.requirement_id for f in reviewed.findings if f.status == "needs_review"]
    assert all("Corrective action due" not in text for text in clarify.values())


def test_overridden_findings_show_the_reviewers_decision(letter):
    chapters = blocks(letter)
    block = items(chapters["Requirements not met or partially met"])[STILL_A_GAP]
    assert "Reviewer's decision: Partially met (the tool found: not met)" in block
    assert "R. Second" in block and "Profiling is in the credentialing policy." in block
    decisions = {row[0]: row for row in table_rows(docx.Document(io.BytesIO(letter)).tables[2])[1:]}
    assert decisions[NOW_MET] == [NOW_MET, "Partially met", "Met", "J. Examiner", "2025-03-05",
                                  "Work plan sent separately on 2025-02-20."]
    assert decisions[STILL_A_GAP][1:3] == ["Not met", "Partially met"]


def test_appendix_lists_every_met_requirement(reviewed, letter):
    rows = table_rows(docx.Document(io.BytesIO(letter)).tables[-1])
    assert rows[0] == ["Requirement", "Title", "Citation", "Evidence"]
    met = [f for f in reviewed.findings if f.status == "met"]
    assert [row[0] for row in rows[1:]] == [f.requirement_id for f in met]
    for row, f in zip(rows[1:], met, strict=True):
        assert row[1] == f.title and row[2] == f.citation
        if f.evidence:
            assert row[3].startswith(Path(f.evidence[0].document).name)
    assert NOW_MET in [row[0] for row in rows[1:]]


def test_sign_off_block(reviewed, letter, sample_report):
    signed = "\n".join(blocks(letter)["Sign-off"][0][1])
    assert "Jane Q. Examiner" in signed and "Examiner, Bureau of Insurance" in signed and "2025-03-06" in signed
    blank = "\n".join(blocks(render_docx(sample_report))["Sign-off"][0][1])
    assert "Signature: " in blank and "_____" in blank


def test_two_renders_are_byte_identical_and_dated_from_the_audit(reviewed, letter):
    assert render_docx(reviewed) == letter
    with zipfile.ZipFile(io.BytesIO(letter)) as archive:
        assert {entry.date_time for entry in archive.infolist()} == {(2025, 3, 1, 0, 0, 0)}
        assert archive.testzip() is None
        assert not any(name.endswith(".jpeg") for name in archive.namelist())  # python-docx's stock thumbnail


def test_text_xml_forbids_is_dropped_not_fatal(sample_report):
    report = sample_report.model_copy(deep=True)
    gap = next(f for f in report.findings if f.status == "not_met" and f.nearest)
    gap.nearest[0].quote = "back\x08space and \x01control"
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(render_docx(report))).paragraphs)
    assert '"backspace and control"' in text


# --- the CSV ---------------------------------------------------------------------------------------------------


def parse(text: str) -> list[dict[str, str]]:
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_one_row_per_finding_in_order(reviewed):
    rows = parse(render_csv(reviewed))
    assert tuple(rows[0]) == COLUMNS
    assert [(r["checklist"], r["requirement_id"], r["status"]) for r in rows] == [
        (f.checklist, f.requirement_id, f.status) for f in reviewed.findings]
    by_id = {r["requirement_id"]: r for r in rows}
    assert by_id[NOW_MET]["tool_status"] == "partial" and by_id[NOW_MET]["status"] == "met"
    assert by_id[NOW_MET]["reviewer"] == "J. Examiner"
    assert by_id[NOW_MET]["review_reason"] == "Work plan sent separately on 2025-02-20."
    untouched = next(r for r in rows if r["requirement_id"] not in (NOW_MET, STILL_A_GAP))
    assert untouched["tool_status"] == untouched["status"] and untouched["reviewer"] == ""
    gap = next(f for f in reviewed.findings if f.status == "partial" and f.missing and f.evidence)
    row = by_id[gap.requirement_id]
    assert row["missing"] == "; ".join(gap.missing)
    assert row["corrective_action_due"] == "2025-03-31"
    assert row["evidence"].startswith(f'{gap.evidence[0].document} p.{gap.evidence[0].page}: "{gap.evidence[0].quote}"')
    dated = next(f for f in reviewed.findings if f.due)
    assert by_id[dated.requirement_id]["due"] == dated.due.isoformat()
    assert by_id[dated.requirement_id]["overdue"] == str(dated.overdue).lower()


def tricky(report):
    """A copy of the report with a quote holding a comma, a newline and quotes, and cells that start like formulas."""
    report = report.model_copy(deep=True)
    finding = next(f for f in report.findings if f.status == "met" and f.evidence)
    finding.evidence[0].quote = 'The QIC said, "approved"\nand minuted it; see p. 4'
    finding.title = '=HYPERLINK("http://example.invalid","click")'
    finding.missing = ["@SUM(A1:A2)", "-2+3"]
    finding.rationale = "+cmd|' /C calc'!A0"
    return report, finding


def test_csv_quoting_round_trips_and_formulas_are_neutralised(sample_report):
    report, finding = tricky(sample_report)
    row = next(r for r in parse(render_csv(report)) if r["requirement_id"] == finding.requirement_id)
    assert 'The QIC said, "approved"\nand minuted it; see p. 4' in row["evidence"]
    assert row["title"] == "'" + finding.title
    assert row["missing"] == "'@SUM(A1:A2); -2+3"
    assert row["rationale"] == "'+cmd|' /C calc'!A0"
    assert all(not value.startswith(("=", "+", "-", "@")) for r in parse(render_csv(report)) for value in r.values())


def test_render_dispatches_the_new_formats(sample_report):
    assert render(sample_report, "csv") == render_csv(sample_report)
    assert render(sample_report, "docx")[:2] == b"PK"


# --- the command line ------------------------------------------------------------------------------------------

AUDIT = ["audit", str(SAMPLE), "--as-of", "2025-03-01"]


def test_cli_docx_needs_an_output_file():
    result = CliRunner().invoke(main, [*AUDIT, "--format", "docx"])
    assert result.exit_code == 2
    assert "--format docx writes a binary file: give --output" in result.output


def test_cli_docx_to_a_file(tmp_path):
    out = tmp_path / "letter.docx"
    result = CliRunner().invoke(main, [*AUDIT, "--format", "docx", "--output", str(out)])
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    assert any(HMO in p.text for p in document.paragraphs)
    assert f"report written to {out}" in result.stderr


def test_cli_csv_to_stdout_and_to_a_file(tmp_path):
    result = CliRunner().invoke(main, [*AUDIT, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = parse(result.stdout)
    assert len(rows) == 152 and rows[0]["requirement_id"] == "1.03"
    out = tmp_path / "findings.csv"
    assert CliRunner().invoke(main, [*AUDIT, "--format", "csv", "-o", str(out)]).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfchecklist,") and b"\r\r\n" not in data
    assert data.decode("utf-8").replace("\r\n", "\n") == result.stdout  # CliRunner turns CRLF into LF


# --- LibreOffice, headless -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def soffice(tmp_path_factory):
    """Convert with LibreOffice in a throwaway profile (so parallel runs do not share one)."""
    profile = tmp_path_factory.mktemp("lo-profile")

    def convert(source: Path, target: str, infilter: str | None = None) -> Path:
        out = source.parent / "converted"
        command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
        command += [f"--infilter={infilter}"] if infilter else []
        command += ["--convert-to", target, "--outdir", str(out), str(source)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        converted = out / f"{source.stem}.{target}"
        if not converted.exists() and "source file could not be loaded" in result.stdout + result.stderr:
            part = "Calc" if source.suffix == ".csv" else "Writer"
            pytest.skip(f"LibreOffice {part} is not installed (soffice cannot open {source.suffix} files)")
        assert converted.exists(), f"soffice failed ({result.returncode}): {result.stdout}{result.stderr}"
        return converted

    return convert


@needs_soffice
def test_libreoffice_converts_the_letter_to_pdf(letter, reviewed, soffice, tmp_path):
    import pypdfium2

    source = tmp_path / "letter.docx"
    source.write_bytes(letter)
    pdf = soffice(source, "pdf")
    assert pdf.stat().st_size > 0
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
        pages = len(document)
    finally:
        document.close()
    gap = next(f for f in reviewed.findings if f.status == "not_met")
    assert HMO in text and gap.requirement_id in text and "Jane Q. Examiner" in text
    # The sample's letter (99 gaps, 8 questions, 39 met) was 80 pages before it became a letter; LibreOffice lays
    # it out in about 33. Every page carries the running header and its number.
    assert 15 <= pages <= 45, pages
    assert f"Page {pages} of {pages}" in text and "Page 1 of" in text
    assert text.count(f"{HMO} · Quality management program review · 2025-03-06") == pages


@needs_soffice
def test_libreoffice_opens_the_csv_as_a_spreadsheet(sample_report, soffice, tmp_path):
    report, finding = tricky(sample_report)
    source = tmp_path / "findings.csv"
    source.write_bytes(render_csv(report).encode("utf-8"))
    # CSV import options: comma-separated, double-quoted, UTF-8 (76), from row 1.
    xlsx = soffice(source, "xlsx", infilter="CSV:44,34,76,1")
    with zipfile.ZipFile(xlsx) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
    assert len(re.findall(r"<row ", sheet)) == len(report.findings) + 1  # the header and a row per finding
    assert not re.search(r"<f[ >]", sheet)  # no cell was read as a formula
    assert finding.requirement_id in strings and "HYPERLINK" in strings
    assert "The QIC said, &quot;approved&quot;" in strings or 'The QIC said, "approved"' in strings
