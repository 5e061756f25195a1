"""symrelu's results speak SymPy, Jupyter, numpy and pandas; ``import symrelu`` stays light.

- LaTeX: every result prints itself through sympy's printer protocol (``_latex``), so
  ``sympy.latex(obj, **settings)`` is ``symrelu.latex(obj, **settings)`` and the settings
  act as sympy's own: checked against sympy printing the same sympy values (or the same
  expression, or the same dict) with the same settings.
- Arrays: ``Spectrum.to_numpy`` against FFTs of the truncated polynomial sampled in time
  (periodic) or on the torus (generic), and at 50 digits against an mpmath trapezoid sum,
  exact for trigonometric polynomials.
"""

from __future__ import annotations

import re
import subprocess
import sys

import mpmath
import numpy as np
import pytest
import sympy
from sympy.printing.latex import LatexPrinter

import symrelu as sr
from symrelu.latex import closed_form_latex

SETTINGS = [{}, {"mul_symbol": "dot"}, {"mul_symbol": "times"}, {"fold_short_frac": True}]


def _objects() -> dict:
    """One of each result object."""
    periodic = sr.expand(sr.MultiTone.parse("1@1 + 1@2"), order=4)
    generic = sr.expand(sr.MultiTone.parse("1@1 + 1@sqrt(2)"), order=1)
    return {
        "signal": sr.MultiTone.parse("0.2 + 1@5 - 0.5@7:pi/2"),
        "expansion": periodic,
        "spectrum periodic": sr.expand(sr.MultiTone.parse("1@1 + 1@2:0.5"), order=1).spectrum(),
        "spectrum generic": generic.spectrum(),
        "certificate": periodic.certificate,
        "certificate numeric": sr.expand(sr.MultiTone.parse("1@1 + 1@3:0.5"), order=3).certificate,
        "convergence table": sr.convergence_table(sr.MultiTone.parse("1@1"), 2,
                                                  center="mean_square", dps=15),
        "closed form": sr.closed_form(sr.MultiTone.parse("1@3")),
    }


OBJECTS = _objects()


# ------------------------------------------------------------------ sympy.latex and _repr_latex_
@pytest.mark.parametrize("settings", SETTINGS, ids=str)
@pytest.mark.parametrize("name", list(OBJECTS))
def test_sympy_latex_is_symrelu_latex(name, settings):
    obj = OBJECTS[name]
    text = sympy.latex(obj, **settings)
    assert text == sr.latex(obj, **settings)
    assert "mathtt" not in text and "<" not in text  # not sympy's fallback for unknown objects


@pytest.mark.parametrize("name", [n for n in OBJECTS if n != "closed form"])
def test_every_result_has_repr_latex_through_the_printer(name):
    obj = OBJECTS[name]
    shown = obj._repr_latex_()
    body = sympy.latex(obj)
    assert shown in (f"$\\displaystyle {body}$", f"$\\displaystyle x(t) = {body}$", f"${body}$")
    # sympy's mode setting wraps the text, and inline mode folds short fractions, as sympy
    # does for its own expressions
    assert sympy.latex(obj, mode="inline") == f"${sympy.latex(obj, fold_short_frac=True)}$"
    assert sympy.latex(obj, mode="equation*") == (
        f"\\begin{{equation*}}{body}\\end{{equation*}}")


def test_closed_forms_are_sympy_expressions():
    # closed_form returns plain sympy: sympy's printer, _repr_latex_ included, is its own
    cf = OBJECTS["closed form"]
    assert isinstance(cf, sympy.Expr) and hasattr(cf, "_repr_latex_")
    for settings in SETTINGS:
        assert closed_form_latex(cf, printer=LatexPrinter(settings)) == (
            "y(t) = " + sympy.latex(cf, **settings))


def _sympy_cos(text: str) -> str:
    """The house ``\\cos\\left(X\\right)`` written as sympy writes a cosine."""
    return re.sub(r"\\cos\\left\((.*?)\\right\)", r"\\cos{\\left(\1 \\right)}", text)


@pytest.mark.parametrize("settings", [*SETTINGS, {"mul_symbol": "ldot"}], ids=str)
def test_a_single_tone_prints_as_sympy_prints_its_expression(settings):
    # one tone, integer amplitude: the house notation is sympy's, up to how cos is bracketed
    sig = sr.MultiTone.parse("3@5")
    assert _sympy_cos(sr.latex(sig, **settings)) == sympy.latex(sig.expr(), **settings)


def test_symbol_names_reach_the_symbols_of_a_symbolic_signal():
    sig = sr.MultiTone.symbolic(1)
    A, w = sorted(sig.free_symbols, key=str)
    names = {A: r"\alpha", w: r"\omega"}
    text = sr.latex(sig, symbol_names=names)
    assert _sympy_cos(text) == sympy.latex(sig.expr(), symbol_names=names)
    assert r"\alpha" in text and r"\omega" in text and "A_{1}" not in text


@pytest.mark.parametrize("settings", SETTINGS, ids=str)
def test_a_spectrum_prints_as_sympy_prints_its_dict(settings):
    for name in ("spectrum periodic", "spectrum generic"):
        spec = OBJECTS[name]
        assert len(spec) <= 12  # all shown
        assert sympy.latex(spec, **settings) == sympy.latex(spec.to_dict(), **settings)


def test_a_long_spectrum_is_cut_after_max_terms():
    spec = sr.expand(sr.MultiTone.parse("1@1 + 1@sqrt(2)"), order=3).spectrum()
    text = sympy.latex(spec)
    assert len(spec) > 12 and text.endswith(r"\ldots\right\}") and text.count(" : ") == 12


@pytest.mark.parametrize("settings", SETTINGS, ids=str)
def test_certificate_numbers_follow_the_settings(settings):
    cert = OBJECTS["certificate"]

    def s(v):
        return sympy.latex(v, **settings)

    assert sympy.latex(cert, **settings) == (
        f"g \\in \\left[{s(cert.g_min)}, {s(cert.g_max)}\\right]\\ (\\text{{exact}}),\\ "
        f"\\text{{converges}},\\ \\sup_t |\\varepsilon_{{4}}(t)| \\le {s(cert.sup_error_bound)}")


@pytest.mark.parametrize("settings", SETTINGS[1:], ids=str)
def test_expansion_follows_the_settings(settings):
    e = sr.expand(sr.MultiTone.parse("1@1"), order=2)
    text = sympy.latex(e, **settings)
    assert text != sympy.latex(e)
    assert text == e.latex(**settings)
    assert f"C = {sympy.latex(e.center, **settings)};" in text
    assert f"\\approx {sympy.latex(e.dc, **settings)} + " in text  # the DC term opens the sum
    sep = LatexPrinter(settings)._settings["mul_symbol_latex"]
    arg = sympy.latex(2 * sympy.pi * sympy.Symbol("t", real=True), **settings)
    # the cosine at 1 Hz has amplitude 2 c_1 = 1/2, separated from it as sympy separates factors
    half = sympy.latex(sympy.Rational(1, 2), **settings)
    assert f"{half}{sep}\\cos\\left({arg}\\right)" in text


@pytest.mark.parametrize("settings", SETTINGS[1:], ids=str)
def test_convergence_table_prints_its_exact_values_with_the_settings(settings):
    tab = OBJECTS["convergence table"]
    text = sympy.latex(tab, **settings)
    for row in tab.rows:
        assert f"{row.order} & {sympy.latex(row.truncated, **settings)} \\approx" in text


def test_latex_of_a_leaky_relu_prints_alpha_with_the_settings():
    e = sr.expand(sr.MultiTone.parse("1@1"), order=0, activation=sr.LeakyReLU("0.1"))
    assert sympy.latex(e, fold_short_frac=True).startswith(r"\mathrm{LeakyReLU}_{1 / 10}(x)")


# ------------------------------------------------------------------ Spectrum.to_numpy / to_frame
def test_spectrum_is_public():
    assert "Spectrum" in sr.__all__ and isinstance(OBJECTS["spectrum periodic"], sr.Spectrum)


def _truncated_poly(x, e):
    """The order-N series of the expansion's activation at the samples x (Table I's a_n)."""
    act, C = e.activation, float(e.center)
    a = [float(v) for v in sr.taylor_coefficients(e.order + 1)]
    g = x**2 / C - 1
    return float(act.linear) * x + float(act.abs_weight) * np.sqrt(C) * sum(
        a_n * g**n for n, a_n in enumerate(a))


def test_periodic_to_numpy_against_the_fft_of_the_sampled_polynomial():
    from symrelu.numeric import coefficients, sample

    sig = sr.MultiTone.parse("0.3 + 1@5 + 0.5@10:0.7")
    e = sr.expand(sig, order=4)
    fs = 256  # above twice the top frequency (2N + 1) 10 = 90 Hz; one second: coherent
    t, x = sample(sig, fs=fs, duration=1)
    bins, c = coefficients(_truncated_poly(x, e), fs)
    freqs, values = e.spectrum().to_numpy()
    assert freqs.dtype == np.float64 and values.dtype == np.complex128
    assert np.all(np.diff(freqs) > 0) and freqs.max() < fs / 2
    measured = c[np.rint(freqs).astype(int)]  # bin k is k Hz
    np.testing.assert_allclose(values, measured, rtol=0, atol=1e-13)
    assert np.abs(values.imag).max() > 0.01  # the phase makes them complex
    everything_else = np.delete(c, np.rint(freqs).astype(int))
    assert np.abs(everything_else).max() < 1e-13


def test_generic_to_numpy_against_a_torus_fft():
    sig = sr.MultiTone.parse("0.2 + 1@1 + 0.5@sqrt(2):0.4")
    e = sr.expand(sig, order=3)
    keys, values = e.spectrum().to_numpy()
    assert keys.dtype == np.int64 and keys.shape == (len(e.spectrum()), 2)
    M = 32  # above twice the top index 2N = 6 on each axis: the 2-D DFT is exact
    th = 2 * np.pi * np.arange(M) / M
    t1, t2 = np.meshgrid(th, th, indexing="ij")
    x = 0.2 + np.cos(t1) + 0.5 * np.cos(t2 + 0.4)
    c = np.fft.fft2(_truncated_poly(x, e)) / M**2
    np.testing.assert_allclose(values, c[keys[:, 0] % M, keys[:, 1] % M], rtol=0, atol=1e-13)
    assert np.abs(values.imag).max() > 0.01


def test_mixed_to_numpy_keys_are_torus_points():
    e = sr.expand(sr.MultiTone.parse("1@1 + 1@2 + 1@sqrt(2)"), order=1)
    keys, values = e.spectrum().to_numpy()
    assert keys.shape == (len(e.spectrum()), 2)  # rank 2: points of the reduced torus
    for row, v in zip(keys, values):
        assert complex(sympy.N(e.spectrum()[tuple(int(k) for k in row)], 30)) == v


def test_to_numpy_at_50_digits_against_an_mpmath_trapezoid_sum():
    sig = sr.MultiTone.parse("0.3 + 1@1 + 0.5@2:0.7")
    e = sr.expand(sig, order=3)
    freqs, values = e.spectrum().to_numpy(dps=50)
    assert values.dtype == object and all(isinstance(v, mpmath.mpc) for v in values)
    assert all(isinstance(f, mpmath.mpf) for f in freqs)
    with mpmath.workdps(70):
        M = 64  # points per period: the trapezoid sum is exact below harmonic 64
        a = [mpmath.mpf(v.p) / v.q for v in sr.taylor_coefficients(e.order + 1)]
        C = mpmath.mpf(e.center.p) / e.center.q
        phi = mpmath.mpf(7) / 10
        ts = [mpmath.mpf(j) / M for j in range(M)]
        x = [mpmath.mpf(3) / 10 + mpmath.cos(2 * mpmath.pi * t)
             + mpmath.cos(4 * mpmath.pi * t + phi) / 2 for t in ts]
        y = [x_j / 2 + mpmath.sqrt(C) / 2 * sum(a_n * (x_j**2 / C - 1) ** n
                                                for n, a_n in enumerate(a)) for x_j in x]
        for F, v in zip(freqs, values):
            c = mpmath.fsum(y_j * mpmath.expj(-2 * mpmath.pi * F * t) for y_j, t in zip(y, ts))
            assert abs(c / M - v) < mpmath.mpf(10) ** -48 * max(1, abs(v))


def test_to_numpy_refuses_symbols_and_names_them():
    spec = sr.expand(sr.MultiTone.symbolic(2), order=1).spectrum()
    with pytest.raises(sr.SymbolicValueError, match=r"symbols A_1, A_2, w_1, w_2"):
        spec.to_numpy()
    with pytest.raises(sr.SymbolicValueError, match="to_dict"):
        spec.to_frame()


@pytest.mark.parametrize("dps", [0, -3, 2.5, True, "50"])
def test_to_numpy_refuses_a_bad_dps(dps):
    with pytest.raises(sr.ToneSpecError, match="dps must be a positive integer"):
        OBJECTS["spectrum periodic"].to_numpy(dps=dps)


def test_to_frame_periodic_and_generic():
    pd = pytest.importorskip("pandas")  # an optional extra: symrelu[pandas]
    spec = OBJECTS["spectrum periodic"]
    frame = spec.to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["frequency", "frequency_exact", "exact", "value"]
    assert frame["frequency"].dtype == np.float64 and frame["value"].dtype == np.complex128
    assert list(frame["frequency_exact"]) == list(spec)
    assert list(frame["exact"]) == [spec[f] for f in spec]
    for F, v in zip(frame["frequency_exact"], frame["value"]):
        assert abs(complex(sympy.N(spec[F], 30)) - v) < 1e-15
    spec = OBJECTS["spectrum generic"]
    frame = spec.to_frame()
    assert list(frame.columns) == ["k1", "k2", "frequency", "exact", "value"]
    np.testing.assert_allclose(frame["frequency"], frame["k1"] + np.sqrt(2) * frame["k2"],
                               rtol=0, atol=1e-15)
    assert [(int(a), int(b)) for a, b in zip(frame["k1"], frame["k2"])] == list(spec)


def test_to_frame_without_pandas_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails
    with pytest.raises(sr.EnvironmentProblemError, match=r"symrelu\[pandas\]"):
        OBJECTS["spectrum periodic"].to_frame()


# ------------------------------------------------------------------ import symrelu stays light
LAZY = ("numpy", "pandas", "symrelu.exact", "symrelu.exact.values", "symrelu.exact.balls",
        "symrelu.exact.walk", "symrelu.exact.quadrature", "symrelu.exact.periodic",
        "symrelu.exact.generic", "symrelu.exact.mixed", "symrelu.exact.guarantee",
        "symrelu.exact.filters", "symrelu.exact.convergence", "symrelu.exact.closed_forms")


def _child(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_import_symrelu_leaves_the_exact_engine_and_numpy_unimported():
    code = (f"import sys, symrelu; print(','.join(m for m in {LAZY!r} if m in sys.modules))")
    assert _child(code) == ""


def test_the_lazy_names_import_on_first_use():
    code = (
        "import sys, symrelu as sr\n"
        "assert set(sr.__all__) <= set(dir(sr)), set(sr.__all__) - set(dir(sr))\n"
        "from symrelu import exact_dc\n"
        "assert 'symrelu.exact.values' in sys.modules and sr.exact_dc is exact_dc\n"
        "import symrelu.exact.values as v\n"
        "assert exact_dc is v.exact_dc and sr.guarantee is sr.exact.guarantee.guarantee\n"
        "import mpmath; print(mpmath.nstr(exact_dc(sr.MultiTone.parse('1@1'), dps=12), 12))\n"
        "try:\n"
        "    sr.no_such_name\n"
        "except AttributeError as exc:\n"
        "    print(exc)\n"
    )
    # 1/pi = 0.318309886184 (12 digits)
    assert _child(code).splitlines() == ["0.318309886184",
                                         "module 'symrelu' has no attribute 'no_such_name'"]


def test_every_public_name_resolves():
    for name in sr.__all__:
        assert getattr(sr, name) is not None, name
