"""Exact values of piecewise-linear activations against independent references.

References (none shares code with the engine):
- periodic: mpmath.quad over one period at twice the digits, split at the crossings of
  every breakpoint level (bracketed on a grid, refined by findroot);
- sign/Heaviside: the zero crossings of b + cos(tau) + a cos(2 tau), a quadratic in
  cos(tau), in closed form, and e^{-i n tau} integrated exactly between them;
- generic: the torus average by mpmath.quad (one tone: split at the crossings; two
  tones: inner quad over theta_1 split at its crossings, outer over theta_2 split where
  the inner crossings appear or vanish);
- closed forms: symrelu.closed_form_coefficient (arccos formulas) against the engine, and
  the textbook describing function of the saturation, (2/pi)(asin(1/A) + sqrt(1 - 1/A^2)/A).
"""

from __future__ import annotations

import flint
import mpmath
import numpy as np
import pytest
import sympy

import symrelu as sr
from symrelu.exact import PrecisionLimitError, SymbolicValueError

R = sympy.Rational
DPS = 20


def _mp(v, dps):
    return mpmath.mpf(sympy.N(v, dps + 10))


def _f_mp(act, dps):
    a, b = _mp(act.intercept, dps), _mp(act.linear, dps)
    ks = [(_mp(t, dps), _mp(c, dps)) for t, c in act.kinks]
    js = [(_mp(t, dps), _mp(h, dps)) for t, h in act.jumps]

    def f(v):
        return (a + b * v + mpmath.fsum(c * abs(v - t) for t, c in ks)
                + mpmath.fsum(h * mpmath.sign(v - t) for t, h in js))

    return f


def _periodic_quad(sig, act, n, dps=2 * DPS):
    """c_n (harmonic n of the base frequency) by mpmath.quad split at the crossings."""
    with mpmath.workdps(dps):
        b = _mp(sig.offset, dps)
        tones = [(_mp(A, dps), int(m), _mp(p, dps))
                 for A, m, p in zip(sig.amplitudes, sig.harmonics, sig.phases)]

        def x(t):
            return b + mpmath.fsum(A * mpmath.cos(m * t + p) for A, m, p in tones)

        f = _f_mp(act, dps)
        # brackets off the rational points (a crossing at pi/2 on a grid point has the value
        # 0 there, so no bracket would show its sign change)
        grid = [mpmath.mpf(0), *(2 * mpmath.pi * (k + mpmath.mpf("0.3718")) / 3000
                                 for k in range(3000)), 2 * mpmath.pi]
        pts = [grid[0], grid[-1]]
        for level in act.breakpoints():
            L = _mp(level, dps)
            pts += [mpmath.findroot(lambda t, L=L: x(t) - L, (u, v), solver="anderson")
                    for u, v in zip(grid, grid[1:]) if (x(u) - L) * (x(v) - L) < 0]
        pts = sorted(pts)
        total = mpmath.quad(lambda t: f(x(t)) * mpmath.expj(-n * t), pts)
        return total / (2 * mpmath.pi)


def _torus_quad(sig, act, key, dps=2 * DPS):
    """The torus coefficient at key (1 or 2 tones, phases 0) by mpmath.quad."""
    with mpmath.workdps(dps):
        b = _mp(sig.offset, dps)
        A = [_mp(a, dps) for a in sig.amplitudes]
        f = _f_mp(act, dps)
        levels = [_mp(t, dps) for t in act.breakpoints()]

        def one(s, k):        # (1/pi) int_0^pi f(s + A0 cos th) cos(k th) dth
            pts = [mpmath.mpf(0), mpmath.pi]
            for L in levels:
                r = (L - s) / A[0]
                if -1 < r < 1:
                    pts.append(mpmath.acos(r))
            return mpmath.quad(lambda th: f(s + A[0] * mpmath.cos(th)) * mpmath.cos(k * th),
                               sorted(pts), method="gauss-legendre") / mpmath.pi

        if len(A) == 1:
            return one(b, key[0])
        pts = [mpmath.mpf(0), mpmath.pi]
        for L in levels:
            for c in (A[0], -A[0]):
                r = (L - c - b) / A[1]
                if -1 < r < 1:
                    pts.append(mpmath.acos(r))
        return mpmath.quad(lambda t2: one(b + A[1] * mpmath.cos(t2), key[0])
                           * mpmath.cos(key[1] * t2), sorted(pts)) / mpmath.pi


def _close(value, ref, digits=DPS - 2):
    value = mpmath.mpc(value)
    ref = mpmath.mpc(ref)
    with mpmath.workdps(40):
        assert abs(value - ref) <= mpmath.mpf(10) ** -digits * max(abs(ref), mpmath.mpf(10) ** -30), (
            value, ref)


SIG = sr.MultiTone.parse("0.3 + 1@5 + 0.6@7")          # base 1 Hz: harmonics 5 and 7
WIDE = sr.MultiTone.parse("1 + 4@1 + 2.5@2")            # reaches 7.5 and -5.5: crosses +-3, 6
CASES = [
    ("hardtanh", SIG), ("clip:0:4/5", SIG), ("deadzone:-1/2:1/2", SIG), ("sign", SIG),
    ("heaviside", SIG), ("relu6", WIDE), ("hardsigmoid", WIDE), ("hardtanh:-2:3", WIDE),
    ("pwl:1/3:1/2:-1@1/4;1/2@-1;2@1/3:0@1/2;1@-1/5", SIG),
]


@pytest.mark.parametrize("name, sig", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("F", [0, 2, 3, 5])
def test_periodic_against_quadrature(name, sig, F):
    act = sr.as_activation(name)
    value = sr.exact_coefficient(sig, F, activation=act, dps=DPS)
    _close(value, _periodic_quad(sig, act, int(F / sig.base_frequency)))


@pytest.mark.parametrize("name, sig", [c for c in CASES if "sign" not in c[0]
                                       and "heaviside" not in c[0] and "@-1/5" not in c[0]])
def test_periodic_equals_its_abs_decomposition(name, sig):
    """a + b x + sum c_j |x - t_j|, each |x - t_j| through the |x| engine on the signal
    with offset b - t_j (activation "abs", the one-kink path)."""
    act = sr.as_activation(name)
    for F in (0, 5):
        terms = [(c, sr.exact_coefficient(sig + sr.MultiTone(offset=-t), F, activation="abs",
                                          dps=30) if t != 0 else
                  sr.exact_coefficient(sig, F, activation="abs", dps=30)) for t, c in act.kinks]
        lin = sr.exact_coefficient(sig, F, activation="linear", dps=30)
        with mpmath.workdps(40):
            expect = mpmath.fsum(_mp(c, 40) * v for c, v in terms) + _mp(act.linear, 40) * lin
            if F == 0:
                expect += _mp(act.intercept, 40)
        _close(sr.exact_coefficient(sig, F, activation=act, dps=DPS), expect)


@pytest.mark.parametrize("b, a", [("0.3", "0.6"), ("-0.2", "0.9"), ("0.1", "-0.45")])
def test_sign_against_the_zero_crossings(b, a):
    """x = b + cos t + a cos 2t = 2a c^2 + c + (b - a), c = cos t: the crossings are
    t = +-acos(c_r) for the roots c_r in (-1, 1); between them sign(x) is constant."""
    sig = sr.MultiTone(amplitudes=[1, a], frequencies=[1, 2], offset=b)
    B, Aa = R(b), R(a)
    c = sympy.Symbol("c")
    roots = [r for r in sympy.solve(2 * Aa * c**2 + c + (B - Aa), c)
             if r.is_real and -1 < r < 1]
    with mpmath.workdps(50):
        angles = sorted(mpmath.acos(_mp(r, 50)) for r in roots)   # crossings in (0, pi)
        edges = [mpmath.mpf(0), *angles, mpmath.pi]

        def x(t):
            return _mp(B, 50) + mpmath.cos(t) + _mp(Aa, 50) * mpmath.cos(2 * t)

        for n in range(5):   # x is even in t: c_n = (1/pi) int_0^pi sign(x) cos(n t) dt
            ref = mpmath.mpf(0)
            for lo, hi in zip(edges, edges[1:]):
                s = mpmath.sign(x((lo + hi) / 2))
                ref += s * ((hi - lo) if n == 0 else (mpmath.sin(n * hi) - mpmath.sin(n * lo)) / n)
            ref /= mpmath.pi
            _close(sr.exact_coefficient(sig, n, activation="sign", dps=DPS), ref)
            heav = ref / 2 + (mpmath.mpf(1) / 2 if n == 0 else 0)
            _close(sr.exact_coefficient(sig, n, activation="heaviside", dps=DPS), heav)


GENERIC = [
    (sr.MultiTone.parse("0.3 + 1.5@1"), [(0,), (1,), (2,), (3,)]),
    (sr.MultiTone.parse("0.3 + 1@1 + 0.6@sqrt(2)"), [(0, 0), (1, 0), (2, -1)]),
]


GENERIC_CASES = [
    *((name, 0) for name in ("hardtanh", "relu6", "sign", "heaviside", "deadzone:-1/2:1/2",
                             "clip:-1/3:1")),
    *((name, 1) for name in ("hardtanh", "relu6", "heaviside")),
]


@pytest.mark.parametrize("name, which", GENERIC_CASES)
def test_generic_against_torus_quadrature(name, which):
    sig, keys = GENERIC[which]
    act = sr.as_activation(name)
    if name == "relu6":
        sig = sig * 4                                  # so that x crosses 6
    for key in keys:
        value = sr.exact_coefficient(sig, key, activation=act, regime="generic", dps=DPS)
        _close(value, _torus_quad(sig, act, key, 26))


@pytest.mark.parametrize("name, sig, regime, at", [
    ("hardtanh", SIG, "auto", 3), ("sign", SIG, "auto", 0), ("relu6", WIDE, "auto", 2),
    ("sign", GENERIC[1][0], "generic", (2, -1)), ("hardtanh", GENERIC[1][0], "generic", (1, 0)),
])
def test_enclosure_contains_the_quadrature(name, sig, regime, at):
    act = sr.as_activation(name)
    ball = sr.exact_coefficient(sig, at, activation=act, regime=regime, dps=DPS, enclosure=True)
    assert isinstance(ball, flint.acb)
    if regime == "generic":
        ref = _torus_quad(sig, act, at, 27)
    else:
        ref = _periodic_quad(sig, act, int(at / sig.base_frequency))
    with mpmath.workdps(40):
        text = mpmath.nstr(mpmath.mpc(ref).real, 26)
    with flint.ctx.workprec(300):    # the quadrature's digits as a ball of radius 1e-24
        assert ball.real.overlaps(flint.arb(text) + flint.arb(0, flint.arb(10) ** -24))
        assert ball.real.rad() <= flint.arb(10) ** -DPS * abs(ball.real.mid())


@pytest.mark.parametrize("name", ["hardtanh", "relu6", "sign", "heaviside", "deadzone",
                                  "hardsigmoid", "clip:0:1", "leaky:0.1", "abs"])
def test_closed_form_equals_the_engine(name):
    sig = sr.MultiTone.parse("0.3 + 2.5@2:0.4") if name != "hardsigmoid" else \
        sr.MultiTone.parse("0.3 + 5@2:0.4")
    for n in range(5):
        cf = sr.closed_form_coefficient(sig, n, name)
        ref = mpmath.mpc(complex(0)) + mpmath.mpmathify(sympy.N(cf, 40))
        _close(sr.exact_coefficient(sig, 2 * n, activation=name, dps=25), ref, 22)


def test_saturation_describing_function_closed_form():
    """The textbook describing function of the unit saturation, amplitude A > 1:
    N(A) = (2/pi)(asin(1/A) + sqrt(1 - 1/A^2)/A); the fundamental's amplitude is A N(A)."""
    for A in (R(3, 2), sympy.Integer(2), sympy.Integer(5)):
        sig = sr.MultiTone(amplitudes=[A], frequencies=[1])
        N = 2 / sympy.pi * (sympy.asin(1 / A) + sympy.sqrt(1 - 1 / A**2) / A)
        assert sympy.simplify(2 * sr.closed_form_coefficient(sig, 1, "hardtanh") - A * N) == 0


def test_closed_form_series_and_refusals():
    t = sympy.Symbol("t", real=True)
    sig = sr.MultiTone.parse("0.5 + 2@1")
    series = sr.closed_form(sig, "sign", t=t)
    assert series.has(sympy.Sum)
    constant = sympy.Add(*(a for a in series.args if not a.has(sympy.Sum)))
    assert sympy.simplify(constant - sr.closed_form_dc(sig, "sign")) == 0
    with pytest.raises(sr.NoClosedFormError, match="kinks at 0"):
        sr.closed_form_dc(sr.MultiTone.parse("1@1 + 1@sqrt(2)"), "hardtanh")
    # two tones, kinks and jumps at 0 only: intercept + c * (4/pi^2)(A+B)E(...), sign's mean 0
    act = sr.PiecewiseLinear.from_terms(intercept=1, kinks={0: 2}, jumps={0: 3})
    two = sr.MultiTone.parse("1@1 + 1@sqrt(2)")
    assert sympy.simplify(sr.closed_form_dc(two, act) - 1 - 2 * sr.closed_form_dc(two, "abs")) == 0
    with pytest.raises(sr.NoClosedFormError):
        sr.closed_form(sr.MultiTone.parse("1@1"), "gelu")


def test_a_cancelling_sum_keeps_relative_digits():
    """hardtanh of 1e-12 + 2 cos: the DC is ~3e-13 while each kink term is ~0.3; the
    closed form (arccos) gives the reference."""
    sig = sr.MultiTone.parse("1e-12 + 2@1")
    ref = mpmath.mpmathify(sympy.N(sr.closed_form_dc(sig, "hardtanh"), 40))
    for regime in ("periodic", "generic"):
        _close(sr.exact_dc(sig, activation="hardtanh", regime=regime, dps=DPS), ref)
    ball = sr.exact_dc(sig, activation="hardtanh", dps=DPS, enclosure=True)
    with flint.ctx.workprec(300):
        assert ball.overlaps(flint.arb(mpmath.nstr(ref, 40)))
        assert ball.rad() <= flint.arb(10) ** -DPS * abs(ball.mid())


def test_a_sum_too_small_to_separate_raises_precision_limit():
    # hardtanh DC of 1e-300 + 2 cos is about 3e-301: beyond the extra digits allowed
    with pytest.raises(PrecisionLimitError, match="could not be separated from 0"):
        sr.exact_dc(sr.MultiTone.parse("1e-300 + 2@1"), activation="hardtanh", dps=15)


@pytest.mark.parametrize("name, sig, regime, at", [
    ("hardtanh", sr.MultiTone.parse("1.5@5 + 0.6@15"), "auto", 0),       # odd f, odd harmonics
    ("hardtanh", sr.MultiTone.parse("1.5@5 + 0.6@15"), "auto", 10),
    ("deadzone", sr.MultiTone.parse("2@1 + 1@sqrt(2)"), "generic", (0, 0)),
    ("sign", sr.MultiTone.parse("2@1 + 1@sqrt(2)"), "generic", (1, 1)),
    ("pwl:0:0:-1@1;1@1:", sr.MultiTone.parse("2@1 + 1@3"), "auto", 1),   # even f, odd harmonic
])
def test_symmetry_decides_exact_zeros(name, sig, regime, at):
    act = sr.as_activation(name)
    value = sr.exact_coefficient(sig, at, activation=act, regime=regime, dps=DPS)
    assert value == 0
    ball = sr.exact_coefficient(sig, at, activation=act, regime=regime, dps=DPS, enclosure=True)
    assert ball.real == 0 and ball.imag == 0
    if regime == "generic":
        ref = _torus_quad(sig, act, at, 30)
    else:
        ref = _periodic_quad(sig, act, int(at / sig.base_frequency), 30)
    assert abs(ref) < 1e-25            # the quadrature agrees that it vanishes


def test_symmetry_about_the_offset_gives_the_dc_exactly():
    # relu6 is odd about 3: relu6(3 + y) = 3 + clip(y, -3, 3); 3 + 4 cos t has DC 3 exactly
    sig = sr.MultiTone.parse("3 + 4@1")
    assert sr.exact_dc(sig, activation="relu6", dps=DPS) == 3
    _close(_periodic_quad(sig, sr.ReLU6(), 0, 30), 3, 25)


def _mean_abs(u, A):
    """The mean over theta of |u + A cos theta| (A > 0): (2/pi)(u asin(u/A) + sqrt(A^2 - u^2))
    inside, |u| outside (the textbook rectifier mean)."""
    if abs(u) >= A:
        return abs(u)
    return 2 / mpmath.pi * (u * mpmath.asin(u / A) + mpmath.sqrt(A * A - u * u))


def test_mixed_regime_kinks_against_quadrature():
    """2 + 2@1 + 1@2 + 1.4@sqrt(2): a rank-2 torus, theta_1 for 1 and 2, theta_2 for sqrt 2.
    relu6 = 3 + |x|/2 - |x - 6|/2; the mean over theta_2 in closed form, over theta_1 by
    mpmath.quad on 64 panels."""
    sig = sr.MultiTone.parse("2 + 2@1 + 1@2 + 1.4@sqrt(2)")
    value = sr.exact_dc(sig, activation="relu6", dps=12)
    with mpmath.workdps(20):
        A2 = mpmath.mpf("1.4")

        def inner(t1):
            s = 2 + 2 * mpmath.cos(t1) + mpmath.cos(2 * t1)
            return 3 + _mean_abs(s, A2) / 2 - _mean_abs(s - 6, A2) / 2

        ref = mpmath.quad(inner, [mpmath.pi * k / 64 for k in range(65)]) / mpmath.pi
    assert abs(value - ref) < 1e-10 * abs(ref)
    with pytest.raises(sr.ActivationError, match="mixed regime"):
        sr.exact_dc(sig, activation="sign", dps=12)


def test_guarantees():
    g = sr.MultiTone.parse("0.3 + 1@1 + 0.6@sqrt(2)")
    assert sr.guarantee(SIG, activation="hardtanh").kind == "proven"
    assert sr.guarantee(g, activation="sign").kind == "proven"
    assert "sign kernel" in sr.guarantee(g, activation="sign").reason
    mixed = sr.MultiTone.parse("1@1 + 1@2 + 1@sqrt(2)")
    assert sr.guarantee(mixed, activation="relu6").kind == "two independent methods"
    assert sr.guarantee(mixed, activation="heaviside").kind == "refused"


def test_filtered_dc_finite_window_against_numpy():
    sig = sr.MultiTone(amplitudes=[1, "0.5"], frequencies=[3, 5])
    taps, fs, n = [2, -1, "0.5"], 32, 64
    m = np.arange(n)
    x = np.cos(2 * np.pi * 3 * m / fs) + 0.5 * np.cos(2 * np.pi * 5 * m / fs)
    y = 0.1 + np.convolve(x, [2, -1, 0.5])[:n]
    for name in ("relu6", "hardtanh", "heaviside", "deadzone:-1/2:1/2"):
        ref = np.mean(sr.as_activation(name).numpy(y))
        got = sr.filtered_dc(sig, taps, fs, n=n, bias="0.1", activation=name, dps=20)
        assert abs(float(got) - ref) < 1e-12
    inf = sr.filtered_dc(sig, taps, fs, bias="0.1", activation="hardtanh", dps=20)
    assert inf == sr.exact_dc(sr.filter_signal(sig, taps, fs, bias="0.1"),
                              activation="hardtanh", dps=20)


def test_symbolic_weights_are_refused():
    act = sr.PiecewiseLinear.from_terms(kinks={0: "a", 1: 1})
    with pytest.raises(SymbolicValueError):
        sr.exact_dc(SIG, activation=act)


def test_constant_signal():
    # x = 2: hardtanh(2) = 1, relu6(2) = 2, sign(2) = 1
    sig = sr.MultiTone(offset=2)
    assert sr.exact_dc(sig, activation="hardtanh") == 1
    assert sr.exact_dc(sig, activation="relu6") == 2
    assert sr.exact_dc(sig, activation="heaviside") == 1
    assert sr.exact_dc(sr.MultiTone(offset=1), activation="hardtanh:-1:1") == 1


# --- hypothesis: random piecewise-linear activations on random periodic signals -------------
from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_small = st.fractions(min_value=-2, max_value=2, max_denominator=4).map(R)


@st.composite
def _pwl(draw):
    ts = sorted(set(draw(st.lists(_small, min_size=1, max_size=3))))
    kinks = {t: draw(_small) for t in ts}
    jumps = {t: draw(_small) for t in draw(st.lists(st.sampled_from(ts), max_size=2))}
    return sr.PiecewiseLinear.from_terms(intercept=draw(_small), linear=draw(_small),
                                         kinks=kinks, jumps=jumps)


@st.composite
def _periodic(draw):
    K = draw(st.integers(1, 3))
    ms = draw(st.lists(st.integers(1, 4), min_size=K, max_size=K, unique=True))
    amps = [draw(_small.filter(lambda a: a != 0)) for _ in ms]
    return sr.MultiTone(amplitudes=amps, frequencies=ms, offset=draw(_small))


def _touches(sig, levels) -> bool:
    """Whether x comes within 1e-3 of a level without crossing it (a tangency the grid
    bracketing of the reference cannot split at)."""
    t = np.linspace(0, 2 * np.pi, 20000, endpoint=False)  # periodic: tau = 0 is a neighbour
    x = float(sig.offset) + sum(float(A) * np.cos(int(m) * t)
                                for A, m in zip(sig.amplitudes, sig.harmonics))
    for L in levels:
        d = x - float(L)
        before, after = np.roll(d, 1), np.roll(d, -1)
        low = (np.abs(d) <= np.abs(before)) & (np.abs(d) <= np.abs(after))
        if np.any(low & (np.abs(d) < 1e-3) & (before * after > 0)):
            return True
    return False


def test_sign_of_a_signal_touching_zero_at_tau_0_is_minus_one_almost_everywhere():
    # -1 + cos(tau) <= 0, = 0 only at tau = 0 (hypothesis found it; the quadrature reference
    # cannot split at a tangency): sign(x) = -1 almost everywhere, so c_0 = -1 and c_1 = 0
    sig = sr.MultiTone.parse("-1 + 1@1")
    assert sr.exact_dc(sig, activation="sign", dps=20) == -1
    assert sr.exact_coefficient(sig, 1, activation="sign", dps=20) == 0


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_periodic(), _pwl(), st.integers(0, 3))
def test_random_pwl_against_quadrature(sig, act, n):
    """The engine against mpmath.quad split at the crossings (signals that touch a level
    without crossing it defeat the reference's bracketing: tangencies are tested below)."""
    assume(not _touches(sig, act.breakpoints()))
    value = sr.exact_coefficient(sig, n * sig.base_frequency, activation=act, dps=12)
    ref = _periodic_quad(sig, act, n, 24)
    with mpmath.workdps(30):
        scale = (abs(_mp(act.intercept, 30)) + abs(_mp(act.linear, 30))
                 + sum(abs(_mp(c, 30)) for _, c in act.kinks)
                 + sum(abs(_mp(h, 30)) for _, h in act.jumps)) * (1 + float(sig.peak))
        assert abs(mpmath.mpc(value) - ref) <= mpmath.mpf(10) ** -10 * max(abs(ref), scale * 1e-8)


def test_sign_through_a_tangency():
    """1 + cos t + cos 2t + cos 3t = 2c(2c - 1)(c + 1), c = cos t: simple zeros at c = 0 and
    c = 1/2, a double zero at t = pi. It is positive for c > 1/2 (length 2pi/3) and for
    -1 < c < 0 (length pi), so the DC of its sign is (5pi/3 - pi/3)/(2pi) = 2/3 and
    c_1 = (1/pi)(int_0^{pi/3} - int_{pi/3}^{pi/2} + int_{pi/2}^{pi}) cos = (sqrt(3) - 2)/pi."""
    sig = sr.MultiTone.parse("-2 + 1@1 + 1@2 + 1@3")
    act = sr.PiecewiseLinear.from_terms(jumps={-3: 1})        # sign(x + 3)
    _close(sr.exact_dc(sig, activation=act, dps=DPS), mpmath.mpf(2) / 3)
    with mpmath.workdps(40):
        c1 = (mpmath.sqrt(3) - 2) / mpmath.pi
    _close(sr.exact_coefficient(sig, 1, activation=act, dps=DPS), c1)
    ball = sr.exact_dc(sig, activation=act, dps=DPS, enclosure=True)
    with flint.ctx.workprec(200):
        assert ball.contains(flint.arb(2) / 3)


@pytest.mark.parametrize("b", ["0", "1/2", "-1/4"])
def test_kinks_and_jumps_at_a_tangency_one_tone(b):
    """x = b + A cos t touching the level t0 = b + A: the closed forms (|b - t0| = A, the
    boundary case of the arccos formulas) against the engine."""
    A = R(3, 2)
    sig = sr.MultiTone(amplitudes=[A], frequencies=[1], offset=b)
    t0 = R(b) + A
    for act in (sr.PiecewiseLinear.from_terms(kinks={t0: 1}, intercept=1),
                sr.PiecewiseLinear.from_terms(jumps={t0: 1}),
                sr.Clip(R(b) - A, t0)):
        for n in range(3):
            cf = mpmath.mpmathify(sympy.N(sr.closed_form_coefficient(sig, n, act), 30))
            _close(sr.exact_coefficient(sig, n, activation=act, dps=DPS), cf)
