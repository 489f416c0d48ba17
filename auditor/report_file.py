"""Reading a saved JSON report back: for the commands that work on reports (diff, review) rather than documents."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from auditor.models import AuditReport

SCHEMA_VERSIONS = ("1",)  # report schema versions this version reads


class ReportLoadError(Exception):
    """A file that is not a JSON audit report of a known schema version."""


def load_report(path: str | Path) -> AuditReport:
    """An AuditReport from a JSON file; ReportLoadError, naming the file, when it is not one."""
    try:
        data = json.loads(Path(path).read_bytes())
    except OSError as exc:
        raise ReportLoadError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportLoadError(f"{path}: not JSON ({exc}); expected a report from `hmo-audit audit --format json`") \
            from exc
    if not isinstance(data, dict) or "findings" not in data or "schema_version" not in data:
        raise ReportLoadError(f"{path}: not an hmo-audit report (no schema_version and findings); "
                              f"expected a report from `hmo-audit audit --format json`")
    version = data["schema_version"]
    if version not in SCHEMA_VERSIONS:
        raise ReportLoadError(f"{path}: unknown report schema_version {version!r}; this hmo-audit reads "
                              f"{', '.join(SCHEMA_VERSIONS)}")
    try:
        return AuditReport.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:3])
        more = f" (and {exc.error_count() - 3} more)" if exc.error_count() > 3 else ""
        raise ReportLoadError(f"{path}: not a valid schema_version {version} report: {problems}{more}") from exc
