"""The library API: what the CLI calls, and what a notebook or another program can call.

    from auditor.api import audit
    report = audit(["fixtures/sample-submission"], ["maine-ch109"], as_of=date(2025, 3, 1))
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from pydantic import ValidationError

from auditor import safe_yaml
from auditor.checklists import check_profile, load_checklist
from auditor.document import Document
from auditor.models import AuditReport, SkippedFile, SubmissionFacts

FACTS_FILES = ("submission.yaml", "submission.yml")


class FactsError(Exception):
    """A submission.yaml that cannot be read or does not validate."""


def submission_file(paths: list[str], names: tuple[str, ...], skipped: list | None = None) -> Path | None:
    """The first of `names` in the given folders (or beside the given files): a submission's own config file.

    Names match in any case (Submission.YAML too); a file that is a link out of its folder is not used, and is
    added to `skipped` as (path, reason) when a list is given."""
    for raw in paths:
        folder = Path(raw) if Path(raw).is_dir() else Path(raw).parent
        try:
            entries = {entry.name.lower(): entry.name for entry in os.scandir(folder)}
        except OSError:
            continue
        for name in names:
            actual = name if name in entries.values() else entries.get(name.lower())
            if actual is None:
                continue
            candidate = folder / actual
            try:
                target = candidate.resolve(strict=True)
            except (OSError, RuntimeError):
                continue
            if not target.is_file():
                continue
            if folder.resolve() not in target.parents:
                if skipped is not None:
                    skipped.append((str(candidate), "a link to a file outside the submission folder; not read"))
                continue
            return candidate
    return None


def _facts(data, name: str) -> SubmissionFacts:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FactsError(f"{name}: expected facts as `name: value` lines (a mapping), not {safe_yaml.short(data)}")
    try:
        return SubmissionFacts.model_validate(data)
    except ValidationError as exc:
        raise FactsError(safe_yaml.validation_message(exc, name, SubmissionFacts) + "; correct it, or give the fact "
                         "with --fact NAME=VALUE") from exc


def load_facts(paths: list[str], skipped: list | None = None) -> SubmissionFacts:
    """Facts from the first submission.yaml found in the given folders (or beside the given files)."""
    path = submission_file(paths, FACTS_FILES, skipped)
    if path is None:
        return SubmissionFacts()
    try:
        data = safe_yaml.load(path)
    except safe_yaml.ConfigFileError as exc:
        raise FactsError(str(exc)) from exc
    return _facts(data, str(path))


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
            if not isinstance(node, dict):
                raise FactsError(f"--fact {safe_yaml.short(pair)}: {part} is a value, not a group of facts")
        try:
            node[leaf] = safe_yaml.loads(value, f"--fact {key.strip()}")  # YAML scalars: 12000, true, 2025-02-10
        except safe_yaml.ConfigFileError as exc:
            raise FactsError(str(exc)) from exc
    data.update({k: v for k, v in named.items() if v is not None})
    return _facts(data, "--fact")


def read_documents(paths: list[str], cache=None, on_file=None, files=None) -> list[Document]:
    """Every file under the given paths, read into Documents; unreadable files carry an `error`.

    With an `auditor.cache.ExtractionCache`, files read before (same content, same readers) are not re-read.
    `on_file(display_path)` is called as each file starts, for progress displays. `files`: the (path, shown) pairs
    to read, when the caller has walked the paths already.
    """
    from extractors import iter_input_files, read_document
    from extractors.common import one_line

    read = cache.read if cache is not None else read_document
    documents = []
    for path, display in files if files is not None else iter_input_files(paths):
        if on_file is not None:
            try:
                on_file(display)
            except Exception:  # noqa: BLE001 - a progress display gone (its process killed) costs nothing
                on_file = None
        try:
            documents.append(read(path, display))
        except Exception as exc:  # noqa: BLE001 - the promise: one bad file never costs the others
            documents.append(Document(path=display, error=one_line(
                f"could not be read ({type(exc).__name__}: {exc})")))
    return documents


def evaluate_isolated(documents: list[Document], evaluate_all):
    """`evaluate_all(documents)`; should it fail on the documents' account (an annotation that raises), each
    readable document is tried alone and the ones that fail become documents with an error: one bad document
    never costs the others' findings. Errors that are not a document's (a bad profile) are raised as they are."""
    from auditor.checklists import ProfileError
    from extractors.common import one_line

    try:
        return evaluate_all(documents)
    except ProfileError:
        raise
    except Exception:  # noqa: BLE001 - find the document to blame
        culprits = {}
        for i, document in enumerate(documents):
            if document.error:
                continue
            try:
                evaluate_all([document])
            except ProfileError:
                raise
            except Exception as exc:  # noqa: BLE001
                culprits[i] = one_line(f"could not be analysed ({type(exc).__name__}: {exc})")
        if not culprits or len(culprits) == sum(1 for d in documents if not d.error):
            raise  # no document to blame, or every one: not a document's fault
        kept = [d.model_copy(update={"error": culprits[i], "blocks": []}) if i in culprits else d
                for i, d in enumerate(documents)]
        return evaluate_all(kept)


def audit(paths: list[str], checklists: list[str], as_of: dt.date,
          facts: SubmissionFacts | None = None, profile: str | None = None, cure_days: int = 30,
          cache=None, overrides: str | Path | bool | None = None, on_file=None,
          select: list[str] | None = None, skip: list[str] | None = None, overlap: bool = False) -> AuditReport:
    """Read the submission at `paths` and evaluate it against the named checklists.

    `overrides`: a reviewer's overrides file to apply; by default (None) the submission folder's overrides.yaml
    if there is one; False applies none. Raises OverridesError for a bad file. `select` / `skip`: requirement or
    section ids the report keeps or leaves out (auditor.selection); a pattern naming nothing raises SelectionError.
    A file of a type no reader reads (`notes.tsv`, `draft.bak`) is not a document: it is listed in `skipped`, and
    cannot make a requirement `needs_review` (only a supported document that could not be read can).
    `overlap`: read the files in a child process while this one builds the matchers (auditor.overlap); for a
    single audit on an otherwise idle machine, not for a batch's workers, whose cores are taken.
    """
    from auditor.inputs import load_tables
    from auditor.selection import check_patterns
    from auditor.selection import select as select_findings
    from extractors import scan_inputs, unsupported

    loaded = [load_checklist(name) for name in checklists]
    check_profile(profile, loaded)  # before the slow part
    check_patterns(list(select or []), loaded, "--select")
    check_patterns(list(skip or []), loaded, "--skip")
    scan = scan_inputs(paths)
    skipped = list(scan.skipped)
    documents_to_read = []
    for path, shown in scan.documents:
        why = unsupported(path)
        if why is None:
            documents_to_read.append((path, shown))
        else:
            skipped.append((shown, why))
    tables = {c.id: load_tables(c, scan.data) for c in loaded if c.inputs}
    used = {t.source for named in tables.values() for t in named.values()}
    for _path, shown in scan.data:
        if shown not in used:
            skipped.append((shown, "a data file (CSV or YAML) that no checklist input reads; not read"))
    found = load_facts(paths, skipped)
    if facts is not None:  # what the caller gives overrides the file, nested facts field by field
        merged = found.model_dump(exclude_none=True)
        for key, value in facts.model_dump(exclude_none=True).items():
            merged[key] = {**merged.get(key, {}), **value} if isinstance(value, dict) else value
        found = _facts(merged, "the facts given with --fact and the submission's submission.yaml")
    from auditor.overrides import OVERRIDES_FILES, apply_overrides, load_overrides

    if overrides is None:
        source = submission_file(paths, OVERRIDES_FILES, skipped)
    else:
        source = None if overrides is False else Path(overrides)
    decisions = load_overrides(source) if source is not None else None  # a bad file fails before the slow part
    if overlap and cache is None and documents_to_read:
        from auditor.overlap import read_while_preparing

        def prepare() -> None:
            from auditor.engine import prepare  # spaCy, imported here while the child reads

            prepare(loaded)

        documents = read_while_preparing(lambda shown: read_documents(paths, None, shown, files=documents_to_read),
                                         prepare, on_file)
    else:
        documents = read_documents(paths, cache, on_file, files=documents_to_read)
    from auditor.engine import evaluate  # spaCy: only when text is matched
    report = evaluate_isolated(documents, lambda docs: evaluate(docs, loaded, as_of, found, profile, tables,
                                                                cure_days))
    report.skipped = [SkippedFile(path=path, reason=reason) for path, reason in sorted(set(skipped))]
    if decisions is not None:
        report = apply_overrides(report, decisions, str(source))
    return select_findings(report, loaded, select, skip)
