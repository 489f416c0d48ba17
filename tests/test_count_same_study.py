"""A study's status line in one document and its write-up as a record in another are one study, not two."""

from __future__ import annotations

from auditor.checklists import load_checklist
from tests.helpers import facts_that_apply, judge_all, markdown_document

REPORT = """# Annual Quality Evaluation 2024
## Studies, 2022-2024
- Telephone answer time study: remeasured in 2024, goal met.
"""

WRITE_UP = """# Quality Study Write-ups 2022-2024
## Project 2: Member Services Telephone Answer Time (service)
| Element | Description |
| --- | --- |
| Measure | Calls answered within 30 seconds |
| Goal | 80% |
| Baseline | 2022: 71% |
| Remeasurement | 2024: 84%, goal met |
"""

OTHER = """# Quality Study Write-ups 2022-2024
## Project 3: Grievance Resolution Timeliness (service)
| Element | Description |
| --- | --- |
| Measure | Grievances resolved within 30 days |
| Goal | 90% |
| Baseline | 2022: 81% |
| Remeasurement | 2024: 92%, goal met |
"""


def _status(*texts: str) -> str:
    checklist = load_checklist("maine-ch109")
    requirement = checklist.requirement("1.03-4.A.2")
    documents = [markdown_document(t, path=f"doc{i}.md") for i, t in enumerate(texts)]
    return judge_all(documents, checklist, "1.03-4.A.2", facts_that_apply(requirement))[0].status


def test_one_study_in_two_documents_counts_once():
    assert _status(REPORT, WRITE_UP) != "met"


def test_two_different_studies_still_count_twice():
    assert _status(REPORT, WRITE_UP, OTHER) == "met"
