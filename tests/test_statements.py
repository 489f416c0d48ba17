"""What a statement asserts (auditor.statements): only statements of practice meet a requirement.

Each case is a sentence a plan might write; the phrase check looks for the Board approving, and the finding says
why words that are present do not count.
"""

from __future__ import annotations

import pytest

from tests.test_checks import PHRASE, run


@pytest.mark.parametrize(("text", "kind"), [
    ("The Board of Directors may approve the program.", "an option, not a practice"),
    ("The Board of Directors is encouraged to approve the program.", "an option, not a practice"),
    # an invitation governs its whole clause
    ("The committee is encouraged to send the work plan with all its attachments to the Board of Directors for "
     "approval.", "an option, not a practice"),
    ("The purpose of this policy is to describe how the Board of Directors approves the program.",
     "a statement of a document's purpose"),
    ("The purpose of the annual approval process is to have the Board of Directors approve the program.",
     "a statement of a document's purpose"),
    ("The Board of Directors will begin to approve the program in 2026.", "a plan for later"),
    ("Board of Directors approval of the program: TBD.", "a placeholder"),
    ("The Board of Directors approval process is described in Appendix B.", "a pointer to another document"),
    ("See the bylaws for how the Board of Directors approves the program.", "a pointer to another document"),
    ("The Board of Directors has not yet approved the program.", "a negative statement"),
    # a pointer or a plan says something of its sentence's subject, across an appositive's commas
    ("The Board of Directors' approval of the program, with the votes of 2023 and 2024, is reported separately in "
     "the 2024 Governance Annual Report.", "a pointer to another document"),
    ("Board of Directors approval of the program, including the addendum, will be completed at the Q3 meeting.",
     "a plan for later"),
    ("It is too early for the Board of Directors to approve the program.", "a plan for later"),
    ("We plan to ask the committee, the medical director and the Board of Directors to approve the program.",
     "a plan for later"),
    ("Board of Directors approval of the program is handled at the corporate level.",
     "another organisation's own practice, not the HMO's"),
    ("Board of Directors approval of the program is given on an enterprise basis for all affiliated plans.",
     "another organisation's own practice, not the HMO's"),
    ("It is intended that the Board of Directors approve the program.", "a plan for later"),
    ("Proposed Section 9.1 (the Board of Directors approves the program) was tabled on March 19, 2025.",
     "a plan for later"),
    ("The Board of Directors approves the program in accordance with Governance Policy 2.1.",
     "a pointer to another document"),
    ("Request 4: Provide evidence that the Board of Directors approves the program.", "the rule's own words"),
    ("Does the Board of Directors approve the program?", "the rule's own words"),
    ("Board of Directors approval of the program: expected in September 2025.", "a plan for later"),
    ("Board of Directors approval of the program is planned for the fall of 2025.", "a plan for later"),
    ("Board of Directors approval of the program -> Parking lot", "a plan for later"),
    ("At the Client's election, the Board of Directors approves the program.", "an option, not a practice"),
])
def test_words_said_other_than_as_practice_are_a_gap_with_the_reason(text, kind):
    finding = run(PHRASE, (text, "other"))
    assert finding.status == "partial", finding.rationale
    assert not finding.evidence
    assert finding.candidates[0].quote == text
    assert kind in finding.missing[0]


@pytest.mark.parametrize("text", [
    "The Board of Directors approves the program each year.",
    "The Board of Directors shall approve the program each year.",
    "The Board of Directors will approve the program each year.",  # a commitment, not a plan to create something
    "The Board of Directors approves the program, and members may comment on it.",  # the option is the members'
    "The Board of Directors approves items including but not limited to the program.",
    "When the plan is not ready, the Board of Directors approves the program at its next meeting.",
    "The program may only take effect once the Board of Directors approves it.",  # a restriction, not an option
    "The Board of Directors approves the program, with trended data when available.",  # data, not discretion
    "The Board of Directors' approvals of the program are documented in the minutes.",  # a record, not elsewhere
    "When the plan is complete, the Board of Directors will approve the program each year.",
    "From May 2024 the Board of Directors approves the program each year.",  # the month, not the modal
    "The Board of Directors approved the program in May and again on May 14, 2025.",
])
def test_a_statement_of_practice_is_evidence_even_beside_other_kinds(text):
    assert run(PHRASE, (text, "other")).status == "met"


def test_a_cue_governs_only_its_own_part_of_the_sentence():
    # "as needed" qualifies the revising only: the approval is practice.
    text = "The Board of Directors approves the program and revises it as needed."
    assert run(PHRASE, (text, "other")).status == "met"
    text = "The Board of Directors approves the program as needed."
    assert run(PHRASE, (text, "other")).status == "partial"


def test_a_list_introduced_as_options_gives_options():
    evidence = {"type": "phrase", "all": ["approve"], "context": ["board"]}
    text = "The Board of Directors may:\n\n- approve the program;\n- review the minutes.\n"
    assert run(evidence, (text, "other")).status == "partial"
    text = "The Board of Directors will:\n\n- approve the program;\n- review the minutes.\n"
    assert run(evidence, (text, "other")).status == "met"


def test_accept_lets_a_rule_that_is_itself_a_prohibition_count_negated_words():
    evidence = {**PHRASE, "accept": ["negated"]}
    assert run(evidence, ("The Board of Directors does not approve the program.", "other")).status == "met"


def test_a_placeholder_cell_removes_its_column_from_the_row():
    evidence = {"type": "phrase", "all": [["diabetes"]], "context": [["benchmark"]]}
    table = "| Study | Benchmark |\n| --- | --- |\n| Diabetes eye exams | TBD |\n| Diabetes HbA1c | 72% |\n"
    finding = run(evidence, (table, "other"))
    assert finding.status == "met"
    assert finding.evidence[0].quote == "Diabetes HbA1c | 72%"
    only_blank = "| Study | Benchmark |\n| --- | --- |\n| Diabetes eye exams | TBD |\n"
    assert run(evidence, (only_blank, "other")).status == "not_met"


def test_a_label_whose_value_is_a_placeholder_is_not_said():
    evidence = {"type": "phrase", "all": [["benchmark"]]}
    assert run(evidence, ("| Benchmark | Ongoing |\n| --- | --- |\n| Goal | 80% |\n", "other")).status == "partial"


def test_a_year_after_the_audit_led_by_a_start_word_is_a_plan_but_a_recurring_practice_is_not():
    assert run(PHRASE, ("Beginning in 2026, the Board of Directors approves the program.", "other")).status == "partial"
    assert run(PHRASE, ("Beginning in 2024, the Board of Directors approves the program.", "other")).status == "met"
    # a goal's date is about the future by nature; it is not a plan for later
    assert run(PHRASE, ("By 2026 the Board of Directors approves the program.", "other")).status == "met"
    # "will develop ... each year" is a standing commitment
    evidence = {"type": "phrase", "all": [["work plan"]]}
    assert run(evidence, ("The plan will develop a work plan in 2026.", "other")).status == "partial"
    assert run(evidence, ("The plan will develop a work plan each year.", "other")).status == "met"


@pytest.mark.parametrize(("text", "status"), [
    ("See the bylaws: the Board of Directors approves the program.", "partial"),
    ("The Board of Directors approves the program (see Appendix B).", "met"),
    ("Members see the Board of Directors approve the program at its open meeting.", "met"),
    ("The approval of the program by the Board of Directors is presented in a separate report.", "partial"),
    ("The Board of Directors approves the program at its discretion.", "partial"),
    # what is said is another document's
    ("Approval of the program by the Board of Directors is handled under the Governance Policy (GOV-2).", "partial"),
    ("The steps by which the Board of Directors approves the program are those in Attachment 4 of the Governance "
     "Plan.", "partial"),
    ("The Board of Directors approves the program under its bylaws, which are incorporated by reference.", "partial"),
    ("The Board of Directors' approvals of the program are documented in the Program Description.", "partial"),
    ("Board of Directors approval of the program is addressed by the Enterprise conclusions in Section 2.", "partial"),
])
def test_pointers_and_discretion(text, status):
    assert run(PHRASE, (text, "other")).status == status


def test_a_plan_cue_s_own_words_state_nothing_done():
    begin = {"type": "phrase", "all": [["outreach"], ["begin"]]}
    finding = run(begin, ("Outreach will begin in the second quarter.", "other"))
    assert finding.status == "partial" and "a plan for later" in finding.missing[0]
    assert run(begin, ("Outreach began in the second quarter.", "other")).status == "met"


def test_the_lemma_of_developed_is_develop():
    develop = {"type": "phrase", "all": [["guideline"], ["develop"]]}
    assert run(develop, ("Our guidelines are developed with network physicians.", "other")).status == "met"


def test_a_section_that_accepts_plans_reads_an_applicant_s_future_tense():
    from auditor.models import Checklist

    section = {"id": "S", "title": "Applicant", "requirements": [{
        "id": "R", "citation": "c", "title": "t", "text": "x",
        "evidence": {"type": "all_of", "elements": {
            "board": {"type": "phrase", "all": [["board"], ["approve"]], "label": "the Board's approval"},
            "flag": {"type": "absent", "flag": "f", "check": {"type": "phrase", "all": [["tbd"]]},
                     "label": "nothing left to be determined"}}},
        "examples": {"pass": ["a"], "fail": ["b"]}}]}
    head = {"id": "c", "title": "c", "version": "1", "source": "s"}
    plain = Checklist(**head, sections=[section])
    applicant = Checklist(**head, sections=[{**section, "accept": ["plan"]}])
    assert plain.requirements[0].evidence.elements["board"].accept == []
    assert applicant.requirements[0].evidence.elements["board"].accept == ["plan"]
    assert applicant.requirements[0].evidence.elements["flag"].check.accept == []  # red flags as written


def test_a_heading_is_evidence_only_over_a_body_that_says_something():
    # the heading names the subject; "It is too early to judge" under it says nothing of it
    text = "# Evaluation\n\n## Board of Directors approval of the program\n\nIt is too early to judge this.\n"
    finding = run(PHRASE, (text, "other"))
    assert finding.status == "partial" and "heading" in finding.missing[0]
    text = "# Evaluation\n\n## Board of Directors approval of the program\n\nThe vote was unanimous on 3 March 2025.\n"
    assert run(PHRASE, (text, "other")).status == "met"


def test_an_option_runs_on_past_a_second_option_cue():
    # "may ... as needed": ConText ends "may" at "as needed", whose scope runs backward; the words after it are
    # still the option's
    text = "A workgroup of the Board of Directors may be convened as needed to approve the program."
    assert run(PHRASE, (text, "other")).status == "partial"
    text = "A workgroup may be convened as needed; the Board of Directors approves the program."
    assert run(PHRASE, (text, "other")).status == "met"


def test_each_of_a_thing_is_no_recurrence_but_each_of_a_time_is():
    text = "The Board of Directors will approve the program starting in 2026, once data are in for each practice."
    assert run(PHRASE, (text, "other")).status == "partial"
    # "each year" is a time: a standing commitment
    evidence = {"type": "phrase", "all": [["work plan"]]}
    assert run(evidence, ("The plan will develop a work plan for each practice each year.", "other")).status == "met"
    assert run(evidence, ("The plan will develop a work plan for each practice.", "other")).status == "partial"


def test_the_rule_s_own_yardstick_repeated_is_the_rule_s_words():
    from auditor.statements import RuleEcho

    echo = RuleEcho(["The HMO shall choose study topics that have been selected as a priority area for study based "
                     "on an appropriate rationale."], [])
    assert echo.echoes_standard("Study topics are selected as priority areas for study on an appropriate rationale.")
    # the plan's own reason, in the rule's vocabulary, is the plan's statement
    assert not echo.echoes_standard("Study topics are selected as priority areas for study when 5% or more of "
                                    "members have the condition.")
    assert not echo.echoes_standard("The QMC selects study topics from the member complaint and HEDIS trends.")


@pytest.mark.parametrize("value", ["ongoing review", "under review", "to follow", "being finalized", "TBD",
                                   "per policy GOV-2", "see Governance Policy 4", "on file", "available on request",
                                   "reported separately by the Compliance Department"])
def test_a_label_whose_value_is_only_a_status_says_nothing_of_its_subject(value):
    text = f"Board of Directors approval: {value}."
    assert run(PHRASE, (text, "other")).status == "partial"
    # and it is no body for a heading that names the subject
    heading = f"## Board of Directors approval of the program\nApproval: {value}.\n"
    assert run(PHRASE, (heading, "other")).status != "met"


@pytest.mark.parametrize(("text", "status"), [
    ("The QI Program was judged effective for 2024.", "partial"),
    ("The committee concluded that the QI Program was effective in 2024.", "partial"),
    ("Overall, the QI Program was effective.", "partial"),
    # grounds make it an evaluation
    ("The QI Program met 9 of its 12 goals and was effective in 2024.", "met"),
    ("The QI Program was effective because members' access improved in every county.", "met"),
])
def test_a_verdict_with_nothing_to_ground_it_is_not_an_evaluation(text, status):
    evidence = {"type": "phrase", "all": [["effective"]], "context": [["program"]]}
    assert run(evidence, (text, "other")).status == status


def test_a_table_header_is_evidence_only_with_a_row_that_gives_its_column():
    evidence = {"type": "phrase", "all": [["threshold"]], "context": [["utilization"]]}
    table = ("## Utilization monitoring\n| Measure | Type | Threshold |\n| --- | --- | --- |\n"
             "| ED visits per 1,000 | Over-use | {a} |\n| Well-child visits | Under-use | {b} |\n")
    blank = table.format(a="TBD (after 12 months of data)", b="TBD (after 12 months of data)")
    assert run(evidence, (blank, "other")).status != "met"
    given = table.format(a="TBD (after 12 months of data)", b="below 60%")
    assert run(evidence, (given, "other")).status == "met"


def test_a_question_heading_is_answered_by_its_body_not_by_itself():
    evidence = {"type": "phrase", "all": ["board", "approve"]}
    planned = "## Q7. Does the Board of Directors approve the program?\nWe plan to put it to the Board in 2026.\n"
    assert run(evidence, (planned, "other")).status != "met"
    answered = "## Q7. Does the Board of Directors approve the program?\nYes: it did so on March 3, 2025.\n"
    assert run(evidence, (answered, "other")).status == "met"


def test_a_near_copy_of_a_rule_sentence_is_the_rule_s_words_in_any_voice():
    from auditor.statements import RuleEcho

    rule = ("The HMO shall coordinate QMP activities with information from other performance monitoring "
            "activities, including utilization review, credentialing, member services, provider relations, "
            "contracting, risk management, and resolution and monitoring of member complaints, appeals, and "
            "grievances.")
    echo = RuleEcho([rule], [])
    assert echo.restates("Response: QMP activities are coordinated with information from other performance "
                         "monitoring activities, including utilization review, credentialing, member services, "
                         "provider relations, contracting, risk management, and member complaints, appeals and "
                         "grievances.")
    # the plan's own account in the same vocabulary, with its own particulars, is not a copy
    assert not echo.restates("The QIC receives the UM dashboard monthly, credentialing decisions and member "
                             "complaint trends quarterly, and sends each finding back to the department's manager.")


def test_an_answer_that_says_its_question_back_is_no_answer():
    from auditor.statements import echoes

    assert echoes("The QIC institutes needed actions.", "1.03-2(A)(3) - QM committee institutes needed actions.")
    assert not echoes("The QIC opened three corrective action plans in 2024 and closed two.",
                      "1.03-2(A)(3) - QM committee institutes needed actions.")


def test_a_long_label_whose_value_only_points_elsewhere_says_nothing_of_its_subject():
    text = "4.5 Board of Directors approval of the program, its work plan and its annual evaluation: per policy GOV-2."
    assert run(PHRASE, (text, "other")).status == "partial"
    said = "4.5 Board of Directors approval of the program, its work plan and its annual evaluation: every March."
    assert run(PHRASE, (said, "other")).status == "met"


@pytest.mark.parametrize(("status", "outcome"), [
    ("TBD", "partial"), ("Deferred to Q4 - staffing", "partial"), ("Not started", "partial"), ("Planned", "partial"),
    ("Done", "met"), ("Ongoing", "met"), ("Complete 03/2025", "met"),
])
def test_a_work_plan_row_whose_status_says_it_has_not_happened_is_not_practice(status, outcome):
    table = ("## 2025 work plan\n| Month | Activity | Owner | Status |\n| --- | --- | --- | --- |\n"
             f"| Mar | Board of Directors approves the program | CEO | {status} |\n")
    assert run(PHRASE, (table, "other")).status == outcome


def test_an_outline_number_before_a_label_alone_in_its_paragraph_does_not_make_it_a_statement():
    evidence = {"type": "phrase", "all": [["education"]], "context": [["practitioner"]]}
    outline = "## 3.2 Practitioner involvement\n3.2.2 Education.\n\n3.2.3 Monitoring.\n"
    assert run(evidence, (outline, "other")).status != "met"
    # a numbered run-in heading heads the paragraph it opens
    run_in = "## 3.2 Practitioner involvement\n3.2.2 Education. Practitioners get education each quarter.\n"
    assert run(evidence, (run_in, "other")).status == "met"


_AUDIT_TOOL = ("## Oversight audit results\n| Std | Standard | Score | Evidence and comments |\n"
               "| --- | --- | --- | --- |\n"
               "| A1 | Board of Directors approves the program | {score} | {comment} |\n"
               "| A2 | Minutes kept | Yes | 12 of 12 |\n| A3 | Reports filed | No | none on file |\n")


@pytest.mark.parametrize(("score", "comment", "status"), [
    ("Yes", "Minutes of 2025-02-18 show the Board of Directors approved the 2025 description by vote.", "met"),
    # the standard is the rule in the auditor's words: a score beside it is no evidence
    ("Yes", "Verified.", "not_met"),
    # scored short of met: a finding against the plan, whatever the comment quotes
    ("Partial", "Minutes of 2025-02-18 show the Board of Directors approved the 2025 description by vote.", "partial"),
    ("No", "Minutes of 2025-02-18 show the Board of Directors approved the 2025 description by vote.", "partial"),
])
def test_an_audit_tool_row_is_evidence_by_its_comments_and_only_when_scored_met(score, comment, status):
    table = _AUDIT_TOOL.format(score=score, comment=comment)
    assert run(PHRASE, (table, "other")).status == status


@pytest.mark.parametrize(("score", "status"), [("Partial", "partial"), ("Yes", "met")])
def test_an_audit_tool_table_continued_over_one_row_is_scored_as_the_table_is(score, status):
    # a page break repeats the header over the one row left: its score still decides
    first = ("## Oversight audit results\n| Std | Standard | Score | Evidence and comments |\n"
             "| --- | --- | --- | --- |\n"
             "| A2 | Minutes kept | Yes | 12 of 12 |\n| A3 | Reports filed | No | none on file |\n"
             "| A4 | Roster current | Yes | dated 2025-01 |\n\nContinued on the next page.\n\n")
    rest = ("| Std | Standard | Score | Evidence and comments |\n| --- | --- | --- | --- |\n"
            f"| A1 | Board of Directors approves the program | {score} | Minutes of 2025-02-18 show the Board of "
            "Directors approved the 2025 description by vote. |\n")
    assert run(PHRASE, (first + rest, "other")).status == status


_FORM = ("## Self-attestation\n| No. | Item | Response | Evidence or comment |\n| --- | --- | --- | --- |\n"
         "| A1 | Does the Board of Directors approve the program? | {answer} | {comment} |\n"
         "| A2 | Are minutes kept? | ☒ Yes ☐ No ☐ N/A | 12 of 12 |\n"
         "| A3 | Are reports filed? | ☐ Yes ☒ No ☐ N/A | none on file |\n")
_VOTE = "Minutes of 2025-02-18 show the Board of Directors approved the 2025 description by vote."


@pytest.mark.parametrize(("answer", "comment", "status"), [
    ("☒ Yes ☐ No ☐ N/A", _VOTE, "met"),
    ("[x] Yes [ ] No", _VOTE, "met"),
    # the box ticked is the answer: "No" is a finding against the plan, whatever the comment quotes
    ("☐ Yes ☒ No ☐ N/A", _VOTE, "partial"),
    # a ticked Yes under the rule's own question is a claim, not evidence
    ("☒ Yes ☐ No ☐ N/A", "Done.", "not_met"),
])
def test_a_check_box_form_is_read_by_the_box_ticked_and_its_comment(answer, comment, status):
    assert run(PHRASE, (_FORM.format(answer=answer, comment=comment), "other")).status == status


def test_a_responsibility_chart_names_who_would_do_an_activity_not_that_it_is_done():
    chart = ("## Responsibility matrix\n| Activity | Board | CEO | QIC |\n| --- | --- | --- | --- |\n"
             "| Board of Directors approval of the program | A | R | C |\n| Work plan | I | A | R |\n"
             "| Minutes | I | C | A/R |\n")
    finding = run(PHRASE, (chart, "other"))
    assert finding.status == "partial"
    assert "a heading or label" in finding.missing[0]


@pytest.mark.parametrize(("owner", "when", "status"), [
    ("CEO", "March", "met"),
    ("TBD", "March", "partial"),  # a step no one is named to do
    ("CEO", "As needed", "partial"),  # a step done when someone thinks of it is an option
])
def test_a_procedure_step_with_no_owner_or_done_as_needed_is_not_practice(owner, when, status):
    steps = ("## SOP 1.1 Program approval\n| Step | Action | Owner | When |\n| --- | --- | --- | --- |\n"
             f"| 1 | The Board of Directors approves the program | {owner} | {when} |\n")
    assert run(PHRASE, (steps, "other")).status == status


def test_a_column_that_says_the_same_in_every_row_or_only_points_elsewhere_says_nothing_of_a_row():
    said = "Approved by the Board of Directors as required"
    log = ("## Study log\n| ID | Topic | Approval |\n| --- | --- | --- |\n"
           + "".join(f"| S{i} | Topic {i} | {said} |\n" for i in range(1, 4)))
    assert run(PHRASE, (log, "other")).status == "partial"
    # the same words in one row among others that differ are that row's
    varied = log.replace(f"| S2 | Topic 2 | {said} |", "| S2 | Topic 2 | Pending |")
    assert run(PHRASE, (varied, "other")).status == "met"
    pointer = ("## Items\n| Item | Evidence |\n| --- | --- |\n"
               "| Program | See the Board of Directors approval minutes. |\n")
    assert run(PHRASE, (pointer, "other")).status == "partial"


@pytest.mark.parametrize(("owner", "status"), [("Dr. Lee", "met"), ("TBD", "not_met")])
def test_an_owner_column_says_who_answers_for_the_row_when_its_cell_is_filled(owner, status):
    evidence = {"type": "phrase", "all": [["owner", "responsible"], ["approve"]]}
    table = ("## 2025 work plan\n| Activity | Owner |\n| --- | --- |\n"
             f"| Approve the program | {owner} |\n| Publish the plan | Dr. Lee |\n")
    assert run(evidence, (table, "other")).status == status


def test_a_row_whose_every_cell_after_its_label_is_empty_or_tbd_gives_nothing_of_its_label():
    table = ("## Contract crosswalk\n| Provision | PCP template | Facility template |\n| --- | --- | --- |\n"
             "| Board of Directors approval of the program | - | TBD (Legal review) |\n")
    assert run(PHRASE, (table, "other")).status != "met"
    given = table.replace("| - | TBD (Legal review) |", "| sec. 4.1 | sec. 5.2 |")
    assert run(PHRASE, (given, "other")).status == "met"


_CAP = ("## Finding 7\n| Finding no. | Examiner's finding | Plan response | Evidence attached | Status |\n"
        "| --- | --- | --- | --- | --- |\n| 7 | {finding} | {response} | {evidence} | {status} |\n")


@pytest.mark.parametrize(("finding", "response", "evidence", "status", "outcome"), [
    # closed, with the evidence named: the plan's correction
    ("No approval found.", "The Board of Directors approves the program each January.",
     "Attachment 2: Board minutes of 2025-01-22", "Closed", "met"),
    # the examiner's finding is the question, not the plan's answer
    ("The Board of Directors approves the program only every other year.", "Agreed.", "Attachment 2", "Closed",
     "not_met"),
    # not yet corrected
    ("No approval found.", "The Board of Directors approves the program each January.", "Attachment 2",
     "In progress", "partial"),
    # closed on no evidence: only the plan's word
    ("No approval found.", "The Board of Directors approves the program each January.", "To be provided.",
     "Closed", "partial"),
    ("No approval found.", "The Board of Directors approves the program each January.", "", "Closed", "partial"),
])
def test_a_corrective_action_plans_row_is_read_by_its_columns(finding, response, evidence, status, outcome):
    table = _CAP.format(finding=finding, response=response, evidence=evidence, status=status)
    assert run(PHRASE, (table, "other")).status == outcome


def test_an_examiners_numbered_finding_heading_is_not_the_plans_statement():
    text = "## Finding 2024-05 - Board of Directors approves the program\nAgreed; see the response below.\n"
    assert run(PHRASE, (text, "other")).status != "met"
    own = "## 5. Board of Directors approves the program\nThe Board of Directors approves the program each March.\n"
    assert run(PHRASE, (own, "other")).status == "met"


def test_a_list_item_is_no_lead_in_for_the_items_after_it():
    evidence = {"type": "phrase", "all": ["approve"], "context": ["board"]}
    siblings = "## Governance\n- The Board of Directors meets monthly.\n- Approves the program each year.\n"
    assert run(evidence, (siblings, "other")).status == "not_met"
    led = "## Governance\nThe Board of Directors:\n- meets monthly;\n- approves the program each year.\n"
    assert run(evidence, (led, "other")).status == "met"


def test_a_pages_related_links_point_elsewhere():
    assert run(PHRASE, ("Related pages: Board of Directors approves the program (GOV-2).", "other")).status == "partial"
    assert run(PHRASE, ("The Board of Directors approves the program (GOV-2).", "other")).status == "met"


def test_an_aspiration_is_not_a_practice():
    assert run(PHRASE, ("We aspire to a Board of Directors that approves the program.", "other")).status == "partial"


def test_what_a_document_says_it_is_in_its_opening_titles_it():
    evidence = {"type": "phrase", "all": ["approve"], "context": ["board"]}
    opening = ("# Results at a glance\nThis page summarizes the 2024 Program Evaluation of our Board of Directors.\n\n"
               "## Decisions\nApproved the quality program in April.\n")
    assert run(evidence, (opening, "other")).status == "met"
    assert run(evidence, (opening.replace("This page summarizes", "We list"), "other")).status == "not_met"
    # a list of the topics it treats is not what it is
    topics = opening.replace("the 2024 Program Evaluation of our Board of Directors", "the goals and the Board of"
                             " Directors")
    assert run(evidence, (topics, "other")).status == "not_met"


def test_a_row_whose_answer_only_names_a_document_and_points_to_it_says_nothing_of_its_label():
    table = ("| Element | Where | Evidence |\n| --- | --- | --- |\n"
             "| Board of Directors approves the program | QI Program Description, Section 4 | {answer} |\n")
    assert run(PHRASE, (table.format(answer="Per policy."), "other")).status == "partial"
    assert run(PHRASE, (table.format(answer="Approved 2025-02-26, Resolution 7."), "other")).status == "met"


def test_what_may_be_so_of_the_care_is_no_option_of_the_plan():
    evidence = {"type": "phrase", "all": ["board", "approve"]}
    assert run(evidence, ("The Board of Directors may approve the program.", "other")).status == "partial"
    hedged = "Care that may be used too much is listed each year and approved by the Board of Directors."
    assert run(evidence, (hedged, "other")).status == "met"


def test_a_caller_kept_on_hold_is_no_work_put_off():
    evidence = {"type": "phrase", "all": ["services", "evening"]}
    assert run(evidence, ("Evening staff for Member Services: on hold until 2026.", "other")).status == "partial"
    phone = "After members were found waiting on hold, Member Services added evening staff."
    assert run(evidence, (phone, "other")).status == "met"


def test_a_rate_given_for_several_years_is_followed_over_time_and_measured_again():
    trended = {"type": "phrase", "all": ["trended"]}
    measured_again = {"type": "phrase", "all": ["measured again"]}
    yearly = "Eye exams: 48.2% (2022), 51.0% (2023), 55.7% (2024)."
    assert run(trended, (yearly, "other")).status == "met"
    assert run(measured_again, ("Eye exams rose from 48% in 2022 to 56% in 2024.", "other")).status == "met"
    # one measured year and a goal's deadline are not two measurements
    assert run(trended, ("Eye exams: 48.2% in 2024; goal 55% by 2025.", "other")).status == "not_met"
    assert run(trended, ("Target 55% for 2025; 2024 rate 48.2%.", "other")).status == "not_met"


def test_struck_text_says_nothing_the_plan_does():
    evidence = {"type": "phrase", "all": ["members", "records"]}
    clause = "Provider shall allow Members to obtain copies of their records."
    assert run(evidence, (clause, "other")).status == "met"
    assert run(evidence, (f"B-4 Office policies: [struck: {clause}]", "other")).status == "partial"
    assert run(evidence, (f"B-4 Office policies: ~~{clause}~~", "other")).status != "met"


def test_work_put_on_a_later_work_plan_is_a_plan():
    evidence = {"type": "phrase", "all": ["crosswalk", "benefits"]}
    done = "A crosswalk of the guidelines against covered benefits is made each year."
    assert run(evidence, (done, "other")).status == "met"
    later = "A crosswalk of the guidelines against covered benefits is on the 2025 Work Plan for the fourth quarter."
    assert run(evidence, (later, "other")).status == "partial"


def test_a_scan_s_misread_letters_are_read_as_the_word_they_stand_for():
    evidence = {"type": "phrase", "all": ["committee", "quality", "members"]}
    ocr = "The Qua1ity Cornmittee meets with rnembers each quarter."
    assert run(evidence, (ocr, "other")).status == "met"
    # a real word with the same letters is left alone: "return" is no misread "retum"
    assert run({"type": "phrase", "all": ["retum"]}, ("Members return the survey.", "other")).status == "not_met"
    # and one whose reading is a word too stays itself: "modern" is not a misread "modem"
    assert run({"type": "phrase", "all": ["modem"]}, ("The plan uses modern tools.", "other")).status == "not_met"


def test_a_minutes_item_title_heads_its_paragraph_and_says_nothing_itself():
    evidence = {"type": "phrase", "all": [["carried without report"]], "context": [["action items"]],
                "accept": ["negated"]}
    # the item's title is the context of what follows it in the same paragraph, as a heading would be
    minutes = "## Minutes of March 13, 2025\n2. ACTION ITEMS. Carried without report: 24-06-1, 24-09-2.\n"
    assert run(evidence, (minutes, "other")).status == "met"
    # a short sentence is no title
    plain = "## Minutes of March 13, 2025\nQuorum present. Carried without report: 24-06-1, 24-09-2.\n"
    assert run(evidence, (plain, "other")).status != "met"
    # the title alone names a subject: "7. UTILIZATION FOLLOW-UP." is no follow-up
    follow = {"type": "phrase", "all": [["follow-up"]]}
    titled = "## Minutes\n7. UTILIZATION FOLLOW-UP. The MRI prior approval rule takes effect January 1.\n"
    assert run(follow, (titled, "other")).status != "met"
    # a year opening a sentence is no item number
    dated = "## Minutes\n2024 Annual Follow-Up. The MRI prior approval rule takes effect January 1.\n"
    assert run(follow, (dated, "other")).status == "met"


@pytest.mark.parametrize(("text", "plan"), [
    ("The Director of Quality requested a second data analyst for the quality department.", True),
    ("The committee asked for two more nurse reviewers.", True),
    ("The quality department has a data analyst.", False),
])
def test_what_is_asked_for_is_not_yet_had(text, plan):
    finding = run({"type": "phrase", "all": [["analyst", "nurse reviewer"]]}, (text, "other"))
    assert (finding.status != "met") == plan
    assert ("a plan for later" in finding.rationale) == plan


def test_a_reviewers_comment_left_in_the_draft_is_not_the_plans_statement():
    evidence = {"type": "phrase", "all": [["effectiveness"]]}
    commented = ("## Evaluation\nTo be completed.\n\n"
                 "[Comment JB: draft the effectiveness paragraph after the rates are final.]\n")
    finding = run(evidence, (commented, "other"))
    assert finding.status != "met"
    assert "a reviewer's comment" in finding.rationale
    assert run(evidence, ("## Evaluation\nThe effectiveness of the program was judged against its goals.\n",
                          "other")).status == "met"


@pytest.mark.parametrize(("parts", "status"), [
    (["# Exhibit 4: 2025 Work Plan\nActivities by quarter.\n"], "partial"),  # the submission's Exhibit 10 is missing
    (["# Exhibit 4: 2025 Work Plan\nActivities.\n", "# Exhibit 10: Provider Update\nSpring issue.\n"], "met"),
    ([], "met"),  # no exhibits at all: nothing is known of them
])
def test_a_claim_resting_on_a_part_the_submission_lacks_is_only_a_pointer(parts, status):
    evidence = {"type": "phrase", "all": [["practitioners"], ["informed"]]}
    core = "## Communication\nPractitioners are informed about the program in the Provider Update (see Exhibit 10).\n"
    assert run(evidence, (core, "other"), *((p, "other") for p in parts)).status == status


def test_a_part_listed_as_not_included_is_missing_even_where_its_kind_is_not_otherwise_used():
    evidence = {"type": "phrase", "all": [["practitioners"], ["informed"]]}
    core = ("## Communication\nPractitioners are informed about the program in the Provider Update (see Exhibit 10).\n"
            "## Exhibit list\n| Exhibit | Title | Status |\n| --- | --- | --- |\n"
            "| Exhibit 10 | Provider communications | Not included |\n")
    assert run(evidence, (core, "other")).status != "met"


def test_a_heading_whose_body_answers_its_subject_only_with_a_placeholder_names_it_and_no_more():
    evidence = {"type": "phrase", "all": [["effectiveness", "effective"]]}
    body = ("| Question | Finding |\n| --- | --- |\n| Was the program effective overall? | {} |\n"
            "| Barriers | Staff vacancies |\n")
    tbd = "## 7. Overall effectiveness\n" + body.format("TBD - Council to discuss in September")
    assert run(evidence, (tbd, "other")).status != "met"
    answered = "## 7. Overall effectiveness\n" + body.format("Yes: eight of ten goals met")
    assert run(evidence, (answered, "other")).status == "met"


@pytest.mark.parametrize(("timing", "status"), [("TBD", "partial"), ("Quarterly", "met")])
def test_a_procedure_step_whose_timing_is_still_to_be_set_is_not_practice(timing, status):
    evidence = {"type": "phrase", "all": [["publish"], ["portal"]]}
    table = ("## Procedure\n| Step | Actor | Action | Output | Timing |\n| --- | --- | --- | --- | --- |\n"
             f"| 4 | Provider relations | Publish guidelines to the provider portal | Posting | {timing} |\n")
    assert run(evidence, (table, "other")).status == status


def test_a_named_part_of_a_bound_file_is_a_document_of_its_own_kind():
    evidence = {"type": "phrase", "all": [["asthma"]], "documents": ["guideline_policy"]}
    bound = ("# Attachment B - Agreement Excerpts\n## Attachment B-1 - Participating Provider Agreement\n"
             "Provider shall follow the {} guideline.\n"
             "## Attachment B-2 - Clinical Guideline Register\n| Guideline | Last reviewed |\n| --- | --- |\n"
             "| {} | 2024-05-14 |\n")
    assert run(evidence, (bound.format("diabetes", "Asthma"), "contract_template")).status == "met"
    # the agreement's own part stays a contract
    assert run(evidence, (bound.format("asthma", "Diabetes"), "contract_template")).status != "met"


def test_a_reference_to_a_missing_exhibit_by_is_is_a_pointer_too():
    evidence = {"type": "phrase", "all": [["crosswalk"]]}
    core = "## Guidelines\nThe guideline crosswalk is Exhibit 11.\n"
    assert run(evidence, (core, "other"), ("# Exhibit 4: Work Plan\nActivities.\n", "other")).status != "met"
    assert run(evidence, (core, "other"), ("# Exhibit 11: Crosswalk\nRows.\n", "other")).status == "met"


def test_may_said_of_a_member_or_a_regulator_grants_a_right():
    # "the Department may review": what the text grants; "the Board may review": what the Board may do or not
    rights = {"type": "phrase", "all": ["review", "results"]}
    assert run(rights, ("The Department may review the results at any time.", "other")).status == "met"
    assert run(rights, ("Members may review the results of every study.", "other")).status == "met"
    assert run(rights, ("The Board of Directors may review the results.", "other")).status == "partial"


def test_an_interviewers_turn_is_not_the_plans_statement_but_the_answer_is():
    said = "The Board of Directors approves the program each year."
    transcript = f"# Mock survey interview notes\nQ (OS): {said} Is that right?\n\nA (Chief Executive): Yes.\n"
    assert run(PHRASE, (transcript, "other")).status != "met"
    assert run(PHRASE, (transcript.replace("Q (OS): ", "A (CEO): "), "other")).status == "met"


def test_a_clause_that_restates_the_rule_is_the_rules_words_and_the_rest_of_its_sentence_is_read_on_its_own():
    from auditor.checklists import load_checklist
    from tests.helpers import judge, markdown_document

    rule = ("The HMO shall have written standards or thresholds for identifying potential underutilization or "
            "overutilization")
    answer = "thresholds for these indicators are pending adoption by the UM Committee in 2025."
    report = ("The UM Department produces a monthly report of admissions, emergency visits and imaging per 1,000 "
              "members by practice. The report is reviewed monthly by the Manager, UM and quarterly by the Committee.")
    finding = judge([markdown_document(f"# Response\n{report} {rule}; {answer}\n", "qmp_description")],
                    load_checklist("maine-ch109"), "1.03-6.B.2")
    assert finding.status != "met"
    kept = judge([markdown_document("# Response\nThe UM Committee reviews the monthly utilization report; "
                                    "written thresholds: imaging above 90 per 1,000, emergency visits above 45 per "
                                    "1,000.\n", "qmp_description")], load_checklist("maine-ch109"), "1.03-6.B.2")
    assert kept.status == "met", kept.rationale


@pytest.mark.parametrize("text", [
    "The Board of Directors approves the program, as appropriate.",
    "The Board of Directors approves the program as appropriate.",
    "The Board of Directors approves the program, when needed.",
])
def test_as_appropriate_is_an_option_even_after_a_comma_closing_the_sentence(text):
    assert run(PHRASE, (text, "other")).status == "partial"


def test_as_required_is_no_option():
    assert run(PHRASE, ("The Board of Directors approves the program, as required.", "other")).status == "met"
