"""Proven enclosures (enclosure=True) against independent high-precision values.

Oracles: closed forms derived here and checked by mpmath.quad, mpmath.ellipe for two tones, and
mpmath.quad split at the zeros of x, the zeros found here by a sign grid and mpmath.findroot at
twice the precision (nothing of the engine's root isolation is used).
"""

import flint
import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import symrelu as sr
from symrelu.exact import periodic

PAPER = sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
# the paper signal's DC, known to about 53 digits (issue 12); checked against quad below
PAPER_DC = "0.57444169533948081648822899532205687084817094065534344"


def _weights(act):
    _, lam, c = sr.exact._common.activation_weights(act)
    return lam, c


def _trig(sig):
    """x(tau) as an mpmath function at the current precision (values evaluated by sympy.N)."""
    tones = [(mpmath.mpf(sympy.N(A, mpmath.mp.dps + 5)), m, mpmath.mpf(sympy.N(p, mpmath.mp.dps + 5)))
             for A, m, p in zip(sig.amplitudes, sig.harmonics, sig.phases)]
    b = mpmath.mpf(sympy.N(sig.offset, mpmath.mp.dps + 5))

    def x(t):
        return b + mpmath.fsum(A * mpmath.cos(m * t + p) for A, m, p in tones)
    return x


def _zeros(x, D):
    """Sign changes of x on (-pi, pi] on a grid of 64 (D + 1) points, refined by findroot."""
    n = 64 * (D + 1)
    grid = [-mpmath.pi + 2 * mpmath.pi * j / n for j in range(n + 1)]
    values = [x(t) for t in grid]
    out = []
    for j in range(n):
        if values[j] == 0:
            out.append(grid[j])
        elif values[j] * values[j + 1] < 0:
            out.append(_bracketed_root(x, grid[j], grid[j + 1], values[j]))
    return out


def _bracketed_root(x, a, b, fa):
    """A sign change of x in (a, b): findroot (illinois), bisection where it does not converge."""
    try:
        r = mpmath.findroot(x, (a, b), solver="illinois")
        if a <= r <= b:
            return r
    except ValueError:        # a near-tangency: illinois may not meet its tolerance
        pass
    while b - a > mpmath.eps * 4:
        m = (a + b) / 2
        fm = x(m)
        if fm == 0:
            return m
        a, b, fa = (m, b, fm) if (fm > 0) == (fa > 0) else (a, m, fa)
    return (a + b) / 2


def _quad(sig, n, act, dps):
    """c_n of act(x) by mpmath.quad split at the zeros, at 2 dps working digits."""
    lam, c = _weights(act)
    with mpmath.workdps(2 * dps):
        x = _trig(sig)
        pts = [-mpmath.pi, *_zeros(x, max(sig.harmonics)), mpmath.pi]
        lam, c = mpmath.mpf(sympy.N(lam, 2 * dps)), mpmath.mpf(sympy.N(c, 2 * dps))
        value = mpmath.quad(lambda t: (lam * x(t) + c * abs(x(t))) * mpmath.expj(-n * t), pts)
        return value / (2 * mpmath.pi)


def _contains(ball, value, dps, peak=1):
    """ball (arb or acb) meets the mpmath value known to 2 dps - 5 digits of the peak."""
    with flint.ctx.workprec(int(7 * dps) + 64):
        size = abs(flint.arb(mpmath.nstr(abs(value), 20))) + flint.arb(str(sympy.N(peak, 20)))
        slack = flint.arb(0, flint.arb(10) ** (-2 * dps + 5) * size)
        if isinstance(ball, flint.arb):
            return ball.overlaps(flint.arb(mpmath.nstr(value, 2 * dps, strip_zeros=False)) + slack)
        re = flint.arb(mpmath.nstr(value.real, 2 * dps, strip_zeros=False)) + slack
        im = flint.arb(mpmath.nstr(value.imag, 2 * dps, strip_zeros=False)) + slack
        return ball.real.overlaps(re) and ball.imag.overlaps(im)


def _radius_ok(ball, dps):
    parts = [ball] if isinstance(ball, flint.arb) else [ball.real, ball.imag]
    with flint.ctx.workprec(int(4 * dps) + 64):
        return all(p == 0 or p.rad() <= flint.arb(10) ** -dps * p.abs_lower() for p in parts)


# --- the paper signal ---------------------------------------------------------------------


def test_paper_signal_dc_ball_holds_the_published_digits():
    ball = sr.exact_dc(PAPER, dps=50, enclosure=True)
    assert isinstance(ball, flint.arb)
    with flint.ctx.workprec(300):
        assert ball.overlaps(flint.arb(PAPER_DC) + flint.arb(0, "1e-53"))
        assert ball.rad() < flint.arb("1e-50") * ball
    with mpmath.workdps(60):  # the oracle agrees with the published digits
        assert abs(_quad(PAPER, 0, "relu", 30).real - mpmath.mpf(PAPER_DC)) < mpmath.mpf(10) ** -53
    assert _contains(ball, _quad(PAPER, 0, "relu", 30).real, 25)


def test_default_digits_lie_in_the_ball():
    ball = sr.exact_dc(PAPER, dps=50, enclosure=True)
    value = sr.exact_dc(PAPER, dps=50)
    with flint.ctx.workprec(300):
        v = flint.arb(mpmath.nstr(value, 60, strip_zeros=False))
        assert (v - ball).abs_upper() <= flint.arb("1e-50") * abs(ball)


def test_paper_coefficient_is_an_acb():
    c = sr.exact_coefficient(PAPER, 15, dps=30, enclosure=True)
    assert isinstance(c, flint.acb) and c.imag == 0     # a symmetric signal: exactly real
    assert _radius_ok(c, 30)
    assert _contains(c, _quad(PAPER, 3, "relu", 30), 30)
    assert _contains(sr.exact_coefficient(PAPER, -15, dps=30, enclosure=True),
                     mpmath.conj(_quad(PAPER, 3, "relu", 30)), 30)


# --- closed forms ---------------------------------------------------------------------------


@pytest.mark.parametrize("regime, freq", [("periodic", 3), ("generic", "sqrt(2)")])
def test_single_tone_dc_is_a_over_pi(regime, freq):
    ball = sr.exact_dc(sr.MultiTone(amplitudes=["2.5"], frequencies=[freq]), regime=regime,
                       dps=40, enclosure=True)
    with mpmath.workdps(80):
        assert _contains(ball, mpmath.mpf("2.5") / mpmath.pi, 40)
    assert _radius_ok(ball, 40)


def _offset_dc(A, b):
    """ReLU DC of b + A cos(theta), |b| < A: x > 0 on |theta| < alpha = acos(-b/A), so the DC is
    (1/2pi) int_{-alpha}^{alpha} (b + A cos) = (b alpha + A sin alpha)/pi."""
    alpha = mpmath.acos(-b / A)
    return (b * alpha + A * mpmath.sin(alpha)) / mpmath.pi


def test_offset_closed_form_is_checked_by_quad():
    with mpmath.workdps(40):
        A, b = mpmath.mpf("1.5"), mpmath.mpf("-0.4")
        alpha = mpmath.acos(-b / A)
        ref = mpmath.quad(lambda t: b + A * mpmath.cos(t), [-alpha, alpha]) / (2 * mpmath.pi)
        assert abs(ref - _offset_dc(A, b)) < mpmath.mpf(10) ** -38


@pytest.mark.parametrize("regime, freq", [("periodic", 2), ("generic", "sqrt(3)")])
@pytest.mark.parametrize("b", ["-0.4", "0.9", "-1.4999"])
def test_single_tone_with_offset(regime, freq, b):
    sig = sr.MultiTone(amplitudes=["1.5"], frequencies=[freq], offset=b)
    ball = sr.exact_dc(sig, regime=regime, dps=30, enclosure=True)
    with mpmath.workdps(60):
        assert _contains(ball, _offset_dc(mpmath.mpf("1.5"), mpmath.mpf(b)), 30)
    assert _radius_ok(ball, 30)


@pytest.mark.parametrize("m", [1, 2, 3])
def test_single_tone_even_harmonics(m):
    # ReLU(A cos) = A/pi + (A/2) cos + (2A/pi) sum (-1)^(m+1)/(4m^2 - 1) cos 2m (DESIGN.md 1.3)
    sig = sr.MultiTone(amplitudes=[3], frequencies=[1])
    ball = sr.exact_coefficient(sig, 2 * m, dps=30, enclosure=True)
    with mpmath.workdps(60):
        ref = 3 / mpmath.pi * (-1) ** (m + 1) / (4 * m * m - 1)
        assert _contains(ball, mpmath.mpc(ref, 0), 30)
    assert ball.imag == 0 and _radius_ok(ball, 30)


def test_single_tone_generic_harmonic_with_phase_against_quad():
    sig = sr.MultiTone(amplitudes=["0.7"], frequencies=["sqrt(2)"], phases=["0.4"], offset="0.2")
    ball = sr.exact_coefficient(sig, (3,), dps=25, enclosure=True)
    periodic_twin = sr.MultiTone(amplitudes=["0.7"], frequencies=[1], phases=["0.4"],
                                 offset="0.2")           # one tone: the torus is one period
    assert _contains(ball, _quad(periodic_twin, 3, "relu", 25), 25)


@pytest.mark.parametrize("A, B", [(1, 1), (1, sympy.Rational(7, 10)), (sympy.Rational(3, 10), 2),
                                  (sympy.sqrt(2), sympy.sqrt(2))])   # m = 1 - 0: E's log point
@pytest.mark.parametrize("act", ["relu", "abs", sr.LeakyReLU("0.1")])
def test_two_tone_elliptic(A, B, act):
    sig = sr.MultiTone(amplitudes=[A, B], frequencies=[1, "sqrt(2)"])
    ball = sr.exact_dc(sig, activation=act, dps=30, enclosure=True)
    _, c = _weights(act)
    with mpmath.workdps(60):
        a, b = mpmath.mpf(sympy.N(A, 70)), mpmath.mpf(sympy.N(B, 70))
        mean_abs = 4 / mpmath.pi**2 * (a + b) * mpmath.ellipe(4 * a * b / (a + b) ** 2)
        assert _contains(ball, mpmath.mpf(sympy.N(c, 70)) * mean_abs, 30)
    assert _radius_ok(ball, 30)


# --- periodic signals against quad split at the zeros ---------------------------------------


SIGNALS = [
    sr.MultiTone(amplitudes=[1, "0.6"], frequencies=[3, 7], phases=[0, "0.9"], offset="0.2"),
    sr.MultiTone(amplitudes=[sympy.sqrt(2), 1], frequencies=[1, 2], offset="-0.3"),
    sr.MultiTone(amplitudes=[1, "1/3", "1/5"], frequencies=[1, 2, 5], phases=["pi/3", "-pi/7", 1]),
    sr.MultiTone(amplitudes=[1, 1], frequencies=[1, 2], phases=[0, "pi"]),   # cos t - cos 2t:
    # a double zero at t = 0 (x = 3 t^2 / 2 + ...), simple zeros at +-2 pi/3
    sr.MultiTone(amplitudes=[1, 1], frequencies=[1, 2]),                     # double zero at pi
]


@pytest.mark.parametrize("sig", SIGNALS)
@pytest.mark.parametrize("act", ["relu", "abs", sr.LeakyReLU("0.1")])
@pytest.mark.parametrize("n", [0, 1, 4])
def test_periodic_against_quad(sig, act, n):
    ball = sr.exact_coefficient(sig, n * sig.base_frequency, activation=act, dps=20,
                                enclosure=True)
    assert _radius_ok(ball, 20)
    assert _contains(ball, _quad(sig, n, act, 20), 20)


def _square(c):
    """(cos t - c)^2 = c^2 + 1/2 - 2c cos t + (1/2) cos 2t: double zeros at cos t = c."""
    return sr.MultiTone(amplitudes=[-2 * c, sympy.Rational(1, 2)], frequencies=[1, 2],
                        offset=c**2 + sympy.Rational(1, 2))


@pytest.mark.parametrize("c", [sympy.Rational(1, 3), sympy.Rational(-7, 8), sympy.Integer(0)])
def test_double_zeros_exact_values(c):
    sq = _square(c)                       # x >= 0 with two double zeros: ReLU(x) = x
    mean = c**2 + sympy.Rational(1, 2)
    with mpmath.workdps(60):
        assert _contains(sr.exact_dc(sq, dps=30, enclosure=True), mpmath.mpf(sympy.N(mean, 70)), 30)
        assert _contains(sr.exact_dc(-sq, activation="abs", dps=30, enclosure=True),
                         mpmath.mpf(sympy.N(mean, 70)), 30)
        quarter = mpmath.mpc(mpmath.mpf(1) / 4, 0)      # (1/2) cos 2t: c_2 = 1/4
        assert _contains(sr.exact_coefficient(sq, 2, dps=30, enclosure=True), quarter, 30)


def test_undecided_zero_names_the_radius():
    # ReLU(-(cos t - 1/3)^2) is exactly 0, which the engine cannot decide: it says how small
    with pytest.raises(sr.PrecisionLimitError, match=r"below 1e-\d+ in magnitude"):
        sr.exact_dc(-_square(sympy.Rational(1, 3)), dps=10, enclosure=True)


# --- hypothesis -------------------------------------------------------------------------------


def _product(p, q):
    """Product of two cosine polynomials {m: coefficient}, cos a cos b = (cos(a+b) + cos(a-b))/2."""
    out = {}
    for m, a in p.items():
        for k, b in q.items():
            for j in {m + k, abs(m - k)} if m and k else {m + k}:
                w = a * b / 2 if m and k else a * b
                out[j] = out.get(j, 0) + w
    return out


def _signal(poly, shift):
    """x(t + shift pi) for the cosine polynomial poly: the tone m gets the phase m shift pi."""
    items = [(m, a) for m, a in poly.items() if m and a != 0]
    if not items:
        return None
    return sr.MultiTone(amplitudes=[a for _, a in items], frequencies=[m for m, _ in items],
                        phases=[m * shift * sympy.pi for m, _ in items],
                        offset=poly.get(0, 0))


rationals = st.fractions(min_value=-2, max_value=2, max_denominator=8).map(sympy.Rational)


@st.composite
def periodic_signals(draw):
    K = draw(st.integers(1, 6))
    poly = {0: draw(rationals)}
    for m in draw(st.lists(st.integers(1, 8), min_size=K, max_size=K, unique=True)):
        poly[m] = draw(rationals.filter(lambda a: a != 0))
    if draw(st.booleans()):                     # force double zeros: (cos t - c)^2 * poly
        c = draw(st.fractions(min_value=-1, max_value=1, max_denominator=6).map(sympy.Rational))
        factor = {0: c**2 + sympy.Rational(1, 2), 1: -2 * c, 2: sympy.Rational(1, 2)}
        poly = _product(factor, {0: 1} if draw(st.booleans()) else poly)
    shift = sympy.Rational(draw(st.integers(-12, 12)), 12)
    sig = _signal(poly, shift)
    if sig is None or sig.K > 6 + 2:
        return draw(st.nothing())
    return sig


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(periodic_signals(), st.sampled_from(["relu", "abs", sr.LeakyReLU("1/4")]),
       st.integers(0, 3))
@example(_square(sympy.Rational(1, 3)), "relu", 0)
@example(sr.MultiTone(amplitudes=[1, 1], frequencies=[1, 2], phases=[0, "pi"]), "abs", 1)
@example(sr.MultiTone.parse("3/2 + 2@1:7*pi/12 + 1/2@2:-5*pi/6"), "relu", 0)   # (1 + cos)^2:
# a zero of multiplicity 4 (took 39 s with a second-order range bound)
@example(sr.MultiTone(amplitudes=["2/3", "1/2"], frequencies=[3, 5],       # Newton stopped early
                      phases=["pi/4", "5*pi/12"]), "relu", 0)
@example(sr.MultiTone(amplitudes=[1], frequencies=[5], phases=["5*pi/12"]), "abs", 1)  # exact 0
def test_random_periodic_balls(sig, act, n):
    dps = 15
    lam, c = _weights(act)
    try:
        ball = periodic.periodic_ball(sig, n, lam, c, dps)
    except sr.PrecisionLimitError as exc:        # a part that is exactly 0, undecided
        assert "separated from 0" in str(exc)
        return
    assert _radius_ok(ball, dps)
    twice = periodic.periodic_ball(sig, n, lam, c, 2 * dps)    # the engine at 2x precision
    with flint.ctx.workprec(400):
        assert ball.real.contains(twice.real.mid()) and ball.imag.contains(twice.imag.mid())
    assert _contains(ball, _quad(sig, n, act, dps), dps, sig.peak)   # the independent oracle


# --- the check can fail ----------------------------------------------------------------------


def test_a_perturbed_integrand_is_caught(monkeypatch):
    sig = SIGNALS[0]
    truth = _quad(sig, 0, "relu", 20).real
    assert _contains(sr.exact_dc(sig, dps=20, enclosure=True), truth, 20)
    original = periodic._signal_balls

    def perturbed(signal, strict):
        tr, a, peak = original(signal, strict)
        a = dict(a)
        a[0] = a[0] + flint.arb("1e-18")    # the antiderivative of x + 1e-18, zeros unchanged
        return tr, a, peak

    monkeypatch.setattr(periodic, "_signal_balls", perturbed)
    assert not _contains(sr.exact_dc(sig, dps=20, enclosure=True), truth, 20)


# --- refusals and guarantee --------------------------------------------------------------------


def test_generic_is_proven_and_the_mixed_regime_is_not():
    g = sr.MultiTone(amplitudes=[1, "0.7", "0.4"], frequencies=[1, "sqrt(2)", "sqrt(3)"])
    ball = sr.exact_dc(g, dps=25, enclosure=True)      # checked against the walk in
    assert ball.rad() <= 1e-25 * ball.mid()           # test_exact_generic.py
    assert sr.guarantee(g, dps=25).kind == "proven"
    mixed = sr.MultiTone(amplitudes=[1, 1, 1], frequencies=[1, 2, "sqrt(2)"])
    with pytest.raises(sr.NoProofError, match="mixed"):
        sr.exact_dc(mixed, dps=10, enclosure=True)
    assert sr.guarantee(mixed).kind == "two independent methods"
    # two tones with an offset: the Bessel ball against the one-phase closed form integrated by
    # mpmath over the other phase, (1/pi) int_0^pi h(0.1 + cos t; 1) dt, split at the kinks
    offset = sr.MultiTone(amplitudes=[1, 1], frequencies=[1, "sqrt(2)"], offset="0.1")
    ball = sr.exact_dc(offset, activation="abs", dps=20, enclosure=True)
    with mpmath.workdps(50):
        b = mpmath.mpf("0.1")

        def h(t):
            s = b + mpmath.cos(t)
            if abs(s) >= 1:
                return abs(s)
            return 2 / mpmath.pi * (s * mpmath.asin(s) + mpmath.sqrt(1 - s * s))

        ref = mpmath.quad(h, [0, mpmath.acos(1 - b), mpmath.pi]) / mpmath.pi
    assert _contains(ball, ref, 20)


def test_guarantee_kinds():
    assert sr.guarantee(PAPER, dps=50).kind == "proven"
    two = sr.MultiTone(amplitudes=[1, "0.7"], frequencies=[1, "sqrt(2)"])
    assert sr.guarantee(two).kind == "proven"
    assert sr.guarantee(two, at=(1, 1)).kind == "proven"
    assert sr.guarantee(PAPER, dps=10**6).kind == "refused"
    assert sr.guarantee(PAPER, at=(1, 0, 0, 0)).kind == "refused"
    odd = sr.MultiTone(amplitudes=[sympy.besselj(0, 1)], frequencies=[1])   # no ball form here
    g = sr.guarantee(odd)
    assert g.kind == "two precisions" and str(g).startswith("two precisions: ")
    with pytest.raises(sr.NoProofError):
        sr.exact_dc(odd, dps=10, enclosure=True)
    with mpmath.workdps(30):                    # and the two-precision path still computes it
        ref = mpmath.besselj(0, 1) / mpmath.pi
        assert abs(sr.exact_dc(odd, dps=20) - ref) < mpmath.mpf(10) ** -19


def test_unreachable_radius_is_named(monkeypatch):
    # b = -(1 - 1e-14): the DC is about (2e-14)^(3/2) / (3 pi) ~ 3e-22, 22 digits below the
    # peak; with no extra working precision allowed, the proven radius is named
    from symrelu.exact import balls

    sig = sr.MultiTone(amplitudes=[1], frequencies=[1], offset="-0." + "9" * 14)
    monkeypatch.setattr(balls, "MAX_EXTRA_DIGITS", 0)
    with pytest.raises(sr.PrecisionLimitError,
                       match=r"radius that can be proven is \S+ \(\S+ relative\)"):
        sr.exact_dc(sig, dps=20, enclosure=True)
    monkeypatch.undo()
    ball = sr.exact_dc(sig, dps=20, enclosure=True)          # with it: 20 digits, proven
    with mpmath.workdps(140):
        assert _contains(ball, _offset_dc(mpmath.mpf(1), mpmath.mpf(sympy.N(sig.offset, 150))),
                         20, 0)
