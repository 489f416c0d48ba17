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


@pytest.fixture(scope="session", autouse=True)
def _catalog_cache_of_its_own(tmp_path_factory):
    """`checklists` and `explain` keep what they print in a cache folder: the tests' own, not the user's."""
    previous = os.environ.get("HMO_AUDIT_CACHE_HOME")
    os.environ["HMO_AUDIT_CACHE_HOME"] = str(tmp_path_factory.mktemp("catalog-cache"))
    yield
    if previous is None:
        os.environ.pop("HMO_AUDIT_CACHE_HOME", None)
    else:
        os.environ["HMO_AUDIT_CACHE_HOME"] = previous


@pytest.fixture(scope="session")
def sample_report():
    from auditor.api import audit

    return audit([str(SAMPLE)], ["maine-ch109"], AS_OF)
