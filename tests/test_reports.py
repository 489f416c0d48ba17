"""The sample submission's report: every status with real evidence, deterministic, pinned by snapshots."""

from __future__ import annotations

import datetime as dt

from auditor.api import audit
from auditor.render import render
from tests.conftest import AS_OF, SAMPLE


def by_id(report):
    return {f.requirement_id: f for f in report.findings}


def test_sample_report_shows_each_status(sample_report):
    statuses = {f.status for f in sample_report.findings}
    assert statuses == {"met", "partial", "not_met", "needs_review", "not_applicable"}


def test_every_met_or_partial_finding_quotes_its_document(sample_report):
    texts = {}
    for finding in sample_report.findings:
        if finding.status == "met":
            assert finding.evidence, finding.requirement_id
        if finding.status == "partial":  # what was found, as evidence or as the passages that fall short
            assert finding.evidence or finding.candidates, finding.requirement_id
        for evidence in finding.evidence:
            assert evidence.document.startswith("fixtures/sample-submission/")
            assert evidence.page is not None and evidence.page >= 1
            assert len(evidence.quote) > 10
            texts.setdefault(evidence.document, None)
    assert len(texts) == 4  # evidence comes from each of the four documents


def test_designed_gaps_of_the_sample(sample_report):
    """The sample's README lists the gaps built in on purpose; the auditor must find them."""
    findings = by_id(sample_report)
    assert findings["1.03-1.B.2"].status == "partial"
    assert set(findings["1.03-1.B.2"].missing) == {"all care settings", "all types of services"}
    assert findings["1.03-1.C"].status == "partial"
    assert findings["1.03-1.C"].missing == ["planned monitoring of previously identified issues"]
    assert findings["1.03-2.C"].status == "partial"
    assert set(findings["1.03-2.C"].missing) == {"coordination with contracting", "coordination with risk management"}
    assert findings["1.03-2.D.3"].status == "not_met"
    assert findings["1.03-2.E.2"].status == "needs_review"
    assert findings["1.03-2.E.2"].candidates[0].document.endswith("qi-program-description-2025.docx")
    assert findings["1.03-2.E.4.d"].status == "not_met"
    assert findings["1.03-9.A"].status == "not_applicable"
    signed = findings["1.03-2.B"]
    assert signed.status == "met"
    assert any(e.document.endswith("qic-minutes-2025-02-12.docx") and "/s/" in e.quote for e in signed.evidence)


def test_contract_requirements_are_evidenced_by_the_contract(sample_report):
    for rid in ("1.03-2.E.1", "1.03-2.E.3", "1.03-2.E.4.a", "1.03-2.E.4.b", "1.03-2.E.4.c"):
        finding = by_id(sample_report)[rid]
        assert finding.status == "met", rid
        assert all(e.document.endswith("pcp-agreement-template.pdf") for e in finding.evidence), rid


def test_summary_scores_met_over_applicable(sample_report):
    s = sample_report.summary
    applicable = s.met + s.partial + s.not_met + s.needs_review
    assert s.score == round(s.met / applicable, 4)
    assert sum(sum(sec.counts.values()) for sec in s.sections) == len(sample_report.findings)


def test_json_is_byte_identical_across_runs(sample_report):
    again = audit([str(SAMPLE)], ["maine-ch109"], AS_OF)
    assert render(again, "json") == render(sample_report, "json")
    assert '"generated_at": null' in render(again, "json")


def test_as_of_is_the_passed_clock():
    report = audit([str(SAMPLE)], ["maine-ch109"], dt.date(2024, 12, 31))
    assert str(report.as_of) == "2024-12-31"


def test_json_snapshot(sample_report, snapshot):
    assert render(sample_report, "json") == snapshot


def test_markdown_snapshot(sample_report, snapshot):
    assert render(sample_report, "md") == snapshot


def test_html_is_printable_and_complete(sample_report):
    html = render(sample_report, "html")
    assert "@media print" in html
    for finding in sample_report.findings:
        assert (f'<tr class="finding" id="r-{finding.checklist}-{finding.requirement_id}" '
                f'data-status="{finding.status}" data-section="{finding.section}" '
                f'data-checklist="{finding.checklist}">') in html


def test_html_inlines_its_stylesheet_and_script_unescaped(sample_report):
    html = render(sample_report, "html")
    assert html == render(sample_report, "html")  # deterministic
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    script = html.split("<script>", 1)[1].split("</script>", 1)[0]
    assert "details.evidence > summary" in style and "&gt;" not in style
    assert "&&" in script and "&amp;" not in script
    assert html.count("<script") == 1 and 'id="toolbar" class="toolbar" hidden' in html  # shown by the script


def test_gaps_show_nearest_passages_and_what_they_lack(sample_report):
    finding = by_id(sample_report)["1.03-2.E.4.d"]
    assert finding.status == "not_met" and 1 <= len(finding.nearest) <= 3
    assert all(e.lacks and e.document.endswith("pcp-agreement-template.pdf") for e in finding.nearest)
    assert all(not f.nearest for f in sample_report.findings if f.status == "met")
