"""Structured inputs: CSV or YAML tables beside the documents, validated against a checklist's column spec.

A bad value is reported with its file, row and column; the findings that need the table then say so
instead of guessing.
"""

from __future__ import annotations

import csv
import datetime as dt
import fnmatch
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from dateutil import parser as dateutil_parser

from auditor.models import Checklist, ColumnSpec, InputSpec
from auditor.safe_yaml import short

_TRUE = {"yes", "y", "true", "t", "1", "enrolled", "x"}
_FALSE = {"no", "n", "false", "f", "0", "not enrolled", ""}


@dataclass
class Table:
    name: str
    source: str  # the file as the user reached it, or "example"
    rows: list[dict] = field(default_factory=list)
    error: str | None = None  # why the table cannot be used

    def quote(self, index: int) -> str:
        return "; ".join(f"{k}: {_show(v)}" for k, v in self.rows[index].items() if v not in (None, ""))


def _show(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def coerce(value, spec: ColumnSpec):
    """A raw cell as its column's type; ValueError says what is wrong."""
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        if spec.type == "bool":
            return False
        return None
    if spec.type == "text":
        return str(value)
    if spec.type == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"{short(value)} is not yes/no")
    if spec.type == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dateutil_parser.parse(str(value), dayfirst=False).date()
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"{short(value)} is not a date") from exc
    text = str(value).replace(",", "").replace("$", "").strip()
    if spec.type == "percent":
        text = text.rstrip("%").strip()
    try:
        number = float(text)
    except ValueError as exc:
        raise ValueError(f"{short(value)} is not a number") from exc
    if spec.type == "integer":
        if number != int(number):
            raise ValueError(f"{short(value)} is not a whole number")
        return int(number)
    return number


def validate_rows(name: str, spec: InputSpec, raw: list[dict], source: str) -> Table:
    rows = [{_key(str(k)): v for k, v in row.items() if k is not None} for row in raw]
    present = set().union(*(r.keys() for r in rows)) if rows else set()
    missing = [c for c, col in spec.columns.items() if col.required and c not in present]
    if missing and rows:
        return Table(name, source, error=f"{source}: missing column(s) {', '.join(missing)} "
                                         f"(has {', '.join(sorted(present)) or 'none'})")
    out, problems = [], []
    for number, row in enumerate(rows, start=2 if source.endswith(".csv") else 1):
        clean = {}
        for column, col_spec in spec.columns.items():
            try:
                clean[column] = coerce(row.get(column), col_spec)
            except ValueError as exc:
                problems.append(f"row {number}, column {column}: {exc}")
            if clean.get(column) is None and col_spec.required and column in row and col_spec.type != "bool":
                problems.append(f"row {number}, column {column}: empty")
        out.append(clean)
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        return Table(name, source, error=f"{source}: " + "; ".join(problems[:5]) + more)
    return Table(name, source, rows=out)


def _read(path: Path) -> list[dict]:
    from auditor.safe_yaml import loads
    from extractors import limits, read_bytes_bounded

    limit = limits.mb("file_mb")
    data = read_bytes_bounded(path, limit)
    if len(data) > limit:
        raise ValueError(limits.exceeded("file_mb", "the file is larger"))
    text = data.decode("utf-8-sig")
    if path.suffix.lower() == ".csv":
        return list(csv.DictReader(io.StringIO(text)))
    data = loads(text, path.name)  # bounded: depth, aliases
    if isinstance(data, dict) and len(data) == 1:
        data = next(iter(data.values()))
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ValueError("expected a list of rows (mappings)")
    return data


def load_tables(checklist: Checklist, files: list[tuple[Path, str]]) -> dict[str, Table]:
    """Each declared input of the checklist, read from the first data file whose name matches."""
    tables: dict[str, Table] = {}
    for name, spec in checklist.inputs.items():
        match = next(((p, shown) for p, shown in files
                      if any(fnmatch.fnmatch(p.name.lower(), pattern.lower()) for pattern in spec.files)), None)
        if match is None:
            wanted = " or ".join(spec.files)
            tables[name] = Table(name, "", error=f"no {spec.title} file ({wanted}) in the submission")
            continue
        path, shown = match
        try:
            tables[name] = validate_rows(name, spec, _read(path), shown)
        except (OSError, UnicodeDecodeError, csv.Error, yaml.YAMLError, ValueError) as exc:
            tables[name] = Table(name, shown, error=f"{shown}: cannot be read: {exc}")
    return tables
