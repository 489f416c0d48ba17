"""Files as users really send them (fixtures/messy/): each is read, or gets an error that says what is wrong.

Legacy .doc needs antiword or LibreOffice and scanned PDFs need ocrmypdf and tesseract; those tests skip
(saying what to install) where the tools are missing, and the tests of the missing-tool errors always run.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from extractors import legacy_doc, ocr, read_document
from tests.conftest import AS_OF, ROOT
from tests.helpers import messy_builder

MESSY = Path("fixtures") / "messy"


build = messy_builder()

needs_antiword = pytest.mark.skipif(
    shutil.which("antiword") is None, reason="antiword is not installed (apt-get install antiword)"
)
needs_libreoffice = pytest.mark.skipif(
    "soffice" not in legacy_doc.converters(),
    reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)",
)
needs_ocr = pytest.mark.skipif(
    bool(ocr.missing_tools()), reason="OCR tools missing: " + ", ".join(ocr.missing_tools())
)


def read(name: str):
    return read_document(MESSY / name, f"{MESSY.as_posix()}/{name}")


def text_of(document) -> str:
    return " ".join(b.text for b in document.blocks)


# ---------------------------------------------------------------- one file at a time

ERRORS = {
    "corrupt.pdf": ("pdf", "damaged or truncated PDF, cannot be read"),
    "truncated.pdf": ("pdf", "damaged or truncated PDF, cannot be read"),
    "empty.docx": ("docx", "empty file (0 bytes)"),
    "encrypted-needs-password.pdf": ("pdf", "encrypted PDF: it needs a password to open"),
    "zero-pages.pdf": ("pdf", "no text found in the file"),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_a_bad_file_gets_an_error_saying_what_is_wrong(name: str) -> None:
    fmt, message = ERRORS[name]
    document = read(name)
    assert document.format == fmt
    assert document.error is not None and message in document.error
    assert document.blocks == []
    assert document.sha256 and document.path == f"fixtures/messy/{name}"


def test_zero_page_pdf_reports_zero_pages() -> None:
    assert read("zero-pages.pdf").pages == 0


def test_pdf_with_only_an_owner_password_reads() -> None:
    document = read("encrypted-permissions-only.pdf")
    assert document.error is None
    assert document.title == "CONFIDENTIALITY POLICY"
    assert "Members may see and copy their own records." in text_of(document)


def test_docx_named_pdf_is_read_as_docx() -> None:
    document = read("word-file-named.pdf")
    assert document.error is None
    assert document.format == "docx"
    assert document.title == "QUALITY IMPROVEMENT COMMITTEE MINUTES"
    assert document.kind == "committee_minutes"


def test_pdf_named_txt_is_read_as_pdf() -> None:
    document = read("pdf-file-named.txt")
    assert document.error is None
    assert (document.format, document.pages, document.coverage.pages_read) == ("pdf", 4, 4)
    assert document.title == "CREDENTIALING POLICY"
    assert "Casco Bay Health Plan" not in text_of(document)  # the running head is dropped, as in any PDF


def test_windows_1252_text_keeps_its_characters() -> None:
    document = read("windows-1252-notes.txt")
    assert document.error is None
    text = text_of(document)
    assert "Dr. Renée François joins the “Quality Improvement Committee”" in text
    assert "Members’ satisfaction rose to 87 % — the best result since 2019." in text
    assert document.title == "PROVIDER NEWSLETTER – SPRING 2025"


def test_large_pdf_is_read_to_the_last_page(tmp_path: Path) -> None:
    path = tmp_path / "credentialing-policy.pdf"
    path.write_bytes(build.large_pdf(pages=201))
    document = read_document(path)
    assert document.error is None
    assert (document.pages, document.coverage.pages_read) == (201, 201)
    last = document.blocks[-1]
    assert last.page == 201
    assert last.section == ["CREDENTIALING POLICY", "201. STEP 201 OF THE REVIEW"]


def test_committed_fixtures_stay_small() -> None:
    assert sum(p.stat().st_size for p in (ROOT / MESSY).iterdir()) < 200_000


# ---------------------------------------------------------------- legacy .doc


def _assert_minutes(document) -> None:
    assert document.error is None, document.error
    assert document.format == "doc"
    assert document.title == "QUALITY IMPROVEMENT COMMITTEE MINUTES"
    assert document.kind == "committee_minutes"
    headings = [b.text for b in document.blocks if b.kind == "heading"]
    assert headings[1:] == ["1. ATTENDANCE", "2. FINDINGS AND ACTIONS", "3. APPROVAL"]
    approval = next(b for b in document.blocks if b.text.startswith("These minutes were approved"))
    assert approval.section == ["3. APPROVAL"]
    cells = {(b.row, b.col): b.text for b in document.blocks if b.kind == "table_cell"}
    assert cells[(0, 0)] == "Action" and cells[(2, 2)] == "May 15, 1998"
    assert document.coverage.tables == 1


@needs_antiword
def test_legacy_doc_through_antiword(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacy_doc, "converters", lambda: {"antiword": shutil.which("antiword")})
    document = read("committee-minutes-1998.doc")
    _assert_minutes(document)
    assert document.pages is None  # antiword marks no page breaks
    assert document.coverage.read_as is None  # its text is the .doc's own


@needs_libreoffice
def test_legacy_doc_is_read_through_libreoffice_first() -> None:
    document = read("committee-minutes-1998.doc")
    _assert_minutes(document)
    assert document.coverage.read_as == legacy_doc.READ_AS == "converted from .doc"


@needs_libreoffice
def test_legacy_doc_through_libreoffice_two_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacy_doc, "converters", lambda: {"soffice": shutil.which("soffice")})
    results = {}

    def convert(i: int) -> None:
        results[i] = read("committee-minutes-1998.doc")

    threads = [threading.Thread(target=convert, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for document in results.values():
        _assert_minutes(document)  # each run has a profile of its own, so neither fails silently


def test_legacy_doc_without_a_converter_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacy_doc.shutil, "which", lambda name: None)
    document = read("committee-minutes-1998.doc")
    assert document.format == "doc"
    assert document.error == legacy_doc.INSTALL_HINT
    assert "antiword (apt-get install antiword)" in document.error and "LibreOffice" in document.error


@needs_antiword
def test_legacy_doc_that_is_not_a_word_file(tmp_path: Path) -> None:
    fake = tmp_path / "old.doc"
    fake.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    document = read_document(fake)
    assert (document.error or "").startswith("legacy .doc could not be read (antiword: old.doc is not a Word Document")
    assert str(tmp_path) not in document.error  # the temporary copy's path is not shown


def test_rtf_saved_as_doc_without_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacy_doc, "converters", lambda: {"antiword": "/usr/bin/antiword"})
    rtf = tmp_path / "policy.doc"
    rtf.write_bytes(b"{\\rtf1\\ansi Credentialing policy.\\par}")
    error = read_document(rtf).error or ""
    assert "this .doc file is an RTF file" in error and "LibreOffice" in error


# ---------------------------------------------------------------- scanned PDFs


@needs_ocr
def test_scanned_pdf_is_read_through_ocr() -> None:
    document = read("scanned-work-plan.pdf")
    assert document.error is None, document.error
    assert (document.format, document.pages) == ("pdf+ocr", 1)
    assert document.title == "2025 QUALITY IMPROVEMENT WORK PLAN"
    assert document.kind == "work_plan"
    assert "Approved by the Board of Directors on January 28, 2025." in text_of(document)
    headings = [b.text for b in document.blocks if b.kind == "heading"]
    assert "2. ACTIVITIES" in headings and "3. RESPONSIBLE STAFF" in headings
    assert all(b.page == 1 for b in document.blocks)


@needs_ocr
def test_scan_with_a_stray_text_stamp_is_ocred_too(tmp_path: Path) -> None:
    # A few characters over a page image: the PDF reader calls it "mostly scanned", and OCR must still run on
    # that page (--force-ocr; --skip-text would skip any page that has text).
    path = tmp_path / "signed-work-plan.pdf"
    path.write_bytes(build.scanned_pdf(stamp="Docusign Envelope ID: 1F4C7B4C-5F50-4022"))
    assert "mostly scanned" in (read_document_without_ocr(path).error or "")
    document = read_document(path)
    assert document.error is None, document.error
    assert document.format == "pdf+ocr"
    assert "reminder letters" in text_of(document)


def read_document_without_ocr(path: Path):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ocr, "missing_tools", lambda: ("ocrmypdf (pip install ocrmypdf)",))
        return read_document(path)


def test_scanned_pdf_without_ocr_tools_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "missing_tools", lambda: (
        "ocrmypdf (pip install ocrmypdf)", "tesseract-ocr (apt-get install tesseract-ocr tesseract-ocr-eng)"))
    document = read("scanned-work-plan.pdf")
    assert document.format == "pdf"
    error = document.error or ""
    assert error.startswith("PDF has no text layer (1 page(s)")
    assert "needs OCR" in error
    assert "install ocrmypdf (pip install ocrmypdf) and tesseract-ocr" in error


# ---------------------------------------------------------------- the whole folder


@pytest.fixture(scope="module")
def messy_reports(tmp_path_factory: pytest.TempPathFactory):
    """The audit of the folder, and of a copy holding only the files that read."""
    from auditor.api import audit

    report = audit([str(MESSY)], ["maine-ch109"], AS_OF)
    readable = tmp_path_factory.mktemp("readable")
    for entry in report.documents:
        if entry.error is None:
            shutil.copy(entry.path, readable / Path(entry.path).name)
    return report, audit([str(readable)], ["maine-ch109"], AS_OF)


def test_folder_audit_reports_every_file(messy_reports) -> None:
    report, _ = messy_reports
    entries = {Path(d.path).name: d for d in report.documents}
    skipped = {Path(s.path).name: s.reason for s in report.skipped}
    # Every file is accounted for: read (or failed to read) as a document, or skipped as no document at all.
    assert set(entries) | set(skipped) == {p.name for p in (ROOT / MESSY).iterdir()}
    for name, (_, message) in ERRORS.items():
        assert message in (entries[name].error or "")
    # A script is not a document that failed to read (issue 13): it is skipped, and says why.
    assert "build_messy.py" not in entries and "unsupported file type '.py'" in skipped["build_messy.py"]
    for name in ("encrypted-permissions-only.pdf", "pdf-file-named.txt", "windows-1252-notes.txt",
                 "word-file-named.pdf"):
        assert entries[name].error is None, name
    scanned, doc = entries["scanned-work-plan.pdf"], entries["committee-minutes-1998.doc"]
    assert scanned.format == "pdf+ocr" if not ocr.missing_tools() else "needs OCR" in (scanned.error or "")
    assert (doc.error is None) == bool(legacy_doc.converters())


def test_unreadable_files_never_make_a_requirement_not_met(messy_reports) -> None:
    report, readable_only = messy_reports
    unreadable = [d.path for d in report.documents if d.error]
    assert len(unreadable) >= 5
    assert not any(f.status == "not_met" for f in report.findings)

    def key(finding):
        return (finding.checklist, finding.requirement_id, finding.title)

    alone = {key(f): f.status for f in readable_only.findings}
    assert "not_met" in alone.values()  # so the comparison below is not empty
    for finding in report.findings:
        expected = alone[key(finding)]
        if expected == "not_met":
            assert finding.status == "needs_review"
            assert f"{len(unreadable)} file(s) could not be read" in finding.rationale
        else:
            assert finding.status == expected, key(finding)
