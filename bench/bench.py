"""Speed of hmo-audit end to end: start-up, one large PDF, and a batch of 200 small documents.

    python bench/bench.py [--pages 220] [--table-pages 316] [--folders 20] [--docs 10] [--runs 5] [--corpus DIR]
                          [--keep DIR]

Builds its inputs into a temporary folder (PDFs with fpdf2, Word files with python-docx; the prose comes from the
sample sources in fixtures/sample-src, varied per document so that no two files are alike), then prints:

- start-up: the whole-process wall time of `hmo-audit --help` (median of --runs);
- one large PDF (--pages pages of program-description prose with headings, lists, running heads and a few ruled
  tables): pdfplumber's `extract_text` over all its pages (in this process, after import), the whole-process wall time
  of `hmo-audit audit FILE --format json -o /dev/null`, and their ratio (aim: below 0.5); also the PDF reader alone,
  in pages/s, with its fast path and with pdfplumber for every page, and pypdfium2's bare text read;
- the same for a table-heavy PDF (--table-pages pages, a work-plan and a results table on every other page), with
  the audit's peak memory;
- a batch of --folders submission folders of --docs documents each: `hmo-audit batch ROOT -o OUT --workers 1` and
  `--workers 2` from a cold cache (documents/s and the speed-up of 2 workers), a warm re-run of each into a fresh
  output folder with the same --cache-dir (speed-up over the cold run; aim: above 10x), and the peak resident memory
  of each run (ru_maxrss of its process tree, from resource.getrusage(RUSAGE_CHILDREN) in a wrapper process);
- with --corpus, the PDF reader's pages/s on the folder's PDFs (fast path and pdfplumber-only; files it refuses, such
  as scans, are skipped).

A script, not a test: timings vary by machine and load.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "fixtures" / "sample-src"
sys.path.insert(0, str(ROOT))

# Runs a command and prints the peak resident set size of its process tree (KiB on Linux), so that each measured run
# is measured alone (RUSAGE_CHILDREN of this bench process would carry the maximum over every earlier run).
_PEAK_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n"
)


def hmo_audit() -> list[str]:
    exe = shutil.which("hmo-audit", path=str(Path(sys.executable).parent)) or shutil.which("hmo-audit")
    return [exe] if exe else [sys.executable, "-m", "auditor.cli"]


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def wall_and_peak(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MiB and exit code of one run."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _PEAK_WRAPPER, *cmd], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.split()
    return time.perf_counter() - start, int(out[0]) / 1024, int(out[1])


# ---------------------------------------------------------------- inputs


def _blocks(markdown: str) -> list[tuple[str, object]]:
    """The sample sources' Markdown as (kind, content): heading, para, item, table (rows)."""
    blocks: list[tuple[str, object]] = []
    table: list[list[str]] = []
    for raw in markdown.splitlines() + [""]:
        line = raw.strip()
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                table.append([c.replace("**", "") for c in cells])
            continue
        if table:
            blocks.append(("table", table))
            table = []
        if not line or line.startswith("%"):
            continue
        text = line.replace("**", "")
        if line.startswith("#"):
            blocks.append(("heading", text.lstrip("#").strip()))
        elif re.match(r"^(?:[-*]|\d+\.)\s+", line):
            blocks.append(("item", re.sub(r"^(?:[-*]|\d+\.)\s+", "", text)))
        else:
            blocks.append(("para", text))
    return blocks


def _vary(text: str, rng: random.Random, hmo: str) -> str:
    """The same kind of prose, but not the same file: the plan's name swapped and a sentence order shuffled."""
    text = text.replace("Casco Bay Health Plan", hmo)
    sentences = re.split(r"(?<=[.;])\s+", text)
    if len(sentences) > 2 and rng.random() < 0.5:
        head, tail = sentences[0], sentences[1:]
        rng.shuffle(tail)
        sentences = [head, *tail]
    return " ".join(sentences)


class _Pdf:
    """A PDF in the sample's style: Helvetica, numbered headings, bullets, ruled tables, running head and foot."""

    def __init__(self, title: str, running_head: str) -> None:
        from fpdf import FPDF

        class Doc(FPDF):
            def header(self) -> None:
                self.set_font("Helvetica", "", 8)
                self.set_text_color(90)
                self.cell(0, 10, running_head, new_x="LMARGIN", new_y="NEXT")
                self.set_text_color(0)
                self.ln(6)

            def footer(self) -> None:
                self.set_y(-40)
                self.set_font("Helvetica", "", 8)
                self.cell(0, 10, f"Page {self.page_no()}", align="C")

        self.pdf = Doc(unit="pt", format="letter")
        self.pdf.set_margins(60, 50, 60)
        self.pdf.set_auto_page_break(True, 60)
        self.pdf.add_page()
        self.pdf.set_font("Helvetica", "B", 18)
        self.pdf.multi_cell(0, 22, title, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(8)

    def heading(self, text: str, level: int) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 160:
            pdf.add_page()
        pdf.ln(6)
        pdf.set_font("Helvetica", "B", 14 if level == 1 else 11)
        pdf.multi_cell(0, 18 if level == 1 else 14, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)

    def para(self, text: str) -> None:
        self.pdf.set_font("Helvetica", "", 10)
        self.pdf.multi_cell(0, 12.5, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(5)

    def item(self, text: str) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", "", 10)
        pdf.set_x(pdf.l_margin + 12)
        pdf.multi_cell(0, 12.5, "- " + text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    def table(self, rows: list[list[str]]) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", "", 9)
        if pdf.get_y() > pdf.h - 60 - 20 * len(rows):
            pdf.add_page()
        with pdf.table(line_height=11) as table:
            for row in rows:
                cells = table.row()
                for cell in row:
                    cells.cell(cell)
        pdf.ln(6)

    def save(self, path: Path) -> None:
        self.pdf.output(str(path))


def _write(doc: _Pdf, blocks: list[tuple[str, object]], rng: random.Random, hmo: str, tables: bool) -> None:
    for kind, content in blocks:
        if kind == "heading":
            text = str(content)
            doc.heading(text, 1 if re.match(r"^(?:\d+\.|Article|Section|Part)\s", text) else 2)
        elif kind == "para":
            doc.para(_vary(str(content), rng, hmo))
        elif kind == "item":
            doc.item(_vary(str(content), rng, hmo))
        elif kind == "table" and tables:
            doc.table(content)  # type: ignore[arg-type]


def build_large_pdf(path: Path, pages: int) -> int:
    """Program-description prose, part after part, until the document has `pages` pages; tables in a few parts."""
    rng = random.Random(7)
    hmo = "Kennebec Valley Health Plan"
    sources = [_blocks((SOURCES / name).read_text(encoding="utf-8")) for name in
               ("qi-program-description-2025.md", "qi-work-plan-2025.md", "pcp-agreement-template.md")]
    doc = _Pdf(f"{hmo} Quality Management Program Description 2025", f"{hmo} - QM Program Description 2025")
    part = 0
    while doc.pdf.page_no() < pages:
        part += 1
        doc.heading(f"Part {part}. {('Program', 'Work Plan', 'Provider Contracting')[part % 3]} Requirements", 1)
        _write(doc, sources[part % 3], rng, hmo, tables=part % 8 == 1)  # a ruled table in every eighth part
    doc.save(path)
    return doc.pdf.page_no()


_WORK_PLAN = ["Activity", "Owner", "Target date", "Measure", "Status"]
_RESULTS = ["Measure", "Baseline (2023)", "Rate (2024)", "Goal", "Goal met"]


def _work_plan_row(rng: random.Random, n: int, k: int) -> list[str]:
    activity = rng.choice(("HEDIS review", "CAHPS follow-up", "PCP outreach", "Guideline update"))
    return [f"Activity {n}.{k}: {activity}", rng.choice(("QM Director", "Medical Director", "QIC")),
            f"{rng.randint(1, 12)}/30/2025", f"Measure {k + n}", rng.choice(("On track", "Complete", "Delayed"))]


def _results_row(rng: random.Random, n: int, k: int) -> list[str]:
    return [f"Measure {k + n}", f"{rng.randint(40, 80)}%", f"{rng.randint(40, 90)}%", f"{rng.randint(60, 90)}%",
            rng.choice(("Yes", "No"))]


def build_table_heavy_pdf(path: Path, pages: int) -> int:
    """A program description whose sources repeat, with a work-plan table and a results table on every other page
    (a realistic long description: its work plan and results tables run through it), until it has `pages` pages."""
    rng = random.Random(11)
    hmo = "Penobscot Bay Health Plan"
    sources = [_blocks((SOURCES / name).read_text(encoding="utf-8")) for name in
               ("qi-program-description-2025.md", "qi-work-plan-2025.md", "pcp-agreement-template.md")]
    doc = _Pdf(f"{hmo} Quality Management Program Description 2025", f"{hmo} - QM Program Description 2025")
    done: set[int] = set()
    part = 0
    while doc.pdf.page_no() < pages:
        part += 1
        doc.heading(f"Part {part}. {('Program', 'Work Plan', 'Provider Contracting')[part % 3]} Requirements", 1)
        for block in sources[part % 3]:
            _write(doc, [block], rng, hmo, tables=False)
            page = doc.pdf.page_no()
            if page % 2 == 0 and page not in done and page < pages:
                done.add(page)
                n = len(done)
                doc.table([_WORK_PLAN, *(_work_plan_row(rng, n, k) for k in range(1, 5))])
                doc.table([_RESULTS, *(_results_row(rng, n, k) for k in range(1, 5))])
            if doc.pdf.page_no() >= pages:
                break
    doc.save(path)
    return doc.pdf.page_no()


def build_batch(root: Path, folders: int, docs: int) -> int:
    """`folders` submission folders of `docs` documents each: PDFs, Word files, Markdown and text."""
    import docx

    sources = {p.stem: _blocks(p.read_text(encoding="utf-8")) for p in sorted(SOURCES.glob("*.md"))}
    names = sorted(sources)
    count = 0
    for f in range(folders):
        rng = random.Random(f)
        hmo = f"Harbor Health Plan {f + 1:02d}"
        folder = root / f"hmo-{f + 1:02d}"
        folder.mkdir(parents=True)
        (folder / "submission.yaml").write_text(
            f"hmo_name: {hmo}\nmembers: {rng.randint(5_000, 60_000)}\nwaiver_requested: false\n"
            "license_date: 2009-07-01\n", encoding="utf-8")
        for d in range(docs):
            stem = names[d % len(names)]
            blocks = sources[stem]
            if d >= len(names):  # beyond the four sources: a shorter excerpt, so documents are small
                start = rng.randrange(max(1, len(blocks) - 12))
                blocks = blocks[start:start + 12]
            kind = ("pdf", "docx", "pdf", "docx", "md", "pdf", "txt", "docx", "pdf", "md")[d % 10]
            target = folder / f"{stem}-{d + 1:02d}.{kind}"
            title = f"{hmo} {stem.replace('-', ' ').title()}"
            if kind == "pdf":
                doc = _Pdf(title, f"{hmo} - {stem}")
                _write(doc, blocks, rng, hmo, tables=True)
                doc.save(target)
            elif kind == "docx":
                word = docx.Document()
                word.add_heading(title, 0)
                for block_kind, content in blocks:
                    if block_kind == "heading":
                        word.add_heading(str(content), 1)
                    elif block_kind == "para":
                        word.add_paragraph(_vary(str(content), rng, hmo))
                    elif block_kind == "item":
                        word.add_paragraph(_vary(str(content), rng, hmo), style="List Bullet")
                    elif block_kind == "table":
                        rows = content  # type: ignore[assignment]
                        table = word.add_table(rows=len(rows), cols=max(len(r) for r in rows))
                        for r, row in enumerate(rows):
                            for c, cell in enumerate(row):
                                table.cell(r, c).text = cell
                word.save(str(target))
            else:
                lines = [f"# {title}" if kind == "md" else title, ""]
                for block_kind, content in blocks:
                    if block_kind == "heading":
                        lines += [("## " if kind == "md" else "") + str(content), ""]
                    elif block_kind == "para":
                        lines += [_vary(str(content), rng, hmo), ""]
                    elif block_kind == "item":
                        lines.append("- " + _vary(str(content), rng, hmo))
                target.write_text("\n".join(lines) + "\n", encoding="utf-8")
            count += 1
    return count


# ---------------------------------------------------------------- measurements


def _pdfplumber_extract_text(path: Path) -> float:
    import pdfplumber

    start = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()
    return time.perf_counter() - start


def _reader_seconds(paths: list[Path], engine: str) -> tuple[float, int]:
    from extractors.common import ReadError
    from extractors.pdf import read_pdf

    seconds, pages = 0.0, 0
    for path in paths:
        data = path.read_bytes()
        start = time.perf_counter()
        try:
            doc = read_pdf(data, path=path.name, sha256="", filename=path.name, engine=engine)
        except ReadError:
            continue  # a scan or a damaged file: no pages read
        seconds += time.perf_counter() - start
        pages += doc.pages or 0
    return seconds, pages


def _warm_up() -> None:
    """Import what the readers import (pdfplumber, pdfminer's font tables) before anything is timed."""
    from fpdf import FPDF

    from extractors.pdf import read_pdf

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 10, "Warm-up.")
    for engine in ("auto", "pdfplumber"):
        read_pdf(bytes(pdf.output()), path="warm-up.pdf", sha256="", filename="warm-up.pdf", engine=engine)


def bench_startup(runs: int) -> None:
    base = hmo_audit()
    times = [wall([*base, "--help"]) for _ in range(runs)]
    print(f"start-up: hmo-audit --help                {statistics.median(times):7.3f} s (median of {runs})")


def _pdfium_text(path: Path) -> float:
    """pypdfium2's bare text read of every page: the floor of any reading."""
    import pypdfium2 as pdfium

    start = time.perf_counter()
    pdf = pdfium.PdfDocument(str(path))
    for i in range(len(pdf)):
        page = pdf[i]
        textpage = page.get_textpage()
        textpage.get_text_range()
        textpage.close()
        page.close()
    pdf.close()
    return time.perf_counter() - start


def bench_large_pdf(tmp: Path, pages: int, runs: int, name: str = "large-qm-program.pdf", builder=None) -> None:
    path = tmp / name
    n = (builder or build_large_pdf)(path, pages)
    label = "table-heavy PDF" if builder is build_table_heavy_pdf else "large PDF"
    print(f"\n{label}: {n} pages, {path.stat().st_size / 1e6:.1f} MB")
    _warm_up()
    plumber = statistics.median(_pdfplumber_extract_text(path) for _ in range(max(1, runs // 2)))
    print(f"  pdfplumber extract_text, all pages      {plumber:7.2f} s ({n / plumber:.0f} pages/s)")
    bare = statistics.median(_pdfium_text(path) for _ in range(3))
    print(f"  pypdfium2 text, all pages               {bare:7.2f} s ({n / bare:.0f} pages/s)")
    for engine, what in (("auto", "fast path"), ("pdfplumber", "pdfplumber for every page")):
        seconds, read = _reader_seconds([path], engine)
        print(f"  PDF reader, {what:<28} {seconds:7.2f} s ({read / seconds:.0f} pages/s)")
    cmd = [*hmo_audit(), "audit", str(path), "--format", "json", "-o", "/dev/null"]
    measured = [wall_and_peak(cmd) for _ in range(max(1, runs // 2))]
    audit = statistics.median(m[0] for m in measured)
    peak = max(m[1] for m in measured)
    print(f"  hmo-audit audit FILE --format json      {audit:7.2f} s (whole process, median of {len(measured)}; "
          f"peak {peak:.0f} MiB)")
    print(f"  ratio audit / pdfplumber extract_text   {audit / plumber:7.2f}   (aim: < 0.25)")
    print(f"  ratio audit / pypdfium2 text            {audit / bare:7.1f}")


def bench_batch(tmp: Path, folders: int, docs: int) -> None:
    root = tmp / "batch"
    n = build_batch(root, folders, docs)
    print(f"\nbatch: {folders} submission folders, {n} documents")
    base = [*hmo_audit(), "batch", str(root), "--as-of", "2025-06-30"]
    cold: dict[int, float] = {}
    for workers in (1, 2):
        cache = tmp / f"cache-{workers}"
        seconds, peak, code = wall_and_peak([*base, "-o", str(tmp / f"out-cold-{workers}"), "--workers",
                                             str(workers), "--cache-dir", str(cache)])
        cold[workers] = seconds
        _check_portfolio(tmp / f"out-cold-{workers}", folders, code)
        extra = f", speed-up {cold[1] / seconds:.2f}x over 1 worker" if workers == 2 else ""
        print(f"  cold, --workers {workers}                      {seconds:7.2f} s  {n / seconds:6.1f} documents/s  "
              f"peak {peak:5.0f} MiB{extra}")
    for workers in (1, 2):
        cache = tmp / f"cache-{workers}"
        seconds, peak, code = wall_and_peak([*base, "-o", str(tmp / f"out-warm-{workers}"), "--workers",
                                             str(workers), "--cache-dir", str(cache)])
        _check_portfolio(tmp / f"out-warm-{workers}", folders, code)
        print(f"  warm, --workers {workers} (same --cache-dir)   {seconds:7.2f} s  {n / seconds:6.1f} documents/s  "
              f"peak {peak:5.0f} MiB, speed-up {cold[workers] / seconds:.1f}x over cold (aim: > 10x)")


def _check_portfolio(out: Path, folders: int, code: int) -> None:
    reports = sorted(out.glob("*.json"))
    if len(reports) != folders:
        raise SystemExit(f"batch into {out} wrote {len(reports)} reports for {folders} folders (exit {code})")
    errors = [json.loads(p.read_text()).get("error") for p in reports]
    if any(errors):
        raise SystemExit(f"batch into {out}: {errors}")


def bench_corpus(corpus: Path) -> None:
    _warm_up()
    paths = sorted(corpus.rglob("*.pdf"))
    print(f"\nPDF reader on {corpus} ({len(paths)} PDFs)")
    for engine, label in (("auto", "fast path"), ("pdfplumber", "pdfplumber for every page")):
        seconds, pages = _reader_seconds(paths, engine)
        print(f"  {label:<28} {pages} pages in {seconds:6.2f} s: {pages / seconds:6.1f} pages/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=220, help="pages of the large PDF")
    parser.add_argument("--table-pages", type=int, default=316,
                        help="pages of the table-heavy PDF (a work-plan and a results table every other page; 0: none)")
    parser.add_argument("--folders", type=int, default=20, help="submission folders of the batch (0: no batch)")
    parser.add_argument("--docs", type=int, default=10, help="documents per folder")
    parser.add_argument("--runs", type=int, default=5, help="runs of the start-up timing")
    parser.add_argument("--corpus", type=Path, help="also time the PDF reader on this folder's PDFs")
    parser.add_argument("--keep", type=Path, help="build the inputs here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hmo-audit-bench-") as scratch:
        tmp = args.keep or Path(scratch)
        if tmp.exists() and any(tmp.iterdir()):
            raise SystemExit(f"--keep {tmp}: choose a new or empty folder")
        tmp.mkdir(parents=True, exist_ok=True)
        bench_startup(args.runs)
        bench_large_pdf(tmp, args.pages, args.runs)
        if args.table_pages:
            bench_large_pdf(tmp, args.table_pages, args.runs, "table-heavy-qm-program.pdf", build_table_heavy_pdf)
        if args.folders:
            bench_batch(tmp, args.folders, args.docs)
        if args.corpus:
            bench_corpus(args.corpus)


if __name__ == "__main__":
    main()
