"""The ``symrelu`` command line (see :mod:`symrelu.cli.main`)."""

from importlib import metadata

try:
    __version__ = metadata.version("symrelu")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "unknown"

__all__ = ["__version__"]
