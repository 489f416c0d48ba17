"""Structure from the formats users send: a Word 97 .doc and a scanned PDF read with the headings and lists of
their .docx / born-digital twins (fixtures/formats, built by fixtures/formats/build.py), and the same agreement
with the examiner's labels. The end-to-end tests skip, saying why, where LibreOffice or OCR is not installed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extractors import legacy_doc, ocr, read_document
from extractors.ocr import _mark_headings, _mark_tables
from extractors.ocr_tables import Table, _overlapped

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ROOT / "fixtures" / "formats"
AS_OF = dt.date(2025, 6, 30)

needs_libreoffice = pytest.mark.skipif("soffice" not in legacy_doc.converters(),
                                       reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
needs_ocr = pytest.mark.skipif(bool(ocr.missing_tools()), reason="OCR needs " + ", ".join(ocr.missing_tools()))


def _structure(path: Path):
    document = read_document(path)
    assert document.error is None, document.error
    return document, [(b.text, b.level) for b in document.blocks if b.kind == "heading"], \
        [b.text for b in document.blocks if b.kind == "list_item"]


def _agreement(folder: Path, labels_of: Path) -> tuple[int, dict[str, str]]:
    from auditor.api import audit

    labels = {}
    for line in (labels_of.parent / "labels.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.strip() and not line.startswith("#") and parts[0] == labels_of.name:
            labels[parts[1]] = parts[2].strip()
    report = audit([str(folder)], ["maine-ch109"], AS_OF, overrides=False)
    status = {f.requirement_id: f.status for f in report.findings}
    agree = sum(1 for r, label in labels.items()
                if status[r] != "needs_review" and (status[r] == "met") == (label == "met"))
    return agree, status


@needs_libreoffice
def test_doc_reads_like_its_docx_twin():
    original = ROOT / "fixtures" / "paraphrase-3" / "acadia-coastal-health"
    name = "01-2025-qi-program-description"
    docx, docx_headings, docx_items = _structure(original / f"{name}.docx")
    doc, doc_headings, doc_items = _structure(FORMATS / "acadia-coastal-health-doc" / f"{name}.doc")
    assert len(doc_headings) == 15 and doc_headings == docx_headings
    assert len(doc_items) == 7 and doc_items == docx_items
    assert (doc.format, doc.coverage.read_as, doc.coverage.lists) == ("doc", "converted from .doc", 7)
    assert doc.kind == docx.kind == "qmp_description"
    before, findings = _agreement(original, original)
    after, variant_findings = _agreement(FORMATS / "acadia-coastal-health-doc", original)
    assert after == before
    assert variant_findings == findings


@needs_ocr
def test_scan_reads_with_the_headings_of_its_born_digital_twin():
    original = ROOT / "fixtures" / "paraphrase-5" / "stillwater-health-partners"
    name = "quality-program-description-2025.pdf"
    pdf, pdf_headings, _ = _structure(original / name)
    scan, scan_headings, _ = _structure(FORMATS / "stillwater-health-partners-scan" / name)
    assert (scan.format, scan.coverage.read_as) == ("pdf+ocr", "OCR")
    assert [t for t, _ in scan_headings] == [t for t, _ in pdf_headings] and len(scan_headings) == 14
    assert scan.kind == pdf.kind == "qmp_description"
    governance = next(b for b in scan.blocks if b.text.startswith("The Plan's Board of Directors is the governing"))
    assert governance.section[-1] == "Governance and Oversight"
    before, _ = _agreement(original, original)
    after, _ = _agreement(FORMATS / "stillwater-health-partners-scan", original)
    assert after == before


@needs_ocr
def test_scan_reads_the_ruled_tables_of_its_born_digital_twin():
    name = "quality-program-description-2025.pdf"
    pdf = read_document(ROOT / "fixtures" / "paraphrase-5" / "stillwater-health-partners" / name)
    scan = read_document(FORMATS / "stillwater-health-partners-scan" / name)
    assert scan.coverage.tables == pdf.coverage.tables == 2

    def rows(document):
        cells = {}
        for b in document.blocks:
            if b.kind == "table_cell":
                cells.setdefault((b.table, b.row), []).append(b.text)
        return cells

    # A row whose cells tesseract read over two lines, and read twice ("Ameri" over "merican"), comes through whole.
    assert rows(scan)[(0, 1)] == rows(pdf)[(0, 1)] == ["Adult Diabetes", "Chronic", "American Diabetes Association",
                                                       "2019", "02/2025"]
    assert rows(scan)[(0, 2)] == rows(pdf)[(0, 2)]
    assert rows(scan)[(1, 3)] == ["Generic dispensing rate", "Under 85% (overuse of brand drugs)"]
    # The sidecar's lines of the tables are gone, the text around them kept.
    texts = [b.text for b in scan.blocks if b.kind != "table_cell"]
    assert not any("Chronic" in t or "Over 180" in t for t in texts)
    assert any(t.startswith("The Plan measures performance against the diabetes guideline") for t in texts)


def test_table_lines_in_tesseracts_text_give_way_to_the_table():
    sidecar = ("Intro text.\n\nName Score\nAda Lovel 10\n\nAda Lovelace 10 | and more\nBob 9\nAfter the table.\n"
               "\fName Score\nOther page.\n")
    table = Table(0, [["Name", "Score"], ["Ada Lovelace", "10"], ["Bob", "9"]], {"Lovel", "|"})
    marked, placed = _mark_tables(sidecar, [table])
    assert placed == [table]
    first, second = marked.split("\f")
    # "Ada Lovelace 10 | and more" holds a word that is not the table's: it ends the table's lines, and is kept.
    assert first == "Intro text.\n\n\nHMOAUDITOCRTABLE0.\n\n\nAda Lovelace 10 | and more\nBob 9\nAfter the table.\n"
    assert second == "Name Score\nOther page.\n"  # another page's lines are not the table's
    assert _mark_tables(sidecar, [Table(0, [["Missing", "Header"]], set())]) == (sidecar, [])
    assert _overlapped("Ameri", "merican") == "American" and _overlapped("Adult", "Adu") == "Adult"


def test_a_failure_finding_tables_reads_the_scan_without_them(monkeypatch):
    def broken(layered):
        raise ValueError("a page pdfium cannot render")

    monkeypatch.setattr(ocr, "find_tables", broken)
    assert ocr._tables(Path("out.pdf")) == []


def test_layout_headings_set_apart_in_tesseracts_text():
    sidecar = ("Plan Title Of The\nProgram 2025\nIntro text here.\n\nStaffing\nThe Plan employs a coordinator.\n"
               "Big Table Row\nNot a heading line.\n\fScope\nWho is covered.\n")
    headings = [("Plan Title Of The Program 2025", 1), ("Staffing", 2), ("Garbled Tabel Rw", 2), ("Scope", 2)]
    marked, found = _mark_headings(sidecar, headings)
    assert found == [headings[0], headings[1], headings[3]]  # the heading that matches no line is skipped
    first, second = marked.split("\f")
    assert "\nStaffing\n\nThe Plan employs" in first  # run into its text by tesseract: set apart again
    assert first.startswith("\nPlan Title Of The Program 2025\n\nIntro text")  # a heading over two lines
    assert second.startswith("\nScope\n\nWho is covered.")
    assert "Big Table Row\nNot a heading line." in first  # other lines as they were
    assert _mark_headings(sidecar, []) == (sidecar, [])
