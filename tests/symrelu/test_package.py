"""Package hygiene: layering, import weight, public entry points, documentation."""

import inspect
import subprocess
import sys

import symrelu as sr


def test_import_symrelu_stays_light():
    code = (
        "import sys, symrelu, numeric; "
        "heavy = [m for m in ('torch', 'matplotlib', 'numeric.experiments.vc') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_core_imports_nothing_from_the_upper_layers():
    import pathlib

    root = pathlib.Path(sr.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text()
        for layer in ("numeric", "derivations", "symrelu_cli", "torch", "matplotlib"):
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

    import numeric

    with pytest.raises(sr.SymreluError, match="fs must be a positive finite number"):
        numeric.sample(sr.MultiTone(amplitudes=[1], frequencies=[1]), fs=-1, duration=1)
    with pytest.raises(numeric.NumericInputError, match="NaN or infinite"):
        numeric.spectrum(np.array([1.0, np.nan]), fs=8)
