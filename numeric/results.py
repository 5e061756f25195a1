"""Writing results safely: atomic files and provenance records.

Every file the project writes under ``reports/`` goes through
:func:`atomic_write_bytes` (or its text/JSON wrappers): the data is written to a
temporary file in the destination directory and renamed over the target, so an
interrupted run never leaves a half-written file behind. Files get the mode the
user's umask gives. A write that the system refuses (permissions, a name too
long, a full disk) raises :class:`OutputPathError`, naming the path.

Inside :func:`guarded_outputs` (the command line's ``--force`` rule) a write
never replaces a file that symrelu did not write: the manifest
``.symrelu-outputs.json`` in each folder lists the files symrelu wrote there
with the SHA-256 of their content, updated under a lock on the folder.

:func:`provenance` records what produced a result: parameters, seed, thread count,
package versions, the platform, the command line, the UTC time, symrelu's version and its
git revision when symrelu runs from its own checkout.

Examples
--------
>>> import json, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> p = atomic_write_json(d / "r.json", {"dc": "0.5"})
>>> json.loads(p.read_text())["dc"]
'0.5'
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import hashlib
import json
import os
import platform
import secrets
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from symrelu.errors import EnvironmentProblemError, SymreluError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "MANIFEST",
    "OutputExistsError",
    "OutputPathError",
    "atomic_write_bytes",
    "atomic_write_json",
    "atomic_write_text",
    "check_output",
    "guarded_outputs",
    "is_ours",
    "provenance",
    "read_manifest",
]

_DEFAULT_PACKAGES = ("symrelu", "sympy", "mpmath", "numpy", "python-flint")


class OutputPathError(EnvironmentProblemError):
    """An output file cannot be written: permissions, a name too long, a parent that is a
    file, a directory in the way, or a full disk. The message names the path."""


class OutputExistsError(SymreluError, FileExistsError):
    """Writing would replace a file that symrelu did not write (see :func:`guarded_outputs`)."""


#: the ownership manifest: ``{"files": {name: sha256}}`` of the files symrelu wrote in a folder
MANIFEST = ".symrelu-outputs.json"

_GUARD: contextvars.ContextVar[bool | None] = contextvars.ContextVar("symrelu_output_guard",
                                                                     default=None)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextlib.contextmanager
def _directory_lock(directory: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``directory`` itself (no lock file is left behind).

    Serialises the read-modify-write of the folder's manifest between processes
    and threads. Without ``fcntl`` (Windows) nothing is locked.
    """
    if fcntl is None:  # pragma: no cover - not on POSIX
        yield
        return
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def read_manifest(directory: str | os.PathLike) -> dict[str, str]:
    """``{name: sha256}`` of the files symrelu recorded in ``directory`` (empty if none).

    An unreadable or malformed manifest counts as empty: then no file is ours.

    Examples
    --------
    >>> import tempfile
    >>> read_manifest(tempfile.mkdtemp())
    {}
    """
    try:
        data = json.loads((Path(directory) / MANIFEST).read_text())
        return {str(k): str(v) for k, v in data.get("files", {}).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def is_ours(path: str | os.PathLike) -> bool:
    """True when ``path`` is in its folder's manifest with the SHA-256 of its current content.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with guarded_outputs():
    ...     p = atomic_write_text(d / "a.txt", "ours")
    >>> is_ours(p)
    True
    >>> _ = (d / "a.txt").write_text("edited by hand")
    >>> is_ours(p)
    False
    """
    path = Path(path)
    recorded = read_manifest(path.parent).get(path.name)
    if recorded is None:
        return False
    try:
        return _digest(path.read_bytes()) == recorded
    except OSError:
        return False


def _refuse_if_users(path: Path, force: bool) -> None:
    try:
        is_dir, exists = path.is_dir(), path.exists()
    except OSError as exc:  # e.g. a name too long
        raise _environment_error(path, exc) from None
    if is_dir:
        raise OutputPathError(f"{path} is a directory; cannot write a file there")
    if not force and exists and not is_ours(path):
        raise OutputExistsError(
            f"{path} exists and was not written by symrelu (or was edited since); "
            "pass --force to replace it"
        )


def check_output(path: str | os.PathLike, *, force: bool = False) -> Path:
    """Raise :class:`OutputExistsError` if writing ``path`` would replace a user's file.

    A file is the user's when it exists and is not :func:`is_ours`; ``force``
    accepts replacing it. Returns ``path`` as a :class:`~pathlib.Path`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "notes.txt").write_text("mine")
    >>> check_output(d / "new.txt").name
    'new.txt'
    >>> try:
    ...     check_output(d / "notes.txt")
    ... except OutputExistsError as exc:
    ...     print("refused")
    refused
    """
    path = Path(path)
    _refuse_if_users(path, force)
    return path


@contextlib.contextmanager
def guarded_outputs(force: bool = False) -> Iterator[None]:
    """Within this block every :func:`atomic_write_bytes` respects the user's files.

    A write refuses (:class:`OutputExistsError`) to replace an existing file
    that symrelu did not write, unless ``force``; each file written is recorded
    in its folder's manifest :data:`MANIFEST` with its SHA-256, under a lock, so
    concurrent writers in one folder lose no entry. The setting is a context
    variable: it covers this thread (and asyncio task) only.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "summary.txt").write_text("the user's own")
    >>> with guarded_outputs():
    ...     _ = atomic_write_text(d / "results.json", "{}")
    ...     try:
    ...         atomic_write_text(d / "summary.txt", "ours")
    ...     except OutputExistsError:
    ...         print("refused")
    refused
    >>> sorted(read_manifest(d)), (d / "summary.txt").read_text()
    (['results.json'], "the user's own")
    """
    token = _GUARD.set(bool(force))
    try:
        yield
    finally:
        _GUARD.reset(token)


def _environment_error(path: Path, exc: OSError) -> OutputPathError:
    what = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        what += " (free some space or choose another folder)"
    err = OutputPathError(f"cannot write a file ({what}): {path}")
    err.errno = exc.errno  # (strerror and filename stay unset: they would replace the message)
    return err


def _replace_atomically(path: Path, data: bytes) -> None:
    # O_EXCL creation with mode 0o666: the kernel applies the umask (and any default
    # ACL), so the file gets exactly the mode the user's umask gives, as open() would
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o666)
            break
        except FileExistsError:  # pragma: no cover - a 32-bit random name taken
            continue
    else:  # pragma: no cover
        raise FileExistsError(errno.EEXIST, "no free temporary name", str(path.parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file + rename).

    Parent directories are created. The file gets the mode the user's umask
    gives (``0o666 & ~umask``), like any file a program creates. Inside
    :func:`guarded_outputs` the write refuses to replace a user's file and is
    recorded in the folder's manifest. Returns the path written.

    Raises
    ------
    OutputPathError
        The file cannot be written (permissions, a name too long, a parent
        that is a file, a directory in the way, a full disk).
    OutputExistsError
        Inside :func:`guarded_outputs` without ``force``: ``path`` is a file
        symrelu did not write.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> atomic_write_bytes(d / "sub" / "a.bin", b"ab").read_bytes()
    b'ab'
    >>> try:
    ...     atomic_write_bytes(d / "sub" / "a.bin" / "b.bin", b"")
    ... except OutputPathError as exc:
    ...     print("a parent is a file:", exc.errno == errno.ENOTDIR)
    a parent is a file: True
    """
    path = Path(path)
    force = _GUARD.get()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if force is None:
            _replace_atomically(path, data)
            return path
        with _directory_lock(path.parent):
            _refuse_if_users(path, force)
            _replace_atomically(path, data)
            manifest = read_manifest(path.parent)
            manifest[path.name] = _digest(data)
            body = json.dumps({"files": dict(sorted(manifest.items()))}, indent=1) + "\n"
            _replace_atomically(path.parent / MANIFEST, body.encode())
    except (OutputPathError, OutputExistsError):
        raise
    except FileExistsError as exc:  # mkdir: a parent is an existing file
        raise _environment_error(path, OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR),
                                               exc.filename)) from None
    except OSError as exc:
        raise _environment_error(path, exc) from None
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike, obj: Any, *, indent: int = 2) -> Path:
    """Write ``obj`` as JSON to ``path`` atomically (keys sorted, trailing newline).

    Values JSON does not know (sympy numbers, mpmath numbers, paths) are written
    with ``str``, which for exact numbers keeps every digit.
    """
    text = json.dumps(obj, indent=indent, sort_keys=True, default=str) + "\n"
    return atomic_write_text(path, text)


def _git_revision() -> str | None:
    """symrelu's own git revision, only when it runs from its own checkout.

    The git top level of the imported package must be the symrelu source tree
    (it holds this very ``symrelu/__init__.py``): a pip install inside a
    user's repository records no revision, not the user's.
    """
    import symrelu

    package = Path(symrelu.__file__).resolve()
    here = package.parent
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=here,
                             capture_output=True, text=True, timeout=5)
        if top.returncode != 0 or not top.stdout.strip():
            return None
        root = Path(top.stdout.strip()).resolve()
        if (root / "symrelu" / "__init__.py").resolve() != package:
            return None
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                             text=True, timeout=5)
        rev = out.stdout.strip()
        if out.returncode != 0 or not rev:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=root, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return rev + ("+dirty" if dirty.returncode == 0 and dirty.stdout.strip() else "")


def _command_line() -> str:
    """The command line of this process, program name without its directory."""
    import shlex

    argv = list(sys.argv) or [""]
    return shlex.join([Path(argv[0]).name, *argv[1:]])


def _threads(threads: int | None) -> int | None:
    if threads is not None:
        return int(threads)
    torch = sys.modules.get("torch")  # only when the run imported it: never imported here
    return int(torch.get_num_threads()) if torch is not None else None


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def provenance(
    parameters: Mapping[str, Any] | None = None,
    *,
    seed: int | None = None,
    packages: Iterable[str] = (),
    timestamp: bool = True,
    threads: int | None = None,
) -> dict[str, Any]:
    """A provenance record for a result file.

    It records symrelu's version, its git revision (only when symrelu runs
    from its own checkout), the command line, the UTC time, the versions of
    the packages, the seed and the thread count. None of it enters a result's
    numbers or a resume fingerprint: a fixed seed gives identical numbers
    whatever the time.

    Parameters
    ----------
    parameters : mapping, optional
        The parameters of the run, stored as given.
    seed : int, optional
        The random seed.
    packages : iterable of str
        Distribution names whose versions to record, beyond the core ones.
    timestamp : bool
        Include the UTC creation time (``created``). Pass False where two runs
        with the same seed must produce byte-identical files.
    threads : int, optional
        The thread count of the run; default: torch's, when the run imported torch.

    Examples
    --------
    >>> rec = provenance({"order": 6}, seed=0, timestamp=False)
    >>> rec["parameters"], rec["seed"], "sympy" in rec["versions"]
    ({'order': 6}, 0, True)
    >>> rec["symrelu"] == rec["versions"]["symrelu"], "command" in rec, "created" in rec
    (True, True, False)
    >>> provenance(threads=2)["threads"], provenance()["created"].endswith("+00:00")
    (2, True)
    """
    names = list(dict.fromkeys([*_DEFAULT_PACKAGES, *packages]))
    record: dict[str, Any] = {
        "parameters": dict(parameters or {}),
        "seed": seed,
        "versions": {"python": sys.version.split()[0], **{n: _version(n) for n in names}},
        "platform": platform.platform(),
        "symrelu": _version("symrelu"),
        "git_revision": _git_revision(),
        "command": _command_line(),
        "threads": _threads(threads),
    }
    if timestamp:
        record["created"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return record
