"""No fallbacks for the project's own code: first-party imports are direct, breakage is loud.

A renamed or missing function of symrelu, numeric, derivations or symrelu_cli must fail (an
ImportError or AttributeError, a failing test), never turn into a note, a stand-in value, an
exit code "not installed" or a skipped test. These checks read the sources, so the patterns
that hid such breakage before cannot come back.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("symrelu", "numeric", "derivations", "symrelu_cli")
FIRST_PARTY = frozenset(PACKAGES)
IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "AttributeError", "Exception",
                           "BaseException"})


def _sources(*dirs: str) -> list[Path]:
    return sorted(p for d in dirs for p in (ROOT / d).rglob("*.py"))


PACKAGE_FILES = _sources(*PACKAGES)
TEST_FILES = [p for p in _sources("tests") if p.name != Path(__file__).name]


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name


def _hits(files: list[Path], pattern: str) -> list[str]:
    rx = re.compile(pattern)
    return [f"{_rel(p)}:{i}: {line.strip()}" for p in files
            for i, line in enumerate(p.read_text().splitlines(), 1) if rx.search(line)]


def test_the_sources_are_found():
    assert len(PACKAGE_FILES) > 30 and len(TEST_FILES) > 20
    assert ROOT / "numeric" / "convergence.py" in PACKAGE_FILES


@pytest.mark.parametrize("pattern,what", [
    (r"\boptional_api\b", "the CLI's optional_api (a renamed function became exit 3)"),
    (r"def optional\(", "symrelu.derivations.optional (None for a missing symrelu function)"),
    (r"(?i)stand-in", "a stand-in for one of symrelu's own functions"),
    (r"symrelu is this project", "a branch for symrelu being absent"),
    (r"not part of this (installation|project)", "a message for a missing first-party module"),
    (r"\bhasattr\((sr|symrelu)\s*,|\bgetattr\((sr|symrelu)\s*,[^,)]+,",
     "a check whether symrelu has a function (hasattr, getattr with a default)"),
    (r"\bdc_backend\b", "V-B's choice between symrelu.filtered_dc and a fallback"),
])
def test_no_fallback_pattern_in_the_packages(pattern, what):
    assert _hits(PACKAGE_FILES, pattern) == [], what


def _handled(handler: ast.ExceptHandler) -> set[str]:
    if handler.type is None:  # a bare except catches everything
        return {"BaseException"}
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {t.id if isinstance(t, ast.Name) else getattr(t, "attr", "") for t in types}


def _first_party_imports(nodes: list[ast.stmt]) -> list[str]:
    found = []
    for node in (n for stmt in nodes for n in ast.walk(stmt)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module"
              and node.args and isinstance(node.args[0], (ast.Constant, ast.JoinedStr))):
            first = node.args[0]
            text = first.value if isinstance(first, ast.Constant) else \
                "".join(v.value for v in first.values if isinstance(v, ast.Constant))
            names = [str(text)]
        found += [n for n in names if n.split(".")[0] in FIRST_PARTY]
    return found


def _guarded_first_party_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(_handled(h) & IMPORT_ERRORS for h in node.handlers):
            out += [f"{_rel(path)}:{node.lineno}: {name}"
                    for name in _first_party_imports(node.body)]
    return out


def test_no_first_party_import_inside_an_import_error_handler():
    hits = [h for p in PACKAGE_FILES for h in _guarded_first_party_imports(p)]
    assert hits == [], "import first-party code directly; let its breakage fail loudly"


def test_the_import_check_catches_the_old_pattern(tmp_path):
    # the shape numeric/experiments/vd.py had before: try: import symrelu / except ImportError
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    try:\n        import symrelu\n    except ImportError:\n"
                   "        return None\n    try:\n        m = importlib.import_module("
                   "f'symrelu.numeric.experiments.{n}')\n    except (ValueError, ModuleNotFoundError):\n"
                   "        pass\n    try:\n        import fcntl\n    except ImportError:\n"
                   "        pass\n")
    assert [h.split(": ", 1)[1] for h in _guarded_first_party_imports(bad)] == [
        "symrelu", "symrelu.numeric.experiments."]


@pytest.mark.parametrize("pattern,what", [
    # (an assert on hasattr is a test of the API, e.g. that a removed name stays removed)
    (r"^(?!\s*assert\b).*\bhasattr\((sr|symrelu|numeric|vb|vd|va|vc)\s*,"
     r"|\bgetattr\((sr|symrelu|numeric|vb|vd|va|vc)\s*,[^,)]+,",
     "a test that depends on whether a project function exists"),
    (r"importorskip\(\s*[\"'](symrelu|numeric|derivations|symrelu_cli)\b",
     "a test skipped when a first-party module is missing"),
    (r"(?i)skip.*not available", "a skip for something 'not available' (our own code?)"),
    (r"\bdc_backend\b|_symrelu_predictor", "a test keyed on a removed fallback"),
])
def test_no_test_skips_when_project_code_is_missing(pattern, what):
    assert _hits(TEST_FILES, pattern) == [], what
