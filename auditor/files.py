"""Writing files so that a reader only ever sees the old file or the whole new one: never a truncated target, and no
`.part` file left behind when the write fails (a full disk, a read-only folder) or is interrupted."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path


def write_atomic(target: str | Path, data: bytes | str, *, newline: str | None = None) -> None:
    """Write `data` (text as UTF-8; `newline=None` writes "\\n" as the platform's line end, "" as it is) to a
    temporary file beside the target, then rename it over the target. On any failure the temporary file is removed
    and the target is as it was; the error (an OSError naming the file) is raised."""
    target = Path(target)
    if isinstance(data, str):
        if newline is None and os.linesep != "\n":
            data = data.replace("\n", os.linesep)
        data = data.encode("utf-8")
    try:
        mode = os.stat(target).st_mode  # follows a link: the file it names is what is replaced
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        # A device, FIFO or socket (-o /dev/null, -o /dev/stdout): written to as it is, never renamed over: a
        # rename would put a regular file where the device was.
        with open(target, "wb") as handle:
            handle.write(data)
        return
    target = Path(os.path.realpath(target))  # a link stays a link; the file it names gets the new content
    part = target.with_name(f"{target.name}.{os.getpid()}.{secrets.token_hex(3)}.part")
    try:
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(target)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(part, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:
            raise OSError(exc.errno, exc.strerror, str(target)) from exc
        raise


def remove_parts(folder: str | Path, recursive: bool = False) -> None:
    """Remove the temporary files `write_atomic` leaves when its process is killed mid-write (kill -9, a worker
    terminated on Ctrl-C or by the out-of-memory killer)."""
    with contextlib.suppress(OSError):
        for part in (Path(folder).rglob if recursive else Path(folder).glob)("*.part"):
            with contextlib.suppress(OSError):
                part.unlink()
