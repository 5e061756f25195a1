"""Describing functions and the two-tone test against python-control, a hand-derived closed
form and the FFT of a densely sampled signal."""

from __future__ import annotations

import dataclasses
import warnings

import mpmath
import numpy as np
import pytest
import sympy

from symrelu.describing import describing_function, intermodulation
from symrelu.errors import RegimeError, ToneSpecError

AMPLITUDES = (0.3, 1.0, 2.5, 7.0)


# ------------------------------------------------------------- python-control


@pytest.fixture(scope="module")
def ct():
    return pytest.importorskip("control")


@pytest.mark.parametrize("A", AMPLITUDES)
def test_saturation_equals_python_controls_analytic_form(ct, A):
    # control.saturation_nonlinearity(ub) has its own closed form (FBS2e); ours is the |x| one
    got = complex(describing_function("hardtanh", A).gain)
    assert abs(got - ct.describing_function(ct.saturation_nonlinearity(1), A)) < 1e-15
    got = complex(describing_function("hardtanh:-3/2:3/2", A).gain)
    assert abs(got - ct.describing_function(ct.saturation_nonlinearity(1.5), A)) < 1e-15


def test_asymmetric_saturation_equals_python_control(ct):
    # python-control's asymmetric formula drops the bias term (and says so); the gain agrees
    for A in AMPLITUDES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            want = ct.describing_function(ct.saturation_nonlinearity(ub=1, lb=-2), A)
        assert abs(complex(describing_function("hardtanh:-2:1", A).gain) - want) < 1e-15


@pytest.mark.parametrize("A", AMPLITUDES)
def test_relay_equals_python_controls_relay_without_hysteresis(ct, A):
    want = ct.describing_function(ct.relay_hysteresis_nonlinearity(1, 0), A)  # 4 / (pi A)
    assert abs(complex(describing_function("sign", A).gain) - want) < 1e-15
    assert describing_function("sign", A).exact


@pytest.mark.parametrize("name, function, tol", [
    # rectangle rule over a period: geometric convergence for the analytic tanh and gelu,
    # O(1/N^2) at the deadzone's kinks (N = 4000 points)
    ("tanh", np.tanh, 1e-14),
    ("gelu", "gelu", 1e-14),
    ("deadzone", lambda x: x - np.clip(x, -1, 1), 1e-6),
    ("deadzone:-1/2:1", lambda x: x - np.clip(x, -0.5, 1), 1e-6),  # not odd: still no bias
    ("softplus", lambda x: np.log1p(np.exp(x)), 1e-14),
])
def test_static_functions_equal_python_controls_numerical_describing_function(
        ct, name, function, tol):
    if function == "gelu":
        from scipy.special import erf

        def function(x):
            return x * (1 + erf(x / np.sqrt(2))) / 2
    for A in AMPLITUDES:
        df = describing_function(name, A, dps=20)
        ours = complex(df.numbers(20)["gain"])
        theirs = ct.describing_function(function, A, num_points=4000, zero_check=False)
        assert abs(ours - theirs) < tol, (name, A, ours, theirs)


# ------------------------------------------------------ ReLU DIDF, closed form


def _relu_didf_by_hand(A, B):
    r"""The ReLU DIDF derived by hand.

    x = B + A cos(theta), |B| < A: ReLU(x) = x where cos(theta) > -B/A, i.e. on
    |theta| < theta0 = arccos(-B/A) = pi - arccos(B/A). Then
      c0 = (1/2pi) int_{-theta0}^{theta0} (B + A cos t) dt = (B theta0 + A sin theta0) / pi,
      c1 = (1/2pi) int (B + A cos t) cos t dt = (2 B sin theta0 + A theta0 + A sin theta0
           cos theta0) / (2 pi) = (A theta0 + B sin theta0) / (2 pi)      (A cos theta0 = -B),
    with sin theta0 = sqrt(1 - B^2/A^2): N_A = 2 c1 / A = (theta0 + (B/A) sqrt(1 - B^2/A^2))/pi
    and N_B = c0 / B = (theta0 + sqrt(A^2 - B^2) / B) / pi. For B >= A the ReLU passes x
    (N_A = N_B = 1, c0 = B); for B <= -A it is 0.
    """
    if B >= A:
        return sympy.Integer(1), sympy.Integer(1), B
    if B <= -A:
        return sympy.Integer(0), sympy.Integer(0), sympy.Integer(0)
    theta0 = sympy.pi - sympy.acos(B / A)
    root = sympy.sqrt(A**2 - B**2)
    c0 = (B * theta0 + root) / sympy.pi
    gain = (theta0 + B / A * sympy.sqrt(1 - B**2 / A**2)) / sympy.pi
    return gain, (c0 / B if B != 0 else None), c0


@pytest.mark.parametrize("A, B", [(2, "1/2"), (1, "-3/4"), (3, 0), ("5/2", "5/2"), (1, 4),
                                  (1, -2), ("sqrt(2)", "1/3")])
def test_relu_didf_equals_its_closed_form(A, B):
    df = describing_function("relu", A, B)
    A_, B_ = sympy.sympify(A), sympy.sympify(B)
    gain, bias_gain, c0 = _relu_didf_by_hand(A_, B_)
    assert df.exact and df.amplitude == A_ and df.bias == B_

    def same(x, y):  # sympy leaves asin(u) + acos(u) - pi/2 alone: compare 60 digits
        return abs(sympy.N(x - y, 60)) < sympy.Float(10) ** -55

    assert same(df.gain, gain) and same(df.dc, c0)
    if bias_gain is None:
        assert df.bias_gain is None
    else:
        assert same(df.bias_gain, bias_gain)
    # and the digits: a quadrature of the definition at 40 digits
    with mpmath.workdps(40):
        a, b = mpmath.mpf(sympy.N(A_, 50)), mpmath.mpf(sympy.N(B_, 50))
        cut = mpmath.acos(-b / a) if abs(b) < a else None
        pts = [-mpmath.pi, -cut, cut, mpmath.pi] if cut is not None else [-mpmath.pi, mpmath.pi]
        c1 = mpmath.quad(lambda t: max(b + a * mpmath.cos(t), 0) * mpmath.cos(t), pts)
        c1 /= 2 * mpmath.pi
        assert abs(df.numbers(40)["gain"] - 2 * c1 / a) < mpmath.mpf(10) ** -38


def test_relu_didf_in_symbols():
    # |B| < A as symbols: the closed form's Piecewise, equal to the hand derivation inside
    df = describing_function("relu", "A", "B")
    assert df.amplitude.is_positive and df.bias.is_real and df.gain.has(sympy.Piecewise)
    for a, b in ((3, 1), (3, -2), (2, 5), (2, -5)):
        value = df.gain.subs({df.amplitude: a, df.bias: b})
        want = _relu_didf_by_hand(sympy.Integer(a), sympy.Integer(b))[0]
        assert abs(sympy.N(value - want, 50)) < sympy.Float(10) ** -45


def test_smooth_activation_didf_matches_quadrature():
    # tanh with a bias: N_A and N_B from the exact engine against mpmath.quad at 2x digits
    df = describing_function("tanh", "3/2", "2/5", dps=25)
    assert not df.exact
    with mpmath.workdps(50):
        a, b = mpmath.mpf(3) / 2, mpmath.mpf(2) / 5
        c0 = mpmath.quad(lambda t: mpmath.tanh(b + a * mpmath.cos(t)), [-mpmath.pi, mpmath.pi])
        c1 = mpmath.quad(lambda t: mpmath.tanh(b + a * mpmath.cos(t)) * mpmath.cos(t),
                         [-mpmath.pi, mpmath.pi])
        c0, c1 = c0 / (2 * mpmath.pi), c1 / (2 * mpmath.pi)
        assert abs(df.gain - 2 * c1 / a) < mpmath.mpf(10) ** -24
        assert abs(df.bias_gain - c0 / b) < mpmath.mpf(10) ** -24
        assert abs(df.dc - c0) < mpmath.mpf(10) ** -24


def test_describing_function_is_immutable_and_refuses_bad_input():
    df = describing_function("relu", 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        df.gain = 0
    with pytest.raises(ToneSpecError, match="positive"):
        describing_function("relu", 0)
    with pytest.raises(ToneSpecError, match="positive"):
        describing_function("relu", -1)
    with pytest.raises(ToneSpecError, match="number"):
        describing_function("tanh", "A")
    with pytest.raises(ToneSpecError, match="dps"):
        describing_function("relu", 1, dps=0)


# ------------------------------------------------------------------ two tones


def _fft_levels(act, a1, a2, f1, f2, bias, n):
    import symrelu as sr

    t = np.arange(n) / n  # one second: bin k is k Hz
    x = bias + a1 * np.cos(2 * np.pi * f1 * t) + a2 * np.cos(2 * np.pi * f2 * t)
    return np.fft.rfft(np.asarray(sr.as_activation(act).numpy(x), dtype=float)) / n


@pytest.mark.parametrize("act, a1, a2, bias, tol", [
    ("hardtanh", 1, 1, 0, 1e-7),          # the clipper
    ("relu", 1, 0.5, 0.25, 1e-7),         # the rectifier with a bias (no bias: no odd products)
    ("deadzone", 1.5, 1, 0, 1e-7),
    # smooth: the coefficients fall geometrically, the FFT agrees to rounding
    ("tanh", 1, 1, 0, 1e-13),
    ("gelu", 1, 0.5, 0.25, 1e-13),
])
def test_two_tone_levels_equal_a_densely_sampled_fft(act, a1, a2, bias, tol):
    # f1 = 997, f2 = 1009 Hz over one second, 2^21 samples: the generic regime's products
    # are what the FFT shows up to the products of order >= 997 + 1009 - 3 that share their
    # bins (97 and 101 Hz left 1e-5 here, these 2e-8) and the aliasing of the kinks; in dB,
    # 1e-7 on a product 35 dB below a fundamental of 1/2 is 1e-4 dB
    f1, f2 = 997, 1009
    im = intermodulation(act, a1, a2, f1, f2, bias=bias, dps=15)
    Y = _fft_levels(act, a1, a2, f1, f2, bias, 2**21)
    assert abs(float(im.dc) - Y[0].real) < tol
    for p in im.products:
        assert abs(float(p.amplitude) - 2 * abs(Y[int(p.frequency)])) < tol, p.name
    fft_imd3 = 20 * np.log10(abs(Y[2 * f1 - f2]) / abs(Y[f1]))
    assert abs(float(im.imd3_low_dbc) - fft_imd3) < 1e-4
    fft_imd3 = 20 * np.log10(abs(Y[2 * f2 - f1]) / abs(Y[f2]))
    assert abs(float(im.imd3_high_dbc) - fft_imd3) < 1e-4


def test_relu_without_bias_has_no_odd_products():
    # ReLU = x/2 + |x|/2 and |x| is even: only the linear part's fundamentals are odd
    im = intermodulation("relu", 1, 1, 5, 7)
    assert im["2f1-f2"].amplitude == 0 and im["3f1"].amplitude == 0
    assert im.imd3_dbc == mpmath.ninf and im.iip3 is None
    assert im["f1"].amplitude == mpmath.mpf(1) / 2
    assert im["f1+f2"].amplitude > 0


def test_softplus_without_bias_has_no_odd_products():
    # softplus(x) = x/2 + log(2 cosh(x/2)), an even function plus x/2: the same as ReLU
    im = intermodulation("softplus", 1, "3/4", 5, 7, dps=15)
    assert im["2f1-f2"].amplitude == 0 and im["2f2-f1"].amplitude == 0
    assert im["f1"].amplitude == mpmath.mpf(1) / 2
    assert intermodulation("softplus", 1, "3/4", 5, 7, bias="1/2", dps=15)["2f1-f2"].amplitude > 0


def test_products_names_orders_and_refusals():
    im = intermodulation("hardtanh", 1, "1/2", 5, 7, dps=10)
    names = [p.name for p in im.products]
    assert names[:2] == ["f1", "f2"] and "2f1-f2" in names and "2f2-f1" in names
    assert im["2f1-f2"].frequency == 3 and im["2f2-f1"].frequency == 9
    assert im["f2-f1"].order == 2 and im["f2-f1"].index == (-1, 1)
    assert sorted(p.order for p in im.products) == [p.order for p in im.products]
    # the intercept: where slope 1 and slope 3 meet, a1 sqrt(|P1| / |P3|)
    p1, p3 = im["f1"].amplitude, im["2f1-f2"].amplitude
    assert abs(im.iip3 - mpmath.sqrt(p1 / p3)) < mpmath.mpf(10) ** -9
    with pytest.raises(KeyError, match="products"):
        im["4f1"]
    with pytest.raises(RegimeError, match="DC"):
        intermodulation("tanh", 1, 1, 1, 2)  # 2 f1 - f2 = 0
    with pytest.raises(RegimeError, match="share"):
        intermodulation("tanh", 1, 1, 1, 3)  # 3 f1 = f2
    with pytest.raises(RegimeError, match="differ"):
        intermodulation("tanh", 1, 1, 2, 2)
    with pytest.raises(ToneSpecError, match="order"):
        intermodulation("relu", 1, 1, 5, 7, order=2)
