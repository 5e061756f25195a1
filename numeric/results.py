"""Writing results safely: atomic files and provenance records.

Every file the project writes under ``reports/`` goes through
:func:`atomic_write_bytes` (or its text/JSON wrappers): the data is written to a
temporary file in the destination directory and renamed over the target, so an
interrupted run never leaves a half-written file behind.

:func:`provenance` records what produced a result: parameters, seed, package
versions, the platform and the git revision when the code runs from a checkout.

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
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["atomic_write_bytes", "atomic_write_text", "atomic_write_json", "provenance"]

_DEFAULT_PACKAGES = ("symrelu", "sympy", "mpmath", "numpy", "python-flint")


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file + rename).

    Parent directories are created. Returns the path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
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
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    rev = out.stdout.strip()
    if out.returncode != 0 or not rev:
        return None
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=here,
        capture_output=True,
        text=True,
        timeout=5,
    )
    return rev + ("+dirty" if dirty.returncode == 0 and dirty.stdout.strip() else "")


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
) -> dict[str, Any]:
    """A provenance record for a result file.

    Parameters
    ----------
    parameters : mapping, optional
        The parameters of the run, stored as given.
    seed : int, optional
        The random seed.
    packages : iterable of str
        Distribution names whose versions to record, beyond the core ones.
    timestamp : bool
        Include the UTC creation time. Pass False where two runs with the same
        seed must produce byte-identical files.

    Examples
    --------
    >>> rec = provenance({"order": 6}, seed=0, timestamp=False)
    >>> rec["parameters"], rec["seed"], "sympy" in rec["versions"]
    ({'order': 6}, 0, True)
    """
    names = list(dict.fromkeys([*_DEFAULT_PACKAGES, *packages]))
    record: dict[str, Any] = {
        "parameters": dict(parameters or {}),
        "seed": seed,
        "versions": {"python": sys.version.split()[0], **{n: _version(n) for n in names}},
        "platform": platform.platform(),
        "git_revision": _git_revision(),
    }
    if timestamp:
        record["created"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return record
