"""What `hmo-audit checklists` and `explain` print about a bundled checklist, kept in a small JSON file.

Loading a checklist means importing the pydantic models (about 0.2 s of class building) and validating every rule
(0.1-0.2 s for all five): most of those commands' time. The text they print depends only on the checklist's source
files and on the code that loads and describes rules, so it is kept per checklist under a key made of both, in
`$HMO_AUDIT_CACHE_HOME` (default `$XDG_CACHE_HOME/hmo-audit`, else `~/.cache/hmo-audit`). A changed rule or changed
code gives a new key, hence a fresh entry; a cache that cannot be read or written is simply not used, and a
checklist given by path is always loaded. The entry holds the printed text itself, so the output is the same
with or without it (tests/test_catalog.py).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from auditor.checklist_files import checklist_files, checklist_source

FORMAT = 1
# The code whose behaviour the printed text depends on: loading, validating and describing rules.
_CODE = ("catalog.py", "checklists.py", "checklist_files.py", "models.py", "document.py", "wording.py", "suggest.py",
         "safe_yaml.py", "checks")


def cache_dir() -> Path:
    if folder := os.environ.get("HMO_AUDIT_CACHE_HOME"):
        return Path(folder)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hmo-audit"


def entry(name: str) -> dict | None:
    """The printed text about the bundled checklist `name` (None: not a bundled checklist's name).

    Keys: `summary` (its lines in `checklists`), `ids` (the lines of `checklists --ids`), `explain` (requirement
    id -> the text of `explain`). A checklist that does not load raises ChecklistError, as loading it would."""
    if name not in checklist_files():
        return None
    key = _key(name)
    path = cache_dir() / f"catalog-{name}-{key[:24]}.json"
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            return cached
    except (OSError, ValueError, AttributeError):
        pass
    built = {"key": key, **build(name)}
    try:
        from auditor.files import write_atomic

        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(built, ensure_ascii=False))
    except OSError:
        pass  # a read-only home: the text is computed each time, as before
    return built


def build(name_or_path: str) -> dict:
    """The printed text, computed by loading the checklist."""
    from auditor.checklists import load_checklist

    checklist = load_checklist(name_or_path)
    summary = [f"{checklist.id:<16} {len(checklist.requirements):>3} requirements  {checklist.title}"]
    summary += [f"{'':<16}     --profile {key}: {profile.title}" for key, profile in checklist.profiles.items()]
    ids = [f"{r.id:<14} {r.citation:<40} {r.title}" for r in checklist.requirements]
    return {"id": checklist.id, "summary": summary, "ids": ids,
            "explain": {r.id: explain_text(checklist, r) for r in checklist.requirements}}


def explain_text(checklist, requirement) -> str:
    """A requirement's text, citation, applicability, the evidence sought and its deadline rule."""
    from auditor import checks
    from auditor.checklists import show_term

    lines = [f"{requirement.id}  {requirement.title}", f"Citation: {requirement.citation}",
             f"\nRule:\n  {requirement.text}"]
    for condition in requirement.applies_if:
        lines.append(f"\nApplies only if: {condition.fact} "
                     f"{'< ' + str(condition.lt) if condition.lt is not None else '= ' + str(condition.eq)}"
                     f" ({condition.reason})")
    lines.append("\nEvidence sought:")
    lines.append(checks.describe(requirement.evidence, lambda ref: show_term(ref, checklist.terms), "  "))
    deadline = requirement.deadline
    lines.append(f"\nDeadline: {deadline.rule} ({deadline.clock})" if deadline else "\nDeadline: none set by this rule")
    return "\n".join(lines)


def _key(name: str) -> str:
    digest = hashlib.sha256(f"catalog {FORMAT}\n".encode())
    digest.update(checklist_source(name))
    here = Path(__file__).parent
    for part in _CODE:
        target = here / part
        for file in sorted(target.glob("*.py")) if target.is_dir() else [target]:
            digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()
