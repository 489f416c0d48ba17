"""Building documents from Markdown snippets, as the rule examples and the check tests do."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util

from auditor.document import Document
from auditor.engine import evaluate
from auditor.inputs import validate_rows
from auditor.models import Checklist, Finding, SubmissionFacts
from auditor.validate import SAMPLE_FACTS, facts_that_apply  # noqa: F401 - shared with the tests
from extractors.text import read_markdown
from tests.conftest import ROOT


def markdown_document(text: str, kind: str = "other", path: str = "example.md") -> Document:
    document = read_markdown(text.encode("utf-8"), path=path, sha256="", filename=path)
    return document.model_copy(update={"kind": kind})


def judge(documents: list[Document], checklist: Checklist, requirement_id: str,
          facts: SubmissionFacts | None = None, as_of: dt.date = dt.date(2025, 3, 1)) -> Finding:
    return judge_all(documents, checklist, requirement_id, facts, as_of)[0]


def judge_all(documents: list[Document], checklist: Checklist, requirement_id: str,
              facts: SubmissionFacts | None = None, as_of: dt.date = dt.date(2025, 3, 1),
              inputs: dict[str, list[dict]] | None = None) -> list[Finding]:
    """The findings of one requirement: one, or one per item for checks that judge items."""
    tables = {checklist.id: {name: validate_rows(name, spec, (inputs or {}).get(name, []), "example")
                             for name, spec in checklist.inputs.items()}}
    report = evaluate(documents, [checklist], as_of, facts, tables=tables)
    return [f for f in report.findings
            if f.requirement_id == requirement_id or f.requirement_id.startswith(requirement_id + "[")]


@functools.cache
def messy_builder():
    """fixtures/messy/build_messy.py as a module (the fixtures are not a package): its makers of broken files."""
    spec = importlib.util.spec_from_file_location("build_messy", ROOT / "fixtures" / "messy" / "build_messy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
