"""Package hygiene: layering, import weight, public entry points, documentation."""

import inspect
import subprocess
import sys

import symrelu as sr


def test_import_symrelu_stays_light():
    code = (
        "import sys, symrelu, symrelu.numeric; "
        "heavy = [m for m in ('torch', 'matplotlib', 'symrelu.numeric.experiments.vc') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_core_imports_nothing_from_the_upper_layers():
    import pathlib

    root = pathlib.Path(sr.__file__).parent
    # installed from a wheel, the upper layers sit inside symrelu/ (symrelu/numeric, ...)
    upper = {"numeric", "derivations", "cli"}
    for path in root.rglob("*.py"):
        if path.relative_to(root).parts[0] in upper:
            continue
        text = path.read_text()
        for layer in ("symrelu.numeric", "symrelu.derivations", "symrelu.cli", "numeric",
                      "derivations", "symrelu_cli", "torch", "matplotlib"):
            assert f"import {layer}" not in text and f"from {layer}" not in text, (path, layer)


def test_entry_points_keep_their_signatures():
    assert list(inspect.signature(sr.MultiTone).parameters)[:4] == [
        "amplitudes", "frequencies", "phases", "offset"
    ]
    assert {"order", "center", "activation", "regime"} <= set(inspect.signature(sr.expand).parameters)
    assert {"activation", "regime", "dps"} <= set(inspect.signature(sr.exact_dc).parameters)
    assert {"at", "activation", "regime", "dps"} <= set(inspect.signature(sr.exact_coefficient).parameters)
    e = sr.expand(sr.MultiTone(amplitudes=[1], frequencies=[1]), order=1)
    for name in ("dc", "coefficient", "spectrum", "certificate", "frequencies", "term", "latex"):
        assert hasattr(e, name)


def test_every_public_name_documents_itself_with_an_example():
    missing = []
    for name in sr.__all__:
        obj = getattr(sr, name)
        if inspect.isclass(obj) and issubclass(obj, (Exception, Warning)):
            assert inspect.getdoc(obj), name
            continue
        doc = inspect.getdoc(obj) or ""
        if "Examples" not in doc:
            missing.append(name)
    assert not missing, f"public names without an Examples section: {missing}"


def test_errors_are_value_type_or_os_errors():
    # OSError only for an unusable environment (EnvironmentProblemError and its subclasses)
    for name in sr.__all__:
        obj = getattr(sr, name)
        if inspect.isclass(obj) and issubclass(obj, sr.SymreluError):
            if issubclass(obj, OSError):
                assert issubclass(obj, sr.EnvironmentProblemError), name
                continue
            assert issubclass(obj, (ValueError, TypeError)) or obj is sr.SymreluError, name


def test_numeric_errors_are_symrelu_errors():
    import numpy as np
    import pytest
    import symrelu.numeric as numeric

    with pytest.raises(sr.SymreluError, match="fs must be a positive finite number"):
        numeric.sample(sr.MultiTone(amplitudes=[1], frequencies=[1]), fs=-1, duration=1)
    with pytest.raises(numeric.NumericInputError, match="NaN or infinite"):
        numeric.spectrum(np.array([1.0, np.nan]), fs=8)


# ------------------------------------------------------------------ one installed namespace
REPO = __import__("pathlib").Path(__file__).resolve().parents[2]
INSTALLED_AS = {"symrelu": "symrelu", "numeric": "symrelu.numeric",
                "derivations": "symrelu.derivations", "symrelu_cli": "symrelu.cli"}
INSTALLED_AS_FOLDER = {v.split(".")[-1]: k for k, v in INSTALLED_AS.items() if k != "symrelu"}


def test_no_source_imports_the_folder_names():
    # numeric/, derivations/ and symrelu_cli/ import as symrelu.numeric, ... once installed; from
    # the checkout's root the folder names would also import, so only this check catches a slip
    import re

    old = re.compile(r"^\s*(from|import)\s+(numeric|derivations|symrelu_cli)\b|"
                     r">>>\s*(from|import)\s+(numeric|derivations|symrelu_cli)\b")
    hits = [f"{p.relative_to(REPO)}:{i}" for folder in [*INSTALLED_AS, "tests"]
            for p in (REPO / folder).rglob("*.py")
            for i, line in enumerate(p.read_text().splitlines(), 1) if old.search(line)]
    hits += [f"README.md:{i}" for i, line in enumerate((REPO / "README.md").read_text()
                                                       .splitlines(), 1) if old.search(line)]
    assert hits == []


def test_pyproject_maps_every_package_folder_under_symrelu():
    import tomllib

    with open(REPO / "pyproject.toml", "rb") as f:
        setuptools = tomllib.load(f)["tool"]["setuptools"]
    folders = {v: k for k, v in setuptools["package-dir"].items()}
    expected = set()
    for folder, name in INSTALLED_AS.items():
        for init in (REPO / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(REPO / folder).parts
            expected.add(".".join([name, *parts]))
        assert folder == "symrelu" or folders[folder] == name
    # data folders (no Python) are packages too, shipping exactly their package-data
    data = {name for name in setuptools["packages"] if name not in expected}
    assert data == {"symrelu.numeric.data.kidppg"}
    for name in data:
        folder = REPO / INSTALLED_AS_FOLDER[name.split(".")[1]] / "/".join(name.split(".")[2:])
        assert sorted(f.name for f in folder.iterdir()) == sorted(
            setuptools["package-data"][name])
    assert expected <= set(setuptools["packages"])
    assert all(p.split(".")[0] == "symrelu" for p in setuptools["packages"])


def test_the_wheel_holds_symrelu_and_nothing_else(tmp_path):
    import shutil
    import zipfile

    # built from a copy, so the build leaves nothing in the checkout
    source = tmp_path / "source"
    for folder in INSTALLED_AS:
        shutil.copytree(REPO / folder, source / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "LICENSES", source / "LICENSES")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(source)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("symrelu-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"symrelu"}
    for module in ("symrelu/numeric/spectra.py", "symrelu/numeric/experiments/vc.py",
                   "symrelu/derivations/assemble.py", "symrelu/cli/main.py"):
        # (the weights and their notice: tests/numeric/test_kidppg.py, with their SHA-256)
        assert module in names
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "symrelu = symrelu.cli.main:main" in zipfile.ZipFile(wheel).read(entry).decode()
    # PEP 561 marker, and PEP 639 licence metadata: both licences named, their texts carried
    assert "symrelu/py.typed" in names
    info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
    for text in ("LICENSE", "LICENSES/GPL-3.0.txt", "numeric/data/kidppg/NOTICE.md"):
        assert f"{info}/licenses/{text}" in names, text
    metadata = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode().splitlines()
    assert "License-Expression: MIT AND GPL-3.0-only" in metadata
    assert not any(line.startswith("Classifier: License ::") for line in metadata)  # PEP 639
    assert {"Classifier: Typing :: Typed", "Classifier: Intended Audience :: Science/Research",
            "Project-URL: Paper, https://arxiv.org/abs/2407.16556"} <= set(metadata)


def test_the_lazy_engine_is_reachable_as_an_attribute():
    # ``import symrelu`` defers symrelu.exact; attribute access still finds the subpackage
    code = ("import sys, symrelu; assert 'symrelu.exact' not in sys.modules; "
            "print(symrelu.exact.values.exact_dc is symrelu.exact_dc)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
