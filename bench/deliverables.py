"""What people read, measured on the sample: rationales, the findings letter and the HTML report's width.

    PYTHONPATH=. python bench/deliverables.py                  # fixtures/sample-submission, as of 2025-03-01
    PYTHONPATH=. python bench/deliverables.py --json old.json  # the rationale figures of a report written before

Rationales: how many show rule syntax (re:, '|', a term or element name of the checklist, `explain`'s
'[term: ...]' lists), how many run past 700 characters and the longest, and the gaps (not met, partial) whose
"missing" is empty. The letter: its words (paragraphs and table cells) and, when LibreOffice is installed, its
pages as LibreOffice lays it out. The HTML: how wide the page is in a 420 px window (Playwright and chromium).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rule_syntax(checklist_id: str) -> re.Pattern:
    from auditor.checklists import load_checklist
    from auditor.models import AllOfCheck, AnyOfCheck, BaseModel

    def elements(check) -> set[str]:
        names = set(check.elements) if isinstance(check, AllOfCheck | AnyOfCheck) else set()
        for value in check.__dict__.values():
            for item in (value.values() if isinstance(value, dict) else value if isinstance(value, list)
                         else [value]):
                if isinstance(item, BaseModel):
                    names |= elements(item)
        return names

    checklist = load_checklist(checklist_id)
    names = set(checklist.terms) | {n for r in checklist.requirements for n in elements(r.evidence)}
    joined = "|".join(sorted((re.escape(n) for n in names - set(checklist.roles) if "_" in n), key=len,
                             reverse=True))
    return re.compile(r"\bre:|\||\[[a-z ]+: |(?<![\w/.-])(" + joined + r")(?![\w/.-])")


def rationale_figures(findings: list[dict], syntax: re.Pattern) -> str:
    texts = [f["rationale"] for f in findings]
    gaps = [f for f in findings if f["status"] in ("not_met", "partial")]
    return (f"rationales {len(texts)}: with rule syntax {sum(bool(syntax.search(t)) for t in texts)}, over 700"
            f" characters {sum(len(t) > 700 for t in texts)}, longest {max(map(len, texts))}; gaps {len(gaps)}:"
            f" with an empty 'missing' {sum(not f['missing'] for f in gaps)}")


def letter_figures(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
    words = sum(len(t.split()) for t in texts)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return f"letter: {words:,} words (no LibreOffice: pages not counted)"
    import pypdfium2

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "letter.docx"
        source.write_bytes(data)
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", tmp, str(source)], capture_output=True, timeout=300, check=True)
        pdf = pypdfium2.PdfDocument(str(Path(tmp) / "letter.pdf"))
        pages = len(pdf)
        pdf.close()
    return f"letter: {words:,} words, {pages} pages (LibreOffice)"


def html_width(html: str) -> str:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "html: playwright not installed"
    if not chromium:
        return "html: no chromium"
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        path = Path(tmp) / "report.html"
        path.write_text(html, encoding="utf-8")
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        page = browser.new_context(viewport={"width": 420, "height": 900}).new_page()
        page.goto(path.as_uri())
        width = page.evaluate("document.documentElement.scrollWidth")
        browser.close()
    return f"html: {width} px wide in a 420 px window (overflow {width - 420} px)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT / "fixtures" / "sample-submission"))
    parser.add_argument("--checklist", default="maine-ch109")
    parser.add_argument("--as-of", default="2025-03-01")
    parser.add_argument("--json", help="a report written before: its rationale figures only")
    args = parser.parse_args()
    syntax = rule_syntax(args.checklist)
    if args.json:
        print(rationale_figures(json.loads(Path(args.json).read_text())["findings"], syntax))
        return
    from auditor.api import audit
    from auditor.render import render

    report = audit([args.folder], [args.checklist], dt.date.fromisoformat(args.as_of))
    print(rationale_figures(json.loads(render(report, "json"))["findings"], syntax))
    print(letter_figures(render(report, "docx")))
    print(html_width(render(report, "html")))


if __name__ == "__main__":
    main()
