"""Whether the PDF reader's fast path reads every PDF as pdfplumber does: the Document of `read_pdf` (pypdfium2 for
every page, tables included) against `read_pdf(engine="pdfplumber")`, block by block.

    PYTHONPATH=. python bench/same_output.py [DIR_OR_FILE ...]    # default: fixtures/ and ../shared/corpus

Prints one line per PDF that differs (the first differing block of each) and a summary: files, pages, table cells,
identical files, and the time each reading took. Measured at the change that moved tables into the fast pass: the 65
fixture PDFs (104 table pages, 5,240 cells) identical; of the 14 in ../shared/corpus, 5 differ on text pages, where
pdfminer splits or merges a few words differently ("perf ormance"), as they did before that change (the fast path's
Documents of all 79 files were compared with the previous code's and are identical).
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pdfs(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        found += [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.suffix.lower() == ".pdf")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "fixtures"), str(ROOT.parent / "shared" / "corpus")])
    args = parser.parse_args()
    from extractors.common import ReadError
    from extractors.pdf import read_pdf

    files = same = pages = cells = 0
    fast_s = plumber_s = 0.0
    for path in pdfs(args.paths):
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        got = {}
        for engine in ("auto", "pdfplumber"):
            start = time.perf_counter()
            try:
                got[engine] = read_pdf(data, path=str(path), sha256=sha, filename=path.name, engine=engine)
            except ReadError as exc:
                got[engine] = f"error: {exc}"
            seconds = time.perf_counter() - start
            if engine == "auto":
                fast_s += seconds
            else:
                plumber_s += seconds
        files += 1
        fast, plumber = got["auto"], got["pdfplumber"]
        if isinstance(fast, str) or isinstance(plumber, str):
            if fast == plumber:
                same += 1
            else:
                print(f"DIFFERS {path}: {fast if isinstance(fast, str) else 'read'} / "
                      f"{plumber if isinstance(plumber, str) else 'read'}")
            continue
        pages += fast.pages or 0
        cells += sum(1 for b in fast.blocks if b.kind == "table_cell")
        if fast == plumber:
            same += 1
            continue
        a, b = fast.model_dump(), plumber.model_dump()
        first = next((i for i, (x, y) in enumerate(zip(a["blocks"], b["blocks"], strict=False)) if x != y),
                     min(len(a["blocks"]), len(b["blocks"])))
        print(f"DIFFERS {path}: {len(a['blocks'])} / {len(b['blocks'])} blocks; first at block {first}:")
        print(f"    fast:       {a['blocks'][first] if first < len(a['blocks']) else '-'}")
        print(f"    pdfplumber: {b['blocks'][first] if first < len(b['blocks']) else '-'}")
    print(f"{files} PDFs, {pages} pages, {cells} table cells: {same} identical; "
          f"fast path {fast_s:.1f} s, pdfplumber {plumber_s:.1f} s")


if __name__ == "__main__":
    main()
