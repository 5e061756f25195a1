"""Writing output files safely: atomically, and never over a user's file.

Every file the command line writes goes through :class:`OutputGuard`. A file
is *ours* when the manifest ``.symrelu-outputs.json`` in its directory lists it
with the SHA-256 of its current content: symrelu wrote it and nobody changed it
since. Any other existing file is the user's and is only replaced with
``--force``. Writes are atomic (temporary file in the same directory, then
rename), so an interrupted run leaves either the old file or the new one.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from symrelu_cli._util import CLIError

__all__ = ["MANIFEST", "OutputGuard", "atomic_write"]

MANIFEST = ".symrelu-outputs.json"


def atomic_write(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    The project's single implementation, :func:`numeric.results.atomic_write_bytes`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = atomic_write(pathlib.Path(tempfile.mkdtemp()) / "a.txt", b"hi")
    >>> p.read_bytes()
    b'hi'
    """
    from numeric.results import atomic_write_bytes

    return atomic_write_bytes(path, data)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class OutputGuard:
    """Checks and performs writes under the ``--force`` rule.

    Parameters
    ----------
    force : bool
        Replace existing files that symrelu did not write (or that were
        edited since).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "mine.tex").write_text("user text")
    9
    >>> guard = OutputGuard()
    >>> guard.write(d / "new.tex", b"ok").name
    'new.tex'
    >>> guard.write(d / "new.tex", b"again").read_bytes()   # ours: replaced
    b'again'
    >>> try:
    ...     guard.write(d / "mine.tex", b"x")
    ... except Exception as exc:
    ...     print(type(exc).__name__)
    CLIError
    """

    def __init__(self, force: bool = False) -> None:
        self.force = force

    @staticmethod
    def _manifest(directory: Path) -> dict[str, str]:
        try:
            data = json.loads((directory / MANIFEST).read_text())
            return {str(k): str(v) for k, v in data.get("files", {}).items()}
        except (OSError, ValueError, AttributeError):
            return {}

    def is_ours(self, path: str | os.PathLike) -> bool:
        """True when ``path`` is listed in its directory's manifest with its current content."""
        path = Path(path)
        recorded = self._manifest(path.parent).get(path.name)
        if recorded is None:
            return False
        try:
            return _digest(path.read_bytes()) == recorded
        except OSError:
            return False

    def check(self, path: str | os.PathLike) -> Path:
        """Raise :class:`CLIError` if writing ``path`` would replace a user's file."""
        path = Path(path)
        if path.is_dir():
            raise CLIError(f"{path} is a directory; give a file name")
        if path.exists() and not self.force and not self.is_ours(path):
            raise CLIError(
                f"{path} exists and was not written by symrelu (or was edited since); "
                "pass --force to replace it"
            )
        return path

    def write(self, path: str | os.PathLike, data: bytes | str) -> Path:
        """Check, write atomically and record ``path`` in the manifest."""
        path = self.check(path)
        if isinstance(data, str):
            data = data.encode("utf-8")
        atomic_write(path, data)
        manifest = self._manifest(path.parent)
        manifest[path.name] = _digest(data)
        body = json.dumps({"files": dict(sorted(manifest.items()))}, indent=1) + "\n"
        atomic_write(path.parent / MANIFEST, body.encode())
        return path

    def check_directory(self, directory: str | os.PathLike) -> Path:
        """An output directory must not be a file; it may exist."""
        directory = Path(directory)
        if directory.exists() and not directory.is_dir():
            raise CLIError(f"{directory} exists and is not a directory")
        return directory
