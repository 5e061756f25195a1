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

import flint
import mpmath
import sympy

from symrelu.errors import ResourceLimitError
from symrelu.exact._common import CHECK_GUARD, GUARD, numeric_signal, to_mp, verified
from symrelu.signal import MultiTone

__all__ = ["periodic_coefficient", "zero_crossings", "MAX_HARMONIC"]

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


def periodic_coefficient(signal: MultiTone, n: int, lam, c, dps: int) -> mpmath.mpc:
    """The coefficient c_n (harmonic n of the base frequency) of lam*x + c*|x|, verified.

    Computed at ``dps + 15`` and again at ``dps + 30`` digits (roots included)
    and compared to ``dps`` significant digits.

    Examples
    --------
    >>> import mpmath
    >>> sig = MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
    >>> half = sympy.Rational(1, 2)
    >>> mpmath.nstr(periodic_coefficient(sig, 0, half, half, 20).real, 20)
    '0.57444169533948081649'
    """
    with mpmath.workdps(dps + GUARD):
        scale = (abs(to_mp(signal.peak)) + 1) * (abs(to_mp(lam)) + abs(to_mp(c)))
    return verified(
        lambda: _coefficient_at_precision(signal, n, lam, c, dps + GUARD),
        lambda: _coefficient_at_precision(signal, n, lam, c, dps + CHECK_GUARD),
        dps,
        scale,
        f"the coefficient at harmonic {n}",
        f"integration between the zeros at {dps + GUARD} and {dps + CHECK_GUARD} digits",
    )
