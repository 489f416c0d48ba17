"""The library API: what the CLI calls, and what a notebook or another program can call.

    from auditor.api import audit
    report = audit(["fixtures/sample-submission"], ["maine-ch109"], as_of=date(2025, 3, 1))
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from pydantic import ValidationError

from auditor.checklists import load_checklist
from auditor.document import Document
from auditor.models import AuditReport, SubmissionFacts

FACTS_FILES = ("submission.yaml", "submission.yml")


class FactsError(Exception):
    """A submission.yaml that cannot be read or does not validate."""


def submission_file(paths: list[str], names: tuple[str, ...]) -> Path | None:
    """The first of `names` in the given folders (or beside the given files): a submission's own config file."""
    for raw in paths:
        folder = Path(raw) if Path(raw).is_dir() else Path(raw).parent
        for name in names:
            if (folder / name).is_file():
                return folder / name
    return None


def load_facts(paths: list[str]) -> SubmissionFacts:
    """Facts from the first submission.yaml found in the given folders (or beside the given files)."""
    path = submission_file(paths, FACTS_FILES)
    if path is None:
        return SubmissionFacts()
    try:
        return SubmissionFacts.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except (yaml.YAMLError, ValidationError) as exc:
        raise FactsError(f"{path}: {exc}") from exc


def facts_from_pairs(pairs: tuple[str, ...] | list[str], **named) -> SubmissionFacts:
    """Facts given on the command line as KEY=VALUE (dotted keys for nested facts) plus named ones."""
    data: dict = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise FactsError(f"--fact {pair!r}: expected KEY=VALUE")
        *parents, leaf = key.strip().split(".")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = yaml.safe_load(value)  # YAML scalars: 12000, true, 2025-02-10
    data.update({k: v for k, v in named.items() if v is not None})
    try:
        return SubmissionFacts.model_validate(data)
    except ValidationError as exc:
        raise FactsError(f"--fact: {exc}") from exc


def read_documents(paths: list[str], cache=None, on_file=None) -> list[Document]:
    """Every file under the given paths, read into Documents; unreadable files carry an `error`.

    With an `auditor.cache.ExtractionCache`, files read before (same content, same readers) are not re-read.
    `on_file(display_path)` is called as each file starts, for progress displays.
    """
    from extractors import iter_input_files, read_document

    read = cache.read if cache is not None else read_document
    documents = []
    for path, display in iter_input_files(paths):
        if on_file is not None:
            on_file(display)
        documents.append(read(path, display))
    return documents


def audit(paths: list[str], checklists: list[str], as_of: dt.date,
          facts: SubmissionFacts | None = None, profile: str | None = None, cure_days: int = 30,
          cache=None, overrides: str | Path | bool | None = None, on_file=None) -> AuditReport:
    """Read the submission at `paths` and evaluate it against the named checklists.

    `overrides`: a reviewer's overrides file to apply; by default (None) the submission folder's overrides.yaml
    if there is one; False applies none. Raises OverridesError for a bad file.
    """
    from auditor.engine import evaluate  # spaCy: only when text is matched
    from auditor.inputs import load_tables
    from extractors import iter_input_files

    loaded = [load_checklist(name) for name in checklists]
    data_files = iter_input_files(paths, data=True)
    tables = {c.id: load_tables(c, data_files) for c in loaded if c.inputs}
    found = load_facts(paths)
    if facts is not None:  # what the caller gives overrides the file, nested facts field by field
        merged = found.model_dump(exclude_none=True)
        for key, value in facts.model_dump(exclude_none=True).items():
            merged[key] = {**merged.get(key, {}), **value} if isinstance(value, dict) else value
        found = SubmissionFacts.model_validate(merged)
    from auditor.overrides import OVERRIDES_FILES, apply_overrides, load_overrides

    if overrides is None:
        source = submission_file(paths, OVERRIDES_FILES)
    else:
        source = None if overrides is False else Path(overrides)
    decisions = load_overrides(source) if source is not None else None  # a bad file fails before the slow part
    report = evaluate(read_documents(paths, cache, on_file), loaded, as_of, found, profile, tables, cure_days)
    return apply_overrides(report, decisions, str(source)) if decisions is not None else report
