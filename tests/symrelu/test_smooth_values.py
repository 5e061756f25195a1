"""Exact values of smooth activations, against independent computations.

References: plain mpmath.quad over one period at twice the digits (split at the zero
crossings of x, found by bracketing, for ELU/SELU whose second derivative jumps at 0);
numpy's FFT of the sampled signal (its error falls geometrically with the sampling rate
for an analytic activation); mpmath's two-dimensional quadrature over the torus.
"""

from __future__ import annotations

import flint
import mpmath
import numpy as np
import pytest
import sympy

import symrelu as sr
from symrelu.errors import FrequencyNotPresentError, NoProofError
from symrelu.exact.smooth_values import smooth_coefficient, torus_error_bound

SIG = sr.MultiTone.parse("0.3 + 1@5 + 0.6@7")           # base frequency 1, period 1
ANALYTIC = ["gelu", "gelu_tanh", "silu", "tanh", "sigmoid", "softplus", "mish",
            "smooth:x*exp(-x**2/2)"]
ALL = ANALYTIC + ["elu", "selu", "elu:1/2"]


def _mp_f(act):
    return sympy.lambdify(sr.smooth.X, act.expr, modules="mpmath")


def _x(t):
    return (mpmath.mpf(3) / 10 + mpmath.cos(2 * mpmath.pi * 5 * t)
            + mpmath.mpf(6) / 10 * mpmath.cos(2 * mpmath.pi * 7 * t))


def _quad_reference(act, n, dps):
    """(1/1) int_0^1 f(x(t)) e^{-2 pi i n t} dt by mpmath.quad, split at the zeros of x."""
    f = _mp_f(act)
    with mpmath.workdps(dps):
        grid = mpmath.linspace(0, 1, 1201)
        pts = [mpmath.mpf(0)]
        for a, b in zip(grid[:-1], grid[1:]):
            if _x(a) * _x(b) < 0:
                pts.append(mpmath.findroot(_x, (a, b), solver="anderson"))
        pts.append(mpmath.mpf(1))
        sub = sorted(set(pts) | set(mpmath.linspace(0, 1, 25)))
        return mpmath.quad(lambda t: f(_x(t)) * mpmath.expj(-2 * mpmath.pi * n * t), sub)


@pytest.mark.parametrize("name", ALL)
def test_dc_and_harmonics_against_mpmath_quad_at_twice_the_digits(name):
    act = sr.as_activation(name)
    dps = 20
    for n in (0, 3, 12):
        ref = _quad_reference(act, n, 2 * dps)
        got = (sr.exact_dc(SIG, activation=act, dps=dps) if n == 0
               else sr.exact_coefficient(SIG, n, activation=act, dps=dps))
        with mpmath.workdps(2 * dps):
            tol = mpmath.mpf(10) ** (1 - dps) * abs(ref)
            assert abs(mpmath.mpc(got) - ref) < tol, (name, n, got, ref)


@pytest.mark.parametrize("name", ["gelu", "tanh", "elu", "softplus"])
def test_enclosure_contains_the_independent_value(name):
    act = sr.as_activation(name)
    for n in (0, 3):
        ref = _quad_reference(act, n, 50)
        ball = (sr.exact_dc(SIG, activation=act, dps=30, enclosure=True) if n == 0
                else sr.exact_coefficient(SIG, n, activation=act, dps=30, enclosure=True))
        with flint.ctx.workprec(200), mpmath.workdps(50):
            re = flint.arb(mpmath.nstr(mpmath.re(ref), 48), "1e-46")
            real = ball if n == 0 else ball.real
            assert real.overlaps(re)
            assert real.rad() < 1e-30 * abs(real.mid())
            if n:
                im = flint.arb(mpmath.nstr(mpmath.im(ref), 48), "1e-46")
                assert ball.imag.overlaps(im)


@pytest.mark.parametrize("name", ANALYTIC)
def test_fft_error_falls_geometrically_with_the_sampling_rate(name):
    act = sr.as_activation(name)
    exact = [complex(sr.exact_coefficient(SIG, n, activation=act, dps=20)) for n in (0, 3, 12)]

    def err(fs):
        t = np.arange(fs) / fs
        x = 0.3 + np.cos(2 * np.pi * 5 * t) + 0.6 * np.cos(2 * np.pi * 7 * t)
        c = np.fft.fft(act.numpy(x)) / fs
        return max(abs(c[n] - e) for n, e in zip((0, 3, 12), exact))

    e32, e64, e96 = err(32), err(64), err(96)
    assert e96 < 1e-6
    # an error ~ fs^-p would give e96/e32 = 3^-p: geometric decay beats any p <= 6
    assert e96 / e32 < 3.0 ** -6 and e64 / e32 < 2.0 ** -6


def test_elu_fft_error_is_algebraic_not_geometric():
    act = sr.as_activation("elu")           # f'' jumps at 0: coefficients decay like m^-3
    exact = complex(sr.exact_coefficient(SIG, 3, activation=act, dps=20))

    def err(fs):
        t = np.arange(fs) / fs
        x = 0.3 + np.cos(2 * np.pi * 5 * t) + 0.6 * np.cos(2 * np.pi * 7 * t)
        return abs(np.fft.fft(act.numpy(x))[3] / fs - exact)

    assert err(4096) < 1e-6 and err(96) / err(32) > 3.0 ** -6


def test_exact_zeros_decided_by_symmetry():
    odd = sr.MultiTone.parse("1@1 + 0.5@3")               # x(t + 1/2) = -x(t)
    tanh = sr.as_activation("tanh")
    assert sr.exact_dc(odd, activation=tanh, dps=20) == 0
    assert sr.exact_coefficient(odd, 2, activation=tanh, dps=20) == 0
    ball = sr.exact_coefficient(odd, 2, activation=tanh, dps=20, enclosure=True)
    assert ball.real == 0 and ball.imag == 0 and ball.real.rad() == 0
    assert sr.exact_coefficient(odd, 3, activation=tanh, dps=20) != 0
    # softplus = x/2 + even: odd harmonics beyond x/2's vanish, sigmoid = 1/2 + odd
    soft = sr.as_activation("softplus")
    assert sr.exact_coefficient(odd, 1, activation=soft, dps=20) == mpmath.mpf(1) / 4
    assert sr.exact_coefficient(odd, 5, activation=soft, dps=20) == 0
    assert sr.exact_dc(odd, activation="sigmoid", dps=20) == mpmath.mpf(1) / 2
    # the quadrature agrees that these vanish
    f = _mp_f(soft)
    with mpmath.workdps(30):
        v = mpmath.quad(lambda t: f(mpmath.cos(t) + mpmath.cos(3 * t) / 2) * mpmath.cos(5 * t),
                        mpmath.linspace(0, 2 * mpmath.pi, 9)) / mpmath.pi
        assert abs(v) < 1e-25


def test_negative_frequency_is_the_conjugate_and_off_grid_is_refused():
    sig = sr.MultiTone.parse("1@1 + 0.5@2:0.7")
    a = sr.exact_coefficient(sig, 3, activation="gelu", dps=20)
    b = sr.exact_coefficient(sig, -3, activation="gelu", dps=20)
    assert b == mpmath.conj(a) and a.imag != 0
    with pytest.raises(FrequencyNotPresentError):
        sr.exact_coefficient(sig, "1/2", activation="gelu")
    with pytest.raises(FrequencyNotPresentError):
        sr.exact_coefficient(sig, (1, 0), activation="gelu")


# --------------------------------------------------------------------------- generic regime
TWO = sr.MultiTone.parse("1@1 + 0.7@sqrt(2)")


def _torus_reference(act, key, b=0, dps=25):
    """mpmath's 2-D quadrature of the zero-phase torus coefficient (even in each angle)."""
    f = _mp_f(act)
    with mpmath.workdps(dps):
        A, B = mpmath.mpf(1), mpmath.mpf(7) / 10
        v = mpmath.quad(lambda t1, t2: f(b + A * mpmath.cos(t1) + B * mpmath.cos(t2))
                        * mpmath.cos(key[0] * t1) * mpmath.cos(key[1] * t2),
                        [0, mpmath.pi / 2, mpmath.pi], [0, mpmath.pi / 2, mpmath.pi])
        return v / mpmath.pi**2


@pytest.mark.parametrize("name, key", [("tanh", (2, -1)), ("gelu", (0, 0)), ("mish", (1, 1))])
def test_generic_two_tones_against_mpmath_torus_quadrature(name, key):
    act = sr.as_activation(name)
    got = sr.exact_coefficient(TWO, key, activation=act, regime="generic", dps=20)
    ref = _torus_reference(act, key)
    with mpmath.workdps(25):
        assert abs(got.real - ref) < mpmath.mpf(10) ** -19 * abs(ref)
        assert got.imag == 0


def test_generic_phases_factor_out():
    phased = sr.MultiTone(amplitudes=[1, "0.7"], frequencies=[1, "sqrt(2)"],
                          phases=["0.4", "pi/3"])
    act = sr.as_activation("gelu")
    plain = sr.exact_coefficient(TWO, (3, 1), activation=act, regime="generic", dps=20)
    got = sr.exact_coefficient(phased, (3, 1), activation=act, regime="generic", dps=20)
    assert plain != 0
    with mpmath.workdps(30):
        want = plain * mpmath.expj(3 * mpmath.mpf("0.4") + mpmath.pi / 3)
        assert abs(got - want) < 1e-19 * abs(want)


def test_generic_three_tones_within_the_lens_certificate():
    three = sr.MultiTone.parse("0.2 + 1@1 + 0.7@sqrt(2) + 0.5@sqrt(3)")
    act = sr.as_activation("tanh")
    ball = sr.exact_coefficient(three, (1, 1, -1), activation=act, regime="generic", dps=20,
                                enclosure=True)
    assert ball.real.rad() < 1e-20 * abs(ball.real.mid())
    lens = sr.expand(three, order=40, activation=act)
    err = lens.certificate.sup_error
    value = sympy.N(lens.coefficient((1, 1, -1)), 30)
    with flint.ctx.workprec(120):
        diff = abs(ball.real - flint.arb(str(sympy.re(value))))
        assert diff < flint.arb(str(sympy.N(err, 20))) and err < sympy.Rational(1, 10**7)


def test_mixed_regime_against_mpmath_quadrature():
    sig = sr.MultiTone.parse("1@1 + 1@2:0.3 + 1@sqrt(2)")       # theta_1 carries 1 and 2
    got = sr.exact_coefficient(sig, (1, -1), activation="tanh", dps=20)
    with mpmath.workdps(25):
        ref = mpmath.quad(lambda t1, t2: mpmath.tanh(mpmath.cos(t1) + mpmath.cos(2 * t1 + mpmath.mpf(3) / 10)
                                                     + mpmath.cos(t2))
                          * mpmath.expj(-(t1 - t2)),
                          [0, mpmath.pi, 2 * mpmath.pi], [0, mpmath.pi, 2 * mpmath.pi])
        ref /= 4 * mpmath.pi**2
        assert abs(got - ref) < mpmath.mpf(10) ** -19 * abs(ref)


def _elu_two_tone_reference(sig_b, A1, A2, k1, k2, alpha="1", scale="1"):
    """Nested mpmath.quad: theta_2 split at the zero arccos(-s/A2), theta_1 at s = +-A2."""
    with mpmath.workdps(25):
        b, A1, A2 = (mpmath.mpf(v) for v in (sig_b, A1, A2))
        al, sc = mpmath.mpf(alpha), mpmath.mpf(scale)

        def f(v):
            return sc * (v if v > 0 else al * mpmath.expm1(v))

        def inner(t1):
            s = b + A1 * mpmath.cos(t1)
            u = -s / A2
            pts = [0, mpmath.acos(u), mpmath.pi] if -1 < u < 1 else [0, mpmath.pi]
            return mpmath.quad(lambda t2: f(s + A2 * mpmath.cos(t2)) * mpmath.cos(k2 * t2), pts)
        cuts = sorted(mpmath.acos(c) for c in ((A2 - b) / A1, (-A2 - b) / A1) if -1 < c < 1)
        return mpmath.quad(lambda t1: inner(t1) * mpmath.cos(k1 * t1),
                           [0, *cuts, mpmath.pi]) / mpmath.pi**2


@pytest.mark.parametrize("name, offset, key", [("elu", "0", (0, 0)), ("elu", "0", (2, -1)),
                                               ("selu", "0.2", (1, 1))])
def test_elu_two_tones_crossing_zero_against_nested_quadrature(name, offset, key):
    sig = sr.MultiTone(amplitudes=[1, "0.7"], frequencies=[1, "sqrt(2)"], offset=offset)
    got = sr.exact_coefficient(sig, key, activation=name, regime="generic", dps=20)
    consts = ("1", "1") if name == "elu" else (str(sr.smooth.SELU_ALPHA.evalf(40)),
                                                str(sr.smooth.SELU_SCALE.evalf(40)))
    ref = _elu_two_tone_reference(offset, "1", "0.7", abs(key[0]), abs(key[1]), *consts)
    with mpmath.workdps(25):
        assert abs(got.real - ref) < mpmath.mpf(10) ** -19 * abs(ref) and got.imag == 0
    assert "acb.integral over theta_1" in sr.guarantee(sig, at=key, activation=name,
                                                       regime="generic").reason


def test_elu_on_three_tones_crossing_zero_has_no_proof_but_one_sign_is_exact():
    three = sr.MultiTone.parse("1@1 + 0.7@sqrt(2) + 0.5@sqrt(3)")
    with pytest.raises(NoProofError, match="not analytic"):
        sr.exact_dc(three, activation="elu", regime="generic", dps=20)
    assert sr.guarantee(three, activation="elu", regime="generic").kind == "refused"
    above = sr.MultiTone.parse("3 + 1@1 + 0.7@sqrt(2)")          # x > 0: ELU(x) = x
    assert sr.exact_dc(above, activation="elu", regime="generic", dps=20) == 3
    below = sr.MultiTone.parse("-3 + 1@1 + 0.7@sqrt(2)")   # E[e^x] - 1 = e^-3 I0(1) I0(.7) - 1
    with mpmath.workdps(30):
        want = mpmath.exp(-3) * mpmath.besseli(0, 1) * mpmath.besseli(0, mpmath.mpf("0.7")) - 1
    got = sr.exact_dc(below, activation="elu", regime="generic", dps=20)
    assert abs(got - want) < 1e-19 * abs(want)


def test_generic_exp_closed_form_bessel():
    # E[exp(x)] e^{-ik theta} = e^b prod I_{k_j}(A_j): an independent closed form
    act = sr.smooth.Smooth(sympy.exp(sr.smooth.X))
    sig = sr.MultiTone.parse("0.1 + 1@1 + 0.7@sqrt(2) + 0.4@sqrt(5)")
    got = sr.exact_coefficient(sig, (2, -1, 1), activation=act, regime="generic", dps=20)
    with mpmath.workdps(30):
        want = (mpmath.exp(mpmath.mpf("0.1")) * mpmath.besseli(2, 1)
                * mpmath.besseli(1, mpmath.mpf("0.7")) * mpmath.besseli(1, mpmath.mpf("0.4")))
    assert abs(got - want) < 1e-19 * want


def test_torus_error_bound_formula():
    with flint.ctx.workprec(100):
        M, s = flint.arb(3), flint.arb("0.5")
        for d in (1, 2, 3):
            q = (-s * 40).exp()
            direct = M * (((1 + q) / (1 - q)) ** d - 1)
            assert abs(torus_error_bound(M, s, 40, d) - direct) < 1e-25


def test_guarantee_reports_the_methods():
    g = sr.guarantee(SIG, activation="gelu", dps=30)
    assert g.kind == "proven" and "acb.integral" in g.reason
    g = sr.guarantee(SIG, activation="elu", dps=30)
    assert g.kind == "proven" and "sign of x" in g.reason
    g = sr.guarantee(TWO, activation="tanh", at=(2, -1), regime="generic", dps=20)
    assert g.kind == "proven" and "trapezoidal" in g.reason
    assert sr.guarantee(TWO, activation="tanh", dps=500, regime="generic").kind == "refused"


def test_smooth_coefficient_direct_call():
    v = smooth_coefficient(SIG, None, sr.GELU(), "auto", 20, False)
    assert isinstance(v, mpmath.mpc)


def test_elu_at_tangencies_against_quadrature():
    # x = cos t + cos 2t = (2 cos t - 1)(cos t + 1): simple zeros at +-pi/3, a double one at pi
    sig = sr.MultiTone(amplitudes=[1, 1], frequencies=[1, 2])
    with mpmath.workdps(40):
        def f(s):
            v = mpmath.cos(s) + mpmath.cos(2 * s)
            return v if v > 0 else mpmath.expm1(v)
        z = mpmath.pi / 3
        pts = [0, z, mpmath.pi, 2 * mpmath.pi - z, 2 * mpmath.pi]
        refs = [mpmath.quad(lambda s, n=n: f(s) * mpmath.cos(n * s), pts) / (2 * mpmath.pi)
                for n in (0, 3)]
    assert abs(sr.exact_dc(sig, activation="elu", dps=30) - refs[0]) < 1e-29 * refs[0]
    got = sr.exact_coefficient(sig, 3, activation="elu", dps=30)
    assert abs(got - refs[1]) < 1e-29 * abs(refs[1]) and got.imag == 0
    # x = 1 + cos t touches 0: ELU(x) = x all along, so the DC is the offset
    assert sr.exact_dc(sr.MultiTone.parse("1 + 1@1"), activation="elu", dps=30) == 1
