"""Reading a submission in a child process while this one builds the matchers.

Importing spaCy and compiling the checklists' matchers costs about 1.5 s of CPU, and reading a long PDF costs
seconds of CPU that need neither: on a machine with two cores or more, a forked child reads the files while the
parent prepares, and sends the Documents back. Where fork is not offered, one core is, or other threads run (a
fork would copy the locks they hold), the parent reads the files itself; so it does when the child fails in any
way (killed for memory, a Document that cannot be sent). The Documents are the same either way.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable

from auditor.document import Document

ReadAll = Callable[[Callable[[str], None] | None], list[Document]]


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worth_forking() -> bool:
    return (_cores() >= 2 and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1 and not multiprocessing.current_process().daemon)


def read_while_preparing(read_all: ReadAll, prepare: Callable[[], None],
                         on_file: Callable[[str], None] | None = None) -> list[Document]:
    """`read_all(on_file)`'s Documents, read in a child while `prepare()` runs here; the files' names reach
    `on_file` here, in order, once `prepare` is done."""
    if not worth_forking():
        documents = read_all(on_file)
        prepare()
        return documents
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_read_in_child, args=(sender, read_all), daemon=True)
    child.start()
    sender.close()
    try:
        prepare()
        documents = _received(receiver, on_file)
    finally:
        receiver.close()
        child.join()
    return documents if documents is not None else read_all(on_file)


def _received(receiver, on_file: Callable[[str], None] | None) -> list[Document] | None:
    while True:
        try:
            kind, value = receiver.recv()
        except (EOFError, OSError, ValueError, TypeError, AttributeError, ImportError):  # the child died
            return None
        if kind == "done":
            return value
        if on_file is not None:
            on_file(value)


def _read_in_child(sender, read_all: ReadAll) -> None:
    from extractors.pdf import allow_page_helper

    # the parent waits for the Documents once prepared: its core can read a long PDF's pages
    allow_page_helper(_cores())
    try:
        sender.send(("done", read_all(lambda shown: sender.send(("file", shown)))))
    except Exception:  # noqa: BLE001 - the parent sees the pipe close and reads the files itself
        pass
    finally:
        sender.close()
