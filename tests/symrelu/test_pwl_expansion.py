"""The Taylor lens per kink (PiecewiseExpansion) against the exact engine and sampling.

The exact values come from symrelu.exact_dc / exact_coefficient (checked against
quadrature in test_pwl_values.py); the certificate's bound must hold against them and
against the sampled activation (numpy's clip/min/max on a dense grid of the signal).
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy

import symrelu as sr
from symrelu.piecewise_expansion import PiecewiseExpansion

SIG = sr.MultiTone.parse("0.5 + 5@1 + 2@2")      # from -3.06 to 7.5: crosses 0, 6, -3, 3


@pytest.mark.parametrize("name", ["relu6", "hardtanh:-2:3", "deadzone:-1:2", "hardsigmoid",
                                  "clip:-1/2:4"])
def test_the_error_is_within_the_summed_bound_and_falls(name):
    exact = sr.exact_dc(SIG, activation=name, dps=30)
    errors = []
    for N in (2, 16, 64):
        e = sr.expand(SIG, order=N, activation=name)
        assert isinstance(e, PiecewiseExpansion) and e.converges
        err = abs(mpmath.mpf(sympy.N(e.dc, 30)) - exact)
        assert err <= float(e.sup_error_bound) * (1 + 1e-12)
        errors.append(float(err))
    assert errors[2] < errors[0]               # the truncated DC approaches the exact one


def test_every_coefficient_is_within_the_bound():
    e = sr.expand(SIG, order=24, activation="relu6")
    bound = float(e.sup_error_bound)
    for F in (0, 1, 2, 3, 5, 9):
        exact = complex(sr.exact_coefficient(SIG, F, activation="relu6", dps=20))
        assert abs(complex(sympy.N(e.coefficient(F), 20)) - exact) <= bound


def test_the_sampled_approximation_is_within_the_bound():
    from symrelu.numeric import lambdify_expansion, lambdify_signal

    e = sr.expand(SIG, order=12, activation="hardtanh:-2:3")
    t = np.linspace(0, 1, 4001)
    y = np.clip(lambdify_signal(SIG)(t), -2, 3)
    assert np.max(np.abs(lambdify_expansion(e)(t) - y)) <= float(e.sup_error_bound)
    # the two evaluation paths of the series agree (Horner in g per kink, the spectrum)
    spec = lambdify_expansion(e, method="spectrum")(t)
    np.testing.assert_allclose(spec, lambdify_expansion(e)(t), atol=1e-11)


def test_one_expansion_of_abs_per_kink_on_the_shifted_signal():
    e = sr.expand(SIG, order=5, activation="relu6")     # 3 + |x|/2 - |x - 6|/2
    half = sympy.Rational(1, 2)                         # C_j = P_j^2/2, P_j = |b - t_j| + 7
    assert [p.center for p in e.parts] == [(half + 7) ** 2 / 2, (6 - half + 7) ** 2 / 2]
    abs0 = sr.expand(SIG, order=5, activation="abs")
    abs6 = sr.expand(SIG + sr.MultiTone(offset=-6), order=5, activation="abs")
    assert sympy.simplify(e.dc - (3 + abs0.dc / 2 - abs6.dc / 2)) == 0
    assert sympy.simplify(e.coefficient(3) - (abs0.coefficient(3) - abs6.coefficient(3)) / 2) \
        == 0
    assert len(e.certificate) == 2 and all(isinstance(c, sr.Certificate) for c in e.certificate)
    assert e.sup_error_bound == sum(c.sup_error_bound for c in e.certificate)


def test_the_paper_family_keeps_its_expansion():
    for name in ("relu", "abs", "leaky:0.1", "linear"):
        assert type(sr.expand(SIG, order=2, activation=name)) is sr.Expansion


@pytest.mark.parametrize("name", ["sign", "heaviside", "pwl:0:1:0@1:2@1"])
def test_jumps_have_no_taylor_lens(name):
    with pytest.raises(sr.ActivationError, match="no Taylor lens"):
        sr.expand(SIG, order=4, activation=name)


def test_generic_regime_spectrum_and_api():
    g = sr.MultiTone.parse("0.2 + 1@1 + 0.5@sqrt(2)")
    e = sr.expand(g, order=6, activation="hardtanh")
    spec = e.spectrum()
    assert (0, 0) in spec and all(isinstance(k, tuple) for k in spec)
    with pytest.raises(TypeError):
        spec[(0, 0)] = 1
    assert spec[(0, 0)] == e.dc
    exact = sr.exact_coefficient(g, (1, 0), activation="hardtanh", regime="generic", dps=20)
    assert abs(complex(sympy.N(e.coefficient((1, 0)), 20)) - complex(exact)) <= \
        float(e.sup_error_bound)
    assert e.regime == "generic" and e.frequencies()


def test_immutable_hashable_and_printable():
    e = sr.expand(SIG, order=3, activation="relu6")
    with pytest.raises(AttributeError):
        e.order = 4
    assert e == sr.expand(SIG, order=3, activation="relu6")
    assert hash(e) == hash(sr.expand(SIG, order=3, activation="relu6"))
    text = e.latex(max_terms=2)
    assert text.startswith(r"\mathrm{ReLU6}(x) \approx") and "C_{2}" in text
    assert sympy.latex(e) == e.latex()
    assert "PiecewiseExpansion of ReLU6()" in repr(e)
