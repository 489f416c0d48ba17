"""Finding, loading and validating checklists (YAML, one file per source, in the `checklists` package)."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml
from pydantic import ValidationError

from auditor.checklist_files import ChecklistError, checklist_files, checklist_source  # noqa: F401 (re-exported)
from auditor.models import (
    AbsentCheck,
    AllOfCheck,
    AnyOfCheck,
    Check,
    Checklist,
    CountCheck,
    DocumentCheck,
    EachCheck,
    PhraseCheck,
    RecencyCheck,
    RowsCheck,
    SectionCheck,
    TermRef,
    WordLimitCheck,
)


def load_checklist(name_or_path: str) -> Checklist:
    """A bundled checklist by name (in any case: Maine-CH109), or a checklist YAML file (or folder) by path."""
    from auditor.suggest import did_you_mean, find_case_insensitive

    path = Path(name_or_path)
    if not path.suffix and not path.is_dir():
        files = checklist_files()
        name = find_case_insensitive(name_or_path, files)
        if name is None:
            raise ChecklistError(f"unknown checklist {name_or_path!r}{did_you_mean(name_or_path, files)} (known: "
                                 f"{', '.join(sorted(files))}; or give the path of a checklist YAML file)")
        path = files[name]
    elif not path.exists():
        raise ChecklistError(f"{name_or_path}: no such checklist file")
    return _load(str(path))


def find_requirement(checklist: Checklist, requirement_id: str):
    """The requirement an id names, in any case, including the per-item ids reports print (`1.06-1.D[asthma]` is
    1.06-1.D's); None when none does."""
    from auditor.suggest import find_case_insensitive

    wanted = requirement_id.strip().split("[", 1)[0]
    found = find_case_insensitive(wanted, [r.id for r in checklist.requirements])
    return checklist.requirement(found) if found else None


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A safe loader that refuses a key given twice in one mapping: YAML keeps the last silently, so a second
    definition of a term would quietly replace the first for every rule that uses it."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"{key!r} is defined twice in one mapping",
                                                        key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read(path: Path):
    # libyaml's loader where the platform has it: the Python one takes most of a second on a large checklist.
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506 (a safe loader)


def _read_folder(folder: Path) -> dict:
    """A checklist written as a folder: checklist.yaml (identity, profiles, roles), the vocabulary files it lists
    (the shared concepts in checklists/concepts/, then its own), and one file per section, in the order listed."""
    data = _read(folder / "checklist.yaml")
    terms: dict[str, list] = {}
    for name in data.pop("vocabulary", []):
        file = (folder / name) if (folder / name).is_file() else folder.parent / name
        for term, phrases in ((_read(file) or {}).get("terms") or {}).items():
            if term in terms:
                raise ChecklistError(f"{file}: term {term!r} is defined twice in the checklist's vocabulary")
            terms[term] = phrases
    data["terms"] = {**terms, **(data.get("terms") or {})}
    data["sections"] = [_read(folder / name) for name in data.get("sections", [])]
    return data


@functools.cache
def _load(path: str) -> Checklist:
    try:
        data = _read_folder(Path(path)) if Path(path).is_dir() else _read(Path(path))
        checklist = Checklist.model_validate(data)
    except OSError as exc:
        raise ChecklistError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise ChecklistError(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from exc
    except ValidationError as exc:
        from auditor.safe_yaml import validation_message

        raise ChecklistError(validation_message(exc, f"{path}: invalid checklist", Checklist) + "; see the README's "
                             "'Custom checklists' for the fields") from exc
    problems = [f"{r.id}: unknown term {ref!r}" for r in checklist.requirements
                for ref in _refs(r.evidence) if isinstance(ref, str) and "_" in ref and ref not in checklist.terms]
    if problems:
        raise ChecklistError(f"{path}: " + "; ".join(problems))
    return checklist


def _refs(check: Check) -> list[TermRef]:
    if isinstance(check, PhraseCheck):
        return [*check.all, *check.any, *check.context, *check.exclude]
    if isinstance(check, SectionCheck):
        return list(check.heading)
    if isinstance(check, CountCheck):
        return [*check.within, *check.of, *check.fields, *check.names, *check.exclude, *check.shows,
                *check.undated_columns]
    if isinstance(check, RecencyCheck):
        return [*check.within, *check.of]
    if isinstance(check, DocumentCheck):
        return list(check.title)
    if isinstance(check, EachCheck):
        return [*check.where, *_refs(check.check)]
    if isinstance(check, AbsentCheck):
        return [*_refs(check.check), *(_refs(check.unless) if check.unless else [])]
    if isinstance(check, RowsCheck):
        return list(check.addressed_in.near) if check.addressed_in else []
    if isinstance(check, WordLimitCheck):
        return [ref for f in check.fields for ref in f.heading]
    if isinstance(check, AllOfCheck | AnyOfCheck):
        return [ref for element in check.elements.values() for ref in _refs(element)]
    return []


def term_key(ref: TermRef, checklist: Checklist) -> str:
    """The vocabulary name of a term reference.

    Defined terms are namespaced by checklist, so two checklists may give one name different phrases.
    """
    if isinstance(ref, str) and ref in checklist.terms:
        return f"{checklist.id}:{ref}"
    phrases = [ref] if isinstance(ref, str) else ref
    return "=" + "/".join(phrases)


class ProfileError(ValueError):
    """A profile that none of the checklists defines."""


def check_profile(profile: str | None, checklists: list[Checklist]) -> None:
    if profile and not any(profile in c.profiles for c in checklists):
        known = sorted({p for c in checklists for p in c.profiles})
        raise ProfileError(f"unknown profile {profile!r}; known: {', '.join(known) or 'none'}")


def vocabulary_terms(checklists: list[Checklist]) -> dict[str, list[str]]:
    """Every term the checklists use, defined terms and literals alike, for one set of matchers."""
    merged: dict[str, list[str]] = {}
    for checklist in checklists:
        for name, phrases in checklist.terms.items():
            merged[f"{checklist.id}:{name}"] = list(phrases)
        for requirement in checklist.requirements:
            for ref in _refs(requirement.evidence):
                if not (isinstance(ref, str) and ref in checklist.terms):
                    merged[term_key(ref, checklist)] = [ref] if isinstance(ref, str) else list(ref)
    return merged


def show_term(ref: TermRef, terms: dict[str, list[str]]) -> str:
    """A term for people: its name and first few phrases."""
    if isinstance(ref, str) and ref in terms:
        phrases = terms[ref]
        more = ", ..." if len(phrases) > 4 else ""
        return f"[{ref.replace('_', ' ')}: {', '.join(phrases[:4])}{more}]"
    return "[" + (ref if isinstance(ref, str) else " / ".join(ref)) + "]"


def listing(checklist: Checklist) -> dict:
    """A checklist as `checklists --format json` gives it: identity, profiles, sections and each requirement's id,
    section, citation, title, text, conditions and deadline rule (the evidence checks stay in the YAML)."""
    return {"id": checklist.id, "title": checklist.title, "version": checklist.version, "source": checklist.source,
            "profiles": {key: p.title for key, p in checklist.profiles.items()},
            "sections": [{"id": s.id, "title": s.title} for s in checklist.sections],
            "requirements": [{"id": r.id, "section": r.section, "citation": r.citation, "title": r.title,
                              "text": r.text,
                              "applies_if": [c.model_dump(mode="json", exclude_none=True) for c in r.applies_if],
                              "deadline": r.deadline.rule if r.deadline else None,
                              "when_not_found": r.when_not_found} for r in checklist.requirements]}
