"""Extractor behaviour on small files built here: structure, locations, coverage and failures."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from fpdf import FPDF

from auditor.document import Block, Document
from extractors import iter_input_files, read_document
from extractors.common import assign_sections
from extractors.kind import guess_kind
from tests.helpers import messy_builder


def _by_kind(doc: Document, kind: str) -> list[Block]:
    return [b for b in doc.blocks if b.kind == kind]


def _block(doc: Document, text_start: str) -> Block:
    return next(b for b in doc.blocks if b.text.startswith(text_start))


def _cells(doc: Document, table: int = 0) -> dict[tuple[int, int], str]:
    return {(b.row, b.col): b.text for b in doc.blocks if b.kind == "table_cell" and b.table == table}


# ---------------------------------------------------------------- DOCX


@pytest.fixture
def qmp_docx(tmp_path: Path) -> Path:
    d = docx.Document()
    d.add_heading("QI Program Description 2024", 0)
    d.add_heading("Program Structure", 1)
    d.add_paragraph("The Board of Directors has ultimate authority over the QI Program.")
    d.add_paragraph("")  # empty paragraphs are dropped
    d.add_heading("Goals", 2)
    d.add_paragraph("Improve HEDIS diabetes care rates.", style="List Bullet")
    d.add_paragraph("Increase preventive screenings.", style="List Number")
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    d.add_heading("Committee", 1)
    p = d.add_paragraph()
    p.add_run("Membership and Quorum").bold = True
    d.add_paragraph("The committee meets quarterly.")
    table = d.add_table(rows=3, cols=3)
    for c, text in enumerate(["Member", "Role", "Votes"]):
        table.cell(0, c).text = text
    table.cell(1, 0).text = "Dr. Smith"
    table.cell(1, 1).text = "Chair\nCMO"
    table.cell(1, 2).text = "Yes"
    merged = table.cell(2, 0).merge(table.cell(2, 2))
    merged.text = "Quorum is a majority"
    path = tmp_path / "qmp.docx"
    d.save(str(path))
    return path


def test_docx_structure_pages_and_sections(qmp_docx: Path) -> None:
    doc = read_document(qmp_docx, "sub/qmp.docx")
    assert doc.error is None
    assert doc.path == "sub/qmp.docx"
    assert doc.format == "docx"
    assert doc.kind == "qmp_description"
    assert doc.title == "QI Program Description 2024"
    assert doc.pages == 2
    headings = [(b.text, b.level, b.page) for b in _by_kind(doc, "heading")]
    assert headings == [
        ("QI Program Description 2024", 1, 1),
        ("Program Structure", 1, 1),
        ("Goals", 2, 1),
        ("Committee", 1, 2),
        ("Membership and Quorum", 2, 2),  # bold fallback heading, one level under the last style heading
    ]
    assert _block(doc, "The Board").section == ["Program Structure"]
    assert _block(doc, "The Board").kind == "paragraph"
    assert _block(doc, "Goals").section == ["Program Structure"]
    items = _by_kind(doc, "list_item")
    assert [b.text for b in items] == [
        "Improve HEDIS diabetes care rates.",
        "Increase preventive screenings.",
    ]
    assert all(b.section == ["Program Structure", "Goals"] and b.page == 1 for b in items)
    assert _block(doc, "The committee meets").section == ["Committee", "Membership and Quorum"]
    assert _block(doc, "The committee meets").page == 2


def test_docx_table_cells_skip_merged_duplicates(qmp_docx: Path) -> None:
    doc = read_document(qmp_docx)
    assert _cells(doc) == {
        (0, 0): "Member",
        (0, 1): "Role",
        (0, 2): "Votes",
        (1, 0): "Dr. Smith",
        (1, 1): "Chair CMO",
        (1, 2): "Yes",
        (2, 0): "Quorum is a majority",
    }
    assert all(b.page == 2 for b in _by_kind(doc, "table_cell"))
    assert doc.coverage.tables == 1
    assert doc.coverage.headings == 5
    assert doc.coverage.pages_read == 2
    assert doc.coverage.characters == sum(len(b.text) for b in doc.blocks)
    assert not any(b.text == "" for b in doc.blocks)


def test_docx_without_page_breaks_has_no_page_numbers(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_heading("Credentialing and Recredentialing Policy", 1)
    d.add_paragraph("Practitioners are recredentialed every 36 months.")
    path = tmp_path / "cr.docx"
    d.save(str(path))
    doc = read_document(path)
    assert doc.pages is None
    assert all(b.page is None for b in doc.blocks)
    assert doc.kind == "credentialing_policy"
    assert doc.coverage.pages_read == 0


def test_docx_rendered_page_breaks_are_not_double_counted(tmp_path: Path) -> None:
    # Word records both the explicit break and where the next page began; only one page is added.
    d = docx.Document()
    d.add_paragraph("First page.")
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    second = d.add_paragraph()
    second.add_run()._r.append(second._p.makeelement(docx.oxml.ns.qn("w:lastRenderedPageBreak"), {}))
    second.add_run("Second page.")
    path = tmp_path / "rendered.docx"
    d.save(str(path))
    doc = read_document(path)
    assert [(b.text, b.page) for b in doc.blocks] == [("First page.", 1), ("Second page.", 2)]
    assert doc.pages == 2


# ---------------------------------------------------------------- PDF


def _pdf_with_structure(path: Path) -> None:
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_margins(72, 72, 72)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 22, "2025 Quality Improvement Work Plan", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 10)
    body = (
        "The Quality Improvement Committee reviews this work plan every quarter and records the status "
        "of each activity in its minutes, so that the Board can follow progress during the year."
    )
    pdf.multi_cell(0, 12, body, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.multi_cell(
        0,
        12,
        "7.1 Quality Improvement. Physician shall participate in and cooperate with the "
        "Plan's Quality Improvement Program and Utilization Management Program.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(8)
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 18, "Goals", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 10)
    for item in ["- Raise diabetes screening to 90 percent.", "- Answer member calls within 30 seconds."]:
        pdf.cell(0, 12, item, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.cell(0, 12, "2.1 Scope", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.multi_cell(0, 12, "All products and all members are in scope.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    with pdf.table(col_widths=(120, 160, 100)) as table:
        for row in [
            ("Goal", "Measure", "Target"),
            ("Diabetes care", "HEDIS HbA1c testing rate for members with diabetes, all product lines", "92%"),
            ("Access", "Calls answered in 30 seconds", "80%"),
        ]:
            cells = table.row()
            for text in row:
                cells.cell(text)
    pdf.ln(10)
    pdf.multi_cell(0, 12, "Targets are reviewed by the committee in March.", new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 18, "Evaluation", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 12, "Results are reported to the Board each year.", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


@pytest.fixture
def plan_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "plan.pdf"
    _pdf_with_structure(path)
    return path


def test_pdf_headings_paragraphs_lists_and_pages(plan_pdf: Path) -> None:
    doc = read_document(plan_pdf)
    assert doc.error is None
    assert (doc.format, doc.pages, doc.kind) == ("pdf", 2, "work_plan")
    assert doc.title == "2025 Quality Improvement Work Plan"
    headings = [(b.text, b.level, b.page) for b in _by_kind(doc, "heading")]
    assert headings == [
        ("2025 Quality Improvement Work Plan", 1, 1),
        ("Goals", 2, 1),
        ("2.1 Scope", 3, 1),  # body font, but numbered, short and set apart
        ("Evaluation", 2, 2),
    ]
    body = _block(doc, "The Quality Improvement Committee reviews")
    assert body.kind == "paragraph"
    assert body.text.endswith("during the year.")  # wrapped lines joined into one paragraph
    assert body.section == ["2025 Quality Improvement Work Plan"]
    numbered = _block(doc, "7.1 Quality Improvement.")
    assert numbered.kind == "paragraph"  # a numbered body paragraph is not a heading
    assert numbered.text.endswith("Utilization Management Program.")
    items = _by_kind(doc, "list_item")
    assert [b.text for b in items] == [
        "Raise diabetes screening to 90 percent.",
        "Answer member calls within 30 seconds.",
    ]
    assert items[0].section == ["2025 Quality Improvement Work Plan", "Goals"]
    scope = _block(doc, "All products")
    assert scope.section == ["2025 Quality Improvement Work Plan", "Goals", "2.1 Scope"]
    last = _block(doc, "Results are reported")
    assert (last.page, last.section) == (2, ["2025 Quality Improvement Work Plan", "Evaluation"])


def test_pdf_table_cells_and_coverage(plan_pdf: Path) -> None:
    doc = read_document(plan_pdf)
    cells = _cells(doc)
    assert cells[(0, 0)] == "Goal" and cells[(0, 2)] == "Target"
    # A cell that wraps onto two lines reads as one line of text.
    assert cells[(1, 1)] == "HEDIS HbA1c testing rate for members with diabetes, all product lines"
    assert cells[(2, 0)] == "Access" and cells[(2, 2)] == "80%"
    # Words inside the table are not repeated as running text.
    assert not any("Diabetes care" in b.text for b in doc.blocks if b.kind != "table_cell")
    # The table sits in reading order between the text above and below it.
    order = [b.text for b in doc.blocks]
    assert order.index("All products and all members are in scope.") < order.index("Goal")
    assert order.index("80%") < order.index("Targets are reviewed by the committee in March.")
    assert doc.coverage.tables == 1
    assert doc.coverage.pages_read == 2
    assert doc.coverage.headings == 4
    assert doc.coverage.characters == sum(len(b.text) for b in doc.blocks)


def test_pdf_owner_only_encryption_is_readable(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner")  # no user password: opens without one
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 10, "Credentialing Policy text.")
    path = tmp_path / "owner.pdf"
    pdf.output(str(path))
    doc = read_document(path)
    assert doc.error is None
    assert doc.blocks[0].text == "Credentialing Policy text."


def test_pdf_with_user_password_is_an_error(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 10, "Secret text.")
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))
    doc = read_document(path)
    assert doc.error is not None and doc.error.startswith("encrypted PDF")
    assert doc.sha256 is not None and len(doc.sha256) == 64
    assert doc.blocks == []


def _png(width: int = 40, height: int = 40) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    raw = b"".join(b"\x00" + bytes([200, 30, 30]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def test_pdf_with_only_an_image_needs_ocr(tmp_path: Path) -> None:
    png = tmp_path / "scan.png"
    png.write_bytes(_png())
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(png), x=10, y=10, w=190)
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    doc = read_document(path)
    assert doc.error is not None
    assert "no text layer" in doc.error and "OCR" in doc.error


def test_corrupt_and_truncated_pdfs_are_errors(tmp_path: Path, plan_pdf: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(os.urandom(4096))
    assert "not a PDF" in (read_document(junk).error or "")

    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n" + os.urandom(4096))
    assert "damaged" in (read_document(damaged).error or "")

    data = plan_pdf.read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(data[: len(data) // 2])
    doc = read_document(truncated)
    assert doc.error is not None and "damaged or truncated PDF" in doc.error
    assert "\n" not in doc.error


# ---------------------------------------------------------------- PDF: the pypdfium2 fast path against pdfplumber

_ROOT = Path(__file__).resolve().parents[1]
_DEV_CORPUS = _ROOT.parent / "shared" / "corpus" / "dev"  # the shared labelled set, where this checkout has one
_SAME_AS_PDFPLUMBER = [
    *sorted((_ROOT / "fixtures" / "sample-submission").glob("*.pdf")),
    *(path for name in ("encrypted-permissions-only.pdf", "pdf-file-named.txt")
      if (path := _ROOT / "fixtures" / "messy" / name).is_file()),
    *sorted(_DEV_CORPUS.glob("*/*.pdf")),
]


def _read_pdf(path: Path, engine: str) -> Document:
    from extractors.pdf import read_pdf

    return read_pdf(path.read_bytes(), path=path.name, sha256="", filename=path.name, engine=engine)


def _layout(doc: Document) -> tuple[object, ...]:
    blocks = [(b.kind, b.text, b.page, b.level, b.section, b.table, b.row, b.col) for b in doc.blocks]
    return doc.title, doc.kind, doc.pages, doc.coverage, blocks


def _page_reasons(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    from extractors.pdf_fast import read_page

    pdf = pdfium.PdfDocument(path.read_bytes())
    reasons = []
    for i in range(len(pdf)):
        page = pdf[i]
        fast = read_page(page, i + 1)
        page.close()
        reasons.append("tables read here" if fast.items is not None else fast.reason)
    pdf.close()
    return reasons


@pytest.mark.parametrize("path", _SAME_AS_PDFPLUMBER, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_pdf_fast_path_gives_the_blocks_pdfplumber_gives(path: Path) -> None:
    fast = _read_pdf(path, "auto")
    assert fast.blocks
    assert _layout(fast) == _layout(_read_pdf(path, "pdfplumber"))


def test_pdf_fast_path_reads_text_pages_and_table_pages_itself(plan_pdf: Path) -> None:
    # Page 1 holds the ruled table; page 2 is text only.
    assert _page_reasons(plan_pdf) == ["tables read here", ""]
    assert _layout(_read_pdf(plan_pdf, "auto")) == _layout(_read_pdf(plan_pdf, "pdfplumber"))


def test_pdf_fast_words_match_pdfplumber_words(plan_pdf: Path) -> None:
    import pdfplumber
    import pypdfium2 as pdfium

    from extractors.pdf_fast import read_page

    pdf = pdfium.PdfDocument(plan_pdf.read_bytes())
    with pdfplumber.open(plan_pdf) as reference:
        for i, ref_page in enumerate(reference.pages):
            fast = read_page(pdf[i], i + 1)
            words = fast.words if fast.words is not None else fast.fallback
            expected = ref_page.extract_words(extra_attrs=["fontname", "size"], x_tolerance_ratio=0.2)
            assert [w["text"] for w in words] == [w["text"] for w in expected]
            for got, want in zip(words, expected, strict=True):
                for key in ("x0", "x1", "top", "bottom", "size"):
                    assert got[key] == pytest.approx(want[key], abs=0.01), (got["text"], key)
                assert got["fontname"] == want["fontname"]
    pdf.close()


def _columns_pdf(path: Path) -> None:
    """Three pages: a running head and foot, a title across, two columns of headed, bulleted prose, and rules."""
    left = (
        "The Quality Improvement Committee meets every quarter and reports to the Board. Minutes record the "
        "members present, the measures reviewed and the actions assigned, with a date for each."
    )
    right = (
        "Delegated vendors submit reports each month. The plan audits each vendor once a year against its "
        "contract and the Chapter 109 standards, and tracks corrective actions until they close."
    )
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_margins(54, 54, 54)
    pdf.set_auto_page_break(False)
    for page in range(1, 4):
        pdf.add_page()
        pdf.set_font("Helvetica", "", 8)
        pdf.set_xy(54, 30)
        pdf.cell(0, 10, "Katahdin Health Plan - Quality Program Description 2025")
        pdf.set_xy(54, 750)
        pdf.cell(0, 10, f"Page {page} of 3", align="C")
        pdf.set_line_width(0.5)
        pdf.line(54, 46, 558, 46)  # a rule under the running head: not a table
        pdf.set_xy(54, 90)
        pdf.set_font("Helvetica", "B", 16)
        pdf.cell(0, 20, ("1. Program Structure", "2. Delegation", "3. Annual Evaluation")[page - 1])
        for x, text, heading in ((54, left, "Committee Structure"), (318, right, "Delegation Oversight")):
            pdf.set_xy(x, 130)
            pdf.set_font("Helvetica", "B", 11)
            pdf.cell(240, 14, heading)
            pdf.set_font("Helvetica", "", 10)
            pdf.set_xy(x, 150)
            pdf.multi_cell(240, 12, text + " " + text)
            y = pdf.get_y() + 8
            for item in ("Review the annual work plan.", "Approve the program evaluation."):
                pdf.set_xy(x, y)
                pdf.cell(240, 12, "- " + item)
                y += 14
        pdf.rect(54, 330, 504, 40)  # a box round a note: one cell, not a table
        pdf.set_xy(60, 335)
        pdf.set_font("Helvetica", "I", 10)
        pdf.multi_cell(490, 12, "Note: the committee may meet more often when a measure falls below its goal.")
    pdf.output(str(path))


def test_pdf_fast_path_columns_running_heads_and_rules(tmp_path: Path) -> None:
    path = tmp_path / "columns.pdf"
    _columns_pdf(path)
    assert _page_reasons(path) == ["", "", ""]  # a rule and a box are no grid
    doc = _read_pdf(path, "auto")
    assert _layout(doc) == _layout(_read_pdf(path, "pdfplumber"))
    texts = [b.text for b in doc.blocks]
    assert not any(t.startswith(("Page ", "Katahdin Health Plan -")) for t in texts)  # running heads dropped
    assert texts.index("Committee Structure") < texts.index("Delegation Oversight")  # left column first
    assert [b.page for b in doc.blocks if b.text == "Delegation Oversight"] == [1, 2, 3]
    assert _block(doc, "The Quality Improvement Committee meets").text.endswith("with a date for each.")
    assert _block(doc, "Review the annual work plan.").kind == "list_item"
    assert [(b.text, b.level) for b in doc.blocks if b.kind == "heading"][:3] == [
        ("1. Program Structure", 1),
        ("Committee Structure", 2),
        ("Delegation Oversight", 2),
    ]
    assert _block(doc, "Review the annual work plan.").section == ["1. Program Structure", "Committee Structure"]


def test_pdf_fast_path_reads_grids_and_hands_rotated_pages_to_pdfplumber(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    pdf = FPDF(unit="pt", format="letter")
    for _ in range(2):
        pdf.add_page()
        pdf.set_font("Helvetica", "", 10)
        for row in range(3):  # a grid of bare lines, not fpdf2's table: 2 rows x 2 columns of cells
            pdf.line(72, 100 + 20 * row, 372, 100 + 20 * row)
            pdf.line(72 + 150 * row, 100, 72 + 150 * row, 140)
        for row, (a, b) in enumerate((("Measure", "Rate"), ("Timely access", "87%"))):
            pdf.text(76, 114 + 20 * row, a)
            pdf.text(226, 114 + 20 * row, b)
        pdf.text(72, 200, "Rates are reported to the committee each quarter.")
    grid = tmp_path / "grid.pdf"
    pdf.output(str(grid))
    assert _page_reasons(grid) == ["tables read here"] * 2
    doc = _read_pdf(grid, "auto")
    assert _cells(doc) == {(0, 0): "Measure", (0, 1): "Rate", (1, 0): "Timely access", (1, 1): "87%"}
    assert doc.model_dump() == _read_pdf(grid, "pdfplumber").model_dump()

    # The same grid with nothing in its cells (a banner's boxes): pdfplumber's reader keeps no table, so no need.
    empty = FPDF(unit="pt", format="letter")
    empty.add_page()
    empty.set_font("Helvetica", "", 10)
    for row in range(3):
        empty.line(72, 100 + 20 * row, 372, 100 + 20 * row)
        empty.line(72 + 150 * row, 100, 72 + 150 * row, 140)
    empty.text(72, 200, "Rates are reported to the committee each quarter.")
    banner = tmp_path / "banner.pdf"
    empty.output(str(banner))
    assert _page_reasons(banner) == [""]
    assert _layout(_read_pdf(banner, "auto")) == _layout(_read_pdf(banner, "pdfplumber"))

    rotated = pdfium.PdfDocument(_columns_pdf_bytes(tmp_path))
    rotated[1].set_rotation(90)
    turned = tmp_path / "rotated.pdf"
    with turned.open("wb") as handle:
        rotated.save(handle)
    assert _page_reasons(turned) == ["", "rotated page", ""]
    assert _layout(_read_pdf(turned, "auto")) == _layout(_read_pdf(turned, "pdfplumber"))


def _long_pdf_with_grids(path: Path, pages: int = 45) -> None:
    """Prose on every page and a ruled 2 x 2 grid on every ninth."""
    pdf = FPDF(unit="pt", format="letter")
    for n in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 14)
        pdf.text(72, 70, f"{n + 1}. Part {n + 1}")
        pdf.set_font("Helvetica", "", 10)
        pdf.set_xy(72, 90)
        pdf.multi_cell(460, 12, f"The committee reviews measure {n + 1} each quarter and reports to the Board. " * 6)
        if n % 9 == 4:
            for row in range(3):
                pdf.line(72, 300 + 20 * row, 372, 300 + 20 * row)
                pdf.line(72 + 150 * row, 300, 72 + 150 * row, 340)
            for row, (a, b) in enumerate((("Measure", "Rate"), (f"Measure {n + 1}", f"{50 + n}%"))):
                pdf.text(76, 314 + 20 * row, a)
                pdf.text(226, 314 + 20 * row, b)
    pdf.output(str(path))


def test_pdf_tables_are_read_in_the_fast_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ruled grids come out of pdfium's pass (no page goes to pdfplumber), cell for cell as pdfplumber reads them."""
    from extractors import pdf as pdf_reader

    path = tmp_path / "long.pdf"
    _long_pdf_with_grids(path)
    reference = _read_pdf(path, "pdfplumber")

    def no_pdfplumber(data, wanted):
        raise AssertionError(f"pages {sorted(wanted)} were sent to pdfplumber")

    monkeypatch.setattr(pdf_reader, "_plumber_pages", no_pdfplumber)
    fast = _read_pdf(path, "auto")
    cells = [(b.page, b.row, b.col, b.text) for b in fast.blocks if b.kind == "table_cell"]
    assert len(cells) == 20 and (5, 1, 1, "54%") in cells and (41, 0, 0, "Measure") in cells
    assert fast.model_dump() == reference.model_dump()


def test_pdf_pages_shared_with_a_helper_process_read_the_same(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A long PDF read with a forked helper taking pages (as in auditor.overlap's child) is the same Document as
    read in one process, also when the helper dies part way (its pages are read here), and the characters limit
    refuses it with the same message."""
    import os

    from extractors import pdf as pdf_reader
    from extractors.common import ReadError

    path = tmp_path / "long.pdf"
    _long_pdf_with_grids(path)
    alone = _read_pdf(path, "auto")
    monkeypatch.setattr(pdf_reader, "_helper_cores", 2)
    monkeypatch.setattr(pdf_reader, "_running_tasks", lambda: 1)  # whatever else runs on the machine
    assert pdf_reader._helper_pays(alone.pages)
    assert _read_pdf(path, "auto").model_dump() == alone.model_dump()

    here, read_page = os.getpid(), pdf_reader._read_page

    def dies_in_helper(pdf, i):
        if os.getpid() != here and i > 10:
            os._exit(3)
        return read_page(pdf, i)

    monkeypatch.setattr(pdf_reader, "_read_page", dies_in_helper)
    assert _read_pdf(path, "auto").model_dump() == alone.model_dump()
    monkeypatch.setattr(pdf_reader, "_read_page", read_page)

    limit = sum(len(b.text) for b in alone.blocks) // 3
    monkeypatch.setenv("HMO_AUDIT_MAX_DOCUMENT_CHARS", str(limit))
    with pytest.raises(ReadError) as shared:
        _read_pdf(path, "auto")
    monkeypatch.setattr(pdf_reader, "_helper_cores", 0)
    with pytest.raises(ReadError) as one_by_one:
        _read_pdf(path, "auto")
    assert str(shared.value) == str(one_by_one.value)


def test_pdf_table_page_with_a_space_pdfium_left_out_goes_to_pdfplumber() -> None:
    from extractors.pdf_fast import _Drawn, table_items

    chars = [("A", 80.0, 86.0, 300.0, 310.0, 10.0, "Helvetica", True)]
    group = [(72.0, 290.0, 222.0, 320.0), (222.0, 290.0, 372.0, 320.0)]
    assert table_items(chars, [], _Drawn(edges=[], spaces=[(100.0, 300.0)]), [group], 1, 792.0) is None
    assert table_items(chars, [], _Drawn(edges=[], spaces=[]), [group], 1, 792.0) is not None
    turned = [(*chars[0][:7], False)]
    assert table_items(turned, [], _Drawn(edges=[], spaces=[]), [group], 1, 792.0) is None


def _columns_pdf_bytes(tmp_path: Path) -> bytes:
    path = tmp_path / "columns-source.pdf"
    _columns_pdf(path)
    return path.read_bytes()


def _raw_pdf(content: bytes) -> bytes:
    """A one-page PDF around a hand-written content stream (Helvetica as /F1)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return messy_builder().pdf_from_objects(objects)


def test_pdf_fast_path_keeps_a_space_drawn_on_its_own(tmp_path: Path) -> None:
    # Word draws some spaces as text objects of their own; pdfium leaves such a (zero-width) object out of its text,
    # and the gap alone (2.3 pt at 12 pt) is below the 0.2 x size that splits words.
    path = tmp_path / "spaces.pdf"
    path.write_bytes(
        _raw_pdf(
            b"BT /F1 12 Tf 72 700 Td (members) Tj ET BT /F1 12 Tf 121.9 700 Td ( ) Tj ET "
            b"BT /F1 12 Tf 124.3 700 Td (to request a review.) Tj ET"
        )
    )
    assert [b.text for b in _read_pdf(path, "auto").blocks] == ["members to request a review."]
    assert _layout(_read_pdf(path, "auto")) == _layout(_read_pdf(path, "pdfplumber"))


# ---------------------------------------------------------------- dispatch failures


def test_empty_and_unsupported_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    doc = read_document(empty)
    assert doc.error == "empty file (0 bytes)"
    assert doc.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n ")
    assert read_document(blank).error == "empty file (only white space)"

    sheet = tmp_path / "measures.xlsx"
    sheet.write_bytes(b"PK\x03\x04 not really")
    assert "spreadsheets are not supported" in (read_document(sheet).error or "")

    legacy = tmp_path / "old.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert ".doc" in (read_document(legacy).error or "")

    odd = tmp_path / "notes.xyz"
    odd.write_text("hello")
    assert read_document(odd).error == (
        "unsupported file type '.xyz'; supported types: .pdf, .docx, .txt, .text, .md, .markdown"
    )


def test_docx_that_is_not_a_zip_is_an_error(tmp_path: Path) -> None:
    fake = tmp_path / "fake.docx"
    fake.write_text("just text")
    assert read_document(fake).error == "not a valid .docx file (it is not a ZIP package)"
    ole = tmp_path / "protected.docx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200)
    assert "password-protected" in (read_document(ole).error or "")


def test_unreadable_path_is_an_error_not_an_exception(tmp_path: Path) -> None:
    doc = read_document(tmp_path / "missing.pdf", "missing.pdf")
    assert doc.path == "missing.pdf"
    assert doc.error is not None and doc.error.startswith("cannot read the file")


# ---------------------------------------------------------------- plain text and Markdown


def test_plain_text_headings_pages_lists_and_cp1252(tmp_path: Path) -> None:
    text = (
        "QUALITY MANAGEMENT PROGRAM\n\n"
        "1.03-1 Structure\n"
        "The plan\u2019s program is described here.\n"
        "It continues on a second line.\n\n"
        "a. first duty\n"
        "(b) second duty that wraps\n"
        "   onto an indented line\n"
        "\f"
        "2.1 The plan shall keep a written\n"
        "program that is reviewed every year.\n\n"
        "Closing remarks.\n"
    )
    path = tmp_path / "policy.txt"
    data = text.encode("cp1252")
    assert b"\x92" in data  # the curly apostrophe is not valid UTF-8 in this file
    path.write_bytes(data)
    doc = read_document(path)
    assert doc.error is None
    assert (doc.format, doc.pages, doc.kind) == ("text", 2, "qmp_description")
    assert [(b.text, b.level) for b in _by_kind(doc, "heading")] == [
        ("QUALITY MANAGEMENT PROGRAM", 1),
        ("1.03-1 Structure", 3),
    ]
    para = _block(doc, "The plan")
    assert para.text == "The plan\u2019s program is described here. It continues on a second line."
    assert para.section == ["QUALITY MANAGEMENT PROGRAM", "1.03-1 Structure"]
    assert [b.text for b in _by_kind(doc, "list_item")] == [
        "a. first duty",
        "(b) second duty that wraps onto an indented line",
    ]
    # A numbered sentence that wraps is body text, not a heading.
    wrapped = _block(doc, "2.1 The plan shall")
    assert (wrapped.kind, wrapped.page) == ("paragraph", 2)
    assert _block(doc, "Closing").page == 2


def test_plain_text_decoding_never_fails(tmp_path: Path) -> None:
    path = tmp_path / "odd.text"
    path.write_bytes(b"Caf\xe9 \x81 notes\r\nsecond line\r\n")  # 0x81 is undefined even in cp1252
    doc = read_document(path)
    assert doc.error is None
    assert doc.blocks[0].text.startswith("Caf\u00e9")
    assert doc.pages == 1 and doc.blocks[0].page == 1


def test_markdown_structure(tmp_path: Path) -> None:
    text = (
        "# Minutes of the Quality Improvement Committee\n\n"
        "Meeting held **February 12, 2025** at [the office](http://example.org).\n\n"
        "## Attendance\n\n"
        "- Dr. Smith, chair\n"
        "- Ms. Jones\n"
        "  (by video)\n"
        "1. Approved the work plan.\n\n"
        "| Name | Role |\n|------|:----:|\n| Dr. Smith | Chair |\n| Ms. Jones | Member |\n\n"
        "### Actions\n"
        "Follow up in March.\n"
    )
    path = tmp_path / "minutes.md"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    assert (doc.format, doc.kind, doc.pages) == ("markdown", "committee_minutes", None)
    assert [(b.text, b.level) for b in _by_kind(doc, "heading")] == [
        ("Minutes of the Quality Improvement Committee", 1),
        ("Attendance", 2),
        ("Actions", 3),
    ]
    assert _block(doc, "Meeting held").text == "Meeting held February 12, 2025 at the office."
    assert [b.text for b in _by_kind(doc, "list_item")] == [
        "Dr. Smith, chair",
        "Ms. Jones (by video)",
        "1. Approved the work plan.",
    ]
    assert _cells(doc) == {
        (0, 0): "Name",
        (0, 1): "Role",
        (1, 0): "Dr. Smith",
        (1, 1): "Chair",
        (2, 0): "Ms. Jones",
        (2, 1): "Member",
    }
    assert _block(doc, "Follow up").section == [
        "Minutes of the Quality Improvement Committee",
        "Attendance",
        "Actions",
    ]
    assert doc.coverage.tables == 1 and doc.coverage.pages_read == 0


# ---------------------------------------------------------------- shared pieces


def test_sections_close_at_same_or_higher_level() -> None:
    blocks = [
        Block(kind="heading", text="A", level=1),
        Block(kind="heading", text="A.1", level=2),
        Block(kind="paragraph", text="x"),
        Block(kind="heading", text="A.2", level=2),
        Block(kind="heading", text="B", level=1),
        Block(kind="paragraph", text="y"),
    ]
    assign_sections(blocks)
    assert [b.section for b in blocks] == [[], ["A"], ["A", "A.1"], ["A"], [], ["B"]]


def test_a_heading_with_nothing_under_it_opens_a_part_over_the_headings_of_its_style() -> None:
    # all in one heading style, as many documents are: "Clinical guidelines" holds the questions after it
    blocks = [
        Block(kind="heading", text="FAQ", level=1),
        Block(kind="heading", text="Clinical guidelines", level=2),
        Block(kind="heading", text="Q17", level=2),
        Block(kind="paragraph", text="x"),
        Block(kind="heading", text="Q18", level=2),
        Block(kind="paragraph", text="y"),
        Block(kind="heading", text="Studies", level=2),
        Block(kind="heading", text="Q22", level=2),
        Block(kind="paragraph", text="z"),
    ]
    assign_sections(blocks)
    assert [b.section for b in blocks] == [
        [], ["FAQ"], ["FAQ", "Clinical guidelines"], ["FAQ", "Clinical guidelines", "Q17"],
        ["FAQ", "Clinical guidelines"], ["FAQ", "Clinical guidelines", "Q18"], ["FAQ"], ["FAQ", "Studies"],
        ["FAQ", "Studies", "Q22"]]


@pytest.mark.parametrize(
    ("title", "headings", "filename", "expected"),
    [
        ("QI Program Description 2024", [], "doc.docx", "qmp_description"),
        ("2025 Quality Improvement Work Plan", [], "a.pdf", "work_plan"),
        ("Participating Physician Agreement", [], "a.pdf", "contract_template"),
        ("Minutes of the Quality Improvement Committee", [], "a.docx", "committee_minutes"),
        ("QM-02 Clinical Practice Guidelines", [], "a.pdf", "guideline_policy"),
        ("QM-01 Quality Management Program Structure", [], "a.docx", "qmp_description"),
        ("Annual Evaluation of the Quality Improvement Program", [], "a.docx", "annual_evaluation"),
        ("2024 QI Program Annual Report", [], "a.docx", "annual_evaluation"),
        ("Credentialing and Recredentialing Policy", [], "a.docx", "credentialing_policy"),
        (
            "Katahdin HMO Policy and Procedure",
            ["QM-02 Clinical Practice Guidelines"],
            "x.pdf",
            "guideline_policy",
        ),
        (
            "Sebago Health Partners HMO",
            ["Participating Physician Agreement: Selected Provisions"],
            "x.pdf",
            "contract_template",
        ),
        ("Casco Bay Health Plan", [], "qi-work-plan-2025.pdf", "work_plan"),
        ("Provider Manual", [], "a.pdf", "provider_manual"),  # binds providers beside their contracts
        # the program's manual of procedures is its description; a chart of who does what, or a form the plan
        # fills in about itself, is not
        ("Kettle Cove HMO - Quality Management SOP Manual, 2025 Edition", [], "a.docx", "qmp_description"),
        ("Kettle Cove HMO - QM Program Responsibility Matrix (RACI), 2025", [], "a.docx", "other"),
        ("Kettle Cove HMO - Form F-9 Annual QM Program Self-Attestation", [], "a.docx", "other"),
        # the same kinds in other words: a committee's session notes, the year's review, an improvement roadmap;
        # and a plan's answer to an examination is a response, whatever plans it speaks of
        ("Improvement Council -- Session Notes, 2024 to 2025", [], "a.pdf", "committee_minutes"),
        ("2024 Year in Review: What We Tried, What We Learned", [], "a.docx", "annual_evaluation"),
        ("A3 Project Portfolio and 2025 Improvement Roadmap", [], "a.pdf", "work_plan"),
        ("Maple Health Plan - Corrective Action Plan Response", ["Finding 3 - Work plan approval"], "a.docx",
         "other"),
        ("Maple Health Plan Member Handbook 2025: pages 22 to 25", ["Our quality program"], "a.pdf", "other"),
        (None, [], "notes.txt", "other"),
    ],
)
def test_guess_kind(title: str | None, headings: list[str], filename: str, expected: str) -> None:
    assert guess_kind(title, headings, filename) == expected


def test_iter_input_files_order_skips_and_display_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sub = tmp_path / "fixtures" / "sample-submission"
    (sub / "appendix").mkdir(parents=True)
    (sub / ".git").mkdir()
    for name in ["qmp.docx", "b.pdf", "submission.yaml", "overrides.yml", ".hidden.pdf", "scores.xlsx"]:
        (sub / name).write_bytes(b"x")
    (sub / "appendix" / "a.md").write_text("# A")
    (sub / ".git" / "config.txt").write_text("x")
    extra = tmp_path / "extra.txt"
    extra.write_text("x")
    monkeypatch.chdir(tmp_path)

    pairs = iter_input_files(["fixtures/sample-submission/", "./extra.txt", "fixtures/sample-submission/b.pdf"])
    shown = [display for _, display in pairs]
    assert shown == [
        "extra.txt",
        "fixtures/sample-submission/appendix/a.md",
        "fixtures/sample-submission/b.pdf",  # named twice, listed once
        "fixtures/sample-submission/qmp.docx",
        "fixtures/sample-submission/scores.xlsx",  # kept so it is reported as unsupported
    ]
    assert all(real.is_file() for real, _ in pairs)
    assert pairs[1][0] == Path("fixtures/sample-submission/appendix/a.md")

    with pytest.raises(FileNotFoundError):
        iter_input_files(["no/such/folder"])


def test_running_heads_and_page_numbers_are_dropped(tmp_path: Path) -> None:
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_margins(72, 72, 72)
    pdf.set_auto_page_break(False)
    for page in range(1, 4):
        pdf.add_page()
        pdf.set_xy(72, 30)
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, 12, "Casco Bay Health Plan - Confidential")
        pdf.set_xy(72, 100)
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 18, f"Part {page} Overview", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 12, f"Body text of part {page} describes the program.", new_x="LMARGIN", new_y="NEXT")
        pdf.set_xy(72, 750)
        pdf.cell(0, 12, f"Page {page} of 3")
    path = tmp_path / "heads.pdf"
    pdf.output(str(path))
    doc = read_document(path)
    texts = [b.text for b in doc.blocks]
    assert not any("Confidential" in t or t.startswith("Page ") for t in texts)
    assert [b.text for b in _by_kind(doc, "heading")] == [
        "Part 1 Overview",
        "Part 2 Overview",
        "Part 3 Overview",
    ]
    assert _block(doc, "Body text of part 3").page == 3


def test_two_column_page_is_read_column_by_column() -> None:
    from extractors.pdf_layout import order_lines

    def word(text: str, x0: float, top: float, size: float = 10.0) -> dict[str, object]:
        return {
            "text": text,
            "x0": x0,
            "x1": x0 + 5.5 * len(text),
            "top": top,
            "bottom": top + size,
            "fontname": "Helvetica",
            "size": size,
            "upright": True,
        }

    words = [word("Annual", 72, 60, 16), word("Quality", 130, 60, 16), word("Report", 200, 60, 16)]
    for i in range(8):
        top = 100 + 14 * i
        # Each column line fills its column (x 72-280 and 320-528) so the white strip is a gutter.
        words += [word(f"left{i}", 72, top), word("alpha" * 5, 110, top), word("x" * 5, 250, top)]
        words += [word(f"right{i}", 320, top), word("beta" * 6, 360, top), word("y" * 5, 498, top)]
    lines = order_lines(words, page=1, page_height=792)
    firsts = [ln.text.split()[0] for ln in lines]
    assert firsts == ["Annual"] + [f"left{i}" for i in range(8)] + [f"right{i}" for i in range(8)]
    assert lines[0].col == -1 or lines[0].col == 0
    assert {ln.col for ln in lines[1:9]} == {0} and {ln.col for ln in lines[9:]} == {1}


def test_label_value_form_is_not_split_into_columns() -> None:
    from extractors.pdf_layout import order_lines

    def word(text: str, x0: float, top: float) -> dict[str, object]:
        return {
            "text": text,
            "x0": x0,
            "x1": x0 + 5.5 * len(text),
            "top": top,
            "bottom": top + 10,
            "fontname": "Helvetica",
            "size": 10.0,
            "upright": True,
        }

    labels = ["Name:", "Title:", "Phone:", "Email:", "Fax:", "Address:", "City:", "State:"]
    words = []
    for i, label in enumerate(labels):
        words += [word(label, 72, 100 + 14 * i), word(f"value{i}", 320, 100 + 14 * i)]
    lines = order_lines(words, page=1, page_height=792)
    assert [ln.text for ln in lines][:2] == ["Name: value0", "Title: value1"]


def test_damaged_docx_is_an_error(tmp_path: Path, qmp_docx: Path) -> None:
    data = qmp_docx.read_bytes()
    broken = tmp_path / "broken.docx"
    broken.write_bytes(data[: len(data) // 3])
    doc = read_document(broken)
    assert doc.error is not None and doc.error.startswith("damaged .docx")
    assert doc.format == "docx"


def test_pdf_heading_that_wraps_is_one_heading(tmp_path: Path) -> None:
    # A long title set in a heading font wraps at the right margin, its second line at normal leading: one
    # heading, so what it names ("Clinical Practice Guidelines") is the context of everything under it.
    path = tmp_path / "wrapped.pdf"
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_margins(54, 54, 54)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 22, "Northwoods Health Plan, Inc. - Standard Operating Procedure: Clinical Practice Guidelines",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(0, 18, "Background", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    body = "The plan adopts national guidelines for chronic and preventive care. " * 3
    pdf.multi_cell(0, 13, body, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    doc = _read_pdf(path, "auto")
    assert [b.text for b in _by_kind(doc, "heading")] == [
        "Northwoods Health Plan, Inc. - Standard Operating Procedure: Clinical Practice Guidelines",
        "Background",
    ]


def test_a_sentence_broken_over_paragraphs_is_one_paragraph(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_heading("Quality Management Program", 1)
    lines = ("The Quality Manage-", "ment Committee meets four times a",
             "year, in March, June, September and December.",
             "Members of the committee:", "the Medical Director and four practitioners.")
    for line in lines:
        d.add_paragraph(line)
    path = tmp_path / "scan.docx"
    d.save(str(path))
    paragraphs = [b.text for b in read_document(path).blocks if b.kind == "paragraph"]
    # a hyphen at a line's end joins the word; an open end goes on; a lead-in's colon ends its paragraph
    assert paragraphs[0] == ("The Quality Management Committee meets four times a year, in March, June, September"
                             " and December.")
    assert paragraphs[1:] == ["Members of the committee:", "the Medical Director and four practitioners."]


def test_a_numbered_heading_after_a_part_of_the_same_number_depth_closes_the_part() -> None:
    # "5. Quality of service studies" opens a part over "QoS-1" and "QoS-2"; "6. Continuity" is its sibling
    blocks = [
        Block(kind="heading", text="Evaluation", level=1),
        Block(kind="heading", text="5. Quality of service studies", level=2),
        Block(kind="heading", text="QoS-1 After-hours access", level=2),
        Block(kind="paragraph", text="x"),
        Block(kind="heading", text="6. Continuity and utilization", level=2),
        Block(kind="paragraph", text="y"),
    ]
    assign_sections(blocks)
    assert [b.section for b in blocks] == [
        [], ["Evaluation"], ["Evaluation", "5. Quality of service studies"],
        ["Evaluation", "5. Quality of service studies", "QoS-1 After-hours access"], ["Evaluation"],
        ["Evaluation", "6. Continuity and utilization"]]


def test_heading_sizes_within_a_tolerance_are_one_style() -> None:
    # an OCR'd layer sizes each heading line to its letters: 9.0 and 8.5 points are one style, 10.5 another
    from extractors.pdf import _heading_levels

    sizes = [10.5, 8.5, 9.0, 9.0, 8.5]
    def headings():
        return [(Block(kind="heading", text=f"Heading {i}"), type("L", (), {"size": s, "bold": False})())
                for i, s in enumerate(sizes)]
    exact = headings()
    _heading_levels(exact)
    assert [b.level for b, _ in exact] == [1, 3, 2, 2, 3]
    loose = headings()
    _heading_levels(loose, size_tolerance=0.06)
    assert [b.level for b, _ in loose] == [1, 2, 2, 2, 2]
