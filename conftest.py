"""Doctest collection for the folders that install under another name.

numeric/, derivations/ and symrelu_cli/ install as symrelu.numeric, symrelu.derivations and
symrelu.cli (pyproject.toml maps them). pytest collects the doctests of a file by its path, so
it would import numeric/spectra.py a second time as a top-level ``numeric.spectra``, with its own
copies of every class. Before a file there is collected, its path name is bound to the installed
module, so each module exists once and the doctests run against what users import.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTALLED_AS = {"numeric": "symrelu.numeric", "derivations": "symrelu.derivations",
                "symrelu_cli": "symrelu.cli"}


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix != ".py" or not file_path.is_relative_to(ROOT):
        return None
    parts = list(file_path.relative_to(ROOT).with_suffix("").parts)
    if parts[0] not in INSTALLED_AS or parts[-1] == "conftest":
        return None
    if parts[-1] == "__init__":
        parts.pop()
    for depth in range(1, len(parts) + 1):
        path_name = ".".join(parts[:depth])
        installed = ".".join([INSTALLED_AS[parts[0]], *parts[1:depth]])
        sys.modules.setdefault(path_name, importlib.import_module(installed))
    return None
