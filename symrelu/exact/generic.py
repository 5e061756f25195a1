r"""Torus averages: the generic-regime (incommensurate) DC and coefficients of |x|.

For :math:`x = b + \sum_j A_j \cos\theta_j` with independent uniform phases,
the coefficient of :math:`e^{ik\cdot\theta}` in |x| is computed two ways.

Bessel integral. From :math:`|x| = \frac{2}{\pi}\int_0^\infty (1-\cos ux)\,u^{-2}du`
and Jacobi-Anger (:math:`S = \sum_j |k_j|`),

.. math:: d_k = \frac{2}{\pi}\int_0^\infty \Bigl(\delta_{k0}
          - \cos\bigl(ub + \tfrac{\pi S}{2}\bigr)\prod_j J_{|k_j|}(A_j u)\Bigr)\frac{du}{u^2}

The head :math:`[0, U]` is integrated by fixed Gauss-Legendre panels; the tail
:math:`[U, \infty)` by the Hankel asymptotic series of each Bessel factor
(error about :math:`e^{-2 A_{\min} U}`), integrated term by term exactly with
generalized exponential integrals :math:`\int_U^\infty u^{-p}e^{i\lambda u}du
= U^{1-p}E_p(-i\lambda U)`.

Phase-out quadrature. The mean over one phase is elementary,

.. math:: h_k(s; A) = \frac{1}{\pi}\int_0^\pi |s + A\cos\theta|\cos k\theta\,d\theta

(|s| if |s| >= A and k = 0), so :math:`d_k` is a (K-1)-dimensional integral
of h, done by nested tanh-sinh quadrature split at every kink. Two tones with
b = 0 also have the elliptic closed form
:math:`\frac{4}{\pi^2}(A+B)E\bigl(\frac{4AB}{(A+B)^2}\bigr)` for the DC.

Which method gives a result (see :func:`generic_coefficient`): one tone, and
the DC of two tones with b = 0, are proven in balls
(:mod:`symrelu.exact.balls`); any other two-tone coefficient is phase-out
against the Bessel integral. K >= 3: the Bessel integral (mpmath) against a
method that shares neither its formula, its quadrature nor its library, run in
Arb (:mod:`symrelu.exact.walk`): the planar random walk for the DC, the walk of
the other tones with a phase-out kernel for a harmonic of one tone, nested
phase-out quadrature for any other multi-index. The second method's cost grows
with its nesting depth; a request it cannot afford is refused with the number
of digits it can verify (:class:`PrecisionLimitError`).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

import mpmath
import sympy

from symrelu.errors import VerificationError
from symrelu.exact._common import (
    GUARD,
    PrecisionLimitError,
    crosses_zero,
    exact_parts,
    normalized,
    numeric_signal,
    phase_parts,
    phase_zeros,
    to_mp,
    verified,
)
from symrelu.exact.balls import acb_to_mpc, generic_ball, generic_ball_available
from symrelu.exact.quadrature import (
    BudgetExceeded,
    TanhSinh,
    arb_precision,
    nodes_per_segment,
    to_arb,
    to_mpf,
)
from symrelu.exact.walk import (
    harmonic_levels,
    torus_levels,
    torus_phase_out,
    walk_harmonic,
    walk_levels,
    walk_mean,
)
from symrelu.signal import MultiTone

__all__ = [
    "generic_coefficient",
    "exact_generic_value",
    "bessel_integral",
    "phase_out",
    "phase_out_mean",
    "two_tone_elliptic",
    "MAX_DPS_GENERIC",
]

#: Most digits the generic engine accepts (two tones; more tones have lower limits).
MAX_DPS_GENERIC = 120
_MAX_DPS_BESSEL = 60
_MAX_PANELS = 4000


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


def phase_out(b, amps, ks):
    r"""d_k of |b + sum A_j cos theta_j| by phase-out quadrature (A_j > 0, k_j >= 0).

    The first tone is integrated out in closed form, the others by nested
    tanh-sinh quadrature split at the kinks. Cost grows like (nodes)^(K-1).

    Examples
    --------
    >>> import mpmath
    >>> with mpmath.workdps(20):
    ...     mpmath.nstr(phase_out(mpmath.mpf(0), [mpmath.mpf(1), mpmath.mpf(1)], [0, 0]), 15)
    '0.810569469138702'
    """
    A_in, k_in = amps[0], ks[0]
    rest = list(zip(amps[1:], ks[1:]))

    def level(s, depth):
        if depth == len(rest):
            return phase_out_mean(s, A_in, k_in)
        A, k = rest[depth]
        inner = rest[depth + 1:]
        critical = {sign * A_in + sum(e * a for e, (a, _) in zip(signs, inner))
                    for sign in (1, -1)
                    for signs in itertools.product((1, -1), repeat=len(inner))}
        cuts = [mpmath.mpf(0), mpmath.pi]
        for c in critical:
            q = (c - s) / A
            if -1 < q < 1:
                cuts.append(mpmath.acos(q))
        cuts = sorted(cuts)
        return mpmath.quad(lambda t: level(s + A * mpmath.cos(t), depth + 1) * mpmath.cos(k * t),
                           cuts) / mpmath.pi

    return level(b, 0)


def two_tone_elliptic(A, B):
    r"""Mean of |A cos t1 + B cos t2| over the torus: (4/pi^2)(A+B) E(4AB/(A+B)^2), A, B > 0.

    Examples
    --------
    >>> import mpmath
    >>> mpmath.nstr(two_tone_elliptic(mpmath.mpf(1), mpmath.mpf(1)), 15)   # 8/pi^2
    '0.810569469138702'
    """
    return 4 / mpmath.pi**2 * (A + B) * mpmath.ellipe(4 * A * B / (A + B) ** 2)


# --------------------------------------------------------------------------- Bessel
def _hankel_series(nu: int, A, U, tol) -> list:
    """a_m(nu) / A^m for m = 0.. until the term at u = U drops below tol (or stops falling)."""
    out = [mpmath.mpf(1)]
    term = mpmath.mpf(1)
    m = 0
    while True:
        m += 1
        term = term * (4 * nu**2 - (2 * m - 1) ** 2) / (m * 8 * A)
        if term == 0:
            break
        out.append(term)
        size = abs(term) / U**m
        if size < tol or m > 4 * A * U:
            break
    return out


def _series_mul(p: list, q: list, n: int) -> list:
    out = [mpmath.mpc(0)] * min(n, len(p) + len(q) - 1)
    for i, a in enumerate(p):
        if i >= len(out):
            break
        for j in range(min(len(q), len(out) - i)):
            out[i + j] += a * q[j]
    return out


def bessel_integral(b, amps, ks, wp: int, *, stretch=1):
    r"""d_k by the Bessel integral at ``wp`` digits (A_j > 0, k_j >= 0).

    ``stretch`` scales the split point U and the panel width, so that two
    calls with different stretches are two different computations.

    Examples
    --------
    >>> import mpmath
    >>> with mpmath.workdps(20):
    ...     mpmath.nstr(bessel_integral(mpmath.mpf(0), [mpmath.mpf(1)], [0], 20), 15)
    '0.636619772367581'
    """
    S = sum(ks)
    delta = 1 if S == 0 else 0
    if b == 0 and S % 2:
        return mpmath.mpf(0)
    groups = Counter(zip(amps, ks))
    A_min = min(amps)
    omega = sum(amps) + abs(b)
    tol = mpmath.mpf(10) ** (-wp)
    U = stretch * max(mpmath.mpf(4), wp * mpmath.log(10) / (2 * A_min) * mpmath.mpf("1.25"))
    panels = int(mpmath.ceil(U * omega / (2 * stretch)))
    if panels > _MAX_PANELS:
        raise PrecisionLimitError(
            f"the Bessel integral at {wp} digits needs {panels} panels (limit {_MAX_PANELS}): "
            "the smallest amplitude is too small next to the others; ask for fewer digits"
        )
    n_nodes = max(10, int(wp * 0.55) + 6)
    nodes, weights = _gauss_legendre(n_nodes, wp)
    K = len(amps)

    def integrand(u):
        if u < 1:
            with mpmath.extradps(int(2 * -mpmath.log10(u)) + 4 if u > 0 else 4):
                return _integrand(u)
        return _integrand(u)

    def _integrand(u):
        prod = mpmath.cos(u * b + mpmath.pi * S / 2)
        for (A, k), r in groups.items():
            prod *= mpmath.besselj(k, A * u) ** r
        return (delta - prod) / u**2

    head = mpmath.mpf(0)
    h = U / panels
    for i in range(panels):
        lo = i * h
        head += h / 2 * mpmath.fsum(
            w * integrand(lo + h * (1 + z) / 2) for z, w in zip(nodes, weights)
        )

    # tail: Hankel series for each factor, grouped by equal (A, k)
    scale_tail = (mpmath.mpf(1) / 2) * mpmath.fprod(
        mpmath.sqrt(2 / (mpmath.pi * A)) / 2 for A in amps
    )
    patterns: list[tuple[object, object, list]] = [(mpmath.mpf(0), mpmath.mpc(1), [mpmath.mpc(1)])]
    n_terms = 1
    per_group = []
    for (A, k), r in groups.items():
        a_series = _hankel_series(k, A, U, tol)
        n_terms = max(n_terms, len(a_series))
        per_group.append((A, k, r, a_series))
    n_terms = n_terms * 1  # total truncation
    for A, k, r, a_series in per_group:
        plus = [(1j) ** m * c for m, c in enumerate(a_series)]
        minus = [(-1j) ** m * c for m, c in enumerate(a_series)]
        phase = mpmath.expj(-(k * mpmath.pi / 2 + mpmath.pi / 4))
        choices = []
        for p in range(r + 1):
            series = [mpmath.mpc(math.comb(r, p))]
            for _ in range(p):
                series = _series_mul(series, plus, n_terms)
            for _ in range(r - p):
                series = _series_mul(series, minus, n_terms)
            choices.append(((2 * p - r) * A, phase ** (2 * p - r), series))
        new = []
        for lam0, ph0, s0 in patterns:
            for lam1, ph1, s1 in choices:
                new.append((lam0 + lam1, ph0 * ph1, _series_mul(s0, s1, n_terms)))
        patterns = new
    offsets = [(1, 1), (-1, 1)] if b != 0 else [(0, 2)]
    tail = mpmath.mpc(0)
    p0 = 2 + mpmath.mpf(K) / 2
    for lam, ph, series in patterns:
        for sigma0, weight in offsets:
            if b == 0:
                factor = weight * mpmath.cos(mpmath.pi * S / 2) / 2
                lam_total = lam
            else:
                factor = mpmath.expj(sigma0 * mpmath.pi * S / 2) / 2
                lam_total = lam + sigma0 * b
            if factor == 0:
                continue
            factor *= ph
            E = _expint_sequence(p0, len(series), -1j * lam_total * U)
            tail += factor * mpmath.fsum(
                coef * U ** (1 - p0 - m) * E[m] for m, coef in enumerate(series)
            )
    tail = 2 * scale_tail * tail.real  # the cos of (ub + pi S/2) carries the 1/2
    return 2 / mpmath.pi * (head + delta / U - tail)


def _expint_sequence(p0, count: int, z) -> list:
    """[E_{p0 + m}(z) for m < count], by one continued fraction and stable recurrences.

    p E_{p+1} = e^{-z} - z E_p: downward is stable for p < |z|, upward for p > |z|.
    """
    if z == 0:
        return [1 / (p0 + m - 1) for m in range(count)]
    if abs(z) < 2:
        return [mpmath.expint(p0 + m, z) for m in range(count)]
    start = min(max(0, int(abs(z) - p0)), count - 1)
    out = [None] * count
    out[start] = _expint(p0 + start, z)
    ez = mpmath.exp(-z)
    for m in range(start - 1, -1, -1):
        p = p0 + m
        out[m] = (ez - p * out[m + 1]) / z
    for m in range(start + 1, count):
        p = p0 + m - 1
        out[m] = (ez - z * out[m - 1]) / p
    return out


def _expint(p, z):
    """E_p(z) for z on the imaginary axis: Lentz's continued fraction when |z| >= 2."""
    if abs(z) < 2:
        return mpmath.expint(p, z)
    eps = mpmath.eps * 4
    tiny = mpmath.mpf(10) ** (-(mpmath.mp.dps + 20))
    bb = z + p
    c = 1 / tiny
    d = 1 / bb
    h = d
    for i in range(1, 100000):
        an = -i * (p - 1 + i)
        bb += 2
        d = 1 / (an * d + bb)
        c = bb + an / c
        delta = c * d
        h *= delta
        if abs(delta - 1) < eps:
            return h * mpmath.exp(-z)
    return mpmath.expint(p, z)


_GL_CACHE: dict = {}


def _gauss_legendre(n: int, wp: int):
    key = (n, wp)
    if key not in _GL_CACHE:
        with mpmath.workdps(wp + 10):
            nodes = []
            for i in range(1, n + 1):
                z = mpmath.cos(mpmath.pi * (i - mpmath.mpf(1) / 4) / (n + mpmath.mpf(1) / 2))
                for _ in range(100):
                    p0, p1 = mpmath.mpf(1), z
                    for j in range(2, n + 1):
                        p0, p1 = p1, ((2 * j - 1) * z * p1 - (j - 1) * p0) / j
                    dp = n * (z * p1 - p0) / (z**2 - 1)
                    dz = p1 / dp
                    z -= dz
                    if abs(dz) < mpmath.mpf(10) ** (-(wp + 8)):
                        break
                p0, p1 = mpmath.mpf(1), z
                for j in range(2, n + 1):
                    p0, p1 = p1, ((2 * j - 1) * z * p1 - (j - 1) * p0) / j
                dp = n * (z * p1 - p0) / (z**2 - 1)
                nodes.append((z, 2 / ((1 - z**2) * dp**2)))
        _GL_CACHE[key] = ([z for z, _ in nodes], [w for _, w in nodes])
    return _GL_CACHE[key]


# --------------------------------------------------------------------------- driver
def _normalized(signal: MultiTone, key: tuple[int, ...]):
    """(b, |A_j|, |k_j|, sign) at the current precision; sign from negative amplitudes."""
    num = numeric_signal(signal)
    amps, ks, sign = [], [], 1
    for A, k in zip(num.amplitudes, key):
        if A < 0 and k % 2:
            sign = -sign
        amps.append(abs(A))
        ks.append(abs(k))
    return num, amps, ks, sign


def _linear_real(signal: MultiTone, key: tuple[int, ...]) -> sympy.Expr:
    """x's own coefficient at ``key`` without its phase factor exp(i k.phi): b, A_j/2 or 0."""
    if not any(key):
        return signal.offset
    nonzero = [j for j, k in enumerate(key) if k]
    if len(nonzero) == 1 and abs(key[nonzero[0]]) == 1:
        return signal.amplitudes[nonzero[0]] / 2
    return sympy.Integer(0)


def _phase_angle(signal: MultiTone, key: tuple[int, ...]) -> sympy.Expr:
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
    value = weight * _linear_real(signal, key)
    angle = _phase_angle(signal, key)
    return sympy.expand(value * sympy.cos(angle)), sympy.expand(value * sympy.sin(angle))


def _generic_value(signal: MultiTone, key: tuple[int, ...], lam, c, dps: int) -> mpmath.mpc:
    """Verified coefficient of lam*x + c*|x| at ``key`` for a signal with peak in [1/2, 1).

    Each computation returns (c d_k + lam x_k) exp(i k.phi), the linear part
    inside, so that the comparison is made on the value itself (a ReLU with
    b near -sum A_j cancels the two).
    """
    K = signal.K
    lin = _linear_real(signal, key)
    angle = _phase_angle(signal, key)
    with mpmath.workdps(dps + GUARD):
        scale = abs(to_mp(lam)) + abs(to_mp(c))

    def combine(d, wp):
        with mpmath.workdps(wp):
            real = to_mp(c) * d + to_mp(lam) * to_mp(lin)
            cos, sin = phase_parts(angle, wp)
            return mpmath.mpc(real * cos, real * sin)

    def at(wp, method, **kw):
        def run(extra):
            w = wp + extra
            with mpmath.workdps(w):
                num, amps, ks, sign = _normalized(signal, key)
                b = num.offset
                if method == "phase_out":
                    order = sorted(range(K), key=lambda j: -amps[j])
                    d = sign * phase_out(b, [amps[j] for j in order], [ks[j] for j in order])
                else:
                    d = sign * bessel_integral(b, amps, ks, w, **kw)
                return combine(d, w)
        return run

    zeros = phase_zeros(angle)

    def check(first, second, what, how, limit):
        return verified(first, second, dps, what, how, scale=scale, max_extra=limit - dps,
                        zero_parts=zeros)

    if K == 2:  # one tone and the two-tone DC without offset are proven in balls instead
        if dps > _MAX_DPS_BESSEL:
            raise PrecisionLimitError(
                f"{dps} digits of a two-tone coefficient with an offset or k != 0 cannot be "
                f"verified in reasonable time (limit {_MAX_DPS_BESSEL}); ask for fewer digits"
            )
        return check(at(dps + GUARD, "phase_out"), at(dps + GUARD, "bessel"),
                     "the two-tone torus coefficient",
                     "phase-out quadrature and the Bessel integral", _MAX_DPS_BESSEL)
    if dps > _MAX_DPS_BESSEL:
        raise PrecisionLimitError(
            f"{dps} digits of a {K}-tone torus average cannot be verified in reasonable time "
            f"(limit {_MAX_DPS_BESSEL} digits for 3 or more tones); ask for fewer digits"
        )
    nonzero = [j for j, k in enumerate(key) if k]
    method = "walk" if not nonzero else ("harmonic" if len(nonzero) == 1 else "torus")
    limit = _check_independent_cost(K, signal.offset == 0, method, dps)

    def independent(rule_extra: int):
        def run(extra):
            with mpmath.workdps(dps + GUARD + extra):
                num, amps, ks, sign = _normalized(signal, key)
                b = num.offset
            digits = dps + extra + rule_extra
            with arb_precision(digits + 15):
                rule = TanhSinh(digits, budget=_EVALUATION_BUDGET)
                args = (to_arb(b), [to_arb(a) for a in amps])
                if method == "walk":
                    value = walk_mean(*args, rule)
                elif method == "harmonic":
                    j = nonzero[0]
                    value = walk_harmonic(*args, j, ks[j], rule)
                else:
                    value = torus_phase_out(*args, ks, rule)
            with mpmath.workdps(digits + 15):
                return combine(sign * to_mpf(value), digits + 15)
        return run

    how = f"the Bessel integral (mpmath) and {_METHOD_NAMES[method]} (Arb)"
    what = f"the {K}-tone torus coefficient"
    bessel_runs: dict[int, mpmath.mpc] = {}
    bessel_at = at(dps + GUARD, "bessel")

    def bessel(extra):
        if extra not in bessel_runs:
            bessel_runs[extra] = bessel_at(extra)
        return bessel_runs[extra]

    try:
        try:
            return check(bessel, independent(_RULE_EXTRA), what, how, limit)
        except VerificationError:
            # a finer rule before giving up: the tanh-sinh rule's step is fixed a priori
            return check(bessel, independent(3 * _RULE_EXTRA), what, how, limit)
    except BudgetExceeded:
        raise PrecisionLimitError(
            f"{dps} digits of {what} cannot be verified by a second, independent method in "
            f"reasonable time: {_METHOD_NAMES[method]} stopped after {_EVALUATION_BUDGET:,} "
            "integrand evaluations (many distinct amplitudes split its integrals finely); "
            "ask for fewer digits"
        ) from None


#: Digits the independent quadrature aims above the request (tripled on a retry).
_RULE_EXTRA = 5
#: Integrand evaluations the independent method may spend (under a minute here).
_EVALUATION_BUDGET = 2_000_000
#: Segments per quadrature level assumed by the cost estimate.
_SEGMENTS_PER_LEVEL = 4


_METHOD_NAMES = {
    "walk": "the planar random walk",
    "harmonic": "the planar random walk with a phase-out kernel",
    "torus": "nested phase-out quadrature",
}


def _check_independent_cost(K: int, offset_zero: bool, method: str, dps: int) -> int:
    """Refuse, with the largest feasible request, what the second method cannot afford.

    Returns the most digits (at most the Bessel integral's limit) that the
    second method affords for this signal: the ceiling of the working
    precision when a small value needs more than ``dps``.
    """
    if method == "walk":
        levels = walk_levels(K - 1 if offset_zero else K)
    elif method == "harmonic":
        levels = harmonic_levels(K)
    else:
        levels = torus_levels(K)

    def cost(d: int) -> int:
        return (_SEGMENTS_PER_LEVEL * nodes_per_segment(d + _RULE_EXTRA)) ** levels

    if cost(dps) <= _EVALUATION_BUDGET:
        top = dps
        while top < _MAX_DPS_BESSEL and cost(top + 1) <= _EVALUATION_BUDGET:
            top += 1
        return top
    feasible = [d for d in range(1, dps) if cost(d) <= _EVALUATION_BUDGET]
    kind = "DC" if method == "walk" else "coefficient at this multi-index"
    offer = (f"at most {feasible[-1]} digits can be" if feasible else "no digits can be")
    raise PrecisionLimitError(
        f"{dps} digits of the {K}-tone torus {kind} cannot be verified by a second, independent "
        f"method in reasonable time ({_METHOD_NAMES[method]} would nest {levels} quadratures); "
        f"{offer} verified for this signal"
    )


def generic_coefficient(signal: MultiTone, key: tuple[int, ...], lam, c, dps: int) -> mpmath.mpc:
    """Verified coefficient of exp(i k.(2 pi f t)) in lam*x + c*|x| (tones' phases included).

    One tone, and the DC of two tones without offset, are the rounded proven
    ball (:func:`~symrelu.exact.balls.generic_ball`). Cases that need no integral
    are exact (:func:`exact_generic_value`).
    Otherwise the signal is divided by a power of two near its peak (the value
    is homogeneous of degree 1) and the two methods are compared to ``dps``
    significant digits of the value itself, each part relative to itself,
    with more working precision for a value small next to the peak. A part
    whose phase factor vanishes exactly is an exact 0.

    Examples
    --------
    >>> import mpmath
    >>> g = MultiTone(amplitudes=[1, "0.7"], frequencies=[1, 2])
    >>> half = sympy.Rational(1, 2)
    >>> mpmath.nstr(generic_coefficient(g, (0, 0), half, half, 20).real, 20)
    '0.35868070492824129324'
    """
    if generic_ball_available(signal, key):  # a proof exists: round its ball
        return acb_to_mpc(generic_ball(signal, key, lam, c, dps + 3), dps)
    exact = exact_generic_value(signal, key, lam, c)
    if exact is not None:
        return exact_parts(*exact, dps)
    sig, e = normalized(signal)
    value = _generic_value(sig, key, lam, c, dps)
    with mpmath.workdps(dps):  # the shift by 2^e is exact; the parts are already rounded
        return mpmath.mpc(mpmath.ldexp(value.real, e), mpmath.ldexp(value.imag, e))
