r"""Proven torus coefficients of |x| by the Bessel integral, in Arb balls end to end.

For :math:`x = b + \sum_j A_j\cos\theta_j` (:math:`A_j > 0`, independent uniform
phases) and :math:`k_j \ge 0`, :math:`S = \sum_j k_j`, the coefficient of
:math:`e^{ik\cdot\theta}` in |x| is (from :math:`|x| = \frac{2}{\pi}\int_0^\infty
(1-\cos ux)u^{-2}du` and Jacobi-Anger)

.. math:: d_k = \frac{2}{\pi}\int_0^\infty g(u)\,du, \qquad
          g(u) = \Bigl(\delta_{k0} - \cos\bigl(ub + \tfrac{\pi S}{2}\bigr)
          \prod_j J_{k_j}(A_j u)\Bigr)u^{-2}.

Head, :math:`[0, U]`: ``flint.acb.integral`` (Gauss-Legendre with a rigorous
error bound from the integrand's bound on complex ellipses). g is entire (its
singularity at 0 is removable); on a ball that may contain 0 it is enclosed by
the maximum principle, :math:`|g(z)| \le (1 + e^{RP})/R^2` for
:math:`|z| \le R`, :math:`P = |b| + \sum_j A_j`, since
:math:`|J_n(w)| \le e^{|\operatorname{Im} w|}` for integer n (DLMF 10.9.2) and
:math:`|\cos w| \le e^{|\operatorname{Im} w|}`.

Tail, :math:`[U, \infty)`: each factor by Hankel's expansion
:math:`J_\nu(z) = \sqrt{2/(\pi z)}\,(P\cos\omega - Q\sin\omega)`,
:math:`\omega = z - \nu\pi/2 - \pi/4`, truncated after the terms
:math:`a_m(\nu)z^{-m}`, m < N. For real z > 0, :math:`\nu > -1/2` and N/2 at
least :math:`\max(\nu/2 - 1/4, 1)` the remainders of P and Q do not exceed their
first neglected terms in absolute value (DLMF 10.17(iii); Watson, *Bessel
functions*, 7.32), which bounds the error of the truncated product on
:math:`[U, \infty)` by a multiple of :math:`u^{-K/2-2}`, integrated exactly. The
truncated product is a finite sum of :math:`e^{i\lambda u}u^{-p}` terms; each
frequency :math:`\lambda \ne 0` is integrated along the ray
:math:`u = U + i\,\mathrm{sign}(\lambda)\,t` (where it decays like
:math:`e^{-|\lambda| t}`) by ``acb.integral`` on :math:`[0, T]` plus a bound for
:math:`[T, \infty)`; :math:`\lambda = 0` (decided exactly) in closed form.

Every quantity is a ball; nothing is rounded to a midpoint. The cost grows
with :math:`U \approx \text{digits}\cdot\ln 10/(2A_{\min})` times the peak (the
number of oscillations of the head) and with the number of distinct
frequencies of the tail (at most :math:`2\prod_g(r_g + 1)` for groups of r_g
equal tones), and steeply with the harmonic orders: a request beyond
:data:`MAX_HEAD_SPAN`, :data:`MAX_TAIL_FREQUENCIES` or :data:`MAX_ORDER` is
refused before any work, with the digits or orders that can be proven.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import flint
import sympy
from flint import acb, acb_poly, arb, fmpq

from symrelu.errors import NoProofError
from symrelu.exact._common import PrecisionLimitError
from symrelu.exact.balls import NeedsPrecision, arb_of

__all__ = ["torus_abs_ball", "check_bessel_cost", "MAX_HEAD_SPAN", "MAX_TAIL_FREQUENCIES",
           "MAX_ORDER"]

#: Most U * peak (radians of the fastest oscillation) the head integral may span.
MAX_HEAD_SPAN = 6000
#: Most distinct frequencies lambda the tail integrates.
MAX_TAIL_FREQUENCIES = 600
#: Highest total order sum |k_j| of a torus coefficient (see check_bessel_cost).
MAX_ORDER = 300
#: U is this factor above the point where the smallest Hankel term reaches the target.
_U_MARGIN = 1.15


def _target_bits() -> int:
    """The absolute accuracy aimed at, 2^-bits (peak-normalised signal), from the context."""
    return flint.ctx.prec - 12


def _split_point(a_min: float, bits: int) -> int:
    """U (an integer) where the smallest Hankel term of the weakest tone is below 2^-bits."""
    return max(2, int(math.ceil(_U_MARGIN * bits * math.log(2) / (2 * a_min))))


def check_bessel_cost(amplitudes: Sequence[sympy.Expr], ks: Sequence[int], offset: sympy.Expr,
                      digits: int) -> None:
    """Refuse, before any work, a request whose head span or tail is beyond the limits.

    ``amplitudes`` (nonzero), ``ks`` and ``offset`` are the signal's exact
    values; ``digits`` the requested relative digits. The message names the
    most digits that fit.

    Examples
    --------
    >>> R = sympy.Rational
    >>> check_bessel_cost([1, R(7, 10), R(4, 10)], [0, 0, 0], R(-1, 5), 30) is None
    True
    >>> check_bessel_cost([1, R(1, 100)], [0, 0], 0, 30)   # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symrelu.exact._common.PrecisionLimitError: 30 digits ... at most 23 digits can be proven ...
    """
    amps = [abs(float(a)) for a in amplitudes]
    peak = abs(float(offset)) + sum(amps)
    a_min = min(amps) / peak

    def span(d: int) -> int:
        return _split_point(a_min, int((d + 22) * math.log2(10)))

    if span(digits) > MAX_HEAD_SPAN:
        top = max((d for d in range(1, digits) if span(d) <= MAX_HEAD_SPAN), default=0)
        raise PrecisionLimitError(
            f"{digits} digits of this torus average cannot be proven in reasonable time: the "
            f"smallest amplitude is {a_min:.3g} of the peak, so the Bessel integral would run "
            f"over {span(digits)} radians (limit {MAX_HEAD_SPAN}); at most {top} digits can be "
            "proven for this signal"
        )
    # Hankel's expansion of J_k needs more than k terms, and a coefficient of high order is
    # tiny, so its relative digits need a long head at a high working precision: measured
    # here at 8 digits, total order 100 takes 0.9 s, 300 takes 12 s, 600 over 40 s
    order = sum(abs(int(k)) for k in ks)
    if order > MAX_ORDER:
        raise PrecisionLimitError(
            f"the multi-index {tuple(int(k) for k in ks)} has total order {order}: torus "
            f"coefficients are proven up to a total order of {MAX_ORDER} (beyond it the Hankel "
            "series and the head of the Bessel integral grow until a proof takes minutes)"
        )
    groups: dict = {}
    for A, k in zip(amplitudes, ks):
        key = (sympy.Abs(sympy.sympify(A)), abs(int(k)))
        groups[key] = groups.get(key, 0) + 1
    count = math.prod(r + 1 for r in groups.values()) * (1 if sympy.sympify(offset) == 0 else 2)
    if count > MAX_TAIL_FREQUENCIES:
        raise PrecisionLimitError(
            f"the Bessel tail of these {len(amps)} tones has {count} frequencies (limit "
            f"{MAX_TAIL_FREQUENCIES}): too many distinct amplitudes to prove in reasonable "
            "time (equal amplitudes share frequencies); no digits can be proven here"
        )


def _hankel_terms(nu: int, count: int) -> list[fmpq]:
    """a_m(nu) = prod_{i<=m} (4 nu^2 - (2i-1)^2) / (m! 8^m), m < count (exact)."""
    out = [fmpq(1)]
    for m in range(1, count):
        out.append(out[-1] * fmpq(4 * nu * nu - (2 * m - 1) ** 2, 8 * m))
    return out


class _Group:
    """r equal tones (A, nu): their truncated Hankel series and remainder bounds at U."""

    def __init__(self, exact_amp: sympy.Expr, amp: arb, nu: int, r: int, U: arb, eps: arb):
        self.exact, self.amp, self.nu, self.r = exact_amp, amp, nu, r
        AU = amp * U
        count = max(8, int(4 * float(AU.mid())) + 8)
        a = _hankel_terms(nu, count)
        self.N = None
        low = max(2, nu + 2)
        low += low % 2
        for N in range(low, count - 1, 2):
            e = abs(arb(a[N])) / AU ** N + abs(arb(a[N + 1])) / AU ** (N + 1)
            if e < eps:
                self.N = N
                break
        if self.N is None:
            raise _NeedsLongerHead
        N = self.N
        self.e = e                                         # |P - P_N| + |Q - Q_N| at u = U
        self.B = sum((abs(arb(c)) / AU ** m for m, c in enumerate(a[:N])), arb(0))
        inv = 1 / amp
        scaled = [arb(c) * inv ** m for m, c in enumerate(a[:N])]
        i = acb(0, 1)
        self.plus = acb_poly([i ** m * c for m, c in enumerate(scaled)])     # P + iQ in w = 1/u
        self.minus = acb_poly([(-i) ** m * c for m, c in enumerate(scaled)])  # P - iQ


class _NeedsLongerHead(Exception):
    """The Hankel terms at U stop falling before the target: U must grow."""


def _decide_zero(value: sympy.Expr, ball: arb) -> bool:
    """Whether an exact real combination of the signal's values is 0.

    Raises :class:`NeedsPrecision` for a nonzero value whose ball still holds 0
    (its sign, which orients the ray, is then decided at a higher precision).
    """
    if not ball.contains(0):
        return False
    zero = sympy.simplify(value).is_zero if value.is_zero is None else value.is_zero
    if zero is None:
        raise NoProofError(
            f"could not decide whether the frequency {value} of the Bessel tail vanishes"
        )
    if not zero:
        raise NeedsPrecision
    return True


def torus_abs_ball(b: sympy.Expr, amplitudes: Sequence[sympy.Expr], ks: Sequence[int],
                   perturb: arb | None = None, kernel: str = "abs") -> arb:
    r"""d_k of |b + sum_j A_j cos theta_j| as a proven ball at the current Arb precision.

    ``b`` and ``amplitudes`` (all > 0) are exact sympy numbers with
    :math:`|b| + \sum A_j \le 1` (the caller divides by a power of two near the
    peak); ``ks`` are the |k_j|. The radius is about ``2^-(prec - 12)``
    absolute, plus what the inputs' balls carry. ``perturb`` (tests only) is
    added to the integrand of the head, to show that a wrong integrand is
    caught by an independent value.

    ``kernel="sign"`` gives the coefficient of sign(x) instead, from
    :math:`\operatorname{sign} x = \frac{2}{\pi}\int_0^\infty \sin(ux)\,u^{-1}du`
    (the derivative of the |x| integral in the offset b):

    .. math:: s_k = \frac{2}{\pi}\int_0^\infty \sin\bigl(ub + \tfrac{\pi S}{2}\bigr)
              \prod_j J_{k_j}(A_j u)\,u^{-1}\,du,

    the same head (an entire integrand, bounded near 0 by :math:`e^{RP}/R`) and the same
    Hankel tail with :math:`u^{-K/2-1}` in place of :math:`u^{-K/2-2}` (it converges for
    K >= 1).

    Examples
    --------
    >>> import flint
    >>> from symrelu.exact.balls import arb_precision
    >>> with arb_precision(100):                   # three unit tones / 4: 2 W_3(1) / (4 pi)
    ...     d = torus_abs_ball(sympy.Integer(0), [sympy.Rational(1, 4)] * 3, [0, 0, 0])
    >>> d.str(20, radius=False), bool(d.rad() < 1e-24)
    ('0.25060493373522723645', True)
    """
    if kernel not in ("abs", "sign"):
        raise ValueError(f"kernel must be 'abs' or 'sign', got {kernel!r}")
    sign_kernel = kernel == "sign"
    power = 1 if sign_kernel else 2          # the kernel's u^-power
    ks = [int(k) for k in ks]
    K = len(ks)
    S = sum(ks)
    delta = 1 if S == 0 and not sign_kernel else 0
    pi = arb.pi()
    b_ball = arb_of(b)
    groups: dict[tuple[sympy.Expr, int], int] = {}
    for A, k in zip(amplitudes, ks):
        groups[(A, k)] = groups.get((A, k), 0) + 1
    balls = {A: arb_of(A) for A, _ in groups}
    P = abs(b_ball) + sum((balls[A] * r for (A, _), r in groups.items()), arb(0))
    bits = _target_bits()
    eps = arb(2) ** -bits
    a_min = min(float(v.mid()) for v in balls.values())
    U_int = _split_point(a_min, bits)
    while True:
        U = arb(U_int)
        try:
            parts = [_Group(A, balls[A], k, r, U, eps) for (A, k), r in groups.items()]
            break
        except _NeedsLongerHead:
            U_int = int(U_int * 1.3) + 1
            if U_int > 2 * MAX_HEAD_SPAN:    # check_bessel_cost refuses such requests first
                raise PrecisionLimitError(
                    f"the Hankel series of the Bessel tail does not converge before "
                    f"u = {U_int}: this torus coefficient cannot be proven in reasonable time"
                ) from None
    phase = (pi * S / 2)

    # ---- head on [0, U]
    P_up = P.upper()
    factors = [(balls[A], k, r) for (A, k), r in groups.items()]

    def head_integrand(z: acb, analytic: bool) -> acb:
        if abs(z).abs_lower() == 0:          # the ball may hold 0: maximum principle bound
            R = abs(z).upper()
            if R * P_up < 1:
                R = 1 / P_up
            if sign_kernel:
                bound = ((R * P_up).exp() / R).upper()
            else:
                bound = ((1 + (R * P_up).exp()) / (R * R)).upper()
            return acb(arb(0, bound), arb(0, bound))
        prod = (z * b_ball + phase).sin() if sign_kernel else (z * b_ball + phase).cos()
        for A, k, r in factors:
            prod *= (A * z).bessel_j(k) ** r
        value = prod / z if sign_kernel else (delta - prod) / (z * z)
        return value if perturb is None else value + perturb

    head = acb.integral(head_integrand, 0, U, abs_tol=eps, rel_tol=eps).real

    # ---- tail on [U, oo): truncated Hankel product, pattern by pattern
    # prod_j J = C u^{-K/2} sum over patterns of e^{i lambda u} c(u), C = prod sqrt(2/(pi A))/2
    C = arb(1)
    for g in parts:
        C *= ((2 / (pi * g.amp)).sqrt() / 2) ** g.r
    # a pattern: (integer multiples n_g of each group's amplitude, phase, series in w = 1/u)
    patterns: list[tuple[tuple[int, ...], acb, acb_poly]] = [((), acb(1), acb_poly([1]))]
    for g in parts:
        shift = acb(0, -(g.nu * pi / 2 + pi / 4)).exp()
        plus_pow = [acb_poly([1])]
        minus_pow = [acb_poly([1])]
        for _ in range(g.r):
            plus_pow.append(plus_pow[-1] * g.plus)
            minus_pow.append(minus_pow[-1] * g.minus)
        choices = [(2 * p - g.r, math.comb(g.r, p) * shift ** (2 * p - g.r),
                    plus_pow[p] * minus_pow[g.r - p])
                   for p in range(g.r + 1)]
        patterns = [(n0 + (n1,), ph0 * ph1, s0 * s1)
                    for n0, ph0, s0 in patterns for n1, ph1, s1 in choices]
    offsets = [0] if b == 0 else [1, -1]
    if len(patterns) * len(offsets) > MAX_TAIL_FREQUENCIES:
        raise PrecisionLimitError(
            f"the Bessel tail of these {K} tones has {len(patterns) * len(offsets)} distinct "
            f"frequencies (limit {MAX_TAIL_FREQUENCIES}): too many distinct amplitudes to "
            "prove in reasonable time; equal amplitudes share frequencies"
        )
    p0 = arb(K) / 2 + power                   # u^{-p0 - m}: u^{-K/2} J's and the kernel
    tail = acb(0)
    for ns, ph, series in patterns:
        exact_lam = sympy.Add(*(n * g.exact for n, g in zip(ns, parts)))
        lam = sum((n * g.amp for n, g in zip(ns, parts)), arb(0))
        for sigma in offsets:
            if b == 0:                         # cos(pi S / 2) carries both signs of sigma
                factor = ph * (phase.sin() if sign_kernel else phase.cos())
                lam_s, exact_s = lam, exact_lam
            else:                              # cos w = sum e^{i s w}/2, sin w = sum s e^{i s w}/2i
                factor = ph * acb(0, sigma * phase).exp() / 2
                if sign_kernel:
                    factor = factor * sigma / acb(0, 1)
                lam_s, exact_s = lam + sigma * b_ball, exact_lam + sigma * b
            tail += factor * _ray_integral(series, lam_s, exact_s, U, p0, K, eps, power)
    tail = C * tail.real
    # remainder of the truncated product: |prod (T + e) - prod T| <= prod (B + e) - prod B
    grown, plain = arb(1), arb(1)
    for g in parts:
        grown *= (g.B + g.e) ** g.r
        plain *= g.B ** g.r
    remainder = (C * 2 ** K * (grown - plain) * U ** (1 - p0) / (p0 - 1)).upper()
    tail += arb(0, remainder)
    if sign_kernel:
        return 2 / pi * (head + tail)
    return 2 / pi * (head + delta / U - tail)


def _ray_integral(series: acb_poly, lam: arb, exact_lam: sympy.Expr, U: arb, p0: arb, K: int,
                  eps: arb, power: int = 2) -> acb:
    r""":math:`\int_U^\infty e^{i\lambda u}\,u^{-p_0}\,c(1/u)\,du` for the polynomial c."""
    if _decide_zero(exact_lam, lam):
        total = acb(0)
        for m, cm in enumerate(series.coeffs()):
            p = p0 + m
            total += cm * U ** (1 - p) / (p - 1)
        return total
    s = 1 if lam > 0 else -1
    L = abs(lam)
    direction = acb(0, s)
    half = K // 2
    odd = K % 2 == 1

    def integrand(t: acb, analytic: bool) -> acb:
        u = U + direction * t
        w = 1 / u
        value = series(w) * w ** (power + half) * (-L * t).exp()
        return value * u.rsqrt(analytic=analytic) if odd else value

    # |c(w) u^{-p0}| <= sum |c_m| U^{-p0} on the ray (U >= 1): the rest beyond T
    size = sum((abs(c) for c in series.coeffs()), arb(0)) * U ** (-p0)
    logs = -_log2_upper(eps) + max(0.0, _log2_upper(size))
    T = arb(int(math.ceil(logs * math.log(2) / float(L.mid()))) + 1)
    rest = (size * (-L * T).exp() / L).upper()
    value = acb.integral(integrand, 0, T, abs_tol=eps, rel_tol=eps)
    value += acb(arb(0, rest), arb(0, rest))
    return direction * (acb(0, 1) * lam * U).exp() * value


def _log2_upper(x: arb) -> float:
    man, exp = x.abs_upper().man_exp()
    return math.log2(int(man)) + int(exp)


