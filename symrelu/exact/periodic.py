r"""Exact DC and harmonics of an activation of a periodic multi-tone signal.

With every frequency an integer multiple :math:`m_i` of the base :math:`f_0`,
the signal is a trigonometric polynomial in :math:`\tau = 2\pi f_0 t`:

.. math:: x(\tau) = b + \sum_i A_i \cos(m_i \tau + \varphi_i)
          = \sum_{|k| \le D} a_k e^{ik\tau}

Every value is proven in Arb balls (:func:`periodic_ball`). The offset,
amplitudes and phases become balls (:func:`symrelu.exact.balls.arb_of`), so
irrational data carry their error. The period :math:`[\tau_0, \tau_0 + 2\pi]`,
from a start where x is certainly not 0, is covered by intervals, bisected
until each is proven to be one of: an interval where x has one sign (the Taylor
polynomial of order 8 at its center with a Lagrange remainder bounds
:math:`|x - x(c)|`); an interval holding exactly one simple zero, where x changes
sign (interval Newton: :math:`N = c - x(c)/x'(J) \subset J` with :math:`0 \notin
x'(J)`), refined to a ball at the working precision; or a cluster (a tangency such
as the double zero of :math:`(\cos\tau - c)^2`, or zeros too close to separate)
whose contribution is bounded by its width times the bound of |x| on it, below
the working precision (its share is of third order in the width). Between two
zeros |x| is ``+x`` or ``-x``, and :math:`x e^{-in\tau}` has the closed-form
antiderivative

.. math:: F_n(\tau) = \sum_k a_k\,G_{k-n}(\tau), \qquad
          G_0(\tau) = \tau,\quad G_d(\tau) = \frac{e^{id\tau}}{id}

evaluated in balls, so :math:`c_n = \frac{1}{2\pi}\int |x| e^{-in\tau}d\tau` is
a finite sum over the runs of one sign. At a zero's ball, F is taken at its
center plus the bound (radius times sup|x| on the ball) (F' = x e^{-in tau} vanishes at
the zero, so this is second order). :func:`zero_crossings` (the old root finder
on the half-angle polynomial :math:`(1+t^2)^D x(2\arctan t)`, FLINT's
``complex_roots``) remains as a utility; the engine does not use it.
"""

from __future__ import annotations

import math
from fractions import Fraction

import flint
import mpmath
import sympy

from symrelu import budget
from symrelu.errors import NoProofError, ResourceLimitError
from symrelu.exact._common import (
    CHECK_GUARD,
    GUARD,
    crosses_zero,
    phase_zeros,
    to_mp,
    verified,
)
from symrelu.exact.balls import (
    NeedsPrecision,
    acb_to_mpc,
    arb_of,
    arb_precision,
    proven_ball,
)
from symrelu.signal import MultiTone

__all__ = [
    "periodic_coefficient", "periodic_ball", "is_proven", "exact_periodic_value",
    "symmetry_shift", "zero_crossings", "MAX_HARMONIC",
]

#: Most intervals the isolation of the zeros examines before it gives up.
MAX_INTERVALS = 400_000

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


def linear_part(signal: MultiTone, n: int) -> tuple[sympy.Expr, sympy.Expr]:
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
    re, im = linear_part(signal, n)
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
    found = half_period_symmetry(signal)
    return None if found is None else found[0]


def decided_zeros(signal: MultiTone, n: int) -> tuple[bool, bool]:
    """(real part is 0, imaginary part is 0) of the coefficient at harmonic n, as decided
    without computing: the DC is real; a time shift that maps x to itself fixes the phase.

    Examples
    --------
    >>> decided_zeros(MultiTone.parse("1@1 + 1@3"), 0), decided_zeros(MultiTone.parse("1@1"), 2)
    ((False, True), (False, True))
    """
    if n == 0:
        return (False, True)
    found = half_period_symmetry(signal)
    return phase_zeros(-n * found[0]) if found is not None else (False, False)


def half_period_symmetry(signal: MultiTone) -> tuple[sympy.Expr, list[int]] | None:
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


# --- the proven engine: certified zeros and antiderivatives in Arb balls --------------------


class _Trig:
    """x(tau) = b + sum_m (alpha_m cos m tau - beta_m sin m tau) with ball coefficients."""

    def __init__(self, b: flint.arb, tones: list) -> None:
        self.b = b
        self.tones = tones                      # [(m, alpha, beta)]
        m2 = flint.arb(0)
        for m, al, be in tones:
            m2 += m * m * (abs(al) + abs(be))
        self.m2 = m2.abs_upper()                # |x''| <= m2 everywhere

    def at(self, c: flint.arb) -> tuple[flint.arb, flint.arb]:
        x, dx = self.b, flint.arb(0)
        for m, al, be in self.tones:
            s, co = (m * c).sin_cos()
            x += al * co - be * s
            dx -= m * (al * s + be * co)
        return x, dx

    def ranges(self, c: flint.arb, h: flint.arb) -> tuple:
        """(x(c), x'(c), r0, r1): on [c - h, c + h], |x - x(c)| <= r0 and |x' - x'(c)| <= r1.

        From the Taylor polynomial of order ``ORDER`` at c with the Lagrange remainder,
        so that near a zero of multiplicity below ``ORDER`` the bounds shrink like the
        variation of x itself (a bound from |x''| alone would need ever more intervals).
        """
        R = self.ORDER
        d = [self.b] + [flint.arb(0)] * (R - 1)
        top = flint.arb(0)
        for m, al, be in self.tones:
            s, co = (m * c).sin_cos()
            g = (al * co - be * s, -(al * s + be * co))
            mk = 1
            for k in range(R):
                d[k] += mk * (g[k % 2] if k % 4 < 2 else -g[k % 2])
                mk *= m
            top += mk * (abs(al) + abs(be))
        r0, r1 = flint.arb(0), flint.arb(0)
        hk, fact = flint.arb(1), 1            # h^(k-1), (k-1)!
        for k in range(1, R):
            r1 += abs(d[k]) * hk / fact if k >= 2 else 0
            hk *= h
            fact *= k
            r0 += abs(d[k]) * hk / fact
        r1 += top * hk / fact                 # M_R h^(R-1) / (R-1)!
        r0 += top * hk * h / (fact * R)       # M_R h^R / R!
        return d[0], d[1], r0.abs_upper(), r1.abs_upper()

    ORDER = 8


class _Root:
    """A certified simple zero: the ball ``r`` holds exactly one zero, where x changes sign."""

    def __init__(self, r: flint.arb, tr: _Trig) -> None:
        self.ball = r
        self.mid = r.mid()
        x0, dx = tr.at(self.mid)
        rad = r.rad()
        sup = x0.abs_upper() + (dx.abs_upper() + tr.m2 * rad) * rad   # |x| on the ball
        self.err = (sup * rad).abs_upper()      # |F(root) - F(mid)| <= rad sup|x|


def _sign(v: flint.arb) -> int:
    return 1 if v > 0 else -1


def _refine(tr: _Trig, r: flint.arb) -> flint.arb:
    """Interval Newton on a ball known to hold a unique zero, until it stops shrinking."""
    for _ in range(200):
        c, h = r.mid(), r.rad()
        x0, dx, _, wobble = tr.ranges(c, h)
        slope = dx + flint.arb(0, wobble)
        if slope.contains(0):
            break
        nxt = (c - x0 / slope).intersection(r)
        shrunk = nxt.rad() < r.rad() * 0.875
        r = nxt
        if not shrunk:                          # at the working precision's noise
            break
    return r


def _split(lo: flint.arb, hi: flint.arb, tr: _Trig) -> flint.arb:
    """An exact split point inside (lo, hi), with no zero of x within 1/1024 of the width.

    A zero at a split point would sit on the end of both halves, where no
    interval Newton test can hold it inside; any point serves, so this one is moved.
    """
    w = ((hi.mid() - lo.mid()) / 1024).abs_upper()
    for frac in ("0.5", "0.4375", "0.5625", "0.34375", "0.65625", "0.28125", "0.71875"):
        c = (lo.mid() + (hi.mid() - lo.mid()) * flint.arb(frac)).mid()
        x0, dx = tr.at(c)
        if x0.abs_lower() > (dx.abs_upper() + tr.m2 * w) * w:
            return c
    return c


def _isolate(tr: _Trig, tau0: flint.arb, cluster_tol: flint.arb, measure: bool = False) -> list:
    """Cover [tau0, tau0 + 2 pi] by pieces, left to right, each proven:

    ("s", lo, hi, sign)          x has this sign on [lo, hi]
    ("r", lo, hi, root, sl, sr)  one simple zero in (lo, hi), sign sl before it and sr after
    ("c", lo, hi, bound)         a cluster (tangency, close zeros): |x| <= bound / (hi - lo);
                                 with ``measure`` (for sign(x)) bound is the width hi - lo,
                                 and an interval in the noise band of a tangency (slope
                                 nonzero, Newton inconclusive) is a cluster too
    """
    prec = flint.ctx.prec
    min_h = flint.arb(2) ** -(prec - 8)
    stack = [(tau0, tau0 + 2 * flint.arb.pi())]
    pieces = []
    steps = 0
    while stack:
        steps += 1
        if steps > MAX_INTERVALS:
            raise ResourceLimitError(
                f"the zeros of x were not isolated in {MAX_INTERVALS} intervals (a zero of "
                f"multiplicity {_Trig.ORDER} or more?); ask for fewer digits"
            )
        lo, hi = stack.pop()
        c = (lo.mid() + hi.mid()).mid() / 2
        h = max((c - lo.lower()).abs_upper(), (hi.upper() - c).abs_upper())
        x0, dx, reach, wobble = tr.ranges(c, h)   # |x - x(c)|, |x' - x'(c)| on [c-h, c+h]
        if x0.abs_lower() > reach:
            pieces.append(("s", lo, hi, _sign(x0)))
            continue
        slope = dx + flint.arb(0, wobble)                          # x' on [c-h, c+h]
        if not slope.contains(0):
            newton = c - x0 / slope
            if newton.upper() < lo.lower() or newton.lower() > hi.upper():
                pieces.append(("s", lo, hi, _sign(x0)))         # no zero; x0 is not 0 then
                continue
            if newton.lower() > lo.upper() and newton.upper() < hi.lower():
                root = _Root(_refine(tr, newton), tr)
                sr = _sign(slope)
                pieces.append(("r", lo, hi, root, -sr, sr))
                continue
            if measure and (2 * h).abs_upper() <= cluster_tol:
                # inside the noise band of a tangency (|x| below the rounding, the slope
                # nonzero): for sign(x) only the width counts
                pieces.append(("c", lo, hi, (2 * h).abs_upper()))
                continue
        else:
            bound = (2 * h * (x0.abs_upper() + reach)).abs_upper()   # int_J |x|
            if measure:
                bound = (2 * h).abs_upper()                            # int_J |sign x|
            if bound <= cluster_tol:
                pieces.append(("c", lo, hi, bound))
                continue
        if h < min_h:
            raise NeedsPrecision
        mid = _split(lo, hi, tr)
        stack.append((mid, hi))
        stack.append((lo, mid))
    return pieces


def _abs_integral(tr: _Trig, a: dict, n: int, pieces: list) -> flint.acb:
    """(1/2pi) int |x| e^{-i n tau} over the period, from the pieces and the antiderivative."""

    def F(tau: flint.arb) -> flint.acb:       # sum_k a_k G_{k-n}(tau)
        out = flint.acb(0)
        for k, ak in a.items():
            d = k - n
            if d == 0:
                out += ak * tau
            else:
                s, co = (d * tau).sin_cos()
                out += ak * flint.acb(s, -co) / d          # e^{i d tau} / (i d)
        return out

    segments, err = [], flint.arb(0)
    for piece in pieces:
        if piece[0] == "s":
            segments.append((piece[1], piece[2], piece[3]))
        elif piece[0] == "r":
            _, lo, hi, root, sl, sr = piece
            segments += [(lo, root, sl), (root, hi, sr)]
        else:
            err += piece[3]
    runs: list = []
    for start, end, s in segments:
        if runs and runs[-1][2] == s and runs[-1][1] is start:
            runs[-1][1] = end
        else:
            runs.append([start, end, s])
    cache: dict = {}

    def value(point) -> flint.acb:
        if id(point) not in cache:
            if isinstance(point, _Root):
                e = flint.arb(0, point.err)
                cache[id(point)] = F(point.mid) + flint.acb(e, e)
            else:
                cache[id(point)] = F(point)
        return cache[id(point)]

    total = flint.acb(0)
    for start, end, s in runs:
        total += s * (value(end) - value(start))
    total += flint.acb(flint.arb(0, err), flint.arb(0, err))
    return total / (2 * flint.arb.pi())


def value_ball(value: sympy.Expr, strict: bool) -> flint.arb:
    """A ball of an exact value: proven (``strict``), or from a decimal rounding at the
    working precision where the value has no ball form (checked at two precisions)."""
    if strict:
        return arb_of(value)
    try:
        return arb_of(value)
    except NoProofError:          # not proven: the caller checks at two precisions
        digits = int(flint.ctx.prec / 3.32) + 10
        with mpmath.workdps(digits):
            return flint.arb(_fmpq_of(to_mp(value)))


def _signal_balls(signal: MultiTone, strict: bool) -> tuple[_Trig, dict, flint.arb]:
    """(x as a _Trig, its Laurent coefficients a_k as acb, an upper bound of its peak)."""
    b = value_ball(signal.offset, strict)
    tones, a = [], {0: flint.acb(b)}
    peak = abs(b)
    for A, m, p in zip(signal.amplitudes, signal.harmonics, signal.phases):
        amp = value_ball(A, strict)
        q = p / sympy.pi
        if isinstance(q, sympy.Rational):
            s, co = flint.arb.sin_cos_pi_fmpq(flint.fmpq(int(q.p), int(q.q)))
        else:
            s, co = value_ball(p, strict).sin_cos()
        al, be = amp * co, amp * s
        tones.append((m, al, be))
        a[m] = flint.acb(al, be) / 2
        a[-m] = a[m].conjugate()
        peak += abs(amp)
    return _Trig(b, tones), a, peak.abs_upper()


def _coefficient_ball(signal: MultiTone, n: int, lam, c, strict: bool) -> flint.acb:
    """c_n of lam x + c|x| as a ball at the current Arb precision (n >= 0)."""
    tr, a, peak = _signal_balls(signal, strict)
    lam_b, c_b = value_ball(lam, strict), value_ball(c, strict)
    linear = a.get(n, flint.acb(0))
    if c == 0:
        return lam_b * linear
    best = None
    for j in range(-24, 25):                    # a start where x is certainly not 0
        t = flint.arb(j) / 8
        v = tr.at(t)[0]
        if not v.contains(0) and (best is None or v.abs_lower() > best[1]):
            best = (t, v.abs_lower())
    if best is None:
        raise NeedsPrecision
    cluster_tol = peak * flint.arb(2) ** -flint.ctx.prec
    pieces = _isolate(tr, best[0], cluster_tol)
    one_sign = _one_sign(pieces)
    if one_sign is not None:            # proven: |x| = sign * x on the whole period
        return (lam_b + c_b * one_sign) * linear
    return lam_b * linear + c_b * _abs_integral(tr, a, n, pieces)


def _one_sign(pieces: list) -> int | None:
    """The sign of x when every piece is a proven interval of that one sign, else None."""
    signs = {p[3] for p in pieces if p[0] == "s"}
    if len(signs) == 1 and all(p[0] == "s" for p in pieces):
        return signs.pop()
    return None


def _exact_ball(value: sympy.Expr, strict: bool) -> flint.arb:
    value = sympy.sympify(value)
    return flint.arb(0) if value.is_zero else value_ball(value, strict)


def periodic_ball(signal: MultiTone, n: int, lam, c, digits: int, *,
                  strict: bool = True) -> flint.acb:
    r"""c_n of lam x + c|x| (harmonic n >= 0 of the base frequency) as a proven Arb ball.

    Each part of the returned :class:`flint.acb` is an exact 0 where it is
    decided to vanish (the DC's imaginary part, a symmetry of the signal,
    :func:`exact_periodic_value`), and otherwise has radius at most
    ``10^-digits`` times its own smallest value. The zeros of x on one period
    are isolated in balls (interval Newton: a unique simple zero where x
    changes sign), the rest of the period is covered by intervals where the
    sign of x is proven, and a tangency or a cluster of close zeros is an
    interval whose contribution is bounded by its width times the bound of |x|
    on it; |x| e^{-in tau} is integrated with the closed-form antiderivative
    evaluated in balls. ``strict=False`` (internal) evaluates values with no
    ball form through mpmath: the result is then not a proof.

    Raises
    ------
    PrecisionLimitError
        When the radius is not reached with ``MAX_EXTRA_DIGITS`` more digits of
        working precision; the message names the radius that is proven.

    Examples
    --------
    >>> sig = MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
    >>> half = sympy.Rational(1, 2)
    >>> ball = periodic_ball(sig, 0, half, half, 30)
    >>> with flint.ctx.workprec(200):     # the value to 40 digits, from the mpmath.quad tests
    ...     truth = flint.arb("0.5744416953394808164882289953220568708482 +/- 1e-40")
    ...     ball.real.overlaps(truth), ball.real.rad() < 1e-30 * ball.real, ball.imag == 0
    (True, True, True)
    """
    exact = exact_periodic_value(signal, n, lam, c)
    zeros = decided_zeros(signal, n)
    what = "the DC" if n == 0 else f"the coefficient at harmonic {n}"
    if exact is None:
        cost = budget.periodic_estimate(max(signal.harmonics, default=0), signal.K, digits,
                                        what).check()
        tracker = budget.Tracker(what, 1, cost.seconds)  # one step per working precision

    def compute() -> flint.acb:
        if exact is not None:
            return flint.acb(_exact_ball(exact[0], strict), _exact_ball(exact[1], strict))
        value = _coefficient_ball(signal, n, lam, c, strict)
        tracker.step()
        return value

    return proven_ball(compute, zeros, digits, what)


def periodic_coefficient(signal: MultiTone, n: int, lam, c, dps: int) -> mpmath.mpc:
    """The coefficient c_n (harmonic n of the base frequency) of lam*x + c*|x|, to ``dps`` digits.

    The value is the center of the proven ball of :func:`periodic_ball`
    (radius below 10^-(dps + 3) of each part) rounded to ``dps`` digits, so
    every digit returned lies inside the enclosure up to that rounding. A
    signal holding a value with no ball evaluation (:func:`symrelu.exact.balls.arb_of`
    names the supported forms: rationals, pi, e, roots, elementary functions,
    real algebraic numbers) is not proven: the same computation runs at two
    precisions, with those values from mpmath, and must agree to ``dps`` digits.

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
    try:
        return acb_to_mpc(periodic_ball(signal, n, lam, c, dps + 3), dps)
    except NoProofError:
        pass

    def at(guard):
        def run(extra):
            ball = periodic_ball(signal, n, lam, c, dps + guard + extra, strict=False)
            return acb_to_mpc(ball, dps + guard + extra)
        return run

    with mpmath.workdps(dps + GUARD):
        scale = abs(to_mp(lam)) + abs(to_mp(c))
    zeros = (False, True) if n == 0 else None
    return verified(at(GUARD), at(CHECK_GUARD), dps,
                    "the DC" if n == 0 else f"the coefficient at harmonic {n}",
                    "integration between the zeros at two precisions", scale=scale,
                    unit=1, zero_parts=zeros)


def is_proven(signal: MultiTone, lam, c) -> bool:
    """Whether :func:`periodic_coefficient` proves its value (every value has a ball form)."""
    values = [signal.offset, *signal.amplitudes, *signal.phases, lam, c]
    try:
        with arb_precision(64):
            for v in values:
                arb_of(v)
    except NoProofError:
        return False
    return True


# --- sign(x): the same isolation, a simpler antiderivative ------------------------------------


def exact_periodic_sign_value(signal: MultiTone, n: int) -> tuple | None:
    r"""(re, im) of the coefficient c_n of sign(x), exactly, where no integration is needed.

    Decided exactly: x of one sign (:math:`|b| \ge \sum |A_i|`; a tangency touches 0 on
    a set of measure 0, so sign(x) = sign(b) almost everywhere); and b = 0 with every
    harmonic odd, where :math:`x(\tau + \pi) = -x(\tau)` makes every even harmonic
    of sign(x) (the DC included) vanish. Otherwise None.

    Examples
    --------
    >>> exact_periodic_sign_value(MultiTone(amplitudes=[1], frequencies=[1], offset=2), 0)
    (1, 0)
    >>> exact_periodic_sign_value(MultiTone(amplitudes=[1, 1], frequencies=[1, 3]), 2)
    (0, 0)
    >>> exact_periodic_sign_value(MultiTone(amplitudes=[1, 1], frequencies=[1, 2]), 0)
    """
    zero = sympy.Integer(0)
    if crosses_zero(signal) is False:
        return (sympy.sign(signal.offset), zero) if n == 0 else (zero, zero)
    if signal.offset == 0 and n % 2 == 0 and all(m % 2 for m in signal.harmonics):
        return zero, zero
    return None


def _sign_integral(pieces: list, n: int) -> flint.acb:
    """(1/2pi) int sign(x) e^{-i n tau} over the period, from the proven pieces."""

    def G(tau: flint.arb) -> flint.acb:       # an antiderivative of e^{-i n tau}
        if n == 0:
            return flint.acb(tau)
        s, co = (n * tau).sin_cos()
        return flint.acb(s, co) / n            # i e^{-i n tau} / n

    total, err = flint.acb(0), flint.arb(0)
    for piece in pieces:
        if piece[0] == "s":
            _, lo, hi, sg = piece
            total += sg * (G(hi) - G(lo))
        elif piece[0] == "r":
            _, lo, hi, root, sl, sr = piece
            at_root = G(root.ball)             # the zero's ball: first order in its radius
            total += sl * (at_root - G(lo)) + sr * (G(hi) - at_root)
        else:
            err += piece[3]                    # |int_J sign(x) e^{-in tau}| <= |J|
    total += flint.acb(flint.arb(0, err), flint.arb(0, err))
    return total / (2 * flint.arb.pi())


def _sign_coefficient_ball(signal: MultiTone, n: int, strict: bool) -> flint.acb:
    """c_n of sign(x) as a ball at the current Arb precision (n >= 0)."""
    tr, _, _ = _signal_balls(signal, strict)
    best = None
    for j in range(-24, 25):                    # a start where x is certainly not 0
        t = flint.arb(j) / 8
        v = tr.at(t)[0]
        if not v.contains(0) and (best is None or v.abs_lower() > best[1]):
            best = (t, v.abs_lower())
    if best is None:
        raise NeedsPrecision
    # clusters (tangencies, zeros too close to separate) are kept when narrower than this.
    # Near a double zero |x| stays below the rounding 2^-prec on a band of width about
    # 2^-(prec/2), where no sign is proven: the band is one cluster, its share bounded by its
    # width, so a tangency costs half the working digits (proven_ball raises them)
    width_tol = flint.arb(2) ** -(flint.ctx.prec // 2 - 8)
    pieces = _isolate(tr, best[0], width_tol, measure=True)
    one_sign = _one_sign(pieces)
    if one_sign is not None:            # proven: sign(x) is constant over the period
        return flint.acb(one_sign if n == 0 else 0)
    return _sign_integral(pieces, n)


def periodic_sign_ball(signal: MultiTone, n: int, digits: int, *,
                       strict: bool = True) -> flint.acb:
    r"""c_n of sign(x) (harmonic n >= 0 of the base frequency) as a proven Arb ball.

    The zeros of x on one period are isolated as in :func:`periodic_ball`;
    between two zeros sign(x) is constant, so c_n is a finite sum of
    :math:`\pm\frac{1}{2\pi}\int e^{-in\tau}d\tau` over the runs, the zeros entering
    as balls (an error of first order in their radius, reduced with the working
    precision), and a tangency or cluster of close zeros as an interval whose
    contribution is bounded by its width. Decided parts are exact 0 as in
    :func:`periodic_ball` (:func:`exact_periodic_sign_value`, the symmetry of the
    phases). sign(0) = 0, which changes nothing here (x vanishes on a set of
    measure 0 unless it is the zero signal).

    Examples
    --------
    >>> sig = MultiTone(amplitudes=[1], frequencies=[1], offset="1/2")  # x > 0 on |tau| < 2 pi/3
    >>> ball = periodic_sign_ball(sig, 0, 30)
    >>> ball.real.overlaps(flint.arb(1) / 3), bool(ball.real.rad() < 1e-30), ball.imag == 0
    (True, True, True)
    """
    exact = exact_periodic_sign_value(signal, n)
    zeros = decided_zeros(signal, n)
    what = "the DC of sign" if n == 0 else f"the coefficient of sign at harmonic {n}"
    if exact is None:
        cost = budget.periodic_estimate(max(signal.harmonics, default=0), signal.K, digits,
                                        what).check()
        tracker = budget.Tracker(what, 1, cost.seconds)

    def compute() -> flint.acb:
        if exact is not None:
            return flint.acb(_exact_ball(exact[0], strict), _exact_ball(exact[1], strict))
        value = _sign_coefficient_ball(signal, n, strict)
        tracker.step()
        return value

    return proven_ball(compute, zeros, digits, what)
