"""Reading in a child process while the matchers are built (auditor.overlap): the same Documents either way."""

import datetime as dt
import os
import threading
from pathlib import Path

import pytest

from auditor import api, overlap

SAMPLE = Path("fixtures") / "sample-submission"
FILES = sorted((p, p.name) for p in SAMPLE.iterdir() if p.suffix in {".pdf", ".docx", ".txt"})

needs_fork = pytest.mark.skipif(not overlap.worth_forking(), reason="fork or a second core is not available here")


def _read_all(on_file):
    return api.read_documents([str(SAMPLE)], None, on_file, files=FILES)


@needs_fork
def test_the_child_reads_what_the_parent_would_and_names_each_file_in_order():
    parent = os.getpid()
    prepared, shown = [], []

    def read_all(on_file):
        assert os.getpid() != parent  # read in the child: the parent is preparing meanwhile
        return _read_all(on_file)

    documents = overlap.read_while_preparing(read_all, lambda: prepared.append(os.getpid()), shown.append)
    assert prepared == [parent]
    assert shown == [name for _path, name in FILES]
    assert [d.model_dump() for d in documents] == [d.model_dump() for d in _read_all(None)]


@needs_fork
def test_a_child_that_dies_costs_nothing_the_parent_reads_the_files():
    parent = os.getpid()

    def read_all(on_file):
        if os.getpid() != parent:
            os._exit(9)  # killed (memory, a signal): nothing comes back
        return _read_all(on_file)

    shown = []
    documents = overlap.read_while_preparing(read_all, lambda: None, shown.append)
    assert [d.path for d in documents] == [name for _path, name in FILES]
    assert shown == [name for _path, name in FILES]


def test_no_fork_while_another_thread_runs():
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert not overlap.worth_forking()
        parent = os.getpid()
        documents = overlap.read_while_preparing(lambda on_file: [os.getpid()], lambda: None)
        assert documents == [parent]
    finally:
        release.set()
        thread.join()


def test_an_audit_read_alongside_equals_one_read_in_turn():
    plain = api.audit([str(SAMPLE)], ["maine-ch109"], dt.date(2025, 3, 1))
    alongside = api.audit([str(SAMPLE)], ["maine-ch109"], dt.date(2025, 3, 1), overlap=True)
    assert alongside.model_dump() == plain.model_dump()
