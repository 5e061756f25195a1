"""The unproven torus-average methods in Arb: quadrature rule, planar walk, phase-out.

They serve the tests as a second method, independent of the proven Bessel integral
(symrelu.exact.bessel): no Bessel function, no acb.integral. Each is checked here against
something it shares no code with: closed forms and the proven Bessel ball.
"""

import mpmath
import numpy as np
import pytest
import sympy
from flint import arb
from hypothesis import example, given, settings
from hypothesis import strategies as st

from symrelu.exact.balls import arb_precision as bits_precision
from symrelu.exact.bessel import torus_abs_ball
from symrelu.exact.generic import two_tone_elliptic
from symrelu.exact.quadrature import TanhSinh, arb_precision, to_arb, to_mpf
from symrelu.exact.walk import phase_mean, torus_phase_out, walk_harmonic, walk_mean

mp = mpmath.mpf


def _walk(b, amps, digits, prec=None):
    with arb_precision(prec or digits + 15):
        return to_mpf(walk_mean(to_arb(b), [to_arb(a) for a in amps], TanhSinh(digits)))


def _bessel(b, amps, ks, digits):
    """The proven Bessel ball's midpoint for exact decimal inputs (signal divided by 8 first)."""
    exact = [sympy.Rational(str(a)) / 8 for a in amps]
    with bits_precision(int(digits * 3.33) + 30):
        ball = torus_abs_ball(sympy.Rational(str(b)) / 8, exact, ks) * 8
        assert ball.rad() < 10.0 ** -digits
        return to_mpf(ball)


def _rel(a, b):
    with mpmath.workdps(80):
        return abs(a - b) / max(abs(b), mp(10) ** -60)


@pytest.mark.parametrize("digits", [20, 40])
def test_tanh_sinh_rule_reaches_its_digits(digits):
    cases = [
        (lambda x: x.log(), (0, 1), lambda: mp(-1)),                     # log end point
        (lambda x: x * x.sqrt(), (0, 1), lambda: mp(2) / 5),             # x^(3/2) kink
        (lambda x: 1 / (x + arb(1) / 100), (0, 1), lambda: mpmath.log(101)),  # pole nearby
        (lambda x: (x * x) * x.log(), (0, 1), lambda: mp(-1) / 9),
    ]
    with mpmath.workdps(digits + 20), arb_precision(digits + 15):
        rule = TanhSinh(digits)
        for f, (lo, hi), exact in cases:
            value = to_mpf(rule.integrate(f, [arb(lo), arb(hi)]))
            assert _rel(value, exact()) < mp(10) ** -(digits - 2)


def test_arb_conversions_keep_every_bit_whatever_mpmath_precision():
    with mpmath.workdps(100):
        x = mpmath.pi / 7
    back = to_mpf(to_arb(x))          # outside the block: mpmath is at 15 digits here
    assert back == x and back.man_exp == x.man_exp


def test_single_tone_and_two_tone_closed_forms():
    with mpmath.workdps(50):
        A, B, b = mp(3) / 2, mp(7) / 10, mp(1) / 3
        assert _rel(_walk(0, [A], 40), 2 * A / mpmath.pi) < mp(10) ** -40
        with arb_precision(55):
            h = to_mpf(phase_mean(to_arb(b), to_arb(A), 0))
        assert _rel(_walk(b, [A], 40), h) < mp(10) ** -40
        assert _rel(_walk(0, [A, B], 40), two_tone_elliptic(A, B)) < mp(10) ** -40
    ref = _bessel("1/3", ["3/2", "7/10"], [0, 0], 35)      # the proven ball
    assert _rel(_walk(b, [A, B], 30), ref) < mp(10) ** -30


@pytest.mark.parametrize("b, amps", [
    (0, [1, 1, 1]),
    (0, [3, 2, 1]),                 # degenerate: the largest step equals the others' sum
    (0, [1, "0.7", "0.4"]),
    ("0.3", [1, "0.7", "0.4"]),
    ("-1.2", [1, 1, 1]),
    (0, [1, 1, 1, 1]),
    ("0.3", [1, 1, 1, 1]),
    (0, [1, 1, 1, 1, 1]),
    (0, [1, "0.9", "0.8", "0.6", "0.3"]),
])
def test_walk_matches_the_bessel_integral(b, amps):
    ref = _bessel(b, amps, [0] * len(amps), 32)
    with mpmath.workdps(50):
        b = mp(b)
        amps = [mp(a) for a in amps]
    assert _rel(_walk(b, amps, 25), ref) < mp(10) ** -23


def test_walk_reaches_high_precision_on_one_level():
    with mpmath.workdps(80):
        amps = [mp(1), mp(7) / 10, mp(2) / 5]
        b = mp(1) / 5
    ref = _bessel("1/5", [1, "7/10", "2/5"], [0] * 3, 60)
    assert _rel(_walk(b, amps, 55), ref) < mp(10) ** -55


@pytest.mark.parametrize("b, amps, j, m", [
    (0, [1, 1], 0, 2),
    ("0.3", [1, "0.7", "0.4"], 1, 1),
    ("0.3", [1, 1, 1, 1], 0, 1),
    ("0.3", [1, "0.8", "0.5", "0.2"], 3, 2),
])
def test_walk_harmonic_matches_the_bessel_integral(b, amps, j, m):
    ks = [0] * len(amps)
    ks[j] = m
    ref = _bessel(b, amps, ks, 40)
    with mpmath.workdps(50):
        b = mp(b)
        amps = [mp(a) for a in amps]
    with arb_precision(40):
        value = to_mpf(walk_harmonic(to_arb(b), [to_arb(a) for a in amps], j, m, TanhSinh(25)))
    with mpmath.workdps(50):
        assert abs(value - ref) < mp(10) ** -23 * (1 + abs(ref))
        assert abs(ref) > mp(10) ** -4           # a real, non-vanishing coefficient


@pytest.mark.parametrize("b, amps, ks", [
    ("0.3", [1, "0.7"], [1, 1]),
    ("0.3", [1, "0.7", "0.4"], [1, 2, 0]),
    (0, [1, "0.7", "0.4"], [1, 1, 0]),
    (0, [1, 1, 1], [2, 2, 2]),
])
def test_torus_phase_out_matches_the_bessel_integral(b, amps, ks):
    ref = _bessel(b, amps, ks, 40)
    with mpmath.workdps(50):
        b = mp(b)
        amps = [mp(a) for a in amps]
    with arb_precision(40):
        value = to_mpf(torus_phase_out(to_arb(b), [to_arb(a) for a in amps], ks, TanhSinh(25)))
    with mpmath.workdps(50):
        assert abs(value - ref) < mp(10) ** -23 * (1 + abs(ref))
        assert abs(ref) > mp(10) ** -5


@settings(max_examples=8, deadline=None)
@given(st.lists(st.integers(1, 30), min_size=3, max_size=4), st.integers(-20, 20),
       st.integers(1, 9))
@example(amps=[1, 1, 1], b=3, scale=1)  # found by CI: the lower bound is attained
def test_walk_is_homogeneous_and_between_the_offset_and_the_rms(amps, b, scale):
    with mpmath.workdps(40):
        A = [mp(a) / 10 for a in amps]
        B = mp(b) / 10
        value = _walk(B, A, 20)
        scaled = _walk(B * scale, [a * scale for a in A], 20)
        assert _rel(scaled, scale * value) < mp(10) ** -19
        rms = mpmath.sqrt(B**2 + sum(a**2 for a in A) / 2)
        # E|x| = |B| exactly when x never changes sign (b = 3, amplitudes 1, 1, 1 tenths: a
        # tangency), so allow the walk's own 20 digits at the bounds
        slack = mp(10) ** -19 * rms
        assert abs(B) - slack <= value <= rms + slack


def test_walk_against_a_numpy_torus_grid():
    # a numpy grid over three phases (the fourth in closed form): a few digits,
    # but an entirely separate computation
    amps = [1.0, 0.8, 0.5, 0.3]
    b = 0.2
    n = 96
    th = (np.arange(n) + 0.5) * np.pi / n
    g = np.meshgrid(th, th, th, indexing="ij")
    s = b + sum(a * np.cos(t) for a, t in zip(amps[1:], g))
    A = amps[0]
    inner = np.where(np.abs(s) >= A, np.abs(s),
                     2 / np.pi * (s * np.arcsin(np.clip(s / A, -1, 1))
                                  + np.sqrt(np.clip(A**2 - s**2, 0, None))))
    with mpmath.workdps(30):
        value = _walk(mp("0.2"), [mp(str(a)) for a in amps], 20)
    assert abs(float(value) - inner.mean()) < 1e-5
