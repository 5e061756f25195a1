"""Writing output files safely: atomically, and never over a user's file.

Every file the command line writes goes through :class:`OutputGuard`. A file
is *ours* when the manifest ``.symrelu-outputs.json`` in its directory lists it
with the SHA-256 of its current content: symrelu wrote it and nobody changed it
since. Any other existing file is the user's and is only replaced with
``--force``. Writes are atomic (temporary file in the same directory, then
rename), so an interrupted run leaves either the old file or the new one.
The manifest and the writes live in :mod:`symrelu.numeric.results`, the project's one
door for files; this module adds the command line's one-line errors.
"""

from __future__ import annotations

import os
from pathlib import Path

from symrelu.cli._util import CLIError

__all__ = ["MANIFEST", "OutputGuard", "atomic_write"]

MANIFEST = ".symrelu-outputs.json"  # the same name as symrelu.numeric.results.MANIFEST


def atomic_write(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    The project's single implementation, :func:`symrelu.numeric.results.atomic_write_bytes`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = atomic_write(pathlib.Path(tempfile.mkdtemp()) / "a.txt", b"hi")
    >>> p.read_bytes()
    b'hi'
    """
    from symrelu.numeric.results import atomic_write_bytes

    return atomic_write_bytes(path, data)


class OutputGuard:
    """Checks and performs writes under the ``--force`` rule.

    A thin layer over :mod:`symrelu.numeric.results` (:func:`~symrelu.numeric.results.is_ours`,
    :func:`~symrelu.numeric.results.guarded_outputs`), which keeps the manifest under a
    lock so that concurrent runs in one folder lose no entry.

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
    ...     print(type(exc).__name__, "--force" in str(exc))
    OutputExistsError True
    """

    def __init__(self, force: bool = False) -> None:
        self.force = force

    def is_ours(self, path: str | os.PathLike) -> bool:
        """True when ``path`` is listed in its directory's manifest with its current content."""
        from symrelu.numeric.results import is_ours

        return is_ours(path)

    def check(self, path: str | os.PathLike) -> Path:
        """Raise if writing ``path`` would replace a user's file, or cannot be done.

        :class:`~symrelu.numeric.results.OutputExistsError` names the file and
        ``--force``; :class:`~symrelu.numeric.results.OutputPathError` a path that is a
        directory or cannot be looked at (a name too long). Both exit with 2.
        """
        from symrelu.numeric.results import check_output

        return check_output(path, force=self.force)

    def write(self, path: str | os.PathLike, data: bytes | str) -> Path:
        """Check, write atomically and record ``path`` in the manifest (under a lock)."""
        from symrelu.numeric.results import guarded_outputs

        path = self.check(path)
        if isinstance(data, str):
            data = data.encode("utf-8")
        with guarded_outputs(self.force):
            return atomic_write(path, data)

    def check_directory(self, directory: str | os.PathLike) -> Path:
        """An output directory must not be a file; it may exist."""
        from symrelu.numeric.results import OutputPathError

        directory = Path(directory)
        try:
            is_file = directory.exists() and not directory.is_dir()
        except OSError as exc:
            raise OutputPathError(f"cannot use {directory}: {exc.strerror or exc}") from None
        if is_file:
            raise CLIError(f"{directory} exists and is not a directory")
        return directory
