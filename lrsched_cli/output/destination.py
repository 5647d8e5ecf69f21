"""Where output goes: stdout, or a file that is replaced only by a complete one.

`--output PATH` writes to a temporary file in PATH's folder and renames it over PATH once the
writer has finished (`os.replace`, atomic on POSIX and Windows within one file system). An
exception, a rate overflow mid-stream, Ctrl-C, SIGTERM or SIGHUP removes the temporary file, so
PATH is either what it was before or the whole new output, never a truncated mix. (A SIGKILL can
leave a hidden ``.PATH.*.tmp`` behind, PATH's name cut to fit, but still never touches PATH.) A
PATH that exists and is not a regular file (``/dev/null``, ``/dev/stdout``, a named pipe) is
written directly: renaming over it would replace the device or pipe itself.
"""

import contextlib
import errno
import io
import os
import signal
import stat
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from lrsched_cli.errors import LrschedError


@contextlib.contextmanager
def destination(path: Path | None, option: str | None = "output") -> Iterator[TextIO]:
    """Stdout (no PATH, or ``-``), or a UTF-8 text stream that becomes PATH.

    The stream has ``\\n`` line endings and a ``.buffer`` for bytes. PATH appears, or is
    replaced, only when the ``with`` block completes without an exception. Stdout that is
    closed (``>&-``) or fails (``> /dev/full``) is an `LrschedError` on ``option``, the option
    that chose stdout (None for a command without ``--output``), as a file that fails is.
    """
    if path is None or is_stdout(path):
        with _stdout(option) as stdout:
            yield stdout
        return
    try:
        kind = path.stat().st_mode
    except FileNotFoundError:
        kind = None
    except OSError as error:  # a name too long for the file system, a loop of links, ...
        raise LrschedError("output", f"cannot write {str(path)!r}: {error.strerror}") from None
    if kind is not None and stat.S_ISDIR(kind):
        raise LrschedError("output", f"is a folder, not a file: {str(path)!r}")
    if kind is not None and not stat.S_ISREG(kind):  # /dev/null, /dev/stdout, a FIFO: nothing to replace
        try:
            with open(path, "w", encoding="utf-8", newline="\n") as special:
                yield special
        except BrokenPipeError:  # -o /dev/stdout | head: the reader went, as on stdout itself
            silence_stdout()
            raise SystemExit(CLOSED_PIPE) from None
        except OSError as error:
            raise LrschedError("output", f"cannot write {str(path)!r}: {error.strerror}") from None
        return
    shown, path = path, Path(os.path.realpath(path))  # through a symlink: replace the file, keep the link
    try:
        import tempfile  # only for a file: a plain run to stdout does not load it

        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=_temporary_prefix(path), suffix=".tmp")
    except OSError as error:
        raise LrschedError("output", f"cannot write {str(shown)!r}: {error.strerror}") from None
    try:
        with _terminated_as_exit():
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
                yield stream
            os.chmod(temporary, _mode_for(path))
            os.replace(temporary, path)
    except BaseException as failure:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(failure, OSError):
            raise LrschedError("output", f"cannot write {str(shown)!r}: {failure.strerror}") from None
        raise


class ClosedStdout(io.TextIOBase):
    """``sys.stdout`` for a run started with stdout closed (``>&-``). Python leaves it None, and
    Click's help and ``--version`` then print nothing and succeed; this fails to write as a
    closed stream does, so that they fail as every other output does (exit 2, on stderr)."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "it is closed")

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "it is closed")


def streams_somewhere() -> None:
    """Started with stdout or stderr closed, Python leaves it None. Stdout: `ClosedStdout` stands
    in. Stderr (``2>&-``): Click would print a usage error to stdout, where a pipeline would read
    it as rows; messages for a closed stderr go nowhere, as they would have."""
    if sys.stdout is None:
        sys.stdout = ClosedStdout()
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the run


@contextlib.contextmanager
def _stdout(option: str | None) -> Iterator[TextIO]:
    """Stdout, flushed at the end; a reader closing the pipe ends the run quietly (141), any
    other failure to write is an `LrschedError` on ``option``, and the interpreter's last flush
    is pointed at /dev/null so that it cannot fail a second time with a traceback."""
    stdout = sys.stdout
    if stdout is None or isinstance(stdout, ClosedStdout):  # started with stdout closed (>&-)
        raise LrschedError(option, "cannot write to stdout: it is closed" + _elsewhere(option))
    try:
        yield stdout
        stdout.flush()  # a reader that closed the pipe shows here, not at interpreter exit
    except BrokenPipeError:
        silence_stdout()
        raise SystemExit(CLOSED_PIPE) from None
    except OSError as error:
        silence_stdout()
        why = error.strerror or str(error)
        raise LrschedError(option, f"cannot write to stdout: {why}{_elsewhere(option)}") from None
    except UnicodeEncodeError as error:  # a label the terminal's encoding cannot show
        shown = error.object[error.start : error.end]
        why = f"its encoding ({error.encoding}) cannot show {shown!r}; set PYTHONIOENCODING=utf-8"
        raise LrschedError(option, f"cannot write to stdout: {why}{_elsewhere(option)}") from None


def _elsewhere(option: str | None) -> str:
    return " (give --output FILE)" if option == "output" else ""


@contextlib.contextmanager
def _terminated_as_exit() -> Iterator[None]:
    """SIGTERM and SIGHUP (a CI timeout, ``kill``, a closed terminal) end the run as Ctrl-C does:
    through the cleanup above, exiting 128 + the signal's number, instead of dying mid-write."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def exit_on(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    caught = [s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]
    previous = {s: signal.signal(s, exit_on) for s in caught}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


CLOSED_PIPE = 128 + getattr(signal, "SIGPIPE", 13)
"""The exit status when the reader closes the pipe (``| head``): 141, as a GNU tool killed by
SIGPIPE reports, so that it is neither success nor a failed check (1) under ``set -o pipefail``."""


def silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush has nowhere to fail."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


NAME_MAX = 255
"""Bytes in one file name on the common file systems (ext4, XFS, APFS, NTFS in UTF-16 units)."""
TEMPORARY_EXTRA = len(".") + len(".") + 8 + len(".tmp")
"""What mkstemp adds around PATH's name: the dots, 8 random characters and the suffix."""


def _temporary_prefix(path: Path) -> str:
    """``.NAME.``, NAME cut to fit: a PATH of 242 to 255 bytes is a valid name, and its
    temporary file's name must be one too."""
    return "." + os.fsdecode(os.fsencode(path.name)[: NAME_MAX - TEMPORARY_EXTRA]) + "."


def is_stdout(path: Path | None) -> bool:
    return path is None or str(path) == "-"


def _mode_for(path: Path) -> int:
    """The replaced file's permissions, or what a plain ``open`` would give a new file."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
