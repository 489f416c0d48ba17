"""Limits on what one file may cost to read: bounded memory and time whatever a submission holds.

Each limit has a default no real submission meets (a 300-page program description is a few MB of PDF, ~1 million
characters, ~10,000 blocks; its longest paragraph a few thousand characters) and is raised by an environment
variable, or on the command line with `--limit NAME=VALUE` (which sets the variable, so batch workers and
converters see it too). A file over a limit becomes a document with an error that names the limit and how to raise
it; the rest of the run goes on. The block limit is not an error: a longer block is split.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    name: str  # as given to --limit
    env: str
    default: float
    unit: str  # for messages: "MB", "characters", ...
    per: str  # for messages: "per file", ...
    what: str  # for the README and --help

    def value(self) -> float:
        raw = os.environ.get(self.env, "").strip()
        if not raw:
            return self.default
        try:
            number = float(raw.replace("_", ""))
        except ValueError:
            return self.default
        return number if number > 0 else self.default

    def hint(self) -> str:
        return f"raise it with --limit {self.name}=N or {self.env}=N"


LIMITS = {limit.name: limit for limit in (
    Limit("file_mb", "HMO_AUDIT_MAX_FILE_MB", 256, "MB", "per file",
          "bytes per file (for a DOCX, also the inflated size of all its parts)"),
    Limit("docx_part_mb", "HMO_AUDIT_MAX_DOCX_PART_MB", 64, "MB", "per DOCX part", "inflated bytes per DOCX part"),
    Limit("pdf_stream_mb", "HMO_AUDIT_MAX_PDF_STREAM_MB", 64, "MB", "per PDF stream",
          "inflated bytes per PDF stream (images aside: the OCR limits cover those)"),
    Limit("document_chars", "HMO_AUDIT_MAX_DOCUMENT_CHARS", 5_000_000, "characters", "per document",
          "characters per document"),
    Limit("document_blocks", "HMO_AUDIT_MAX_DOCUMENT_BLOCKS", 200_000, "blocks", "per document",
          "blocks (paragraphs, headings, list items, table cells) per document"),
    Limit("block_chars", "HMO_AUDIT_MAX_BLOCK_CHARS", 100_000, "characters", "per block",
          "characters per block: a longer block is split, never refused"),
    Limit("ocr_megapixels", "HMO_AUDIT_MAX_OCR_MEGAPIXELS", 200, "megapixels", "per page for OCR",
          "pixels per page for OCR"),
    Limit("ocr_memory_mb", "HMO_AUDIT_MAX_OCR_MEMORY_MB", 4096, "MB", "per OCR process",
          "memory (address space) of each OCR process"),
    Limit("file_seconds", "HMO_AUDIT_MAX_FILE_SECONDS", 900, "s", "per file",
          "time to read one file, OCR included"),
)}


class LimitError(ValueError):
    """A --limit NAME=VALUE that names no limit or gives no positive number."""


def get(name: str) -> float:
    return LIMITS[name].value()


def mb(name: str) -> int:
    """A limit given in MB, in bytes."""
    return int(get(name) * 1_048_576)


def exceeded(name: str, found: str) -> str:
    """The error for a file over a limit: which limit, what the file has, how to raise it."""
    limit = LIMITS[name]
    value = limit.value()
    shown = f"{value:,.0f}" if value == int(value) else f"{value:,}"
    return f"{found}, over the limit of {shown} {limit.unit} {limit.per}; {limit.hint()}"


def apply(pairs: list[str] | tuple[str, ...]) -> None:
    """--limit NAME=VALUE pairs, set as environment variables (inherited by workers and converters)."""
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        limit = LIMITS.get(name.strip().replace("-", "_"))
        if limit is None or not sep:
            raise LimitError(f"--limit {pair!r}: expected NAME=VALUE with NAME one of {', '.join(LIMITS)}")
        try:
            number = float(raw.strip().replace("_", ""))
        except ValueError:
            number = 0
        if number <= 0:
            raise LimitError(f"--limit {pair!r}: the value must be a positive number ({limit.unit})")
        os.environ[limit.env] = raw.strip()


def fingerprint() -> str:
    """The limits that shape a successful reading (a split block, say): part of the extraction cache's key."""
    return ",".join(f"{limit.name}={limit.value():g}" for limit in LIMITS.values())


def describe() -> list[tuple[str, str, str, str]]:
    """(name, environment variable, default, what) per limit: for --help and the README."""
    rows = []
    for limit in LIMITS.values():
        default = f"{limit.default:,.0f} {limit.unit}"
        rows.append((limit.name, limit.env, default, limit.what))
    return rows


__all__ = ["LIMITS", "Limit", "LimitError", "apply", "describe", "exceeded", "fingerprint", "get", "mb"]
