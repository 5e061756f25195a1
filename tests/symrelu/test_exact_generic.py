"""Generic-regime (torus) values against oracles that are not the engine's own methods.

exact_dc / exact_coefficient prove a torus value in balls: closed forms for one tone and the
two-tone DC without offset, the Bessel integral in Arb (symrelu.exact.bessel) for everything
else. The expected values here come from elsewhere: closed forms derived by hand (W_3(1) in
Gamma(1/3), checked here by an elliptic quadrature in mpmath), published values of the planar
walk moments W_n(1), trapezoid rules on the torus (written here, with an error bound or a
measured convergence), the planar random walk of symrelu.exact.walk (elliptic integrals and an
unproven tanh-sinh rule, no Bessel function), and mpmath quadrature of the Bessel integral
split into many panels (other library, other quadrature, no Hankel tail).
"""


import flint
import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import symrelu as sr
from symrelu.exact.generic import generic_ball
from symrelu.exact.quadrature import TanhSinh, arb_precision, to_arb, to_mpf
from symrelu.exact.walk import walk_mean

mp = mpmath.mpf


def _two_tone_mean_abs(A, B, digits):
    r"""mean |A cos t1 + B cos t2| over the torus, A > B > 0, to ``digits`` digits (mpmath).

    The mean over t1 is elementary, mean_t |s + A cos t| = (2/pi)(s asin(s/A) + sqrt(A^2 - s^2))
    for |s| < A; with s = B cos t2 it is analytic and 2 pi-periodic in t2 on the strip
    |Im t2| < a0 = acosh(A/B), so the N-point trapezoid rule converges geometrically. With
    a = 3 a0 / 4, r = B cosh(a) / A < 1, |asin z| <= |z| / sqrt(1 - |z|^2) and
    |sqrt(A^2 - s^2)| <= A sqrt(1 + r^2), the integrand is bounded on the strip by
    M = (2/pi) A (r^2 / sqrt(1 - r^2) + sqrt(1 + r^2)), and the mean's error is at most
    2 M / (e^{aN} - 1) (Trefethen & Weideman, SIAM Review 56 (2014), Theorem 3.2, divided by
    2 pi). N is the least that makes that bound below 10^-(digits + 2).
    """
    with mpmath.workdps(digits + 10):
        A, B = mp(A), mp(B)
        a = 3 * mpmath.acosh(A / B) / 4
        r = B * mpmath.cosh(a) / A
        M = 2 / mpmath.pi * A * (r**2 / mpmath.sqrt(1 - r**2) + mpmath.sqrt(1 + r**2))
        N = int(mpmath.ceil(mpmath.log(2 * M * mp(10) ** (digits + 2) + 1) / a))

        def kernel(s):
            return 2 / mpmath.pi * (s * mpmath.asin(s / A) + mpmath.sqrt(A**2 - s**2))

        total = mpmath.fsum(kernel(B * mpmath.cos(2 * mpmath.pi * j / N)) for j in range(N))
        return total / N


def _grid_coefficient(b, amps, ks, n):
    """Coefficient of exp(i k.theta) in |b + sum A_j cos theta_j| by the plain n^K trapezoid
    rule on the torus (numpy float64): mean of |x| cos(k_1 theta_1) ... cos(k_K theta_K)."""
    th = 2 * np.pi * np.arange(n) / n
    x, w = np.full((n,) * len(amps), float(b)), np.ones((n,) * len(amps))
    for j, (A, k) in enumerate(zip(amps, ks)):
        shape = [1] * len(amps)
        shape[j] = n
        x = x + float(A) * np.cos(th).reshape(shape)
        w = w * np.cos(k * th).reshape(shape)
    return float(np.mean(np.abs(x) * w))


def _phase_out_kernel(s, A, k):
    r"""(1/pi) int_0^pi |s + A cos t| cos(kt) dt for arrays s (numpy), by hand.

    For |s| < A the sign changes at alpha = acos(-s/A): the integral is 2 F(alpha) - F(pi) with
    F(t) = int_0^t (s + A cos u) cos(ku) du; for |s| >= A it is sign(s) F(pi).
    """
    s = np.asarray(s, dtype=float)
    end = np.pi * s if k == 0 else np.full_like(s, A * np.pi / 2 if k == 1 else 0.0)
    out = np.sign(s) * end / np.pi
    m = np.abs(s) < A
    t, sm = np.arccos(-s[m] / A), s[m]
    if k == 0:
        F = sm * t + A * np.sin(t)
    elif k == 1:
        F = sm * np.sin(t) + A / 2 * (t + np.sin(2 * t) / 2)
    else:
        F = sm * np.sin(k * t) / k + A / 2 * (np.sin((k + 1) * t) / (k + 1)
                                              + np.sin((k - 1) * t) / (k - 1))
    out[m] = (2 * F - end[m]) / np.pi
    return out


def _phased_grid(b, first, rest, n):
    """Torus coefficient of |x|: tone ``first = (A, k)`` phased out by hand, the ``rest``
    [(A, k), ...] on an n-point trapezoid grid per phase (numpy float64)."""
    th = 2 * np.pi * np.arange(n) / n
    s, w = np.full((n,) * len(rest), float(b)), np.ones((n,) * len(rest))
    for j, (A, k) in enumerate(rest):
        shape = [1] * len(rest)
        shape[j] = n
        s = s + A * np.cos(th).reshape(shape)
        w = w * np.cos(k * th).reshape(shape)
    return float(np.mean(_phase_out_kernel(s, *first) * w))


def test_two_tone_dc_30_digits_against_a_trapezoid_oracle():
    g = sr.MultiTone(amplitudes=[1, "0.7"], frequencies=[1, 2])
    value = sr.exact_dc(g, regime="generic", dps=30)
    with mpmath.workdps(40):
        ref = _two_tone_mean_abs(1, "0.7", 35) / 2  # ReLU = (x + |x|)/2 and mean x = 0
        assert abs(value - ref) < mp(10) ** -29


def test_two_equal_tones_have_the_closed_form_dc():
    # cos t1 + cos t2 = 2 cos u cos v with u = (t1 + t2)/2, v = (t1 - t2)/2 uniform and
    # independent on the torus, so mean |cos t1 + cos t2| = 2 (2/pi)^2 = 8/pi^2 (equivalently
    # (4/pi^2)(A + B) E(4AB/(A + B)^2) at A = B = 1 with E(1) = 1)
    for amp, (p, q) in (("1", (1, 1)), ("3/7", (3, 7))):
        g = sr.MultiTone(amplitudes=[amp, amp], frequencies=[1, 2])
        abs_dc = sr.exact_dc(g, activation="abs", regime="generic", dps=30)
        relu_dc = sr.exact_dc(g, regime="generic", dps=30)
        with mpmath.workdps(40):
            want = 8 * mp(p) / q / mpmath.pi**2
            assert abs(abs_dc - want) < mp(10) ** -29
            assert abs(relu_dc - want / 2) < mp(10) ** -29


@pytest.mark.parametrize("b, ks", [("0.3", (0, 0)), ("0.3", (1, 1)), ("0", (2, 0)),
                                   ("0", (1, 1))])
def test_two_tone_coefficients_against_a_torus_grid(b, ks):
    # x = b + cos t1 + 0.7 cos t2 has kinks along its zero curve; the 1024^2-point trapezoid
    # error was measured at <= 2e-8 for N = 512, 1024 and 2048 (it decays like N^-2 or faster)
    sig = sr.MultiTone(amplitudes=[1, "0.7"], frequencies=[1, 2], offset=b)
    c = sr.exact_coefficient(sig, ks, activation="abs", regime="generic", dps=20)
    assert abs(complex(c) - _grid_coefficient(b, [1, 0.7], ks, 1024)) < 1e-7


def test_multi_index_coefficient_includes_phase():
    g = sr.MultiTone(amplitudes=[1, "0.7"], frequencies=[1, 2], phases=["0.4", "0.1"])
    plain = sr.MultiTone(amplitudes=[1, "0.7"], frequencies=[1, 2])
    c = sr.exact_coefficient(g, (1, -1), regime="generic", dps=20)
    c0 = sr.exact_coefficient(plain, (1, -1), regime="generic", dps=20)
    with mpmath.workdps(20):
        assert abs(c - c0 * mpmath.expj(mp("0.3"))) < mp(10) ** -18
    with pytest.raises(sr.FrequencyNotPresentError):
        sr.exact_coefficient(g, 3, regime="generic")


def test_single_tone_generic_equals_periodic():
    s = sr.MultiTone(amplitudes=[2], frequencies=[1], offset="0.5")
    with mpmath.workdps(30):
        assert abs(sr.exact_dc(s, regime="generic", dps=30) - sr.exact_dc(s, dps=30)) \
            < mp(10) ** -29


def test_four_tone_harmonic_and_intermodulation_coefficients():
    s = sr.MultiTone(amplitudes=[1, "0.8", "0.5", "0.3"], frequencies=[1, 2, 3, 5], offset="0.2")
    # a harmonic of one tone: the walk of the other three with a phase-out kernel
    c = sr.exact_coefficient(s, (0, 2, 0, 0), activation="abs", regime="generic", dps=20)
    # oracle: the 0.8 tone phased out by hand (k = 2), a 128^3 trapezoid grid over the others;
    # its error was measured 2e-6, 2e-7, 1e-8, 3e-10 at 32, 64, 128, 256 points per phase
    ref = _phased_grid(0.2, (0.8, 2), [(1.0, 0), (0.5, 0), (0.3, 0)], 128)
    assert abs(complex(c) - ref) < 1e-7 and abs(c) > 1e-3
    # three tones, intermodulation: nested phase-out over two phases
    t = sr.MultiTone(amplitudes=[1, "0.7", "0.4"], frequencies=[1, 2, 3])
    d = sr.exact_coefficient(t, (1, -1, 0), regime="generic", dps=25)
    # oracle: tone 1 phased out by hand (k = 1), a 1024^2 grid over the others (measured error
    # below 1e-9 at 256, 512 and 1024 points); ReLU's coefficient is half of |x|'s here
    ref = _phased_grid(0, (1.0, 1), [(0.7, 1), (0.4, 0)], 1024) / 2
    assert abs(complex(d) - ref) < 1e-8


def test_too_many_digits_is_refused():
    s = sr.MultiTone(amplitudes=[1] * 4, frequencies=[1, 2, 3, 4])
    with pytest.raises(sr.PrecisionLimitError):
        sr.exact_dc(s, regime="generic", dps=500)


@settings(max_examples=12, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40))
def test_two_tone_dc_is_symmetric_and_half_mean_abs(a, b):
    s = sr.MultiTone(amplitudes=[a / 10, b / 10], frequencies=[1, 2])
    t = sr.MultiTone(amplitudes=[b / 10, a / 10], frequencies=[1, 2])
    dc = sr.exact_dc(s, regime="generic", dps=20)
    assert dc == sr.exact_dc(t, regime="generic", dps=20)
    with mpmath.workdps(25):
        A, B = mp(max(a, b)) / 10, mp(min(a, b)) / 10
        # equal amplitudes: 8A/pi^2 (test_two_equal_tones_have_the_closed_form_dc)
        ref = 8 * A / mpmath.pi**2 if a == b else _two_tone_mean_abs(A, B, 22)
        assert abs(dc - ref / 2) < mp(10) ** -19



# --- three and more tones: proven balls ---------------------------------------------------------

#: Incommensurate frequencies for up to 12 tones (square roots of distinct primes).
ROOTS = [f"sqrt({p})" for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)]


def _equal_tones(K):
    return sr.MultiTone(amplitudes=[1] * K, frequencies=ROOTS[:K])


def _w3(digits):
    r"""W_3(1), the mean distance of a 3-step unit planar walk, in closed form.

    W_3(1) = (3/16) 2^(1/3) Gamma(1/3)^6 / pi^4 + (27/4) 2^(2/3) Gamma(2/3)^6 / pi^4, as in OEIS
    A240946 (after Borwein, Straub, Wan, Zudilin, "Densities of short uniform random walks",
    arXiv:1103.2995); the formula is checked below by an elliptic quadrature.
    """
    with mpmath.workdps(digits + 10):
        g, third = mpmath.gamma, mp(1) / 3
        return (mp(3) / 16 * mpmath.cbrt(2) * g(third) ** 6
                + mp(27) / 4 * mpmath.cbrt(4) * g(2 * third) ** 6) / mpmath.pi**4


def _relu_dc_3(digits):
    """The ReLU DC of three equal unit incommensurate tones: W_3(1) / pi."""
    with mpmath.workdps(digits + 10):
        return _w3(digits) / mpmath.pi


def _contains(ball, value, digits):
    with flint.ctx.workprec(4 * digits + 64):
        return bool(ball.contains(flint.arb(mpmath.nstr(value, digits + 15, strip_zeros=False))))


def _mid(ball, digits=40):
    """A ball's midpoint as an mpmath number (``digits`` digits, exact decimal conversion)."""
    with flint.ctx.workprec(4 * digits + 64):
        text = ball.mid().str(digits, radius=False)
    with mpmath.workdps(digits):
        return mpmath.mpf(text)


def _walk_value(b, amps, digits):
    """E|b + sum A_j cos theta_j| by the planar walk (symrelu.exact.walk: no Bessel function)."""
    with mpmath.workdps(digits + 15):           # the inputs' binary values at full precision
        b, amps = mp(b), [mp(a) for a in amps]
    with arb_precision(digits + 15):
        return to_mpf(walk_mean(to_arb(b), [to_arb(a) for a in amps], TanhSinh(digits)))


def test_w3_closed_form_against_an_elliptic_quadrature():
    # independent of the formula: average |1 + e^{it} + e^{is}| over s in closed form,
    # (2/pi)(r + 1) E(4r/(r + 1)^2) with r = |1 + e^{it}| = 2 cos(t/2), then over t by
    # mpmath.quad split where r = 1 (t = 2 pi / 3: E's logarithmic point)
    with mpmath.workdps(45):
        def over_s(t):
            r = 2 * mpmath.cos(t / 2)
            return 2 / mpmath.pi * (r + 1) * mpmath.ellipe(4 * r / (r + 1) ** 2)

        quad = mpmath.quad(over_s, [0, 2 * mpmath.pi / 3, mpmath.pi]) / mpmath.pi
        assert abs(quad - _w3(40)) < mp(10) ** -33     # quad's own error near the log point


def test_three_unit_tones_ball_holds_w3_over_pi():
    # the ReLU DC of n equal unit incommensurate tones is W_n(1) / pi (E|x| = 2 W_n(1) / pi)
    ball = sr.exact_dc(_equal_tones(3), dps=40, enclosure=True)
    assert _contains(ball, _relu_dc_3(60), 60)
    assert ball.rad() <= 1e-40 * ball.mid()
    with mpmath.workdps(20):
        assert sr.exact_dc(_equal_tones(3), dps=20) == +_relu_dc_3(40)


@pytest.mark.parametrize("K", range(3, 13))
def test_equal_tones_are_proven_to_20_digits(K):
    # (the target is 10 s; measured 0.05-0.3 s: tests/benchmarks/bench_enclosure.py)
    ball = sr.exact_dc(_equal_tones(K), dps=20, enclosure=True)
    assert ball.rad() <= 1e-20 * ball.mid()
    # every K: below the rms bound (Jensen), E|x|/2 <= sqrt(K/2)/2
    assert 0 < ball.mid() < mpmath.sqrt(mp(K) / 2) / 2
    if K >= 6:   # K = 3, 4, 5: the closed form and the walk below
        # mpmath (other library, other quadrature) on [0, 80] in 80 panels, the tail replaced
        # by its 1/u^2 part: measured within 3e-9 of the 20-digit values for K = 6, 7, 12
        with mpmath.workdps(12):
            def f(u):
                return (1 - mpmath.besselj(0, u) ** K) / u**2

            ref = (mpmath.quad(f, mpmath.linspace(0, 80, 81)) + 1 / mp(80)) / mpmath.pi
            assert abs(ref - _mid(ball)) < mp(10) ** -8


@pytest.mark.parametrize("K", [4, 5])
def test_four_and_five_unit_tones_against_the_walk(K):
    ball = sr.exact_dc(_equal_tones(K), dps=20, enclosure=True)
    # the planar walk (elliptic K and E, tanh-sinh in Arb, no Bessel function);
    # E|x| = 2 W_K(1) / pi, so W_4(1) = 1.7990924798..., W_5(1) = 2.0081618454...
    with mpmath.workdps(30):
        walk = _walk_value(0, [1] * K, 25) / 2
        assert abs(walk - _mid(ball)) < mp(10) ** -20 * walk


@pytest.mark.parametrize("b", ["-0.2", "0.35", "-1.9"])
def test_three_tones_with_an_offset_30_digits_against_the_walk(b):
    amps = [1, "0.7", "0.4"]
    sig = sr.MultiTone(amplitudes=amps, frequencies=ROOTS[:3], offset=b)
    ball = sr.exact_dc(sig, activation="abs", dps=30, enclosure=True)  # bench_enclosure: 0.2 s
    assert ball.rad() <= 1e-30 * abs(ball.mid())
    walk = _walk_value(b, amps, 35)
    assert _contains(ball, walk, 30)
    # the default call rounds the ball: 30 digits, all inside it
    value = sr.exact_dc(sig, activation="abs", dps=30)
    with mpmath.workdps(40):
        assert abs(value - walk) <= mp(10) ** -29 * abs(walk)


def test_scale_does_not_matter():
    # today's refusal of issue 12: the DC is homogeneous of degree 1 in (amplitudes, offset)
    big = sr.MultiTone(amplitudes=[1000, 600, 400], frequencies=[1, "sqrt(2)", "sqrt(3)"],
                       offset=-200)
    small = sr.MultiTone(amplitudes=[1, "0.6", "0.4"], frequencies=[1, "sqrt(2)", "sqrt(3)"],
                         offset="-0.2")
    five = sr.exact_dc(big, regime="generic", dps=5)
    scaled = sr.exact_dc(small, regime="generic", dps=25)
    with mpmath.workdps(30):
        assert abs(five - 1000 * scaled) < mp(10) ** -4 * abs(five)
    ball = sr.exact_dc(big, regime="generic", dps=25, enclosure=True)
    with flint.ctx.workprec(200):
        assert ball.overlaps(1000 * sr.exact_dc(small, regime="generic", dps=25,
                                                enclosure=True))
    # and against the walk on the unscaled signal (the walk works at any scale)
    with mpmath.workdps(40):                    # ReLU = (x + |x|) / 2, mean x = -200
        walk = _walk_value(-200, [1000, 600, 400], 30) / 2 - 100
    assert _contains(ball, walk, 25)


def test_four_tone_intermodulation_15_digits():
    # (2, -1, 0, 0) and (1, 1, -1, 0) vanish without offset (sum k odd); with one, they do not
    s = sr.MultiTone(amplitudes=[1, "0.8", "0.5", "0.3"], frequencies=ROOTS[:4], offset="0.2")
    for key, rest in (((2, -1, 0, 0), [(0.8, 1), (0.5, 0), (0.3, 0)]),
                      ((1, 1, -1, 0), [(0.8, 1), (0.5, 1), (0.3, 0)])):
        ball = sr.exact_coefficient(s, key, activation="abs", dps=15, enclosure=True)
        assert ball.imag == 0 and ball.real.rad() <= 1e-15 * abs(ball.real.mid())
        # oracle: the first tone phased out by hand, a 128^3 trapezoid grid over the others
        # (measured error below 1e-8 at 64, 128 and 256 points per phase)
        ref = _phased_grid(0.2, (1.0, key[0]), rest, 128)
        assert abs(float(_mid(ball.real)) - ref) < 1e-7 and abs(ref) > 1e-3


def test_a_perturbed_bessel_integrand_is_caught():
    # a 1e-12 error in the integrand on [0, U] moves the value by about 1e-12 U: the ball then
    # excludes W_3(1) / pi, so the containment check above can fail
    half = sympy.Rational(1, 2)
    sig = _equal_tones(3)
    truth = _relu_dc_3(40)
    assert _contains(generic_ball(sig, (0, 0, 0), half, half, 20).real, truth, 30)
    wrong = generic_ball(sig, (0, 0, 0), half, half, 20, perturb=flint.arb("1e-12"))
    assert not _contains(wrong.real, truth, 30)


def test_a_tiny_amplitude_is_refused_with_the_digits_that_can_be_proven():
    s = sr.MultiTone(amplitudes=[1, "1/100", "1/3"], frequencies=ROOTS[:3])
    with pytest.raises(sr.PrecisionLimitError, match=r"at most \d+ digits can be proven"):
        sr.exact_dc(s, dps=40, enclosure=True)
    g = sr.guarantee(s, dps=40)
    assert g.kind == "refused" and "at most" in g.reason
    assert sr.guarantee(s, dps=10).kind == "proven"


def test_guarantee_names_the_bessel_proof():
    g = sr.guarantee(_equal_tones(7), dps=20)
    assert g.proven and "Bessel integral in Arb balls" in g.reason
    two = sr.MultiTone(amplitudes=[1, "0.7"], frequencies=ROOTS[:2], offset="0.1")
    assert sr.guarantee(two, at=(1, 1)).proven


@pytest.mark.parametrize("nu", [0, 1, 2, 3])
def test_the_hankel_remainder_bound_the_proof_rests_on(nu):
    # DLMF 10.17(iii): for real z > 0 the remainders of P and Q after l terms each are at most
    # the first neglected terms (l >= max(nu/2 - 1/4, 1)). Checked here against Arb's J_nu,
    # with the a_m(nu) written out again: J = sqrt(2/(pi z)) (P cos w - Q sin w).
    with flint.ctx.workprec(200):
        for z in (3, 7.5, 20, 41):
            z = flint.arb(z)
            a = [flint.arb(1)]
            for m in range(1, 2 * 12 + 2):
                a.append(a[-1] * (4 * nu * nu - (2 * m - 1) ** 2) / (8 * m))
            for l in (max(2, nu), 6, 12):
                P = sum(((-1) ** k * a[2 * k] / z ** (2 * k) for k in range(l)), flint.arb(0))
                Q = sum(((-1) ** k * a[2 * k + 1] / z ** (2 * k + 1) for k in range(l)),
                        flint.arb(0))
                w = z - nu * flint.arb.pi() / 2 - flint.arb.pi() / 4
                scale = (2 / (flint.arb.pi() * z)).sqrt()
                err = abs(flint.acb(z).bessel_j(nu).real - scale * (P * w.cos() - Q * w.sin()))
                bound = scale * (abs(a[2 * l]) / z ** (2 * l)
                                 + abs(a[2 * l + 1]) / z ** (2 * l + 1))
                assert err <= bound


@pytest.mark.parametrize("at", [(18, 76704), (0, 302), (-200, 102)])
def test_a_torus_coefficient_of_too_high_order_is_refused_naming_the_limit(at):
    # found by the CLI's fuzz test: (18, 76704) ran for minutes inside the Bessel proof
    from symrelu.exact.bessel import MAX_ORDER

    sig = sr.MultiTone(amplitudes=[1, "0.5"], frequencies=[1, 2])
    with pytest.raises(sr.PrecisionLimitError, match=f"total order {sum(map(abs, at))}") as info:
        sr.exact_coefficient(sig, at, regime="generic", dps=8)
    assert f"up to a total order of {MAX_ORDER}" in str(info.value)


def test_an_odd_total_order_is_zero_at_any_height():
    # |x| is even and x -> -x is theta -> theta + pi on every tone: c_k = (-1)^S c_k
    sig = sr.MultiTone(amplitudes=[1, "0.5"], frequencies=[1, 2])
    assert sr.exact_coefficient(sig, (18, 76703), regime="generic", dps=8) == 0
