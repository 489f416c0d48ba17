"""Where the bundled checklists are, and the bytes each is read from: no YAML, no models, so the commands that
only list or explain rules can key a cache on them cheaply."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


class ChecklistError(Exception):
    """A checklist that cannot be found or does not validate."""


def checklist_files() -> dict[str, Path]:
    """The bundled checklists by name: one YAML file each, or a folder holding checklist.yaml."""
    folder = resources.files("checklists")
    found = {}
    for f in folder.iterdir():
        if f.name.endswith(".yaml"):
            found[Path(f.name).stem] = Path(str(f))
        elif f.is_dir() and f.joinpath("checklist.yaml").is_file():
            found[f.name] = Path(str(f))
    return found


def checklist_source(name_or_path: str) -> bytes:
    """The bytes a checklist is read from (a file, or a folder's files and the shared concepts), to key caches."""
    path = Path(checklist_files().get(name_or_path, name_or_path))
    if not path.is_dir():
        return path.read_bytes()
    files = sorted(path.glob("*.yaml")) + sorted((path.parent / "concepts").glob("*.yaml"))
    return b"".join(f.name.encode() + f.read_bytes() for f in files)
