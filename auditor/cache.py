"""A cache of extraction results, keyed by file content (sha256), the readers' own code and the reading limits.

A re-run after a checklist or a single file changes re-reads only what changed. Entries are written to a
temporary file and renamed into place, so a run killed midway leaves no corrupt entry; an entry that cannot be
read is treated as a miss. Each entry names its own key (the content's sha256 and the readers' stamp), and is
served only for that key: an entry copied or planted under another file's name is a miss, never another file's text.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from auditor.document import Document


@functools.cache
def _code_stamp() -> str:
    import extractors

    digest = hashlib.sha256()
    for path in sorted(Path(extractors.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _readers_stamp() -> str:
    """Changes whenever a reader's code or a reading limit does, so stale extractions are never reused."""
    from extractors import limits

    return hashlib.sha256(f"{_code_stamp()}|{limits.fingerprint()}".encode()).hexdigest()[:16]


def file_sha256(path: Path, limit: int | None = None) -> str | None:
    """The file's sha256, read a megabyte at a time; None when it cannot be read or is over `limit` bytes."""
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1_048_576):
                size += len(chunk)
                if limit is not None and size > limit:
                    return None
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def envelope(key: str, payload: str) -> bytes:
    """An entry: its key beside the payload (a model's JSON), so it can be served for that key only."""
    return b'{"key":' + json.dumps(key).encode() + b',"payload":' + payload.encode() + b"}"


def opened(data: bytes, key: str) -> dict | None:
    """The payload of an entry when it is the entry of `key`; None otherwise (planted, stale, damaged)."""
    try:
        entry = json.loads(data)
    except ValueError:
        return None
    if not isinstance(entry, dict) or entry.get("key") != key or not isinstance(entry.get("payload"), dict):
        return None
    return entry["payload"]


class ExtractionCache:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.hits = self.misses = 0

    def _entry(self, sha: str) -> tuple[Path, str]:
        stamp = _readers_stamp()
        return self.folder / stamp / sha[:2] / f"{sha}.json", f"{stamp}/{sha}"

    def read(self, path: Path, display: str) -> Document:
        """The document, from the cache when its content was read before."""
        from extractors import limits, read_document

        sha = file_sha256(path, limits.mb("file_mb"))
        if sha is None:
            return read_document(path, display)  # the reader reports the error (unreadable, over the limit)
        entry, key = self._entry(sha)
        try:
            payload = opened(entry.read_bytes(), key)
            if payload is not None:
                cached = Document.model_validate(payload)
                if cached.sha256 == sha:
                    self.hits += 1
                    return cached.model_copy(update={"path": display})
        except (OSError, ValueError):
            pass
        self.misses += 1
        document = read_document(path, display)
        if document.error is None and document.sha256 == sha:  # errors may depend on tools installed later
            self._write(entry, key, document)
        return document

    def _write(self, entry: Path, key: str, document: Document) -> None:
        from auditor.files import write_atomic

        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(entry, envelope(key, document.model_dump_json()))  # readers see the whole entry or none
        except OSError:
            pass  # a cache that cannot be written is a cache that misses
