r"""Exact DC and harmonics of an activation of a periodic multi-tone signal.

With every frequency an integer multiple :math:`m_i` of the base :math:`f_0`,
the signal is a trigonometric polynomial in :math:`\tau = 2\pi f_0 t`:

.. math:: x(\tau) = b + \sum_i A_i \cos(m_i \tau + \varphi_i)
          = \sum_{|k| \le D} a_k e^{ik\tau}

Its zeros on one period are the real roots of the polynomial
:math:`P(t) = (1+t^2)^D\,x(2\arctan t)` (the half-angle substitution, so the
coefficients stay real and, for rational data, exactly rational). FLINT
isolates them rigorously, with their multiplicities. Between two zeros |x| is
``+x`` or ``-x``, and :math:`x e^{-in\tau}` has the closed-form antiderivative

.. math:: F_n(\tau) = \sum_k a_k\,G_{k-n}(\tau), \qquad
          G_0(\tau) = \tau,\quad G_d(\tau) = \frac{e^{id\tau}}{id}

so the coefficient :math:`c_n = \frac{1}{2\pi}\int_{-\pi}^{\pi} |x| e^{-in\tau}d\tau`
is a finite sum over the intervals. Irrational data (sqrt(2), phases that are
not multiples of pi) enter P as rational approximations at the working
precision; the result is then checked at a second, higher precision.
"""

from __future__ import annotations

import math
from fractions import Fraction

import flint
import mpmath
import sympy

from symrelu import budget
from symrelu.errors import ResourceLimitError
from symrelu.exact._common import (
    CHECK_GUARD,
    GUARD,
    crosses_zero,
    exact_parts,
    normalized,
    numeric_signal,
    phase_parts,
    phase_zeros,
    to_mp,
    verified,
)
from symrelu.signal import MultiTone

__all__ = [
    "periodic_coefficient", "exact_periodic_value", "symmetry_shift", "zero_crossings",
    "MAX_HARMONIC",
]

#: Largest harmonic number D of the base frequency handled (P has degree 2D).
MAX_HARMONIC = 1500


def _fmpq_of(value: mpmath.mpf) -> flint.fmpq:
    sign, man, exp, _ = mpmath.mpf(value)._mpf_  # note: mpf.man_exp drops the sign
    man, exp = (-1) ** sign * int(man), int(exp)
    return flint.fmpq(man * 2**exp) if exp >= 0 else flint.fmpq(man, 2**-exp)


def _exact_fmpq(value: sympy.Expr) -> flint.fmpq:
    if isinstance(value, sympy.Rational):
        return flint.fmpq(int(value.p), int(value.q))
    return _fmpq_of(to_mp(value))


def _half_angle_polynomial(signal: MultiTone) -> flint.fmpq_poly:
    """P(t) = (1 + t^2)^D x(2 atan t), exact for rational data (see module docstring)."""
    harmonics = signal.harmonics
    D = max(harmonics, default=0)
    one_t2 = flint.fmpq_poly([1, 0, 1])
    total = _exact_fmpq(signal.offset) * one_t2**D
    for a, m, p in zip(signal.amplitudes, harmonics, signal.phases):
        re = [0] * (2 * m + 1)
        im = [0] * (2 * m + 1)
        for j in range(2 * m + 1):  # (1 + i t)^(2m) = sum_j C(2m, j) i^j t^j
            c = math.comb(2 * m, j)
            if j % 2 == 0:
                re[j] = c * (-1) ** (j // 2)
            else:
                im[j] = c * (-1) ** ((j - 1) // 2)
        q = p / sympy.pi
        if p.is_zero or q.is_integer:
            alpha = _exact_fmpq(a * (-1 if q.is_odd else 1))
            beta = flint.fmpq(0)
        else:
            alpha = _fmpq_of(to_mp(a) * mpmath.cos(to_mp(p)))
            beta = _fmpq_of(to_mp(a) * mpmath.sin(to_mp(p)))
        part = alpha * flint.fmpq_poly(re) - beta * flint.fmpq_poly(im)
        total += part * one_t2 ** (D - m)
    return total


def zero_crossings(signal: MultiTone) -> list:
    """The distinct zeros of x in (-pi, pi), in tau = 2 pi f0 t, at the current precision.

    Examples
    --------
    >>> import mpmath
    >>> sig = MultiTone(amplitudes=[1, 1], frequencies=[1, 2])   # (2c - 1)(c + 1), c = cos
    >>> with mpmath.workdps(20):
    ...     [mpmath.nstr(r, 10) for r in zero_crossings(sig)]
    ['-1.047197551', '1.047197551']
    """
    D = max(signal.harmonics, default=0)
    if D > MAX_HARMONIC:
        raise ResourceLimitError(
            f"the highest frequency is {D} times the base frequency {signal.base_frequency}; "
            f"the periodic engine handles up to {MAX_HARMONIC}. Round the frequencies to a "
            "coarser grid, or use regime='generic'"
        )
    poly = _half_angle_polynomial(signal)
    if poly.degree() < 1:
        return []
    old = flint.ctx.prec
    flint.ctx.prec = int(mpmath.mp.prec) + 64
    try:
        roots = poly.complex_roots()
    finally:
        flint.ctx.prec = old
    out = []
    for r, _mult in roots:
        if not (r.imag.is_exact() and r.imag.mid() == 0):
            continue
        man, exp = r.real.mid().man_exp()
        t = mpmath.mpf((int(man), int(exp)))
        out.append(2 * mpmath.atan(t))
    return sorted(out)


def _coefficient_at_precision(signal: MultiTone, n: int, lam, c, wp: int) -> mpmath.mpc:
    with mpmath.workdps(wp):
        num = numeric_signal(signal)
        lam, c = to_mp(lam), to_mp(c)
        a = {0: mpmath.mpc(num.offset)}
        for A, m, p in zip(num.amplitudes, signal.harmonics, num.phases):
            a[m] = a.get(m, 0) + A / 2 * mpmath.expj(p)
            a[-m] = mpmath.conj(a[m])

        def x(tau):
            return num.offset + mpmath.fsum(
                A * mpmath.cos(m * tau + p)
                for A, m, p in zip(num.amplitudes, signal.harmonics, num.phases)
            )

        def F(tau):  # antiderivative of x(tau) exp(-i n tau)
            terms = []
            for k, ak in a.items():
                d = k - n
                terms.append(ak * tau if d == 0 else ak * mpmath.expj(d * tau) / (1j * d))
            return mpmath.fsum(terms)

        points = [-mpmath.pi, *zero_crossings(signal), mpmath.pi]
        values = [F(tau) for tau in points]
        total = mpmath.mpc(0)
        for j in range(len(points) - 1):
            if points[j + 1] == points[j]:
                continue
            # the sign of x on the interval, from the largest of three samples: one of
            # them may sit on a tangency (a double zero that the root finder, working on
            # a rational approximation, returned as a complex pair)
            width = points[j + 1] - points[j]
            probe = max((x(points[j] + width * q) for q in (0.25, 0.5, 0.75)), key=abs)
            sign = 1 if probe >= 0 else -1
            total += sign * (values[j + 1] - values[j])
        abs_part = total / (2 * mpmath.pi)
        return lam * a.get(n, 0) + c * abs_part


def _linear_part(signal: MultiTone, n: int) -> tuple[sympy.Expr, sympy.Expr]:
    """(re, im) of the coefficient of x itself at harmonic n >= 0, exactly."""
    if n == 0:
        return signal.offset, sympy.Integer(0)
    re, im = sympy.Integer(0), sympy.Integer(0)
    for A, m, p in zip(signal.amplitudes, signal.harmonics, signal.phases):
        if m == n:
            re, im = re + A / 2 * sympy.cos(p), im + A / 2 * sympy.sin(p)
    return re, im


def exact_periodic_value(signal: MultiTone, n: int, lam, c) -> tuple | None:
    r"""(re, im) of c_n as exact sympy numbers, where no integration is needed; else None.

    Three cases are decided exactly: no |x| part (c = 0); x of one sign
    (:math:`|b| \ge \sum |A_i|`, so :math:`|x| = \operatorname{sign}(b)\,x`); and b = 0
    with every harmonic odd, where :math:`x(\tau + \pi) = -x(\tau)` makes every odd
    harmonic of |x| vanish. In each, c_n is the weight times x's own coefficient.

    Examples
    --------
    >>> half = sympy.Rational(1, 2)
    >>> exact_periodic_value(MultiTone(amplitudes=[1, 1], frequencies=[1, 3]), 5, half, half)
    (0, 0)
    >>> exact_periodic_value(MultiTone(amplitudes=[1], frequencies=[1], offset=-2), 0, half, half)
    (0, 0)
    >>> exact_periodic_value(MultiTone(amplitudes=[1, 1], frequencies=[1, 2]), 0, half, half)
    """
    if c == 0:
        weight = lam
    else:
        crosses = crosses_zero(signal)
        if crosses is False:
            weight = lam + c * sympy.sign(signal.offset)
        elif signal.offset == 0 and n % 2 and all(m % 2 for m in signal.harmonics):
            weight = lam
        else:
            return None
    re, im = _linear_part(signal, n)
    return sympy.expand(weight * re), sympy.expand(weight * im)


def symmetry_shift(signal: MultiTone) -> sympy.Expr | None:
    r"""A :math:`\tau_0` with :math:`x(\tau_0 + \tau) = x(\tau_0 - \tau)`, or None if none is found.

    Such a point exists when every :math:`m_i\tau_0 + \varphi_i` is a multiple of pi;
    then :math:`c_n e^{in\tau_0}` is real. Phases whose differences
    :math:`m_1\varphi_i - m_i\varphi_1` are not rational multiples of pi give None.

    Examples
    --------
    >>> symmetry_shift(MultiTone(amplitudes=[1, 1], frequencies=[1, 2], phases=["pi/2", "pi"]))
    -pi/2
    >>> symmetry_shift(MultiTone(amplitudes=[1, 1], frequencies=[1, 2], phases=[0, "pi/2"]))
    """
    found = _symmetry(signal)
    return None if found is None else found[0]


def _symmetry(signal: MultiTone) -> tuple[sympy.Expr, list[int]] | None:
    """(tau0, [j_i]) with m_i tau0 + phi_i = j_i pi for every tone, or None."""
    tones = list(zip(signal.harmonics, signal.phases))
    if not tones:
        return sympy.Integer(0), []
    m1, p1 = min(tones, key=lambda t: t[0])
    qs = []
    for m, p in tones:
        q = (m1 * p - m * p1) / sympy.pi      # exact: m1 (m tau0 + p) = pi (m k + q)
        if not q.is_Rational:
            return None
        qs.append((m, Fraction(int(q.p), int(q.q))))
    for k in range(m1):
        js = [(m * k + q) / m1 for m, q in qs]
        if all(j.denominator == 1 for j in js):
            return (k * sympy.pi - p1) / m1, [int(j) for j in js]
    return None


def _shifted(signal: MultiTone, js: list[int]) -> MultiTone:
    """x(tau0 + tau): the phase j pi of each tone written as the sign (-1)^j of its amplitude."""
    return MultiTone(amplitudes=[-A if j % 2 else A for A, j in zip(signal.amplitudes, js)],
                     frequencies=signal.frequencies, offset=signal.offset)


def periodic_coefficient(signal: MultiTone, n: int, lam, c, dps: int) -> mpmath.mpc:
    """The coefficient c_n (harmonic n of the base frequency) of lam*x + c*|x|, verified.

    Cases that need no integration are exact (:func:`exact_periodic_value`).
    Otherwise the signal is divided by a power of two near its peak (the value
    is homogeneous of degree 1), computed at ``dps + 15`` and again at
    ``dps + 30`` digits (roots included) and compared to ``dps`` significant
    digits, each part relative to itself; a value small next to the peak gets
    more working precision until its own digits agree. A real or imaginary part
    that vanishes by symmetry (:func:`symmetry_shift`) is an exact 0.

    Examples
    --------
    >>> import mpmath
    >>> sig = MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
    >>> half = sympy.Rational(1, 2)
    >>> mpmath.nstr(periodic_coefficient(sig, 0, half, half, 20).real, 20)
    '0.57444169533948081649'
    >>> tiny = MultiTone(amplitudes=["1e-300"], frequencies=[5])      # 1e-300 / pi
    >>> mpmath.nstr(periodic_coefficient(tiny, 0, half, half, 20).real, 20)
    '3.1830988618379067154e-301'
    """
    exact = exact_periodic_value(signal, n, lam, c)
    if exact is not None:
        return exact_parts(*exact, dps)
    name = "the DC" if n == 0 else f"the coefficient at harmonic {n}"
    cost = budget.periodic_estimate(max(signal.harmonics, default=0), signal.K, dps, name).check()
    tracker = budget.Tracker(name, 2, cost.seconds)  # one step per precision
    sig, e = normalized(signal)
    found = _symmetry(sig)
    if found is not None:
        tau0, js = found
        sym = _shifted(sig, js)
        zeros = phase_zeros(-n * tau0)

        def at(wp):
            def run(extra):
                with mpmath.workdps(wp + extra):
                    real = _coefficient_at_precision(sym, n, lam, c, wp + extra).real
                    cos, sin = phase_parts(-n * tau0, wp + extra)
                    tracker.step()
                    return mpmath.mpc(real * cos, real * sin)
            return run
    else:
        zeros = (False, n == 0)   # the DC is real

        def at(wp):
            def run(extra):
                with mpmath.workdps(wp + extra):  # mpc() rounds to the current precision
                    value = _coefficient_at_precision(sig, n, lam, c, wp + extra)
                    tracker.step()
                    return mpmath.mpc(value.real) if n == 0 else value
            return run

    with mpmath.workdps(dps + GUARD):
        scale = abs(to_mp(lam)) + abs(to_mp(c))
    value = verified(
        at(dps + GUARD),
        at(dps + CHECK_GUARD),
        dps,
        name,
        "integration between the zeros at two precisions",
        scale=scale,
        unit=mpmath.ldexp(1, e),
        zero_parts=zeros,
    )
    with mpmath.workdps(dps):  # the shift by 2^e is exact; the parts are already rounded
        return mpmath.mpc(mpmath.ldexp(value.real, e), mpmath.ldexp(value.imag, e))
