"""Relative precision of the exact values: a tiny value keeps its digits, a true zero is exact.

Every expected value below comes from an independent computation: a closed form
evaluated here in mpmath at high precision (derived in the comments), checked in
turn against mpmath.quad of the integrand split at its zeros.
"""

from __future__ import annotations

import json

import mpmath
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st
from symrelu.cli.main import main

import symrelu as sr

mp = mpmath.mpf


def _rel(value, ref) -> mpmath.mpf:
    with mpmath.workdps(80):
        return abs(mpmath.mpf(value) - ref) / abs(ref)


# ReLU(b + A cos th), |b| < A, is positive on |th| < alpha = arccos(-b/A), so
#   c_0 = (1/2pi) int_{-alpha}^{alpha} (b + A cos th) dth = (b alpha + sqrt(A^2 - b^2)) / pi
#   c_1 = (1/2pi) int_{-alpha}^{alpha} (b + A cos th) cos th dth
#       = (2 b sin alpha + A (alpha + sin alpha cos alpha)) / (2 pi)
def _cap_dc(b, A):
    alpha = mpmath.acos(-b / A)
    return (b * alpha + mpmath.sqrt(A**2 - b**2)) / mpmath.pi


def _cap_c1(b, A):
    alpha = mpmath.acos(-b / A)
    return (2 * b * mpmath.sin(alpha) + A * (alpha + mpmath.sin(alpha) * mpmath.cos(alpha))) \
        / (2 * mpmath.pi)


def _cap_quad(b, A, n):
    """The same two coefficients by mpmath.quad, split at the zeros (the independent oracle)."""
    alpha = mpmath.acos(-b / A)
    return mpmath.quad(lambda t: (b + A * mpmath.cos(t)) * mpmath.cos(n * t),
                       [-alpha, 0, alpha]) / (2 * mpmath.pi)


EPS_OFFSET = "-0.99999999999999999999"   # b = -A (1 - 1e-20): a cap of width 2.8e-10


def test_the_closed_forms_match_quadrature_at_50_digits():
    with mpmath.workdps(110):   # 31 digits cancel in the integrand; 50 remain
        b, A = mp(EPS_OFFSET), mp(1)
        for closed, n in ((_cap_dc, 0), (_cap_c1, 1)):
            assert _rel(_cap_quad(b, A, n), closed(b, A)) < mp(10) ** -50
        assert mpmath.nstr(_cap_dc(b, A), 17) == "3.0010543871903536e-31"   # the value


@pytest.mark.parametrize("regime", ["periodic", "generic"])
@pytest.mark.parametrize("dps", [5, 15, 20, 30])
def test_offset_near_minus_amplitude_keeps_its_digits(regime, dps):
    sig = sr.MultiTone(amplitudes=[1], frequencies=[5], offset=EPS_OFFSET)
    with mpmath.workdps(120):
        ref = _cap_dc(mp(EPS_OFFSET), mp(1))
    assert _rel(sr.exact_dc(sig, regime=regime, dps=dps), ref) < mp(10) ** -dps


@pytest.mark.parametrize("dps", [5, 20])
def test_tone_coefficient_next_to_the_cap_keeps_its_digits(dps):
    # c_1 of ReLU = A/4 + c_1(|x|)/2: the linear part cancels to 31 digits
    sig = sr.MultiTone(amplitudes=[1], frequencies=[5], offset=EPS_OFFSET)
    with mpmath.workdps(120):
        ref = _cap_c1(mp(EPS_OFFSET), mp(1))
    c = sr.exact_coefficient(sig, 5, dps=dps)
    assert c.imag == 0 and _rel(c.real, ref) < mp(10) ** -dps
    g = sr.exact_coefficient(sig, (1,), regime="generic", dps=dps)
    assert g.imag == 0 and _rel(g.real, ref) < mp(10) ** -dps


@pytest.mark.parametrize("amplitude, dps", [("1e-300", 20), ("1e-30", 5), ("1e-30", 30)])
def test_tiny_tone_dc_is_amplitude_over_pi(amplitude, dps):
    # ReLU(A cos th) has DC A / pi (DESIGN 1.3)
    sig = sr.MultiTone(amplitudes=[amplitude], frequencies=[5])
    with mpmath.workdps(60):
        ref = mp(amplitude) / mpmath.pi
    assert _rel(sr.exact_dc(sig, dps=dps), ref) < mp(10) ** -dps
    assert _rel(sr.exact_dc(sig, regime="generic", dps=dps), ref) < mp(10) ** -dps


def test_huge_and_tiny_amplitudes_dc():
    ref = _quad_coefficient([1, 1], 0, harmonics=(1, 2))
    for s in ("1e300", "1", "1e-300"):
        sig = sr.MultiTone(amplitudes=[s, s], frequencies=[1, 2])
        with mpmath.workdps(60):
            assert _rel(sr.exact_dc(sig, dps=25), mp(s) * ref) < mp(10) ** -25


def _quad_coefficient(amps, n, harmonics, phases=None, offset=0):
    """c_n of ReLU(b + sum A_i cos(m_i t + p_i)) by mpmath.quad split at the zeros (findroot)."""
    with mpmath.workdps(40):
        amps = [mp(str(A)) for A in amps]
        phases = [mp(str(p)) for p in phases or [0] * len(amps)]
        b = mp(str(offset))
        x = lambda t: b + mpmath.fsum(A * mpmath.cos(m * t + p)  # noqa: E731
                                      for A, m, p in zip(amps, harmonics, phases))
        grid = mpmath.linspace(-mpmath.pi, mpmath.pi, 2001)
        cuts = [-mpmath.pi]
        for lo, hi in zip(grid, grid[1:]):
            if x(lo) == 0:
                cuts.append(lo)
            elif x(lo) * x(hi) < 0:
                cuts.append(mpmath.findroot(x, (lo, hi), solver="anderson"))
        cuts.append(mpmath.pi)
        return mpmath.quad(lambda t: max(x(t), 0) * mpmath.cos(n * t), cuts) / (2 * mpmath.pi)


def test_tiny_harmonic_and_exact_zeros_of_odd_signal():
    # x = 1e-300 (cos t + cos 3t) = 2e-300 cos 2t cos t: x(t + pi) = -x(t), so |x| has only
    # even harmonics; ReLU = (x + |x|)/2 then has c_3 = A/4 exactly and c_5 = 0 exactly
    sig = sr.MultiTone(amplitudes=["1e-300", "1e-300"], frequencies=[1, 3])
    ref2 = _quad_coefficient([1, 1], 2, harmonics=(1, 3))
    c2 = sr.exact_coefficient(sig, 2, dps=20)
    c3 = sr.exact_coefficient(sig, 3, dps=20)
    with mpmath.workdps(60):
        assert c2.imag == 0 and _rel(c2.real, mp(10) ** -300 * ref2) < mp(10) ** -20
        assert c3.imag == 0 and _rel(c3.real, mp(10) ** -300 / 4) < mp(10) ** -20
    for n in (5, 7, 1001):
        assert sr.exact_coefficient(sig, n, dps=20) == 0
        assert sr.exact_coefficient(sig, n, activation="abs", dps=20) == 0


def test_signal_of_one_sign_is_exact():
    # |b| >= sum |A|: ReLU(x) = x for b > 0 and 0 for b < 0, tangency 1 + cos included
    up = sr.MultiTone(amplitudes=["1e-300"], frequencies=[1], offset="1e-300")
    assert sr.exact_dc(up, dps=20) == sr.exact_dc(up, regime="generic", dps=20)
    with mpmath.workdps(60):
        assert _rel(sr.exact_dc(up, dps=20), mp(10) ** -300) < mp(10) ** -20
    down = sr.MultiTone(amplitudes=[1, 1], frequencies=[1, 3], offset=-3)
    assert sr.exact_dc(down, dps=20) == 0
    assert sr.exact_coefficient(down, 1, dps=20) == 0
    assert sr.exact_coefficient(down, (1, 0), regime="generic", dps=20) == 0


def test_generic_zero_parts_are_exact():
    # shifting every phase by pi flips x, so with b = 0 the coefficients of |x| at an odd
    # sum k vanish; a phase pi/2 on tone 1 turns the coefficient at (2, 0) into -d_(2,0)
    # (exp(2i pi/2) = -1): its imaginary part is 0, not a residue of rounding
    g = sr.MultiTone(amplitudes=[1, "0.7"], frequencies=[1, sympy.sqrt(2)], phases=["pi/2", 0])
    assert sr.exact_coefficient(g, (2, 1), regime="generic", dps=20) == 0
    c = sr.exact_coefficient(g, (2, 0), regime="generic", dps=20)
    assert c.imag == 0 and c.real < 0
    lin = sr.exact_coefficient(g, (1, 0), regime="generic", dps=20)   # only x's own 1/2 e^{i pi/2}
    assert lin == mpmath.mpc(0, mp(1) / 4)


def test_periodic_zero_parts_follow_from_symmetry():
    # x(t - pi/2) = s (cos t - 0.7 cos 2t) =: x'(t) is even, so c_n = c'_n exp(i n pi/2) with
    # c'_n real: c_2 = -c'_2 (imaginary part exactly 0), c_1 = i c'_1 (real part exactly 0)
    for s in ("1", "1e-300"):
        S = sympy.Rational(s)
        p = sr.MultiTone(amplitudes=[S, S * 7 / 10], frequencies=[1, 2], phases=["pi/2", 0])
        c2, c1 = sr.exact_coefficient(p, 2, dps=20), sr.exact_coefficient(p, 1, dps=20)
        with mpmath.workdps(60):
            ref2 = -mp(s) * _quad_coefficient([1, "-0.7"], 2, (1, 2))
            ref1 = mp(s) * _quad_coefficient([1, "-0.7"], 1, (1, 2))
            assert c2.imag == 0 and _rel(c2.real, ref2) < mp(10) ** -20
            assert c1.real == 0 and _rel(c1.imag, ref1) < mp(10) ** -20


def test_dc_without_a_symmetry_point_keeps_every_digit():
    # phases 0 and 0.3 at harmonics 3 and 7: no t0 makes x symmetric (0.3 is not a rational
    # multiple of pi), so the DC is taken from the complex computation
    sig = sr.MultiTone.parse("0.2 + 1@3 + 0.5@7:0.3")
    ref = _quad_coefficient([1, "0.5"], 0, (3, 7), phases=[0, "0.3"], offset="0.2")
    assert _rel(sr.exact_dc(sig, dps=30), ref) < mp(10) ** -30


def test_value_below_reach_is_refused_not_zero():
    # b = -(1 - 1e-600): the DC is about (2e-600)^(3/2) / (3 pi), 900 digits below the peak
    sig = sr.MultiTone(amplitudes=[1], frequencies=[1], offset="-0." + "9" * 600)
    with pytest.raises(sr.PrecisionLimitError, match=r"below 1e-\d+ in magnitude"):
        sr.exact_dc(sig, dps=10)


@settings(max_examples=12, deadline=None)
@given(st.integers(-300, 300),
       st.lists(st.integers(1, 9), min_size=2, max_size=3),
       st.integers(-5, 5))
@example(-300, [1, 1], 0)
@example(300, [3, 2, 1], -4)
def test_dc_is_homogeneous_periodic(j, amps, offset):
    base = sr.MultiTone(amplitudes=amps, frequencies=[1, 2, 3][:len(amps)],
                        offset=sympy.Rational(offset, 4))
    scaled = base * sympy.Integer(10) ** j
    dps = 15
    v, w = sr.exact_dc(base, dps=dps), sr.exact_dc(scaled, dps=dps)
    with mpmath.workdps(40):
        assert abs(w - v * mp(10) ** j) <= abs(v) * mp(10) ** (j - dps + 1)


@settings(max_examples=5, deadline=None)
@given(st.integers(-300, 300), st.lists(st.integers(1, 4), min_size=2, max_size=3))
@example(-300, [1, 1, 1])
@example(300, [1, 2])
def test_dc_is_homogeneous_generic(j, amps):
    freqs = [1, sympy.sqrt(2), sympy.sqrt(3)][:len(amps)]
    # an offset with two tones; three tones without one (the walk is then one level cheaper)
    base = sr.MultiTone(amplitudes=amps, frequencies=freqs, offset="1/3" if len(amps) == 2 else 0)
    scaled = base * sympy.Integer(10) ** j
    dps = 10
    v, w = sr.exact_dc(base, regime="generic", dps=dps), sr.exact_dc(scaled, regime="generic",
                                                                   dps=dps)
    with mpmath.workdps(40):
        assert abs(w - v * mp(10) ** j) <= abs(v) * mp(10) ** (j - dps + 1)


def test_tiny_filtered_window_dc():
    # y[m] = 0.3 x[m] - 0.7 x[m-1], x[m] = A cos(2 pi 3 m / 32), x[-1] = 0; mean of ReLU(y[m])
    # over m < 64, summed here directly in mpmath
    taps = ["0.3", "-0.7"]
    with mpmath.workdps(50):
        x = [mpmath.cos(2 * mpmath.pi * 3 * m / 32) for m in range(64)]
        y = [mp(taps[0]) * x[m] + (mp(taps[1]) * x[m - 1] if m else 0) for m in range(64)]
        ref = mpmath.fsum(max(v, 0) for v in y) / 64
    for s in ("1", "1e-300"):
        sig = sr.MultiTone(amplitudes=[s], frequencies=[3])
        value = sr.filtered_dc(sig, taps, 32, n=64, dps=20)
        with mpmath.workdps(60):
            assert _rel(value, mp(s) * ref) < mp(10) ** -20


def test_cli_prints_the_digits_of_a_tiny_dc(capsys):
    code = main(["dc", "1e-300@5", "--digits", "20", "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0 and json.loads(out)["dc"] == "3.1830988618379067154e-301"   # 1e-300 / pi
    code = main(["coefficient", "1e-300@5", "10", "--digits", "12", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    # ReLU(A cos th) has the cosine 2A/(3 pi) cos 2th (DESIGN 1.3, m = 1), so c_2 = A / (3 pi)
    with mpmath.workdps(30):
        assert doc["c"]["re"] == mpmath.nstr(mp(10) ** -300 / (3 * mpmath.pi), 12,
                                             min_fixed=-6, max_fixed=18)
