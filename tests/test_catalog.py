"""`checklists` and `explain` print from a cached catalog: the same text as loading the checklist, a fresh entry
whenever the rules change, and no harm from a cache that is damaged or cannot be written."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from auditor import catalog, checklists
from auditor.checklist_files import checklist_files
from auditor.checklists import load_checklist
from auditor.cli import main


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_cached_text_is_the_loaded_checklists_text(tmp_path, monkeypatch):
    monkeypatch.setenv("HMO_AUDIT_CACHE_HOME", str(tmp_path))
    first = _run("explain", "maine-ch109", "1.03-1.D")
    assert len(list(tmp_path.glob("catalog-maine-ch109-*.json"))) == 1
    assert _run("explain", "maine-ch109", "1.03-1.D") == first
    checklist = load_checklist("maine-ch109")
    requirement = checklist.requirement("1.03-1.D")
    assert first == catalog.explain_text(checklist, requirement) + "\n"
    assert requirement.citation in first and "Evidence sought:" in first
    listing = _run("checklists")
    assert len(list(tmp_path.glob("catalog-*.json"))) == len(checklist_files())
    assert _run("checklists") == listing
    assert f"{len(checklist.requirements):>3} requirements  {checklist.title}" in listing
    ids = _run("checklists", "--ids", "maine-ch109").splitlines()
    assert [line.split()[0] for line in ids] == [r.id for r in checklist.requirements]


def test_a_changed_checklist_gets_a_new_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("HMO_AUDIT_CACHE_HOME", str(tmp_path / "cache"))
    source = checklist_files()["bcbsil-qi27"]
    copy = tmp_path / "checklists" / "bcbsil-qi27.yaml"
    copy.parent.mkdir()
    shutil.copy(source, copy)
    monkeypatch.setattr(catalog, "checklist_files", lambda: {"bcbsil-qi27": copy})
    monkeypatch.setattr(catalog, "checklist_source", lambda name: copy.read_bytes())
    monkeypatch.setattr("auditor.checklists.checklist_files", lambda: {"bcbsil-qi27": copy})
    before = catalog.entry("bcbsil-qi27")
    text = copy.read_text(encoding="utf-8")
    old_title = load_checklist(str(copy)).title
    copy.write_text(text.replace(old_title, "A renamed checklist", 1), encoding="utf-8")
    checklists._load.cache_clear()  # a process loads a path once; a new process would read the new rules
    after = catalog.entry("bcbsil-qi27")
    assert "A renamed checklist" in after["summary"][0] and old_title in before["summary"][0]
    assert len(list((tmp_path / "cache").glob("catalog-bcbsil-qi27-*.json"))) == 2


def test_damaged_or_unwritable_cache_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("HMO_AUDIT_CACHE_HOME", str(tmp_path))
    good = catalog.entry("mroqc-qip")
    (entry_file,) = tmp_path.glob("catalog-mroqc-qip-*.json")
    entry_file.write_text("{not json", encoding="utf-8")
    assert catalog.entry("mroqc-qip") == good
    entry_file.write_text(json.dumps({**good, "key": "another", "summary": ["stale"]}), encoding="utf-8")
    assert catalog.entry("mroqc-qip") == good
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("HMO_AUDIT_CACHE_HOME", str(blocked / "below"))  # below a file: cannot be created
    assert catalog.entry("mroqc-qip") == good
