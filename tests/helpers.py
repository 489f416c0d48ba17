"""Building documents from Markdown snippets, as the rule examples and the check tests do."""

from __future__ import annotations

import datetime as dt

from auditor.document import Document
from auditor.engine import evaluate
from auditor.models import Checklist, Finding, Requirement, SubmissionFacts
from extractors.text import read_markdown


def markdown_document(text: str, kind: str = "other", path: str = "example.md") -> Document:
    document = read_markdown(text.encode("utf-8"), path=path, sha256="", filename=path)
    return document.model_copy(update={"kind": kind})


def facts_that_apply(requirement: Requirement) -> SubmissionFacts:
    """Facts under which a conditional requirement applies, so its examples can be judged."""
    values = {c.fact: (c.eq if c.eq is not None else int(c.lt) - 1) for c in requirement.applies_if}
    return SubmissionFacts(**values)


def judge(documents: list[Document], checklist: Checklist, requirement_id: str,
          facts: SubmissionFacts | None = None, as_of: dt.date = dt.date(2025, 3, 1)) -> Finding:
    report = evaluate(documents, [checklist], as_of, facts)
    return next(f for f in report.findings if f.requirement_id == requirement_id)
