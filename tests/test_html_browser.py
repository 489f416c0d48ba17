"""The HTML report in a real headless browser: Debian's chromium driven by Playwright, with the network blocked.

Skips, saying why, without Playwright (`pip install -e ".[dev]"`) or a chromium (Debian's `chromium` package, or
HMO_AUDIT_CHROMIUM=/path/to/chrome). Playwright's own browser download is never used.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil

import pytest

from auditor.render import render

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
CHROMIUM = os.environ.get("HMO_AUDIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM:
    pytest.skip("no chromium: install Debian's chromium package or set HMO_AUDIT_CHROMIUM", allow_module_level=True)

# The status pills' background colours (report.css): the summary must show each of them.
PILL_COLOURS = {"met": (0xDA, 0xFB, 0xE1), "partial": (0xFF, 0xF8, 0xC5), "not_met": (0xFF, 0xEB, 0xE9),
                "needs_review": (0xDD, 0xF4, 0xFF), "not_applicable": (0xEA, 0xEE, 0xF2)}
ROWS = "tr.finding"
VISIBLE = "tr.finding:visible"


@pytest.fixture(scope="module")
def browser():
    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def report_file(sample_report, tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render(sample_report, "html"), encoding="utf-8")
    return path


class Load:
    """A page on the report, every request outside file:// aborted and recorded, console errors kept."""

    def __init__(self, browser, url: str, javascript: bool = True, width: int = 1280):
        self.blocked: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(url)

    def _route(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()


@pytest.fixture
def load(browser, report_file):
    loads: list[Load] = []

    def open_report(javascript: bool = True, width: int = 1280, fragment: str = "") -> Load:
        loads.append(Load(browser, report_file.as_uri() + fragment, javascript, width))
        return loads[-1]

    yield open_report
    for loaded in loads:
        loaded.context.close()


@pytest.fixture
def page(load):
    return load().page


def showing(page) -> tuple[int, int]:
    match = re.match(r"Showing (\d+) of (\d+) requirements", page.inner_text("#showing"))
    assert match, page.inner_text("#showing")
    return int(match[1]), int(match[2])


def test_loads_offline_without_errors(load, report_file, sample_report):
    loaded = load()
    assert loaded.blocked == []
    assert loaded.requests == [report_file.as_uri()]
    assert loaded.errors == []
    page = loaded.page
    assert page.locator("#toolbar").is_visible()
    assert page.locator(VISIBLE).count() == page.locator(ROWS).count() == len(sample_report.findings)
    assert showing(page) == (len(sample_report.findings),) * 2


def test_summary_screenshot(page, tmp_path):
    from PIL import Image

    shot = tmp_path / "summary.png"
    page.locator("#summary").screenshot(path=str(shot))
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data)).convert("RGB")
    width, height = image.size
    assert 800 <= width <= 1280 and 300 <= height <= 3000, image.size
    colours = {colour for _, colour in image.getcolors(maxcolors=width * height)}
    assert len(colours) > 50  # text, rules, pills: not a blank image
    for status, rgb in PILL_COLOURS.items():
        assert rgb in colours, f"the {status} pill colour is missing from the summary"


def test_not_met_filter_and_back(page, sample_report):
    total = len(sample_report.findings)
    page.click("#toolbar button[data-filter-status=not_met]")
    visible = page.locator(VISIBLE)
    assert visible.count() == sample_report.summary.not_met
    assert set(visible.evaluate_all("rows => rows.map(r => r.dataset.status)")) == {"not_met"}
    assert showing(page) == (sample_report.summary.not_met, total)
    assert page.get_attribute("#toolbar button[data-filter-status=not_met]", "aria-pressed") == "true"
    # Sections without a gap are hidden whole, heading and table.
    clean = [s for s in sample_report.summary.sections if not s.counts.get("not_met")]
    assert clean
    for section in clean:
        assert page.locator(f'[id="s-{section.checklist}-{section.section}"]').is_hidden()

    page.click("#toolbar button[data-filter-status=not_met]")
    assert page.locator(VISIBLE).count() == total and showing(page) == (total, total)

    page.click("#toolbar button[data-filter-status=partial]")
    page.click("#toolbar button[data-filter-status=needs_review]")
    assert page.locator(VISIBLE).count() == sample_report.summary.partial + sample_report.summary.needs_review
    page.click("#filter-reset")
    assert page.locator(VISIBLE).count() == total


def test_summary_count_sets_the_filter(page, sample_report):
    page.click("#summary td[data-filter-status=partial]")
    visible = page.locator(VISIBLE)
    assert visible.count() == sample_report.summary.partial
    assert set(visible.evaluate_all("rows => rows.map(r => r.dataset.status)")) == {"partial"}


def _searchable(finding) -> str:
    quotes = [e.quote for e in finding.evidence + finding.candidates + finding.nearest]
    review = [finding.review.reason] if finding.review else []
    return " ".join([finding.requirement_id, finding.title, finding.citation, *quotes, *finding.missing,
                     finding.rationale, *review]).lower()


@pytest.mark.parametrize("term", ["1.03-1.C", "credentialing"])
def test_search_narrows_the_rows(page, sample_report, term):
    expected = [f for f in sample_report.findings if term.lower() in _searchable(f)]
    assert 0 < len(expected) < len(sample_report.findings)
    page.fill("#filter-search", term)
    visible = page.locator(VISIBLE)
    assert showing(page) == (len(expected), len(sample_report.findings))
    assert visible.evaluate_all("rows => rows.map(r => r.id)") == \
        [f"r-{f.checklist}-{f.requirement_id}" for f in expected]
    assert term in page.inner_text("#showing")
    page.fill("#filter-search", "no requirement says this")
    assert page.locator(VISIBLE).count() == 0 and page.locator("#no-match").is_visible()
    page.fill("#filter-search", "")
    assert page.locator(VISIBLE).count() == len(sample_report.findings)


def test_search_matches_an_evidence_quote(page, sample_report):
    finding = next(f for f in sample_report.findings if f.requirement_id == "1.03-2.B")
    quote = next(e.quote for e in finding.evidence if "/s/" in e.quote)
    page.fill("#filter-search", quote[:40].upper())
    ids = page.locator(VISIBLE).evaluate_all("rows => rows.map(r => r.id)")
    assert f"r-{finding.checklist}-{finding.requirement_id}" in ids
    assert len(ids) < len(sample_report.findings)


def test_section_select_hides_other_sections(page, sample_report):
    section = next(s for s in sample_report.summary.sections if sum(s.counts.values()) > 1)
    page.select_option("#filter-section", f"{section.checklist}/{section.section}")
    visible = page.locator(VISIBLE)
    assert visible.count() == sum(section.counts.values())
    assert set(visible.evaluate_all("rows => rows.map(r => r.dataset.section)")) == {section.section}
    assert page.locator("section.findings:visible").count() == 1
    # A link from the summary to a section the filter hides clears the filter.
    other = next(s for s in sample_report.summary.sections if s.section != section.section)
    page.click(f"#summary a[href='#s-{other.checklist}-{other.section}']")
    assert page.input_value("#filter-section") == ""
    assert page.locator(VISIBLE).count() == len(sample_report.findings)


def test_expand_and_collapse_all(page):
    details = page.locator("#findings details")
    assert details.count() > 0
    opened = "ds => ds.filter(d => d.open).length"
    assert 0 < details.evaluate_all(opened) < details.count()  # evidence open, nearest passages closed
    page.click("#expand-all")
    assert details.evaluate_all(opened) == details.count()
    assert page.locator("blockquote.nearest").first.is_visible()
    page.click("#collapse-all")
    assert details.evaluate_all(opened) == 0


def test_without_javascript_everything_is_shown(load, sample_report):
    page = load(javascript=False).page
    assert page.locator(VISIBLE).count() == len(sample_report.findings)
    assert page.locator("#toolbar").is_hidden()
    assert page.locator("details.evidence[open]").count() == page.locator("details.evidence").count() > 0


def test_print_hides_the_toolbar_and_shows_every_passage(page):
    page.emulate_media(media="print")
    assert page.locator("#toolbar").is_hidden()
    assert page.locator("blockquote.nearest").first.is_visible()
    page.dispatch_event("#toolbar button[data-filter-status=met]", "click")  # a filtered printout says so
    assert page.locator("#showing").is_visible()


def overflow(page) -> int:
    """How far the page is wider than the window (0: no horizontal scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("javascript", [True, False])
def test_reads_at_a_narrow_width_without_horizontal_overflow(load, sample_report, javascript):
    page = load(javascript=javascript, width=420).page
    assert overflow(page) == 0  # 258 px before the narrow layout
    if javascript:  # every passage open: quotes and file names wrap too
        page.click("#expand-all")
        assert overflow(page) == 0
    # Each finding is a card as wide as the window at most, its missing elements labelled.
    card = page.locator("tr.finding[data-status=not_met]").first
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 420
    assert page.locator("table.cards tr:first-child").first.is_hidden()  # the column headings make no sense here
    missing = card.locator("td.missing")
    assert missing.evaluate("td => getComputedStyle(td, '::before').content") == '"Missing: "'
    assert page.locator(VISIBLE).count() == len(sample_report.findings)


def test_the_filter_state_is_kept_in_the_url(load, sample_report):
    page = load().page
    page.click("#toolbar button[data-filter-status=not_met]")
    page.fill("#filter-search", "guideline")
    shown = showing(page)
    fragment = page.evaluate("location.hash")
    assert fragment == "#status=not_met&q=guideline"
    # The URL, opened anew (shared, bookmarked), shows the same filtered view.
    again = load(fragment=fragment).page
    assert showing(again) == shown and shown[0] < len(sample_report.findings)
    assert again.get_attribute("#toolbar button[data-filter-status=not_met]", "aria-pressed") == "true"
    assert again.input_value("#filter-search") == "guideline"
    # Resetting clears the fragment; a section in it is restored too.
    again.click("#filter-reset")
    assert again.evaluate("location.hash") == ""
    section = sample_report.summary.sections[0]
    third = load(fragment=f"#section={section.checklist}/{section.section}").page
    assert third.input_value("#filter-section") == f"{section.checklist}/{section.section}"
    assert showing(third)[0] == sum(section.counts.values())


def test_a_fragment_naming_a_requirement_is_left_alone(load, sample_report):
    target = sample_report.findings[5]
    page = load(fragment=f"#r-{target.checklist}-{target.requirement_id}").page
    assert page.evaluate("location.hash") == f"#r-{target.checklist}-{target.requirement_id}"
    assert showing(page) == (len(sample_report.findings),) * 2


def test_portfolio_page_is_styled_like_the_reports(browser, report_file, tmp_path):
    from auditor.batch import write_portfolio
    from auditor.render import portfolio_css

    write_portfolio(tmp_path, [], dt.date(2025, 3, 1))
    html = (tmp_path / "portfolio.html").read_text(encoding="utf-8")
    assert portfolio_css() in html
    pages = [Load(browser, uri) for uri in ((tmp_path / "portfolio.html").as_uri(), report_file.as_uri())]
    try:
        styles = [p.page.evaluate("""() => { const s = getComputedStyle(document.body);
            const th = getComputedStyle(document.querySelector('th'));
            return [s.fontFamily, s.maxWidth, th.backgroundColor, th.borderTopColor]; }""") for p in pages]
        assert styles[0] == styles[1]  # the same font, width and table look
    finally:
        for p in pages:
            p.context.close()
