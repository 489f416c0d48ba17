"""A cache of extraction results, keyed by file content (sha256) and the readers' own code.

A re-run after a checklist or a single file changes re-reads only what changed. Entries are written to a
temporary file and renamed into place, so a run killed midway leaves no corrupt entry; an entry that cannot be
read is treated as a miss.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path

from auditor.document import Document


@functools.cache
def _readers_stamp() -> str:
    """Changes whenever a reader's code does, so stale extractions are never reused."""
    import extractors

    digest = hashlib.sha256()
    for path in sorted(Path(extractors.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


class ExtractionCache:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.hits = self.misses = 0

    def _entry(self, sha: str) -> Path:
        return self.folder / _readers_stamp() / sha[:2] / f"{sha}.json"

    def read(self, path: Path, display: str) -> Document:
        """The document, from the cache when its content was read before."""
        from extractors import read_document

        try:
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return read_document(path, display)  # the reader reports the error
        entry = self._entry(sha)
        try:
            cached = Document.model_validate_json(entry.read_bytes())
            self.hits += 1
            return cached.model_copy(update={"path": display})
        except (OSError, ValueError):
            pass
        self.misses += 1
        document = read_document(path, display)
        if document.error is None:  # errors may depend on tools installed later: read again next time
            self._write(entry, document)
        return document

    def _write(self, entry: Path, document: Document) -> None:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(document.model_dump_json().encode())
            os.replace(tmp, entry)  # atomic: readers see the whole entry or none
        except OSError:
            Path(tmp).unlink(missing_ok=True)
