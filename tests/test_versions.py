"""Versions not in force and change logs (auditor.versions): text the plan no longer follows, or does not follow yet,
and a record of a document's edits, are not evidence that a requirement is met."""

from __future__ import annotations

import pytest

from auditor.checklists import load_checklist
from tests.helpers import judge, markdown_document

PRACTICE = "If re-measurement shows that an intervention has not been effective, the workgroup repeats the barrier " \
           "analysis and revises or replaces the intervention."
IN_FORCE = "# Quality Program Description 2025\n## Interventions\nInterventions are chosen by the committee.\n"
KIND = "qmp_description"


def _status(*documents: tuple[str, str]) -> str:
    docs = [markdown_document(text, KIND, path) for path, text in documents]
    return judge(docs, load_checklist("maine-ch109"), "1.03-5.E").status


def _older(opening: str = "") -> str:
    return f"# Quality Program Description 2023\n{opening}## Interventions\n{PRACTICE}\n"


def test_the_practice_counts_in_a_version_with_no_status():
    assert _status(("qmp-2025.md", IN_FORCE), ("qmp-2023.md", _older())) == "met"


@pytest.mark.parametrize("path, opening", [
    ("qmp-2023-superseded.md", ""),  # the file's name
    ("qmp-2023.md", "| Document control | |\n| --- | --- |\n| Status | SUPERSEDED (by version 4.0, 2025-01-01) |\n\n"),
    ("qmp-2023.md", "SUPERSEDED on 2025-01-01 by version 4.0. Included for reference only.\n\n"),
    ("qmp-2026-draft.md", ""),
    ("qmp-2026.md", "| Document control | |\n| --- | --- |\n| Status | DRAFT - not approved |\n\n"),
])
def test_a_version_not_in_force_beside_the_one_in_force_is_no_evidence(path, opening):
    assert _status(("qmp-2025.md", IN_FORCE), (path, _older(opening))) != "met"


def test_a_control_row_naming_what_the_version_replaces_is_not_its_status():
    opening = "| Document control | |\n| --- | --- |\n| Supersedes | version 3.0 |\n\n"
    assert _status(("qmp-2025.md", IN_FORCE), ("qmp-2023.md", _older(opening))) == "met"


def test_a_draft_that_is_the_only_description_is_the_plans_text():
    # nothing else of its kind is in force: what the plan submits as its description (its approval is 1.D's matter)
    assert _status(("qmp-2026-draft.md", _older())) == "met"
    assert _status(("qmp-2023-superseded.md", _older())) != "met"


def test_a_draft_part_of_a_bound_file_beside_the_part_in_use():
    bound = ("# Quality program documents\n## Part A: Quality Program Description\nInterventions are chosen by the "
             "committee.\n## Part B: Revised Quality Program Description\n| Document control | |\n| --- | --- |\n"
             "| Status | Draft -- pending Council review |\n\n" + PRACTICE + "\n")
    assert _status(("qm-documents.md", bound)) != "met"
    assert _status(("qm-documents.md", bound.replace("Draft -- pending Council review", "In use"))) == "met"


def test_a_change_log_says_what_changed_not_what_is_done():
    log = ("# Quality Program Description 2025\n## Revision history\n| Version | Date | Change |\n| --- | --- | --- |\n"
           f"| 4.0 | 2024-12-12 | {PRACTICE} |\n")
    assert _status(("qmp-2025.md", log)) != "met"
    # the same row in a table that is no change log
    table = log.replace("Revision history", "Interventions").replace("Version | Date | Change", "Ref | Date | Step")
    assert _status(("qmp-2025.md", table)) == "met"
