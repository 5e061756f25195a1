r"""Torus averages: the generic-regime (incommensurate) DC and coefficients, proven.

For :math:`x = b + \sum_j A_j \cos(\theta_j + \varphi_j)` with independent
uniform phases, the coefficient of :math:`e^{ik\cdot\theta}` in
:math:`\lambda x + c|x|` is a ball that contains the true value
(:func:`generic_ball`); :func:`generic_coefficient` rounds it. One proof per case:

* no integral needed (:func:`exact_generic_value`): exact sympy numbers;
* one tone: the closed forms (arccos, square root) in balls
  (:func:`symrelu.exact.balls.one_tone_ball`);
* the DC of two tones without offset: :math:`\frac{4}{\pi^2}(A+B)E(4AB/(A+B)^2)`
  in balls (:func:`symrelu.exact.balls.two_tone_dc_ball`);
* everything else, any number of tones, offset or not, any multi-index: the
  Bessel integral in balls (:func:`symrelu.exact.bessel.torus_abs_ball`: head
  by ``acb.integral``, tail by Hankel expansions with proven remainders).

The value is homogeneous of degree 1 in (offset, amplitudes): the signal is
divided by a power of two near its peak before anything is chosen, and the
ball multiplied back exactly, so the scale of the signal does not matter.
"""

from __future__ import annotations

import flint
import mpmath
import sympy

from symrelu.exact._common import (
    crosses_zero,
    exact_parts,
    normalized,
    phase_zeros,
)
from symrelu.exact.balls import (
    NeedsPrecision,
    acb_to_mpc,
    arb_of,
    one_tone_ball,
    phase_ball,
    proven_ball,
    two_tone_dc_ball,
)
from symrelu.exact.bessel import check_bessel_cost, torus_abs_ball
from symrelu.signal import MultiTone

__all__ = [
    "generic_coefficient",
    "generic_ball",
    "generic_method",
    "exact_generic_value",
    "phase_out_mean",
    "two_tone_elliptic",
    "MAX_DPS_GENERIC",
]

#: Most digits the generic engine accepts.
MAX_DPS_GENERIC = 120


# --------------------------------------------------------------------------- phase-out
def phase_out_mean(s, A, k: int):
    r"""h_k(s; A): the k-th cosine coefficient over one phase of |s + A cos(theta)|, A > 0.

    Examples
    --------
    >>> import mpmath
    >>> mpmath.nstr(phase_out_mean(mpmath.mpf(0), mpmath.mpf(1), 0), 12)   # 2/pi
    '0.636619772368'
    """
    pi = mpmath.pi

    def F(t):
        if k == 0:
            return s * t + A * mpmath.sin(t)
        if k == 1:
            return s * mpmath.sin(t) + A / 2 * (t + mpmath.sin(2 * t) / 2)
        return s * mpmath.sin(k * t) / k + A / 2 * (
            mpmath.sin((k + 1) * t) / (k + 1) + mpmath.sin((k - 1) * t) / (k - 1)
        )

    end = s * pi if k == 0 else (A * pi / 2 if k == 1 else 0)
    if s >= A:
        return end / pi
    if s <= -A:
        return -end / pi
    alpha = mpmath.acos(-s / A)
    return (2 * F(alpha) - end) / pi


def two_tone_elliptic(A, B):
    r"""Mean of |A cos t1 + B cos t2| over the torus: (4/pi^2)(A+B) E(4AB/(A+B)^2), A, B > 0.

    Examples
    --------
    >>> import mpmath
    >>> mpmath.nstr(two_tone_elliptic(mpmath.mpf(1), mpmath.mpf(1)), 15)   # 8/pi^2
    '0.810569469138702'
    """
    return 4 / mpmath.pi**2 * (A + B) * mpmath.ellipe(4 * A * B / (A + B) ** 2)


# --------------------------------------------------------------------------- driver
def linear_real(signal: MultiTone, key: tuple[int, ...]) -> sympy.Expr:
    """x's own coefficient at ``key`` without its phase factor exp(i k.phi): b, A_j/2 or 0."""
    if not any(key):
        return signal.offset
    nonzero = [j for j, k in enumerate(key) if k]
    if len(nonzero) == 1 and abs(key[nonzero[0]]) == 1:
        return signal.amplitudes[nonzero[0]] / 2
    return sympy.Integer(0)


def phase_angle(signal: MultiTone, key: tuple[int, ...]) -> sympy.Expr:
    """k . phi, the phase of the coefficient at ``key`` (exact)."""
    return sympy.Add(*(k * p for k, p in zip(key, signal.phases)))


def exact_generic_value(signal: MultiTone, key: tuple[int, ...], lam, c) -> tuple | None:
    r"""(re, im) of the torus coefficient as exact sympy numbers where no integral is needed.

    Decided exactly: no |x| part (c = 0); x of one sign
    (:math:`|b| \ge \sum|A_j|`, so :math:`|x| = \operatorname{sign}(b)\,x`); and b = 0
    with :math:`\sum_j k_j` odd (shifting every phase by pi flips x, so those
    coefficients of |x| vanish). Otherwise None.

    Examples
    --------
    >>> half = sympy.Rational(1, 2)
    >>> g = MultiTone(amplitudes=[1, 1, 1], frequencies=[1, 2, 3])
    >>> exact_generic_value(g, (2, 1, 0), half, half), exact_generic_value(g, (1, 1, 0), 0, 1)
    ((0, 0), None)
    """
    if c == 0:
        weight = lam
    elif crosses_zero(signal) is False:
        weight = lam + c * sympy.sign(signal.offset)
    elif signal.offset == 0 and sum(key) % 2:
        weight = lam
    else:
        return None
    value = weight * linear_real(signal, key)
    angle = phase_angle(signal, key)
    return sympy.expand(value * sympy.cos(angle)), sympy.expand(value * sympy.sin(angle))




# --------------------------------------------------------------------------- proofs
def generic_method(signal: MultiTone, key: tuple[int, ...]) -> str:
    """Which proof :func:`generic_ball` uses: "one tone", "two-tone elliptic" or "Bessel".

    (Values that need no integral, :func:`exact_generic_value`, are decided first.)

    Examples
    --------
    >>> generic_method(MultiTone(amplitudes=[1, 1, 1], frequencies=[1, "sqrt(2)", "sqrt(3)"]),
    ...                (0, 0, 0))
    'Bessel'
    """
    if signal.K == 1:
        return "one tone"
    if signal.K == 2 and not any(key) and signal.offset.is_zero is True:
        return "two-tone elliptic"
    return "Bessel"


def _sign_and_order(signal: MultiTone, key: tuple[int, ...]):
    """(|A_j|, |k_j|, sign): J_{-k} = (-1)^k J_k, and a negative amplitude flips odd k."""
    amps, ks, sign = [], [], 1
    for A, k in zip(signal.amplitudes, key):
        if A.is_negative and k % 2:
            sign = -sign
        amps.append(sympy.Abs(A))
        ks.append(abs(int(k)))
    return amps, ks, sign


def _exact_ball(exact: tuple, digits: int, what: str) -> flint.acb:
    """The proven ball of an exact (re, im) pair; a part that is exactly 0 stays exact."""
    parts = [sympy.sympify(p) for p in exact]
    exact_zeros = tuple(p.is_zero is True for p in parts)
    return proven_ball(lambda: flint.acb(*(flint.arb(0) if z else arb_of(p)
                                           for p, z in zip(parts, exact_zeros))),
                       exact_zeros, digits, what)


def generic_ball(signal: MultiTone, key: tuple[int, ...], lam, c, digits: int,
                 perturb: flint.arb | None = None) -> flint.acb:
    r"""Proven torus coefficient of :math:`e^{ik\cdot\theta}` in :math:`\lambda x + c|x|`.

    A :class:`flint.acb` that contains the true value; each part not decided
    to vanish (the DC's imaginary part, a vanishing phase factor, a symmetry)
    has radius at most 10^-digits times its smallest value. ``perturb`` (tests
    only) is added to the Bessel integrand.

    Raises
    ------
    PrecisionLimitError
        When the digits cannot be proven in reasonable time (the message names
        what can be), e.g. an amplitude tiny next to the peak.

    Examples
    --------
    >>> from symrelu.exact.balls import arb_precision
    >>> half = sympy.Rational(1, 2)
    >>> sig = MultiTone(amplitudes=[1, 1, 1], frequencies=[1, "sqrt(2)", "sqrt(3)"])
    >>> z = generic_ball(sig, (0, 0, 0), half, half, 30)    # ReLU DC: W_3(1) / pi
    >>> with arb_precision(200):
    ...     z.real.str(25, radius=False), bool(z.real.rad() < 1e-30 * z.real.mid()), z.imag == 0
    ('0.5012098674704544728924347', True, True)
    """
    what = "the DC" if not any(key) else f"the coefficient at {key}"
    angle = phase_angle(signal, key)
    exact = exact_generic_value(signal, key, lam, c)
    if exact is not None:
        return _exact_ball(exact, digits, what)
    zeros = (False, True) if not any(key) else phase_zeros(angle)
    method = generic_method(signal, key)
    if method == "one tone":
        inside = crosses_zero(signal)

        def compute() -> flint.acb:
            A, b = arb_of(signal.amplitudes[0]), arb_of(signal.offset)
            crosses = inside
            if crosses is None:              # sympy could not decide |b| < A: the balls do
                gap = abs(b) - A
                if gap.contains(0):
                    raise NeedsPrecision
                crosses = bool(gap < 0)
            return one_tone_ball(A, phase_ball(signal.phases[0]), b, key[0], arb_of(lam),
                                 arb_of(c), crosses)

        return proven_ball(compute, zeros, digits, what)
    if method == "two-tone elliptic":
        return proven_ball(lambda: flint.acb(two_tone_dc_ball(
            *(arb_of(a) for a in signal.amplitudes), arb_of(lam), arb_of(c))), zeros, digits,
            what)
    sig, e = normalized(signal)
    amps, ks, sign = _sign_and_order(sig, key)
    check_bessel_cost(amps, ks, sig.offset, digits)
    lin = linear_real(sig, key)

    def bessel() -> flint.acb:
        d = torus_abs_ball(sig.offset, amps, ks, perturb=perturb)
        real = arb_of(c) * sign * d + arb_of(lam) * arb_of(lin)
        return real * phase_ball(angle) * flint.arb(2) ** e   # the shift by 2^e is exact

    return proven_ball(bessel, zeros, digits, what)


def generic_coefficient(signal: MultiTone, key: tuple[int, ...], lam, c, dps: int) -> mpmath.mpc:
    """Coefficient of exp(i k.(2 pi f t)) in lam*x + c*|x| (tones' phases included), proven.

    The proven ball of :func:`generic_ball` at ``dps + 3`` digits, each part's
    center rounded to ``dps`` digits; values that need no integral are exact
    (:func:`exact_generic_value`), a part whose phase factor vanishes exactly is
    an exact 0.

    Examples
    --------
    >>> import mpmath
    >>> g = MultiTone(amplitudes=[1, "0.7"], frequencies=[1, 2])
    >>> half = sympy.Rational(1, 2)
    >>> mpmath.nstr(generic_coefficient(g, (0, 0), half, half, 20).real, 20)
    '0.35868070492824129324'
    """
    exact = exact_generic_value(signal, key, lam, c)
    if exact is not None:
        return exact_parts(*exact, dps)
    return acb_to_mpc(generic_ball(signal, key, lam, c, dps + 3), dps)


# --------------------------------------------------------------------------- sign(x)
def exact_generic_sign_value(signal: MultiTone, key: tuple[int, ...]) -> tuple | None:
    r"""(re, im) of the torus coefficient of sign(x), exactly, where no integral is needed.

    Decided exactly: x of one sign (:math:`|b| \ge \sum|A_j|`; a tangency is a set of
    measure 0), so sign(x) = sign(b) almost everywhere; and b = 0 with
    :math:`\sum_j k_j` even (shifting every phase by pi flips x and sign(x), and
    multiplies the coefficient by :math:`(-1)^{\sum k_j}`). Otherwise None.

    Examples
    --------
    >>> g = MultiTone(amplitudes=[1, 1], frequencies=[1, "sqrt(2)"])
    >>> exact_generic_sign_value(g, (1, 1)), exact_generic_sign_value(g, (1, 0))
    ((0, 0), None)
    """
    zero = sympy.Integer(0)
    if crosses_zero(signal) is False:
        return (sympy.sign(signal.offset), zero) if not any(key) else (zero, zero)
    if signal.offset == 0 and sum(key) % 2 == 0:
        return zero, zero
    return None


def one_tone_sign_ball(A: flint.arb, phi: flint.acb, b: flint.arb, k: int) -> flint.acb:
    r"""Coefficient of :math:`e^{ik\theta}` in sign(b + A cos(theta + phi)), A > 0, |b| < A.

    With :math:`\alpha = \arccos(-b/A)` (x > 0 on :math:`|\theta + \varphi| < \alpha`):
    the DC is :math:`2\alpha/\pi - 1`, and for :math:`n = |k| \ge 1` the coefficient is
    :math:`\frac{2\sin(n\alpha)}{\pi n}e^{\pm in\varphi}`.

    Examples
    --------
    >>> from symrelu.exact.balls import arb_precision
    >>> with arb_precision(80):
    ...     z = one_tone_sign_ball(flint.arb(1), flint.acb(1), flint.arb(0), 1)
    >>> z.real.overlaps(2 / flint.arb.pi()), z.imag == 0
    (True, True)
    """
    pi = flint.arb.pi()
    alpha = (-b / A).acos()
    n = abs(k)
    if n == 0:
        return flint.acb(2 * alpha / pi - 1)
    value = 2 * (n * alpha).sin() / (pi * n) * phi ** n
    return value if k > 0 else value.conjugate()


def generic_sign_ball(signal: MultiTone, key: tuple[int, ...], digits: int,
                      perturb: flint.arb | None = None) -> flint.acb:
    r"""Proven torus coefficient of :math:`e^{ik\cdot\theta}` in sign(x).

    The decided cases of :func:`exact_generic_sign_value`; one tone by the
    arccos closed form in balls (:func:`one_tone_sign_ball`); otherwise the
    Bessel integral with the sign kernel, :math:`\frac{2}{\pi}\int_0^\infty
    \sin(ub + \pi S/2)\prod_j J_{k_j}(A_j u)\,u^{-1}du` in balls
    (:func:`symrelu.exact.bessel.torus_abs_ball` with ``kernel="sign"``).
    sign(x) is homogeneous of degree 0, so the normalisation by 2^e needs no
    factor back.

    Examples
    --------
    >>> from symrelu.exact.balls import arb_precision
    >>> sig = MultiTone(amplitudes=[1, 1], frequencies=[1, "sqrt(2)"], offset="1/2")
    >>> z = generic_sign_ball(sig, (0, 0), 20)   # mpmath.quad of the arccos form: 0.38337518...
    >>> with arb_precision(100):
    ...     z.real.str(15, radius=False), bool(z.real.rad() < 1e-20 * z.real.mid())
    ('0.383375185021272', True)
    """
    what = "the DC of sign" if not any(key) else f"the coefficient of sign at {key}"
    angle = phase_angle(signal, key)
    exact = exact_generic_sign_value(signal, key)
    if exact is not None:
        return _exact_ball(exact, digits, what)
    zeros = (False, True) if not any(key) else phase_zeros(angle)
    if signal.K == 1:
        def compute() -> flint.acb:
            A, b = arb_of(signal.amplitudes[0]), arb_of(signal.offset)
            return one_tone_sign_ball(A, phase_ball(signal.phases[0]), b, key[0])

        return proven_ball(compute, zeros, digits, what)
    sig, _ = normalized(signal)
    amps, ks, sign = _sign_and_order(sig, key)
    check_bessel_cost(amps, ks, sig.offset, digits)

    def bessel() -> flint.acb:
        d = torus_abs_ball(sig.offset, amps, ks, perturb=perturb, kernel="sign")
        return sign * d * phase_ball(angle)

    return proven_ball(bessel, zeros, digits, what)
