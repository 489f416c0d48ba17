"""Each check type on small documents, through the engine, with a checklist built in the test."""

from __future__ import annotations

import datetime as dt

import pytest

from auditor.checklists import ChecklistError, _load
from auditor.models import Checklist
from tests.helpers import judge, markdown_document

TERMS = {
    "committee": ["quality committee", "QIC"],
    "board": ["board of directors", "the board"],
    "approve": ["approve", "approval"],
    "minutes": ["minutes"],
    "signed": ["signed", "signature"],
}


def checklist(evidence: dict) -> Checklist:
    return Checklist.model_validate({
        "id": "t", "title": "test", "version": "1", "source": "test", "terms": TERMS,
        "sections": [{"id": "S", "title": "S", "requirements": [{
            "id": "R", "citation": "c", "title": "t", "text": "t", "evidence": evidence,
            "examples": {"pass": ["x"], "fail": ["y"]}}]}],
    })


def run(evidence: dict, *docs: tuple[str, str]):
    documents = [markdown_document(text, kind=kind, path=f"d{i}.md") for i, (text, kind) in enumerate(docs)]
    return judge(documents, checklist(evidence), "R")


def run_with_terms(evidence: dict, terms: dict, *docs: tuple[str, str]):
    """`run` with more defined terms in the checklist's vocabulary."""
    documents = [markdown_document(text, kind=kind, path=f"d{i}.md") for i, (text, kind) in enumerate(docs)]
    model = checklist(evidence).model_copy(update={"terms": {**TERMS, **terms}})
    return judge(documents, model, "R")


PHRASE = {"type": "phrase", "all": ["board", "approve"]}


def test_phrase_in_one_sentence_is_met_with_quote():
    finding = run(PHRASE, ("We run a program. The Board of Directors approves the program each year. Other.", "other"))
    assert finding.status == "met"
    assert [e.quote for e in finding.evidence] == ["The Board of Directors approves the program each year."]
    assert finding.evidence[0].document == "d0.md"


def test_terms_in_different_sentences_do_not_meet_sentence_scope():
    text = "The Board of Directors meets monthly. Staff approve invoices."
    assert run(PHRASE, (text, "other")).status == "not_met"
    assert run({**PHRASE, "scope": "window", "window": 2}, (text, "other")).status == "met"


def test_window_does_not_cross_sections():
    text = "# One\nThe Board of Directors meets monthly.\n\n# Two\nStaff approve invoices."
    assert run({**PHRASE, "scope": "window", "window": 3}, (text, "other")).status == "not_met"


def test_section_scope_spans_the_section_including_its_heading():
    text = "# Board of Directors\nIt meets monthly.\n\nIt gives approval to the plan.\n\n# Other\nNothing."
    finding = run({**PHRASE, "scope": "section"}, (text, "other"))
    assert finding.status == "met"
    assert finding.evidence[0].quote == "Board of Directors"


def test_context_term_may_come_from_the_heading_above():
    evidence = {"type": "phrase", "all": ["approve"], "context": ["committee"]}
    assert run(evidence, ("# Quality Committee\n## Duties\n- Approve studies.", "other")).status == "met"
    assert run(evidence, ("# Finance\n## Duties\n- Approve studies.", "other")).status == "not_met"


def test_context_term_may_come_from_a_table_header():
    evidence = {"type": "phrase", "all": [["increase"]], "context": [["goal"]]}
    table = "| Goal | Owner |\n| --- | --- |\n| Increase screening | Ann |\n"
    finding = run(evidence, (table, "other"))
    assert finding.status == "met"
    assert finding.evidence[0].quote == "Increase screening | Ann"


def test_negated_passage_is_a_gap_shown_but_not_evidence():
    finding = run(PHRASE, ("The Board of Directors does not approve the program.", "other"))
    assert finding.status == "partial"
    assert not finding.evidence
    assert finding.candidates[0].quote == "The Board of Directors does not approve the program."
    assert finding.missing == ["a statement of practice (found only a negative statement)"]
    # "not limited to" does not negate
    assert run(PHRASE, ("The Board approves items including but not limited to the plan.", "other")).status == "met"


def test_evidence_outside_the_expected_documents_needs_review():
    evidence = {**PHRASE, "documents": ["contract_template"]}
    text = "The Board of Directors approves the program."
    assert run(evidence, (text, "qmp_description")).status == "needs_review"
    finding = run(evidence, (text, "qmp_description"), (text, "contract_template"))
    assert finding.status == "met"
    assert finding.evidence[0].document == "d1.md"


def test_exclude_terms_disqualify_a_passage():
    evidence = {**PHRASE, "exclude": [["draft"]]}
    assert run(evidence, ("The Board approves the draft plan.", "other")).status == "not_met"


def test_section_check_needs_a_heading_with_body():
    evidence = {"type": "section", "heading": ["minutes"], "min_words": 3}
    assert run(evidence, ("# Meeting minutes\nThe committee met and decided things.", "other")).status == "met"
    assert run(evidence, ("# Meeting minutes\nNone.\n\n# Next\nSomething else entirely here.", "other")).status \
        == "not_met"
    assert run(evidence, ("Minutes are kept on file by the coordinator.", "other")).status == "not_met"


def test_document_check_recognises_kind():
    evidence = {"type": "document", "kinds": ["committee_minutes"]}
    assert run(evidence, ("# Minutes\nMet.", "committee_minutes")).status == "met"
    assert run(evidence, ("# Minutes\nMet.", "other")).status == "not_met"


ALL_OF = {"type": "all_of", "elements": {
    "approval": {**PHRASE, "label": "approval by the Board"},
    "signed_minutes": {"type": "phrase", "all": ["minutes", "signed"], "label": "signed minutes"},
    "committee": {"type": "phrase", "all": ["committee"], "label": "a committee"},
}}


def test_all_of_reports_missing_elements_as_partial():
    finding = run(ALL_OF, ("The Board approves the plan. The QIC meets monthly.", "other"))
    assert finding.status == "partial"
    assert finding.missing == ["signed minutes"]
    assert len(finding.evidence) == 2


def test_all_of_met_and_not_met():
    text = "The Board approves the plan. Minutes are signed. The QIC meets."
    assert run(ALL_OF, (text, "other")).status == "met"
    assert run(ALL_OF, ("Nothing relevant here.", "other")).status == "not_met"


def test_all_of_with_only_review_and_met_elements_needs_review():
    evidence = {**ALL_OF, "elements": {**ALL_OF["elements"], "signed_minutes": {
        "type": "phrase", "all": ["minutes", "signed"], "documents": ["committee_minutes"], "label": "signed minutes"}}}
    text = "The Board approves the plan. Minutes are signed. The QIC meets."
    finding = run(evidence, (text, "other"))  # the signing is said, but not in minutes: a reviewer decides
    assert finding.status == "needs_review"
    assert finding.missing == ["signed minutes"]


def test_all_of_with_an_element_said_only_in_the_negative_is_partial():
    finding = run(ALL_OF, ("The Board approves the plan. Minutes are not signed. The QIC meets.", "other"))
    assert finding.status == "partial"
    assert finding.missing == ["signed minutes: a statement of practice (found only a negative statement)"]


def test_every_element_needs_a_label_in_plain_words():
    from pydantic import ValidationError

    unlabelled = {"type": "all_of", "elements": {"board": {"type": "phrase", "all": ["board"]}}}
    with pytest.raises(ValidationError, match="board need a `label:`"):
        checklist(unlabelled)
    for syntax in ("re:^board$", "board|council", "a governing_body approval"):
        element = {"type": "phrase", "all": ["board"], "label": syntax}
        with pytest.raises(ValidationError, match="without rule syntax"):
            checklist({"type": "all_of", "elements": {"board": element}})
    spaced = checklist({"type": "all_of", "elements": {"board": {
        "type": "phrase", "all": ["board"], "label": "  approval by\n the Board "}}})
    assert spaced.requirements[0].evidence.elements["board"].label == "approval by the Board"


def test_any_of_takes_the_first_met_alternative():
    evidence = {"type": "any_of", "elements": {
        "doc": {"type": "document", "kinds": ["committee_minutes"], "label": "minutes"},
        "said": {"type": "phrase", "all": ["minutes", "signed"], "label": "signed minutes"}}}
    assert run(evidence, ("Minutes are signed.", "other")).status == "met"
    assert run(evidence, ("Minutes are kept.", "other")).status == "not_met"


def test_unreadable_document_turns_not_met_into_needs_review():
    from auditor.document import Document

    broken = Document(path="broken.pdf", error="corrupt PDF")
    documents = [markdown_document("Nothing relevant.", path="ok.md"), broken]
    finding = judge(documents, checklist(PHRASE), "R")
    assert finding.status == "needs_review"
    assert "broken.pdf" in finding.rationale


def test_applicability_from_facts():
    from auditor.models import SubmissionFacts

    data = checklist(PHRASE).model_dump(by_alias=True)
    data["sections"][0]["requirements"][0]["applies_if"] = [{"fact": "members", "lt": 20000, "reason": "small"}]
    conditional = Checklist.model_validate(data)
    docs = [markdown_document("The Board approves the plan.")]
    assert judge(docs, conditional, "R", SubmissionFacts(members=30000)).status == "not_applicable"
    assert judge(docs, conditional, "R", SubmissionFacts()).status == "not_applicable"
    assert judge(docs, conditional, "R", SubmissionFacts(members=100)).status == "met"


def test_unknown_term_name_is_a_checklist_error(tmp_path):
    data = checklist({"type": "phrase", "all": ["no_such_term"]}).model_dump(by_alias=True)
    path = tmp_path / "bad.yaml"
    import yaml

    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ChecklistError, match="unknown term 'no_such_term'"):
        _load(str(path))


def test_invalid_check_type_is_a_checklist_error(tmp_path):
    data = checklist(PHRASE).model_dump(by_alias=True)
    data["sections"][0]["requirements"][0]["evidence"] = {"type": "regex", "pattern": "x"}
    path = tmp_path / "bad.yaml"
    import yaml

    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ChecklistError, match="invalid checklist"):
        _load(str(path))


def test_a_term_defined_twice_is_a_checklist_error(tmp_path):
    """YAML would keep the second silently, changing every rule that uses the first."""
    import yaml

    data = checklist(PHRASE).model_dump(by_alias=True)
    text = yaml.safe_dump(data)
    path = tmp_path / "twice.yaml"
    path.write_text(text.replace("terms:\n", "terms:\n  policy_word: [policy]\n  policy_word: [procedure]\n", 1)
                    if "terms:\n" in text else text + "terms:\n  policy_word: [policy]\n  policy_word: [procedure]\n")
    with pytest.raises(ChecklistError, match="'policy_word' is defined twice"):
        _load(str(path))


GUIDELINES = """# Clinical Practice Guidelines
## Adopted guidelines
| Guideline | Focus | Last update |
| --- | --- | --- |
| Asthma | Chronic condition | 3/14/2024 |
| Diabetes | Chronic condition | March 1, 2023 |
| Adult preventive services | Preventive | 6/2/2022 |

## Other lists
- Heart failure (chronic)
"""
COUNT = {"type": "count", "within": [["guideline"]], "of": [["chronic"]], "min": 2}


def test_count_counts_rows_and_items_under_the_named_context():
    finding = run(COUNT, (GUIDELINES, "guideline_policy"))
    assert finding.status == "met"
    # the title names guidelines, so the list item under "Other lists" counts too
    assert [e.quote for e in finding.evidence] == ["Asthma | Chronic condition | 3/14/2024",
                                                   "Diabetes | Chronic condition | March 1, 2023",
                                                   "Heart failure (chronic)"]
    assert run({**COUNT, "min": 4}, (GUIDELINES, "guideline_policy")).status == "partial"
    # only the table sits under a heading naming "adopted" guidelines
    assert run({**COUNT, "within": [["adopted"]], "min": 3}, (GUIDELINES, "other")).status == "partial"


def test_count_leaves_out_a_row_whose_adoption_is_pending():
    text = ("# Guidelines\n| Guideline | Category | Committee review |\n| --- | --- | --- |\n"
            "| Asthma | Chronic condition | 3/14/2024 |\n| COPD | Chronic condition | Pending |\n")
    finding = run(COUNT, (text, "guideline_policy"))
    assert finding.status == "partial"
    assert [e.quote for e in finding.evidence] == ["Asthma | Chronic condition | 3/14/2024"]
    # a placeholder in a column that does not say whether the item is in effect leaves the item counted
    assert run(COUNT, (text.replace("Committee review", "Notes"), "guideline_policy")).status == "met"


def test_count_ignores_header_rows_and_unrelated_lists():
    text = "# Staff\n| Chronic | Guideline |\n| --- | --- |\n| Ann | Nurse |\n\n- chronic care nurse\n"
    assert run(COUNT, (text, "other")).status == "not_met"


def test_count_counts_the_same_item_once_across_documents():
    doc = "# Guidelines\n- Asthma (chronic)\n- COPD (chronic)\n"
    finding = run({**COUNT, "min": 3}, (doc, "other"), (doc, "other"))
    assert finding.status == "partial" and len(finding.evidence) == 2


RECENCY = {"type": "recency", "within": [["guideline"]], "max_age": {"years": 2}}


def recency(text: str, as_of: dt.date):
    documents = [markdown_document(text, path="g.md")]
    return judge(documents, checklist(RECENCY), "R", as_of=as_of)


def test_recency_boundary_is_exactly_the_allowed_age():
    table = "# Guidelines\n| Guideline | Reviewed |\n| --- | --- |\n| Asthma | 3/1/2023 |\n"
    assert recency(table, dt.date(2025, 3, 1)).status == "met"  # exactly two years old
    finding = recency(table, dt.date(2025, 3, 2))  # one day more
    assert finding.status == "not_met"
    assert finding.missing == ["Asthma (3/1/2023)"]


def test_recency_leap_day():
    table = "# Guidelines\n| Guideline | Reviewed |\n| --- | --- |\n| Asthma | 2/28/2022 |\n"
    assert recency(table, dt.date(2024, 2, 29)).status == "met"  # two years before Feb 29 is Feb 28
    assert recency(table, dt.date(2024, 3, 1)).status == "not_met"


def test_recency_partial_and_undated():
    text = GUIDELINES.split("## Other")[0]
    finding = recency(text, dt.date(2025, 2, 1))
    assert finding.status == "partial"
    assert finding.missing == ["Adult preventive services (6/2/2022)"]
    undated = "# Guidelines\n- Asthma\n- Diabetes\n"
    assert recency(undated, dt.date(2025, 6, 30)).status == "needs_review"


def test_recency_without_a_list_reads_a_dated_update_in_a_sentence_or_has_nothing_to_judge():
    stale = "# Guidelines\nThe preventive guidelines were last reviewed in November 2021; review is deferred.\n"
    assert recency(stale, dt.date(2025, 6, 30)).status == "not_met"
    fresh = "# Guidelines\nThe asthma guideline was last updated on 3/4/2025.\n"
    assert recency(fresh, dt.date(2025, 6, 30)).status == "met"
    # beside a stated two-year cycle, no list and no dated update neither meets nor fails the requirement
    cycle = {"type": "all_of", "elements": {"cycle": {"type": "phrase", "all": [["guideline"], ["two years"]],
                                                      "label": "a two-year cycle"},
                                            "dated": {**RECENCY, "label": "dated guidelines"}}}
    policy = "# Guidelines\nEach guideline is reviewed at least every two years.\n"
    documents = [markdown_document(policy, path="g.md")]
    assert judge(documents, checklist(cycle), "R", as_of=dt.date(2025, 6, 30)).status == "met"
    alone = recency(policy, dt.date(2025, 6, 30))
    assert alone.status == "not_met"


def test_recency_uses_the_latest_date_of_an_item():
    table = "# Guidelines\n| Guideline | Adopted | Revised |\n| --- | --- | --- |\n| Asthma | 7/1/2015 | 9/18/2024 |\n"
    assert recency(table, dt.date(2025, 6, 30)).status == "met"


def test_document_check_by_title_and_count():
    evidence = {"type": "document", "kinds": ["contract_template"], "title": [["hospital"]]}
    hospital = ("# Hospital Services Agreement\nHospital shall do things.", "contract_template")
    physician = ("# Physician Agreement\nPhysician shall do things.", "contract_template")
    assert run(evidence, physician).status == "not_met"
    assert run(evidence, physician, hospital).status == "met"
    two = {"type": "document", "kinds": ["contract_template"], "min": 2}
    assert run(two, physician).status == "partial"
    assert run(two, physician, hospital).status == "met"


def test_reviewer_check_always_needs_review():
    finding = run({"type": "reviewer", "confirm": "the date the report was received"}, ("Anything.", "other"))
    assert finding.status == "needs_review"
    assert "the date the report was received" in finding.rationale


def test_when_not_found_needs_review():
    data = checklist(PHRASE).model_dump(by_alias=True)
    data["sections"][0]["requirements"][0]["when_not_found"] = "needs_review"
    shown_elsewhere = Checklist.model_validate(data)
    docs = [markdown_document("Nothing relevant.")]
    assert judge(docs, shown_elsewhere, "R").status == "needs_review"
    assert judge([markdown_document("The Board approves the plan.")], shown_elsewhere, "R").status == "met"


def test_passage_kind_filter():
    evidence = {**PHRASE, "passages": ["sentence"]}
    table = "| Task | Who |\n| --- | --- |\n| The Board approves the plan | CEO |\n"
    assert run(PHRASE, (table, "other")).status == "met"
    assert run(evidence, (table, "other")).status == "not_met"


def test_profiles_make_other_sections_not_applicable():
    from auditor.engine import ProfileError, evaluate

    data = checklist(PHRASE).model_dump(by_alias=True)
    data["sections"].append({"id": "T-1", "title": "Other", "requirements": [
        {**data["sections"][0]["requirements"][0], "id": "R2"}]})
    data["profiles"] = {"first": {"title": "First only", "sections": ["S"]}, "all": {"title": "All", "sections": "all"}}
    two = Checklist.model_validate(data)
    docs = [markdown_document("The Board approves the plan.")]
    report = evaluate(docs, [two], dt.date(2025, 3, 1), profile="first")
    status = {f.requirement_id: f.status for f in report.findings}
    assert status == {"R": "met", "R2": "not_applicable"}
    assert "First only" in report.findings[1].rationale
    assert {f.status for f in evaluate(docs, [two], dt.date(2025, 3, 1), profile="all").findings} == {"met"}
    with pytest.raises(ProfileError):
        evaluate(docs, [two], dt.date(2025, 3, 1), profile="nope")


def test_derived_fact_months_licensed_on_march_1():
    from auditor.engine import fact_value
    from auditor.models import SubmissionFacts

    facts = SubmissionFacts(license_date=dt.date(2024, 9, 2))
    assert fact_value("months_licensed_on_march_1", facts, dt.date(2025, 6, 30)) == 5  # under six months
    assert fact_value("months_licensed_on_march_1", facts, dt.date(2026, 1, 1)) == 17
    assert fact_value("months_licensed_on_march_1", SubmissionFacts(), dt.date(2025, 6, 30)) is None


EACH = {"type": "each", "unit": "section", "where": [["study"]], "check": {"type": "all_of", "elements": {
    "approval": {**PHRASE, "label": "approval by the Board"},
    "signed_minutes": {"type": "phrase", "all": ["minutes", "signed"], "label": "signed minutes"}}}}


def test_each_judges_every_unit_on_its_own():
    split = ("# Studies\n## Study 1: asthma\nThe Board approves the design.\n\n"
             "## Study 2: diabetes\nMinutes are signed.\n")
    finding = run(EACH, (split, "other"))
    assert finding.status == "partial"  # each study has one step; neither has both
    assert finding.missing == ["Study 1: asthma: signed minutes", "Study 2: diabetes: approval by the Board",
                               "1 more complete section(s)"]
    whole = "# Study 3: access\nThe Board approves the design. Minutes are signed.\n"
    assert run(EACH, (whole, "other")).status == "met"
    assert run(EACH, ("# Other\nThe Board approves. Minutes are signed.", "other")).status == "not_met"


def test_list_items_carry_their_lead_in_as_context():
    evidence = {"type": "phrase", "all": [["confidentiality"]], "context": [["shall"]]}
    contract = ("# Article 7\n7.1 Provider shall keep written policies that:\n\n"
                "(a) protect the confidentiality of member information;\n\n(b) limit access.\n")
    finding = run(evidence, (contract, "contract_template"))
    assert finding.status == "met"
    assert finding.evidence[0].quote.startswith("(a) protect the confidentiality")
    # without a lead-in ending in a colon, a lettered paragraph stands alone
    alone = "# Article 7\n7.1 Provider keeps records.\n\n(a) protect the confidentiality of member information.\n"
    assert run(evidence, (alone, "contract_template")).status == "not_met"


STUDIES = {"type": "count", "within": [["study", "studies"]], "of": [["clinical"]], "min": 3,
           "max_age": {"years": 3}}


def test_count_within_a_window_of_years():
    table = ("# Quality Program Evaluation\n## Studies\n| Study | Type | Completed |\n| --- | --- | --- |\n"
             "| Blood pressure | Clinical | 3/1/2022 |\n| Asthma | Clinical | 6/30/2024 |\n"
             "| Depression follow-up | Clinical | {third} |\n")
    as_of = dt.date(2025, 3, 1)
    inside = judge([markdown_document(table.format(third="1/15/2025"))], checklist(STUDIES), "R", as_of=as_of)
    assert inside.status == "met"  # 3/1/2022 is exactly three years before the audit date
    outside = judge([markdown_document(table.format(third="2/28/2022"))], checklist(STUDIES), "R", as_of=as_of)
    assert outside.status == "partial"
    assert len(outside.evidence) == 2 and outside.missing == ["1 more item(s)"]
    assert "Depression follow-up (dated before 2022-03-01)" in outside.rationale


def test_count_window_takes_the_year_of_the_heading_for_undated_rows():
    text = "# Evaluation\n## Studies, {years}\n- Blood pressure (clinical)\n- Asthma (clinical)\n- COPD (clinical)\n"
    as_of = dt.date(2025, 3, 1)
    assert judge([markdown_document(text.format(years="2022-2024"))], checklist(STUDIES), "R",
                 as_of=as_of).status == "met"
    assert judge([markdown_document(text.format(years="2018-2020"))], checklist(STUDIES), "R",
                 as_of=as_of).status == "not_met"


def test_the_same_study_listed_twice_under_another_name_counts_once():
    table = ("# Quality Program Evaluation\n## Studies, 2022-2024\n| Study | Type | Result |\n| --- | --- | --- |\n"
             "| PIP-2 Diabetes outreach for HbA1c above 9% | Clinical | GSD at 55.0% |\n"
             "| Asthma controller use | Clinical | AMR at 71.2% |\n"
             "| QIA-C1 Comprehensive diabetes care | Clinical | {third} |\n")
    as_of = dt.date(2025, 3, 1)
    twice = judge([markdown_document(table.format(third="HbA1c below 8.0% at 55.0%"))], checklist(STUDIES), "R",
                  as_of=as_of)
    assert twice.status == "partial"
    assert "the same as another item: QIA-C1 Comprehensive diabetes care" in twice.rationale
    # another diabetes study, with results of its own, is another study
    other = judge([markdown_document(table.format(third="eye exams at 61.0%"))], checklist(STUDIES), "R",
                  as_of=as_of)
    assert other.status == "met"


GUIDE_NAMES = {"type": "count", "within": [["guideline"]], "of": [["screening", "preventive"]], "min": 2,
               "names": [["asthma", "diabetes", "screening", "preventive"]]}


def test_count_classifies_a_row_by_its_name_cell_when_that_names_a_topic():
    table = ("# Guidelines\n| Guideline | Key points |\n| --- | --- |\n"
             "| Diabetes | annual eye screening |\n| Cancer screening | every 2 years |\n"
             "| CPG-7 | preventive visits |\n")
    finding = run(GUIDE_NAMES, (table, "other"))
    # "Diabetes" is not a screening guideline for its recommendations; "CPG-7" names no topic, so its row counts
    assert finding.status == "met"
    assert [e.quote.split(" | ")[0] for e in finding.evidence] == ["Cancer screening", "CPG-7"]
    assert run({**GUIDE_NAMES, "names": []}, (table, "other")).status == "met"
    assert run({**GUIDE_NAMES, "min": 3}, (table, "other")).status == "partial"


def test_count_skips_a_bullet_that_is_a_whole_sentence():
    doc = ("# Guidelines\n- Cancer screening\n"
           "- Screening topics were picked with the help of the two pediatricians on the committee.\n")
    assert run(GUIDE_NAMES, (doc, "other")).status == "partial"
    # a list of goals is written in sentences: without topic names, every bullet is an item
    assert run({**GUIDE_NAMES, "names": []}, (doc, "other")).status == "met"


FIELDS = {"type": "count", "within": [["study"]], "of": [["asthma"]], "min": 2,
          "fields": [["measure", "goal", "topic"]]}


def test_count_takes_labelled_fields_as_one_record():
    bullets = ("# Studies\n## Asthma controller use\n- Topic: asthma\n- Measure: asthma controller ratio\n"
               "- Goal: asthma ratio 0.7\n")
    assert run(FIELDS, (bullets, "other")).status == "partial"
    assert run({**FIELDS, "fields": []}, (bullets, "other")).status == "met"
    form = ("# Studies\n## Asthma study\n| Element | Detail |\n| --- | --- |\n| Topic | asthma |\n"
            "| Measure | asthma medication ratio |\n")
    assert run(FIELDS, (form, "other")).status == "partial"
    # a repeated label starts the next record
    repeated = "# Studies\n- Topic: asthma in children\n- Topic: asthma in adults\n"
    assert run(FIELDS, (repeated, "other")).status == "met"


def test_count_item_named_by_its_own_label_and_excluded_by_status():
    table = ("# Activities of the year\n| Activity | Status |\n| --- | --- |\n| Study: asthma in children | done |\n"
             "| Study: asthma in adults | open |\n| Asthma outreach | done |\n")
    # the list is not headed as studies, but two rows name themselves so (the asthma outreach does not)
    assert run(FIELDS, (table, "other")).status == "met"
    assert run({**FIELDS, "exclude": [["=open"]]}, (table, "other")).status == "partial"
    unnamed = table.replace("Study: asthma", "Asthma")
    assert run(FIELDS, (unnamed, "other")).status == "not_met"


def test_count_skips_a_list_that_lists_the_parts_of_one_item():
    parts = "# Studies\nEach study must include:\n- a study of asthma control\n- a study of the barriers found\n"
    evidence = {**FIELDS, "min": 1}
    checklist_terms = {"parts_lead": ["each|every re:^[A-Za-z][\\w-]*$ must|shall|will? include"]}
    assert run_with_terms(evidence, checklist_terms, (parts, "other")).status == "not_met"
    assert run_with_terms(evidence, checklist_terms, (parts.replace("Each study must include:", "Our studies:"),
                                                      "other")).status == "met"


def test_count_item_with_its_own_section_must_show_what_is_asked():
    doc = ("# Evaluation\n| Activity | Status |\n| --- | --- |\n| Asthma study one | done |\n"
           "| Asthma study two | done |\n## Asthma study two\nCalls were counted in the year.\n")
    shows = {**FIELDS, "shows": [["goal"]]}
    assert run(shows, (doc, "other")).status == "partial"
    assert run(shows, (doc.replace("counted in the year", "counted; the goal is 90%"), "other")).status == "met"
    # an inventory row and the record written up under the same name are one study, and its status applies
    forms = ("# Studies\n| Study | Status |\n| --- | --- |\n| S-1 | done |\n| S-2 | open |\n"
             "## S-1: Asthma in children\n- Topic: asthma\n- Goal: 70%\n## S-2: Asthma in adults\n- Topic: asthma\n"
             "- Goal: 60%\n")
    found = run({**FIELDS, "exclude": [["=open"]], "min": 1}, (forms, "other"))
    assert found.status == "met" and [e.quote for e in found.evidence] == ["S-1 | done"]
    assert run({**FIELDS, "exclude": [["=open"]]}, (forms, "other")).status == "partial"


def test_each_with_when_none_met_passes_when_no_unit_is_found():
    each = {"type": "each", "where": [["study"]], "when_none": "met",
            "check": {"type": "phrase", "all": ["approve"]}}
    assert run(each, ("# Program\nThe board meets.\n", "other")).status == "met"
    assert run(each, ("# Program\n## Study A\nNo sign-off step here.\n## Study B\nThe QIC approves it.\n",
                      "other")).status == "partial"


GUIDELINE_COUNT = {"type": "count", "within": [["clinical practice guidelines", "guidelines"]],
                   "of": [["diabetes", "asthma", "copd", "immunizations", "screening"]], "min": 3}


def test_a_list_inside_a_sentence_counts_its_items_once_each():
    text = "We have adopted clinical practice guidelines for asthma, diabetes and COPD."
    finding = run(GUIDELINE_COUNT, (text, "other"))
    assert finding.status == "met", finding.rationale
    # the same guideline in a table and in a sentence is one guideline
    table = ("# Clinical Practice Guidelines\n\n| Guideline | Source |\n| --- | --- |\n| Adult asthma | GINA |\n\n"
             "Our guidelines include asthma and diabetes.\n")
    assert run(GUIDELINE_COUNT, (table, "other")).status == "partial"
    # the members of a workgroup are not guidelines
    text = "The guidelines are reviewed by a workgroup that includes two PCPs, a pharmacist and a diabetes educator."
    assert run(GUIDELINE_COUNT, (text, "other")).status == "not_met"
    # the rule's quantities restated are no guidelines: "at least two for asthma or COPD and at least four ..."
    text = ("The Plan adopts clinical practice guidelines: at least two for asthma or diabetes and at least four "
            "for COPD.")
    assert run(GUIDELINE_COUNT, (text, "other")).status == "not_met"
    assert run(GUIDELINE_COUNT, (text.replace("at least two for ", "").replace("at least four for ", ""),
                                 "other")).status == "met"


def test_a_count_in_words_counts_where_nothing_is_listed_and_a_list_wins_where_it_is():
    assert run(GUIDELINE_COUNT, ("We have adopted four screening guidelines.", "other")).status == "met"
    assert run(GUIDELINE_COUNT, ("We will adopt four screening guidelines.", "other")).status == "not_met"
    listed = ("We have adopted four screening guidelines.\n\n# Clinical Practice Guidelines\n\n"
              "| Guideline | Source |\n| --- | --- |\n| Diabetes | ADA |\n| Asthma | GINA |\n")
    finding = run(GUIDELINE_COUNT, (listed, "other"))
    assert finding.status == "partial"  # the table lists two: the claim of four does not count over it


@pytest.mark.parametrize(("adopted", "status"), [("2024-11-02", "met"),
                                                 ("Draft; adoption expected 2025-09", "partial")])
def test_a_row_whose_adoption_cell_says_draft_or_expected_is_not_in_effect(adopted, status):
    evidence = {"type": "count", "within": [["guideline"]], "of": [["screening"]], "min": 2}
    table = ("# Guidelines\n| Guideline | Adopted |\n| --- | --- |\n| Breast cancer screening | 2024-10-08 |\n"
             f"| Lung cancer screening | {adopted} |\n")
    assert run(evidence, (table, "other")).status == status


def test_a_contract_clause_quoted_under_its_section_counts_as_the_contract():
    evidence = {"type": "phrase", "all": ["records"], "documents": ["contract_template"]}
    quoted = ("# QM Program Description\n## Appendix A\n### A.2 Provider Agreement, section S-4\n"
              "S-4 Records. Provider will let the Plan see members' medical records.\n")
    assert run(evidence, (quoted, "qmp_description")).status == "met"
    # the program's own section about agreements is a summary of them, for a reviewer to confirm
    summary = ("# QM Program Description\n## Section 9. Provider agreements\n"
               "Providers let the Plan see members' medical records.\n")
    assert run(evidence, (summary, "qmp_description")).status == "needs_review"


def test_a_list_item_that_only_aspires_or_waits_is_not_counted():
    evidence = {"type": "count", "within": ["goal"], "min": 2}
    terms = {"goal": ["goal", "goals", "aim", "aims"], "improve": ["improve", "raise", "reduce"]}
    stated = "## Our goals\n- Goal 1. Raise flu shot rates to 60%.\n- Goal 2. Reduce readmissions by 10%.\n"
    assert run_with_terms(evidence, terms, (stated, "other")).status == "met"
    aspired = "## Our goals\n- Goal 1. We aspire to zero harm.\n- Goal 2. We aspire to a healthy valley.\n"
    assert run_with_terms(evidence, terms, (aspired, "other")).status != "met"
    table = ("## Our goals\n| Goal | Objective | Measure |\n| --- | --- | --- |\n"
             "| Goal 1 | To be set at the 2025 retreat | To follow |\n"
             "| Goal 2 | To be set at the 2025 retreat | To follow |\n")
    assert run_with_terms(evidence, terms, (table, "other")).status != "met"


def _line_status(text: str, lines: tuple[str, ...] | list[str] | None = ("commercial",), kind: str = "other") -> str:
    """The PHRASE rule's status on one document, for a checklist governing `lines` (None: every line)."""
    rules = checklist(PHRASE) if lines is None else checklist(PHRASE).model_copy(update={"lines": list(lines)})
    return judge([markdown_document(text, kind=kind, path="d0.md")], rules, "R").status


def test_a_section_for_another_line_of_business_is_no_evidence_for_rules_of_one_line():
    text = ("# QAPI Program Description\n## 3.1 Approvals\nThis subsection applies to MaineCare enrollees. The Board of"
            " Directors approves the MaineCare quality strategy.\n")
    assert _line_status(text, kind="qmp_description") == "not_met"
    # rules that govern every line, or that line, read it
    assert _line_status(text, None, kind="qmp_description") == "met"
    assert _line_status(text, ["medicaid"], kind="qmp_description") == "met"
    # a row whose population is another line's, and a sentence about another line's members
    row = ("## Studies\n| Study | Population | Status |\n| --- | --- | --- |\n"
           "| Board of Directors approves trip timeliness | MaineCare enrollees | Complete |\n")
    assert _line_status(row) == "not_met"
    assert _line_status("For Medicaid enrollees, the Board of Directors approves the access standards.") == "not_met"
    assert _line_status("For all enrollees, the Board of Directors approves the access standards.") == "met"
    # one line named, and no other: that line's papers or people
    assert _line_status("The Board of Directors approves the MaineCare Addendum each year.") == "not_met"
    assert _line_status("MaineCare: the Board of Directors approves the thresholds in Contract Exhibit Q.") == "not_met"
    shared = "The Board of Directors approves the standards for commercial and MaineCare enrollees."
    assert _line_status(shared) == "met"


def test_a_line_is_known_by_the_plan_s_name_for_its_product_and_by_an_addendum_s_heading():
    contract = "# QI Program Description\nWe hold a Medicare Advantage contract, marketed as Harbor Advantage (HMO).\n"
    named = contract + "The Board of Directors approves the outreach plan for Harbor Advantage members.\n"
    assert _line_status(named) == "not_met"
    assert _line_status(named, ["medicare"]) == "met"
    both = named.replace("for Harbor Advantage members", "for commercial and Harbor Advantage members")
    assert _line_status(both) == "met"
    addendum = ("# Provider Agreement\n## Medicare Advantage Regulatory Requirements Addendum\n"
                "MA.3 The Board of Directors approves each Provider's quality plan.\n")
    assert _line_status(addendum) == "not_met"
    assert _line_status(addendum.replace("Medicare Advantage Regulatory Requirements Addendum",
                                         "Medicare and Commercial Terms")) == "met"
    only = contract + "## Outreach (Harbor Advantage only)\nThe Board of Directors approves the outreach plan.\n"
    assert _line_status(only) == "not_met"
    # what only one line has: Medicare's Part D; a section labelled "Part D." is no such thing
    assert _line_status("The Board of Directors approves the Part D adherence outreach each year.") == "not_met"
    section = "# Program\n## Part D. Approvals\nThe Board of Directors approves the program each year.\n"
    assert _line_status(section) == "met"


def test_the_rows_of_a_document_about_one_study_are_parts_of_it_not_more_studies():
    evidence = {"type": "count", "within": ["study"], "of": ["condition"], "min": 2}
    terms = {"study": ["study", "PIP"], "condition": ["diabetes", "asthma"]}
    one = ("# PIP Summary Report: Improving Diabetes Care\n## Interventions\n| # | Intervention | Owner |\n"
           "| --- | --- | --- |\n| 1 | Diabetes outreach calls | RN |\n| 2 | Diabetes eye exam van | MD |\n")
    assert run_with_terms(evidence, terms, (one, "other")).status != "met"
    several = one.replace("# PIP Summary Report: Improving Diabetes Care", "# Quality Studies, 2022-2024")
    assert run_with_terms(evidence, terms, (several, "other")).status == "met"


def test_a_row_of_yearly_values_is_a_measure_trended_over_those_years():
    evidence = {"type": "phrase", "all": ["trend"]}
    terms = {"trend": ["trended", "over time", "trend"]}
    table = "| Measure | 2022 | 2023 | 2024 |\n| --- | --- | --- | --- |\n| Diabetic eye exams | {a} | {b} | 59.1% |\n"
    assert run_with_terms(evidence, terms, (table.format(a="52.3%", b="55.0%"), "other")).status == "met"
    # one year filled in is not a trend
    assert run_with_terms(evidence, terms, (table.format(a="-", b="TBD"), "other")).status == "not_met"


def test_each_takes_the_studies_a_general_section_lists_not_the_section_itself():
    # "How a study is run" is about studies in general, and "Study summaries" lists them: neither is a study, and
    # the subsections naming one each ("QoC-1 ...") are the units
    text = ("# Program\n## How a study is run\nEach study follows the same steps.\n"
            "## Study summaries\n### QoC-1 Diabetes eye exam\nThe Board approves the design. Minutes are signed.\n"
            "### QoC-2 Asthma controller use\nThe Board approves the design. Minutes are signed.\n")
    finding = run(EACH, (text, "other"))
    assert finding.status == "met", finding.rationale
    assert "2 of 2 section(s) complete" in finding.rationale
    # a study of its own under the general section still counts, and a topic of the program under it does not
    lacking = text.replace("### QoC-2 Asthma controller use\nThe Board approves the design. Minutes are signed.\n",
                           "### QoC-2 Asthma controller use\nMinutes are signed.\n### Data and sampling\nNone.\n")
    finding = run(EACH, (lacking, "other"))
    assert finding.status == "partial"
    assert finding.missing == ["QoC-2 Asthma controller use: approval by the Board"]


def test_a_run_in_heading_is_read_with_the_sentence_after_it():
    evidence = {"type": "phrase", "all": [["interventions"], ["started"]], "scope": "sentence"}
    text = "# Study 1: Eye exams\nInterventions. Laboratory feeds from both laboratories started in 2023.\n"
    assert run(evidence, (text, "other")).status == "met"
    # a sentence that is not a label stays a sentence of its own
    prose = "# Study 1: Eye exams\nThe team chose interventions with care. Laboratory feeds started in 2023.\n"
    assert run(evidence, (prose, "other")).status == "not_met"
    # what the value after a label denies, it denies of the label's subject
    for denied in ("Interventions. None were started in 2024.", "Interventions: none were started in 2024."):
        finding = run({"type": "phrase", "all": [["interventions"]]}, (f"# Study 1: Eye exams\n{denied}\n", "other"))
        assert finding.status == "partial", denied
        assert "a negative statement" in finding.missing[0]
