from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Relative, as a user types it: reports quote paths as given, and snapshots must not depend on the checkout.
SAMPLE = Path("fixtures") / "sample-submission"
AS_OF = dt.date(2025, 3, 1)


@pytest.fixture(scope="session", autouse=True)
def _run_from_the_repository_root():
    previous = Path.cwd()
    os.chdir(ROOT)
    yield
    os.chdir(previous)


@pytest.fixture(scope="session")
def sample_report():
    from auditor.api import audit

    return audit([str(SAMPLE)], ["maine-ch109"], AS_OF)
