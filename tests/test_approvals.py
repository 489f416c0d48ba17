"""Approvals as relations (auditor.relations) and the `approval` check: what was approved, by whom."""

from __future__ import annotations

import pytest

from tests.test_roles import audit

WORK_PLAN_BY_BOARD = {"type": "approval", "of": ["work_plan"], "by": ["governing_body"]}


@pytest.mark.parametrize("text", [
    "The Board of Directors approved the 2025 QI Work Plan on January 28, 2025.",
    "The 2025 Work Plan was reviewed by the QIC and approved by the Board of Directors on 1/28/2025.",
    "The QIC recommends the work plan to the Board, which approves it each January.",
    "The Quality Committee of the Board approves the annual work plan.",  # the governing body's designee
    # each body of a coordinated agent approves, whichever comes first
    "The 2025 Work Plan is approved by the Quality Improvement Committee (QIC) and the Board of Directors.",
    "The 2025 Work Plan is approved by the QIC, the Medical Advisory Committee and the Board of Directors.",
])
def test_an_approval_by_the_governing_body_is_met(text):
    finding, _ = audit(text, WORK_PLAN_BY_BOARD)
    assert finding.status == "met", finding.rationale
    assert finding.evidence[0].quote == text


def test_a_label_at_the_head_of_the_document_approves_the_document_itself():
    text = "# 2025 Quality Improvement Work Plan\n\nApproved: Board of Directors, January 28, 2025\n"
    assert audit(text, WORK_PLAN_BY_BOARD, kind="work_plan")[0].status == "met"
    text = "# 2025 Quality Improvement Work Plan\n\nPrepared by: Quality Department, January 2025\n"
    assert audit(text, WORK_PLAN_BY_BOARD, kind="work_plan")[0].status == "not_met"


@pytest.mark.parametrize(("text", "why"), [
    ("The QIC approves the work plan and sends it to the Board for information.", "approved by the QIC"),
    ("The work plan is submitted to the Board of Directors for approval in March.", "for approval, not yet"),
    ("The Board of Directors has not yet approved the 2025 work plan.", "not yet approved"),
    ("The Board of Directors receives the annual work plan.", "received by the governing body"),
    ("The Board of Directors approves the budget. The QIC maintains the work plan.", None),
])
def test_anything_short_of_the_governing_body_approving_the_work_plan_is_not_met(text, why):
    finding, _ = audit(text, WORK_PLAN_BY_BOARD)
    assert finding.status != "met", finding.rationale
    if why is None:
        assert finding.status == "not_met"
    else:
        assert finding.status == "partial"
        assert why in finding.rationale


def test_another_organisations_board_approving_is_partial():
    text = "The 2025 Work Plan was approved by the Board of Directors of Pine Holdings Group, Inc. on 2/1/2025."
    finding, _ = audit(text, WORK_PLAN_BY_BOARD, hmo_name="Maple Health Plan")
    assert finding.status == "partial"
    assert "another organisation" in finding.rationale


def test_a_crosswalks_question_cell_is_no_approval():
    table = ("| Requirement | Plan response |\n| --- | --- |\n"
             "| 1.03-1(C) Annual work plan approved by the governing body | TBD |\n"
             "| 1.03-1(D) Program approved by the governing body | See corporate policy QM-7 |\n")
    assert audit(table, WORK_PLAN_BY_BOARD)[0].status == "not_met"


def test_an_approval_by_a_list_of_bodies_is_each_body_s():
    text = ("## Approval\nThe 2025 Work Plan has been reviewed and approved by:\n- the Quality Council\n"
            "- the Board of Directors\n")
    finding, _ = audit(text, WORK_PLAN_BY_BOARD)
    assert finding.status == "met", finding.rationale
    assert finding.evidence[0].quote == "The 2025 Work Plan has been reviewed and approved by:"
    only_council = text.replace("- the Board of Directors\n", "")
    assert audit(only_council, WORK_PLAN_BY_BOARD)[0].status == "partial"


def test_approval_of_an_earlier_version_is_not_approval_of_the_document_submitted():
    text = ("# 2025 Quality Improvement Work Plan\n\n## Approval\n"
            "The Board of Directors approved the {year} QI Work Plan on March 28, {year}.\n")
    earlier, _ = audit(text.format(year=2024), WORK_PLAN_BY_BOARD, kind="work_plan")
    assert earlier.status == "partial", earlier.rationale
    assert "an earlier version than the submission's 2025 document" in earlier.rationale
    assert audit(text.format(year=2025), WORK_PLAN_BY_BOARD, kind="work_plan")[0].status == "met"


@pytest.mark.parametrize(("value", "status"), [
    ("2025-01-28", "met"),
    ("Scheduled for 2025-07-23", "partial"),
    ("On the July agenda", "partial"),
])
def test_an_approval_block_whose_date_is_only_scheduled_is_not_yet_an_approval(value, status):
    text = ("# 2025 Quality Improvement Work Plan\n\n| Step | Body | Date |\n| --- | --- | --- |\n"
            f"| Approval | Board of Directors | {value} |\n")
    assert audit(text, WORK_PLAN_BY_BOARD, kind="work_plan")[0].status == status


def test_the_board_approving_in_a_relative_clause_approves_only_what_it_follows():
    program_by_board = {"type": "approval", "of": ["qmp_description"], "by": ["governing_body"]}
    text = ("This page summarizes our quality program description and our 2024 Quality Program Evaluation, the yearly"
            " report that our Board of Directors approved in April 2025.")
    assert audit(text, program_by_board)[0].status == "not_met"
    evaluation_by_board = {"type": "approval", "of": ["annual_evaluation"], "by": ["governing_body"]}
    assert audit(text, evaluation_by_board)[0].status == "met"


def test_a_resolution_in_board_minutes_is_the_board_s_though_the_title_opens_with_the_plan_s_name():
    minutes = ("# ALDER POND HEALTH PLAN, INC. - BOARD OF DIRECTORS\n\n"
               "Minutes of the regular meeting, February 20, 2025\n\n"
               "RESOLVED, that the 2025 Quality Work Plan is approved.\n")
    finding, _ = audit(minutes, WORK_PLAN_BY_BOARD, kind="committee_minutes", hmo_name="Alder Pond Health Plan, Inc.")
    assert finding.status == "met", finding.rationale
    committee = minutes.replace("BOARD OF DIRECTORS", "QUALITY COMMITTEE")
    finding, _ = audit(committee, WORK_PLAN_BY_BOARD, kind="committee_minutes", hmo_name="Alder Pond Health Plan, Inc.")
    assert finding.status == "partial", finding.rationale


def test_an_active_verb_takes_what_follows_it_not_another_verbs_object():
    # "receives ... the annual evaluation, approves the work plan, and adopts policies": the evaluation is received
    evaluation_by_board = {"type": "approval", "of": ["annual_evaluation"], "by": ["governing_body"]}
    text = ("The Board of Directors receives the committee's quarterly reports and the annual evaluation, approves "
            "the work plan, and adopts quality policies.")
    assert audit(text, evaluation_by_board)[0].status != "met"
    assert audit(text, WORK_PLAN_BY_BOARD)[0].status == "met"
    assert audit(text.replace("receives", "approves").replace(", approves the work plan", ""),
                 evaluation_by_board)[0].status == "met"
