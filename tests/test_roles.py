"""How the plan names things (auditor.roles): names learned from the submission say what they stand for."""

from __future__ import annotations

import datetime as dt

from auditor.engine import evaluate
from auditor.models import Checklist, SubmissionFacts
from tests.helpers import markdown_document

TERMS = {
    "committee": ["quality committee", "quality improvement committee", "QIC", "quality council"],
    "board": ["board of directors", "board of trustees", "the board"],
    "results": ["results"],
    "review": ["review", "reviews", "evaluate"],
    "practitioners": ["practitioner", "practitioners"],
    "participate": ["take part", "participate"],
    "program": ["quality program", "quality work", "quality improvement program"],
}
ROLES = {"qm_program": "program", "qm_committee": "committee", "governing_body": "board",
         "practitioner": "practitioners"}


def checklist(evidence: dict) -> Checklist:
    return Checklist.model_validate({
        "id": "t", "title": "test", "version": "1", "source": "test", "terms": TERMS, "roles": ROLES,
        "sections": [{"id": "S", "title": "S", "requirements": [{
            "id": "R", "citation": "c", "title": "t", "text": "t", "evidence": evidence,
            "examples": {"pass": ["x"], "fail": ["y"]}}]}],
    })


def audit(text: str, evidence: dict, kind: str = "other", **facts):
    report = evaluate([markdown_document(text, kind=kind)], [checklist(evidence)], dt.date(2025, 6, 30),
                      SubmissionFacts(**facts))
    return report.findings[0], report


COMMITTEE_REVIEWS = {"type": "phrase", "all": ["review", "results"], "context": ["committee"]}


def _short_form_reviews(naming: str, short: str) -> set[tuple[str, str | None]]:
    """The committee named in `naming` and then called by its short form `short` ("the Circle") reviews results:
    met on the short form's sentence, and not met without the naming sentence. The names the audit learned."""
    said = f"{short[:1].upper()}{short[1:]} reviews the results of every improvement project."
    finding, report = audit(f"{naming}\n\n{said}\n", COMMITTEE_REVIEWS)
    assert finding.status == "met"
    assert finding.evidence[0].quote == said
    # without the sentence that names it, the short form is nobody the rule knows
    assert audit(f"{said}\n", COMMITTEE_REVIEWS)[0].status == "not_met"
    return {(n.name, n.role) for n in report.names}


def _met_on(text: str, quote: str) -> set[tuple[str, str | None]]:
    """The committee reviews results, met on the sentence `quote`; the names the audit learned, with their roles."""
    finding, report = audit(text, COMMITTEE_REVIEWS)
    assert finding.status == "met"
    assert finding.evidence[0].quote == quote
    return {(n.name, n.role) for n in report.names}


def test_a_name_described_by_its_function_is_the_role_and_its_short_form_too():
    names = _short_form_reviews("The Care Quality Circle is the group that runs our quality work.", "the Circle")
    assert ("Care Quality Circle", "qm_committee") in names and ("the Circle", "qm_committee") in names


def test_an_acronym_defined_once_stands_for_its_full_name_everywhere_after():
    text = ("The Quality Improvement Committee (QIC) meets monthly.\n\n# Minutes\n\nQIC reviewed the results.\n")
    finding, report = audit(text, {"type": "phrase", "all": ["committee", "review", "results"]})
    assert finding.status == "met"
    assert finding.evidence[0].quote == "QIC reviewed the results."
    assert any(n.name == "QIC" and n.role == "qm_committee" for n in report.names)


def test_an_acronym_of_a_longer_name_gets_its_role_from_what_it_does():
    text = ("The Quality Improvement and Health Equity Committee (QIHEC) oversees the quality program.\n\n"
            "QIHEC reviews the results of each study.\n")
    finding, report = audit(text, COMMITTEE_REVIEWS)
    assert finding.status == "met"
    assert finding.evidence[0].quote == "QIHEC reviews the results of each study."


def test_a_quoted_short_name_and_the_plans_name_for_itself():
    text = 'Maple Health Plan, Inc. ("the Company") is governed by its Board of Trustees, "our Trustees."\n'
    _, report = audit(text, COMMITTEE_REVIEWS, hmo_name="Maple Health Plan, Inc.")
    names = {n.name: n for n in report.names}
    assert names["the Company"].role == "hmo"
    assert names["our Trustees"].role == "governing_body"


def test_submission_yaml_sets_a_role_the_text_does_not_say():
    text = "The Clinical Excellence Group reviews the results of each study.\n"
    assert audit(text, COMMITTEE_REVIEWS)[0].status == "not_met"
    finding, report = audit(text, COMMITTEE_REVIEWS, roles={"qm_committee": "Clinical Excellence Group"})
    assert finding.status == "met"
    assert report.names[0].how == "named in submission.yaml"


def test_unknown_role_in_submission_yaml_is_refused():
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="unknown role"):
        SubmissionFacts(roles={"quality_committee": "Group"})


def test_you_in_a_contract_is_the_practitioner_it_binds():
    evidence = {"type": "phrase", "all": ["practitioners", "participate", "program"]}
    text = "# Clinician Agreement\n\n7.1 You agree to take part in our quality program.\n"
    assert audit(text, evidence, kind="contract_template")[0].status == "met"
    assert audit(text, evidence, kind="qmp_description")[0].status == "not_met"


def test_a_board_of_another_organisation_is_not_the_governing_body():
    evidence = {"type": "phrase", "all": ["board", "review", "program"]}
    text = "The Board of Directors of Pine Holdings Group, Inc. reviews the quality program each year.\n"
    finding, report = audit(text, evidence, hmo_name="Maple Health Plan")
    assert finding.status == "not_met"
    assert any(n.foreign for n in report.names)
    own = "The Maple Health Plan Board of Directors reviews the quality program each year.\n"
    assert audit(own, evidence, hmo_name="Maple Health Plan")[0].status == "met"


FAMILY = """# Pine Holdings Group - Enterprise Quality Program Description

Pine Holdings Group, Inc. ("the Enterprise") runs health plans in six states. This document is written for all
affiliated health plans; only sections marked "Applies to all affiliated health plans" bind an affiliate.

## 1. Enterprise Committees

The Enterprise Quality Council (EQC) reviews the results of every national study.

## 2. Affiliate Committees - Applies to all affiliated health plans

Each affiliate's quality committee reviews the results of its studies quarterly.
"""


def test_a_family_documents_unmarked_sections_and_its_parents_bodies_do_not_commit_the_hmo():
    evidence = {"type": "phrase", "all": ["review", "results"]}
    finding, report = audit(FAMILY, evidence, hmo_name="Maple Health Plan of Maine, Inc.")
    assert finding.status == "met"
    assert finding.evidence[0].quote.startswith("Each affiliate's quality committee reviews the results")
    assert any(n.name == "EQC" and n.foreign for n in report.names)
    parent_only = FAMILY.split("## 2.")[0]
    finding, _ = audit(parent_only, evidence, hmo_name="Maple Health Plan of Maine, Inc.")
    assert finding.status == "partial"
    assert "another organisation's own practice" in finding.missing[0]


def test_the_parent_acting_is_not_the_hmo_acting():
    evidence = {"type": "phrase", "all": ["review", "results"]}
    text = ('Pine Holdings Group, Inc. ("the Enterprise") owns the plan.\n\n'
            "The Enterprise reviews the results of all studies.\n")
    assert audit(text, evidence, hmo_name="Maple Health Plan")[0].status == "partial"
    # an enterprise data warehouse, or any adjective "enterprise", is not the parent acting
    text = "The Enterprise Data Warehouse reviews the results of all studies.\n"
    assert audit(text, evidence, hmo_name="Maple Health Plan")[0].status == "met"


DELEGATE = ('Under a delegation agreement, Harbor Physicians Network, LLC ("the Network") runs most quality '
            "activities for the plan.\n\n")


def test_a_delegate_s_own_committee_and_its_chair_are_not_the_hmo_s():
    evidence = {"type": "phrase", "all": ["committee", "review", "results"]}
    text = DELEGATE + "The Network Quality Committee reviews the results of every study.\n"
    finding, report = audit(text, evidence, hmo_name="Maple Health Plan")
    assert finding.status != "met"
    assert any(n.name == "Network Quality Committee" and n.foreign for n in report.names)
    own = DELEGATE + "The Quality Committee reviews the results of every study.\n"
    assert audit(own, evidence, hmo_name="Maple Health Plan")[0].status == "met"


def test_work_done_by_a_delegate_is_the_delegate_s_unless_the_hmo_s_body_is_in_it():
    evidence = {"type": "phrase", "all": ["review", "results"]}
    text = DELEGATE + "The results of every study are reviewed by the Network each quarter.\n"
    assert audit(text, evidence, hmo_name="Maple Health Plan")[0].status == "partial"
    overseen = DELEGATE + ("The results of every study are reviewed by the Network each quarter and then by the "
                           "Quality Committee.\n")
    assert audit(overseen, evidence, hmo_name="Maple Health Plan")[0].status == "met"


def test_a_name_said_to_be_the_role_at_a_sentence_end_takes_the_role_and_its_acronym_too():
    # "X (ACR) is our quality committee." ends with the role's name and a full stop: still the role
    text = ("The Practice Steering Council (PSC) meets monthly.\n\n"
            "The Practice Steering Council (PSC) is our quality committee.\n\n"
            "PSC reviews the results of every project.\n")
    finding, report = audit(text, COMMITTEE_REVIEWS)
    assert finding.status == "met"
    assert {("PSC", "qm_committee"), ("Practice Steering Council", "qm_committee")} <= {
        (n.name, n.role) for n in report.names}
    finding, _ = audit("The Practice Steering Council (PSC) meets monthly.\n\nPSC reviews the results.\n",
                       COMMITTEE_REVIEWS)
    assert finding.status == "not_met"


def test_a_function_said_in_the_passive_names_its_doer():
    text = ("Our quality work is overseen by the Care Experience Circle (CEC).\n\n"
            "The CEC reviews the results of every improvement project.\n")
    finding, report = audit(text, COMMITTEE_REVIEWS)
    assert finding.status == "met", finding.rationale
    assert ("Care Experience Circle", "qm_committee") in {(n.name, n.role) for n in report.names}
    # "the work" with a committee named for quality is the program; a committee named for something else is not
    text = "The work is overseen by our Quality and Service Committee.\n\nIt reviews the results.\n"
    assert ("Quality and Service Committee", "qm_committee") in {(n.name, n.role) for n in audit(
        text, COMMITTEE_REVIEWS)[1].names}
    text = "The work is overseen by our Finance Committee.\n"
    assert not any(n.role == "qm_committee" for n in audit(text, COMMITTEE_REVIEWS)[1].names)


def test_the_rules_name_for_a_body_is_shortened_as_the_plans_own_names_are():
    names = _short_form_reviews("Our Clinical Quality Council meets each month.", "the Council")
    assert ("the Council", "qm_committee") in names


def test_a_table_of_the_plans_bodies_gives_each_the_role_its_description_names():
    table = ("## Roles\n| Body | Short name | What it is |\n| --- | --- | --- |\n"
             "| Clinical Excellence Council | CEC | The Plan's quality committee. Charter in SOP 120. |\n"
             "| Network Relations Team | NRT | Provider relations and contracting. |\n\n"
             "## SOP 120\nThe CEC reviews the results of every improvement project.\n")
    names = _met_on(table, "The CEC reviews the results of every improvement project.")
    assert ("CEC", "qm_committee") in names
    # a row whose description is not a role the rules know gives no role
    assert not any(role for name, role in names if name in ("Network Relations Team", "NRT"))


def test_the_plans_own_name_for_its_program_lets_the_other_roles_be_read_by_what_they_do_to_it():
    # the program named in a sentence, the committee described in a terms table by what it does to the program
    text = ("Maple Health runs a standing system for watching and improving the care members receive. We call it the"
            " Improvement System.\n\n## Words we use\n| Term | What it means |\n| --- | --- |\n"
            "| Improvement Council (the Council) | The standing body that steers the Improvement System. |\n\n"
            "## Projects\nThe Council reviews the results of every project.\n")
    names = _met_on(text, "The Council reviews the results of every project.")
    assert ("Improvement System", "qm_program") in names and ("Improvement Council", "qm_committee") in names
    # without the program's name, "steers the Improvement System" says nothing the rules know
    unnamed = text.replace(" We call it the Improvement System.", "")
    assert audit(unnamed, COMMITTEE_REVIEWS)[0].status == "not_met"


def test_a_terms_table_defines_an_acronym_by_the_name_its_description_opens_with():
    text = ("## Terms\n| Term | Meaning |\n| --- | --- |\n"
            "| CQC | The Clinical Quality Circle, the group that runs the quality program. |\n\n"
            "## Work\nCQC reviews the results of each study.\n")
    assert ("CQC", "qm_committee") in _met_on(text, "CQC reviews the results of each study.")


def test_the_document_calling_itself_the_program_is_not_a_name_for_it():
    # "This Plan is the written quality program": "the Plan" is still the HMO, not the program
    text = "This Plan is the written quality improvement program of Maple Health.\n"
    _, report = audit(text, COMMITTEE_REVIEWS)
    assert not any(n.role == "qm_program" for n in report.names)


def test_a_glossary_item_defines_an_acronym_and_what_it_is():
    text = ('## Names used here\n- "QOC": the Quality Oversight Council, the Plan\'s quality committee.\n'
            "- Quality Operations: the Plan's quality staff.\n\n## Work\nThe QOC reviews the results of each study.\n")
    assert ("QOC", "qm_committee") in _met_on(text, "The QOC reviews the results of each study.")
    # an item that only labels a value defines nothing
    _, plain = audit("- Owner: Tobias Wendt\n- Status: Draft\n", COMMITTEE_REVIEWS)
    assert not any(n.name in ("Owner", "Status") for n in plain.names)


INTERVENTION_STARTED = {"type": "phrase", "all": ["intervention", "began"]}
_REGISTER = """# 2025 Work Plan
## Interventions
| Ref | Action | Owner |
| --- | --- | --- |
| K-4 | Reminder letters to members overdue for a screening | Outreach team |
## Activities
| Ref | Activity | Owner |
| --- | --- | --- |
| A-9 | Annual evaluation to the Board | Director |
## Utilization
"""


def _register_audit(sentence: str):
    terms = {**TERMS, "intervention": ["intervention", "interventions"], "began": ["began", "started"]}
    cl = checklist(INTERVENTION_STARTED).model_copy(update={"terms": terms, "roles": {**ROLES,
                                                                                   "intervention": "intervention"}})
    report = evaluate([markdown_document(_REGISTER + sentence + "\n")], [cl], dt.date(2025, 6, 30))
    return report.findings[0], {(n.name, n.role) for n in report.names}


def test_a_register_code_is_the_item_its_table_lists():
    # "K-4" opens a row of the table under "Interventions": a later "K-4 began" is an intervention begun
    finding, names = _register_audit("Imaging rose above its threshold in the third quarter; K-4 began in October.")
    assert ("K-4", "intervention") in names
    assert finding.status == "met"
    assert "K-4 began" in finding.evidence[0].quote


def test_a_code_in_a_table_of_other_things_is_no_intervention():
    finding, names = _register_audit("Imaging rose above its threshold in the third quarter; A-9 began in October.")
    assert not any(name == "A-9" for name, _role in names)
    assert finding.status != "met"


def _names(text: str) -> set[tuple[str, str | None]]:
    from auditor.checklists import load_checklist

    report = evaluate([markdown_document(text)], [load_checklist("maine-ch109")], dt.date(2025, 6, 30))
    return {(n.name, n.role) for n in report.names}


def test_a_terms_tables_common_noun_and_its_short_form():
    # "Improvement project (IP)": a term written in lower case after its first word still defines its acronym
    text = ("# Program\n| Our name | Meaning |\n| --- | --- |\n| Improvement project (IP) | A study with a measure "
            "and a goal. |\n")
    assert ("IP", "study") in _names(text)
    assert not any(name == "IP" for name, _role in _names(text.replace(" (IP)", "")))


def test_a_register_code_before_the_items_title():
    titled = _REGISTER.replace("| K-4 | Reminder letters", "| K-4 Reminders | Letters")
    assert ("K-4", "intervention") in _names(titled)
    # a second column of codes is a cross-reference, not what the rows list: "No. | Project | Action step" over
    # "A-1 | IP-1 | ..." lists steps, each for a project
    crossed = ("# Review\n## Steps in place\n| No. | Project | Step |\n| --- | --- | --- |\n"
               "| A-1 | IP-1 | Reminder letters |\n")
    assert not any(name == "A-1" for name, _role in _names(crossed))
    assert ("A-1", "study") in _names(crossed.replace("| IP-1 |", "| Reminders |"))


def test_a_register_row_is_classified_by_its_items_name_not_its_code():
    # "G-4 | Depression in primary care | ... screening recommendation": a chronic-condition guideline, led by its
    # name; a row of a work plan's activities ("B5 | CAP review of ... guidelines") keeps its code as its lead
    from auditor.checklists import load_checklist
    from tests.helpers import judge

    rows = "\n".join(f"| P-{n} | {name} | USPSTF |" for n, name in enumerate(
        ["Childhood immunization", "Breast cancer screening", "Colorectal cancer screening"], 1))
    register = ("# Clinical Guideline Register\n| No. | Guideline | Source |\n| --- | --- | --- |\n"
                "| G-1 | Diabetes in adults | ADA |\n| G-2 | Asthma | GINA |\n"
                f"| G-4 | Depression in primary care | USPSTF screening recommendation |\n{rows}\n")
    finding = judge([markdown_document(register, "guideline_policy")], load_checklist("maine-ch109"), "1.03-3.A")
    assert finding.status == "partial"  # three preventive guidelines, not four
    assert judge([markdown_document(register.replace("Depression in primary care", "Cervical cancer"),
                                    "guideline_policy")], load_checklist("maine-ch109"), "1.03-3.A").status == "met"


def test_a_questionnaires_items_and_a_fact_sheets_asking_labels_name_nothing():
    questionnaire = ("# Self-assessment\n## Part E - Clinical guidelines\n| Item | Question | Answer |\n"
                     "| --- | --- | --- |\n| E1 | Have we adopted four preventive guidelines? | Yes |\n")
    assert not any(name == "E1" for name, _role in _names(questionnaire))
    assert ("E1", "guideline") in _names(questionnaire.replace("| Item | Question | Answer |",
                                                               "| Item | Guideline | Source |")
                                          .replace("Have we adopted four preventive guidelines?", "Asthma"))
    sheet = "# Fact sheet\n- What: the Plan's QM committee.\n- Who: the Vice President, Clinical Quality.\n"
    assert not any(name in ("What", "Who") for name, _role in _names(sheet))


def test_the_full_name_a_short_name_is_defined_for_names_the_role_too():
    # "Quality Steering Council ("the Council")": a mention of the full name, which the vocabulary does not know,
    # says the role as the short name does
    from auditor.engine import _vocabulary
    from auditor.passages import Passage, _terms_of
    from auditor.roles import Name, apply

    vocabulary = _vocabulary(tuple((n, tuple(p)) for n, p in sorted(TERMS.items())))
    committee = _terms_of("quality improvement committee", vocabulary)
    row = Passage(doc=0, block=1, text="Quality Steering Council | Reviews the results", page=None, section=(),
                  kind="row")
    short = Passage(doc=0, block=2, text="The Council reviews the results.", page=None, section=(), kind="sentence")
    name = Name(name="the Council", means="Quality Steering Council", how="defined", role="qm_committee")
    apply([row, short], [name], vocabulary, [markdown_document("x")])
    assert committee and committee <= short.terms and committee <= row.terms
    assert committee <= row.asserted
