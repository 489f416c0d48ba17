from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "fixtures" / "sample-submission"
AS_OF = dt.date(2025, 3, 1)


@pytest.fixture(scope="session")
def sample_report():
    from auditor.api import audit

    return audit([str(SAMPLE)], ["maine-ch109"], AS_OF)
