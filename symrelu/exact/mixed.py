r"""Exact values in the mixed regime: averages over a reduced torus of rank 2.

When the frequencies span a rank-r lattice over the rationals with
:math:`1 < r < K` (e.g. 1, 2, sqrt(2): r = 2), time averages are averages over
the r-torus, each tone carrying an integer vector :math:`v_j`:

.. math:: x(\theta) = b + \sum_j A_j \cos(v_j\cdot\theta + \varphi_j), \qquad
          c_k = \frac{1}{(2\pi)^r}\int_{T^r} \mathrm{act}(x(\theta))\,
          e^{-ik\cdot\theta}\,d\theta .

The linear part of ``act = lambda x + c |x|`` contributes exactly (b, or
:math:`A_j e^{\pm i\varphi_j}/2` when :math:`k = \pm v_j`). For |x| on a rank-2
torus, one coordinate :math:`\theta_a` is integrated out in closed form: for
fixed :math:`\theta_o`, x is a trigonometric polynomial
:math:`\sum_{|n|\le D} a_n(\theta_o) e^{in\theta_a}`. With D = 1 it is
:math:`s + R\cos(\theta_a + \alpha)` and the mean of
:math:`|x| e^{-ik_a\theta_a}` is :math:`e^{ik_a\alpha} h_{k_a}(s; R)`
(:func:`symrelu.exact.generic.phase_out_mean`, arccos); with D >= 2 the zeros are
the unit-circle roots of :math:`z^D x(z)` (FLINT's ``acb_poly.roots``; a double
root the working precision cannot resolve is split by a nudge of 2^20 units
of it, or left to an Aberth iteration) and :math:`x e^{-ik_a\theta_a}` has the
antiderivative :math:`\sum_n a_n G_{n-k_a}`, as in :mod:`symrelu.exact.periodic`.
A root error enters this mean only to second order (x vanishes at its zeros),
so a near-double root needs no more than half the working digits.

The mean over :math:`\theta_a` is analytic in :math:`\theta_o` except where
the inner polynomial has a multiple zero on the circle: a root of the
discriminant :math:`\mathrm{Res}_{z_a}(P, \partial_{z_a}P)`, a Laurent
polynomial in :math:`z_o = e^{i\theta_o}` of known degree, obtained by sampling
Sylvester determinants at roots of unity and interpolating. The outer
integral over :math:`\theta_o` is done by the tanh-sinh rule of
:mod:`symrelu.exact.quadrature` on panels split at those roots (and at the
projections of roots near the circle), where the rule keeps its
double-exponential convergence for the :math:`|\epsilon|^{3/2}` kinks.

Guarantee: checked by two independent methods, not a proof. The two
computations integrate in the two orders (inner :math:`\theta_1`, outer
:math:`\theta_2`, and the reverse), so they use different inner polynomials,
different kink sets and different tanh-sinh steps (and, where one coordinate
carries only harmonics +-1, different inner formulas: arccos against roots and
antiderivatives, as for 1, 2, sqrt(2)); they must agree to ``dps``
significant digits of the value itself (:func:`symrelu.exact._common.verified`),
with a finer rule on a retry before :class:`~symrelu.errors.VerificationError`.
The cost is estimated before the work (kinks and evaluations counted, the
outer integrand timed at sample points, within a factor 2 of the run here),
and a request over about a minute is refused with :class:`PrecisionLimitError`
naming the digits that fit. Tori of rank 3 or more are refused the same way:
their kinks lie on surfaces that this engine does not locate.
"""

from __future__ import annotations

import itertools
import math
import numbers
import time
from fractions import Fraction

import flint
import mpmath
import sympy
from flint import acb
from sympy.matrices.normalforms import hermite_normal_form

from symrelu._values import value_text
from symrelu.errors import FrequencyNotPresentError, ToneSpecError, VerificationError
from symrelu.exact._common import (
    CHECK_GUARD,
    GUARD,
    PrecisionLimitError,
    activation_weights,
    check_dps,
    exact_parts,
    phase_parts,
    phase_zeros,
    to_mp,
    verified,
)
from symrelu.exact.generic import phase_out_mean
from symrelu.exact.quadrature import (
    BudgetExceeded,
    TanhSinh,
    arb_precision,
    nodes_per_segment,
    to_arb,
    to_mpf,
)

__all__ = ["mixed_value", "MAX_DPS_MIXED", "MAX_SECONDS_MIXED"]

#: Most digits the mixed engine accepts.
MAX_DPS_MIXED = 60
#: A request whose estimated run time exceeds this many seconds is refused up front.
MAX_SECONDS_MIXED = 60.0
#: Digits the two outer rules aim above the working request (the second method's is
#: larger, so the two use different nodes); tripled on a retry.
_RULE_EXTRA = (5, 8)
#: Most extra working digits for a value small next to the peak (its digits cancel).
_MAX_EXTRA = 40
#: Outer panels are split at the projection onto the real axis of every discriminant root
#: within this distance of it (|Im theta| = |log|z||): a complex singularity near a panel's
#: middle would slow the tanh-sinh rule, at its end it costs little.
_SPLIT_DISTANCE = 2


# --------------------------------------------------------------------------- inputs
def _exact_number(value: object, what: str) -> sympy.Expr:
    if isinstance(value, bool) or not isinstance(value, (sympy.Expr, numbers.Integral)):
        raise ToneSpecError(
            f"mixed_value: {what} must be an exact sympy number (got {type(value).__name__})"
        )
    value = sympy.sympify(value)
    if not value.is_number or value.is_real is False or value.has(sympy.Float):
        raise ToneSpecError(f"mixed_value: {what} must be an exact real number, got "
                            f"{value_text(value)}")
    return value


def _int_vector(v: object, r: int | None, what: str) -> tuple[int, ...]:
    if not isinstance(v, (tuple, list)) or not v or not all(
        isinstance(k, numbers.Integral) and not isinstance(k, bool) for k in v
    ):
        raise ToneSpecError(f"mixed_value: {what} must be a tuple of integers, got "
                            f"{value_text(v)}")
    if r is not None and len(v) != r:
        raise ToneSpecError(f"mixed_value: {what} has {len(v)} entries, the torus has rank {r}")
    return tuple(int(k) for k in v)


def _check_inputs(amplitudes, vectors, phases, offset):
    amps = [_exact_number(a, "an amplitude") for a in amplitudes]
    phs = [_exact_number(p, "a phase") for p in phases]
    if not (len(amps) == len(vectors) == len(phs)):
        raise ToneSpecError(
            f"mixed_value: {len(amps)} amplitudes, {len(vectors)} vectors and {len(phs)} "
            "phases: one of each per tone"
        )
    b = _exact_number(offset, "the offset")
    vecs = []
    r = None
    for v in vectors:
        v = _int_vector(v, r, "a frequency vector")
        r = len(v)
        vecs.append(v)
    tones = [(a, v, p) for a, v, p in zip(amps, vecs, phs) if not a.is_zero]
    seen = set()
    for _, v, _ in tones:
        if not any(v):
            raise ToneSpecError("mixed_value: a tone has the zero frequency vector; put its "
                                "value A cos(phase) into the offset")
        neg = tuple(-k for k in v)
        if v in seen or neg in seen:
            raise ToneSpecError(f"mixed_value: two tones share the frequency vector {v} (up to "
                                "sign); merge them first")
        seen.add(v)
    if tones and sympy.Matrix([list(v) for _, v, _ in tones]).rank() < r:
        raise ToneSpecError(
            f"mixed_value: the frequency vectors {[v for _, v, _ in tones]} span less than the "
            f"rank-{r} torus; reduce the torus first (rank 1 is the periodic regime)"
        )
    return tones, b, r


# --------------------------------------------------------------------------- exact cases
def _linear_part(tones, b, key) -> tuple[sympy.Expr, sympy.Expr]:
    """(re, im) of x's own coefficient at ``key``, exactly."""
    if not any(key):
        return b, sympy.Integer(0)
    re, im = sympy.Integer(0), sympy.Integer(0)
    neg = tuple(-k for k in key)
    for A, v, p in tones:
        if v == key:
            re, im = re + A / 2 * sympy.cos(p), im + A / 2 * sympy.sin(p)
        elif v == neg:
            re, im = re + A / 2 * sympy.cos(p), im - A / 2 * sympy.sin(p)
    return re, im


def _in_lattice(key, vectors) -> bool:
    """Whether ``key`` is an integer combination of ``vectors`` (the support of |x|'s series).

    The columns of the Hermite normal form generate the same lattice and are
    independent, so the combination is unique when it exists.
    """
    h = hermite_normal_form(sympy.Matrix([list(v) for v in vectors]).T)
    try:
        sol, params = h.gauss_jordan_solve(sympy.Matrix(key))
    except ValueError:     # not even in the rational span
        return False
    return params.shape[0] == 0 and all(s.is_integer for s in sol)


def _parity_zero(tones, b, key) -> bool:
    """b = 0 and a half-period shift u with v.u odd for every tone and key.u odd: |x| part 0."""
    if not b.is_zero:
        return False
    r = len(key)
    for u in itertools.product((0, 1), repeat=r):
        if all(sum(a * c for a, c in zip(v, u)) % 2 for _, v, _ in tones) and (
            sum(a * c for a, c in zip(key, u)) % 2
        ):
            return True
    return False


def _crosses_zero(tones, b) -> bool | None:
    gap = sympy.Abs(b) - sympy.Add(*(sympy.Abs(A) for A, _, _ in tones))
    ahead = gap.is_negative
    return None if ahead is None else bool(ahead)


def _exact_value(tones, b, key, lam, c):
    """(re, im) exactly where no integral is needed, else None."""
    lin = _linear_part(tones, b, key)
    if c == 0:
        weight = lam
    elif _crosses_zero(tones, b) is False:
        weight = lam + c * sympy.sign(b)
    elif not _in_lattice(key, [v for _, v, _ in tones]) or _parity_zero(tones, b, key):
        weight = lam
    else:
        return None
    return sympy.expand(weight * lin[0]), sympy.expand(weight * lin[1])


def _symmetry_point(tones, r: int):
    """y in Q^r with v_j.y + phi_j/pi an integer for every tone (theta0 = pi y), or None."""
    qs = []
    for _, _, p in tones:
        q = p / sympy.pi
        if not q.is_Rational:
            return None
        qs.append(Fraction(int(q.p), int(q.q)))
    if all(q.denominator == 1 for q in qs):
        return (Fraction(0),) * r, [int(q) for q in qs]
    L = math.lcm(*(q.denominator for q in qs))
    vecs = [v for _, v, _ in tones]
    dets = [abs(int(sympy.Matrix([vecs[i] for i in rows]).det()))
            for rows in itertools.combinations(range(len(vecs)), r)]
    d = math.lcm(*(x for x in dets if x)) if any(dets) else 1
    grid = L * d
    if grid**r > 20_000:
        return None
    for ys in itertools.product(range(grid), repeat=r):
        y = tuple(Fraction(k, grid) for k in ys)
        js = [sum(Fraction(a) * c for a, c in zip(v, y)) + q for v, q in zip(vecs, qs)]
        if all(j.denominator == 1 for j in js):
            return y, [int(j) for j in js]
    return None


# --------------------------------------------------------------------------- numerics
def _laurent(tones, b):
    """{vector: complex coefficient} of x at the current precision (v and -v both present)."""
    coeffs: dict[tuple[int, ...], mpmath.mpc] = {}
    for A, v, p in tones:
        half = to_mp(A) / 2
        phase = to_mp(p)
        coeffs[v] = half * mpmath.expj(phase)
        coeffs[tuple(-k for k in v)] = half * mpmath.expj(-phase)
    return to_mp(b), coeffs


def _inner_coefficients(b, coeffs, a: int, o: int, z_o) -> list:
    """[a_{-D}, ..., a_D]: x as a Laurent polynomial in z_a at z_o (rank 2)."""
    D = max(abs(v[a]) for v in coeffs)
    out = [mpmath.mpc(0)] * (2 * D + 1)
    out[D] += b
    for v, cv in coeffs.items():
        out[v[a] + D] += cv * z_o ** v[o]
    return out


def _horner(cs, z):
    p, dp = mpmath.mpc(0), mpmath.mpc(0)
    for cf in reversed(cs):
        dp = dp * z + p
        p = p * z + cf
    return p, dp


def _roots(cs: list, nudge: bool = False) -> list:
    """Approximate roots of sum cs[i] z^i at the current precision (coefficients trimmed).

    FLINT isolates the roots quickly and refines them to half the working
    precision: a root error enters the mean of |x| only to second order (x
    vanishes there), and a near-double root is known no better. A double root that the working
    precision cannot resolve (FLINT's isolation gives up) is, with ``nudge``,
    split by moving the middle coefficient (x's offset) by 2^20 units of the
    working precision, which changes a mean of |x| by no more than that; failing
    that, an Aberth iteration that stops when its steps stop shrinking (a root
    error enters the mean only to second order).
    """
    top = max(abs(x) for x in cs)
    tiny = top * mpmath.mpf(2) ** (-(mpmath.mp.prec - 20))
    lo, hi = 0, len(cs) - 1
    while hi > lo and abs(cs[hi]) <= tiny:
        hi -= 1
    while lo < hi and abs(cs[lo]) <= tiny:
        lo += 1
    cs = cs[lo:hi + 1]
    n = len(cs) - 1
    if n < 1:
        return []
    prec = mpmath.mp.prec
    old = flint.ctx.prec
    flint.ctx.prec = prec + 20
    try:
        for shift in (0, top * mpmath.mpf(2) ** (20 - prec)) if nudge else (0,):
            shifted = list(cs)
            if n % 2 == 0:
                shifted[n // 2] += shift
            poly = flint.acb_poly([acb(to_arb(x.real), to_arb(x.imag)) for x in shifted])
            try:
                found = poly.roots(tol=mpmath.mpf(2) ** -(prec // 2 + 16), maxprec=2 * prec + 40)
            except ValueError:
                continue
            return [mpmath.mpc(to_mpf(z.real), to_mpf(z.imag)) for z in found]
    finally:
        flint.ctx.prec = old
    return _aberth(cs)


def _aberth(cs: list) -> list:
    n = len(cs) - 1
    radius = (abs(cs[0]) / abs(cs[-1])) ** (mpmath.mpf(1) / n)
    z = [radius * mpmath.expj(2 * mpmath.pi * k / n + mpmath.mpf("0.4")) for k in range(n)]
    tol = mpmath.mpf(2) ** (-(mpmath.mp.prec - 8))
    half_tol = mpmath.sqrt(tol)
    last = mpmath.inf
    for _ in range(min(20 + 12 * n, 100)):
        biggest = 0
        for i in range(n):
            p, dp = _horner(cs, z[i])
            if p == 0:
                continue
            s = mpmath.fsum(1 / (z[i] - z[j]) for j in range(n) if j != i and z[i] != z[j])
            ratio = p / dp if dp != 0 else mpmath.mpc(tol)
            step = ratio / (1 - ratio * s)
            z[i] -= step
            biggest = max(biggest, abs(step) / max(1, abs(z[i])))
        if biggest < tol or (biggest < half_tol and biggest > last / 8):
            break   # converged, or a cluster converging linearly past half the digits
        last = biggest
    return z


def _inner_mean(cs: list, k: int):
    """Mean over theta of |sum_n cs[n + D] e^{in theta}| e^{-ik theta} (a real trig polynomial)."""
    D = (len(cs) - 1) // 2
    while D > 0 and cs[0] == 0 and cs[-1] == 0:
        cs, D = cs[1:-1], D - 1
    s = cs[D].real
    if D == 0:
        return mpmath.mpc(abs(s)) if k == 0 else mpmath.mpc(0)
    if D == 1:
        R = 2 * abs(cs[2])
        if R == 0:
            return mpmath.mpc(abs(s)) if k == 0 else mpmath.mpc(0)
        alpha = mpmath.arg(cs[2])
        return phase_out_mean(s, R, abs(k)) * mpmath.expj(k * alpha)
    near = mpmath.mpf(10) ** (-(mpmath.mp.dps // 3))
    pi = mpmath.pi
    on_circle = sorted(((mpmath.arg(z), z / abs(z)) for z in _roots(cs, nudge=True)
                        if abs(abs(z) - 1) < near), key=lambda p: p[0])
    points = [(-pi, mpmath.mpc(-1)), *on_circle, (pi, mpmath.mpc(-1))]
    span = D + abs(k)

    def powers(w):
        out = {0: mpmath.mpc(1), 1: w, -1: mpmath.conj(w)}
        for d in range(2, span + 1):
            out[d] = out[d - 1] * w
            out[-d] = mpmath.conj(out[d])
        return out

    def x(w):
        acc, p = cs[D], mpmath.mpc(1)
        for n in range(1, D + 1):
            p = p * w
            acc += 2 * (cs[D + n] * p).real
        return acc.real

    def F(t, w):  # antiderivative of x e^{-ik t}: sum_n a_n G_{n-k}
        pw = powers(w)
        return mpmath.fsum(cs[D + n] * t if n == k else cs[D + n] * pw[n - k] / (1j * (n - k))
                           for n in range(-D, D + 1))

    values = [F(t, w) for t, w in points]
    total = mpmath.mpc(0)
    for j in range(len(points) - 1):
        width = points[j + 1][0] - points[j][0]
        if width == 0:
            continue
        # the sign of x on the interval, from the largest of three samples: one of them may
        # sit on a tangency that the root finder returned as a pair just off the circle
        probe = max((x(mpmath.expj(points[j][0] + width * q)) for q in (0.25, 0.5, 0.75)),
                    key=abs)
        total += (values[j + 1] - values[j]) if probe >= 0 else (values[j] - values[j + 1])
    return total / (2 * pi)


def _sylvester_resultant(p: list, q: list):
    """Res(p, q) for coefficient lists (low to high) by the Sylvester determinant."""
    m, n = len(p) - 1, len(q) - 1
    size = m + n
    rows = []
    for i in range(n):
        rows.append([0] * i + list(reversed(p)) + [0] * (size - m - 1 - i))
    for i in range(m):
        rows.append([0] * i + list(reversed(q)) + [0] * (size - n - 1 - i))
    return mpmath.det(mpmath.matrix(rows))


def _kinks(b, coeffs, a: int, o: int) -> list:
    """Angles theta_o in (-pi, pi) where the inner polynomial in z_a may have a multiple zero.

    The roots of the discriminant (as Res(P, P')) near the unit circle, projected
    onto it; extra points only refine the outer rule.
    """
    D = max(abs(v[a]) for v in coeffs)
    M = max(abs(v[o]) for v in coeffs)
    E = (4 * D - 1) * M
    N = 2 * E + 1
    samples = []
    for m in range(N):
        z = mpmath.expj(2 * mpmath.pi * m / N)
        P = _inner_coefficients(b, coeffs, a, o, z)
        dP = [i * P[i] for i in range(1, len(P))]
        samples.append(_sylvester_resultant(P, dP))
    poly = []
    for e in range(-E, E + 1):
        poly.append(mpmath.fsum(samples[m] * mpmath.expj(-2 * mpmath.pi * m * e / N)
                                for m in range(N)) / N)
    if max(abs(x) for x in poly) == 0:
        return []
    pi = mpmath.pi
    close = mpmath.mpf(10) ** (-(mpmath.mp.dps // 3))
    candidates = sorted((abs(mpmath.log(abs(z))), mpmath.arg(z)) for z in _roots(poly, nudge=True)
                        if z != 0 and abs(mpmath.log(abs(z))) < _SPLIT_DISTANCE)
    splits = [-pi, pi]
    for depth, t in candidates:
        gap = min(abs(t - u) for u in splits)
        # a root on the circle is a kink; one off it is a split point unless an existing one
        # lies below it already (within half its distance from the axis)
        if (depth < close and gap > 0) or 2 * gap > depth:
            splits.append(t)
    return sorted(splits)[1:-1]


def _outer_integrand(b, coeffs, key, a: int, o: int):
    """theta_o -> (mean over theta_a of |x| e^{-ik_a theta_a}) e^{-ik_o theta_o}, in Arb."""
    ka, ko = key[a], key[o]
    dc = not any(key)

    def f(t_arb):
        t = to_mpf(t_arb)
        inner = _inner_mean(_inner_coefficients(b, coeffs, a, o, mpmath.expj(t)), ka)
        value = inner * mpmath.expj(-ko * t)
        if dc:
            return to_arb(value.real)
        return acb(to_arb(value.real), to_arb(value.imag))

    return f


def _order_mean(b, coeffs, key, a: int, o: int, rule: TanhSinh, kinks: list):
    """(1/4pi^2) integral of |x| e^{-ik.theta}: inner theta_a in closed form, outer theta_o."""
    f = _outer_integrand(b, coeffs, key, a, o)
    pi = mpmath.pi
    total = rule.integrate(f, [to_arb(p) for p in [-pi, *kinks, pi]])
    if not any(key):
        return mpmath.mpc(to_mpf(total)) / (2 * pi)
    return mpmath.mpc(to_mpf(total.real), to_mpf(total.imag)) / (2 * pi)


def _time_one_evaluation(b, coeffs, key, a, o, kinks) -> float:
    """Seconds for one evaluation of the outer integrand, timed at sample points.

    Half of them near a kink, where the tanh-sinh rule puts many of its nodes
    and the inner roots nearly coincide (their isolation costs more).
    """
    f = _outer_integrand(b, coeffs, key, a, o)
    near = kinks[0] if kinks else mpmath.mpf(0)
    ts = [mpmath.mpf(t) for t in ("0.3", "1.7", "-2.2")]
    ts += [near + mpmath.mpf(10) ** -d for d in (3, mpmath.mp.dps // 3, mpmath.mp.dps)]
    points = [to_arb(t) for t in ts]
    with arb_precision(mpmath.mp.dps + 15):
        start = time.perf_counter()
        for t in points:
            f(t)
        return (time.perf_counter() - start) / len(points)


# --------------------------------------------------------------------------- driver
def _scaled(tones, b):
    peak = sympy.Abs(b) + sympy.Add(*(sympy.Abs(A) for A, _, _ in tones))
    with mpmath.workdps(20):
        _, e = mpmath.frexp(to_mp(peak))
    e = int(e)
    f = sympy.Integer(2) ** -e
    return [(A * f, v, p) for A, v, p in tones], b * f, e


def mixed_value(amplitudes, vectors, phases, offset, key, activation, dps):
    r"""Average over the rank-r torus of ``activation(x(theta)) exp(-i key.theta)``.

    Parameters
    ----------
    amplitudes, phases : sequences of exact sympy numbers
        One per tone; zero amplitudes are dropped.
    vectors : sequence of tuples of int
        Tone j is :math:`A_j\cos(v_j\cdot\theta + \varphi_j)`; all of length r = 2.
    offset : exact sympy number
        b.
    key : None or tuple of r ints
        None for the DC, else the coefficient of :math:`e^{ik\cdot\theta}`.
    activation : "relu", "abs", LeakyReLU(alpha) or Activation
        Handled as ``lambda x + c |x|``; the linear part is exact.
    dps : int
        Significant digits relative to the value itself.

    Returns
    -------
    mpmath.mpf or mpmath.mpc
        The DC (an mpf) for ``key=None``, else the complex coefficient, each
        part rounded to ``dps`` digits. Exact zeros only where decided: x of
        one sign, ``key`` outside the lattice of the vectors, a half-period
        shift that flips x (b = 0), a symmetry point of the phases.

    Raises
    ------
    PrecisionLimitError
        For a rank above 2, or a request estimated at over a minute (the
        message names the digits that fit).
    VerificationError
        When the two orders of integration disagree after a finer retry.

    Examples
    --------
    ReLU of 1@1 + 1@2 + 1@sqrt(2): theta_1 carries the tones at 1 and 2, theta_2 the
    one at sqrt(2).

    >>> import mpmath, sympy
    >>> one = sympy.Integer(1)
    >>> v = mixed_value([one, one, one], [(1, 0), (2, 0), (0, 1)], [0, 0, 0], 0, None, "relu", 20)
    >>> mpmath.nstr(v, 20)
    '0.4984743452004512058'
    """
    _, lam, c = activation_weights(activation)
    dps = check_dps(dps, MAX_DPS_MIXED)
    tones, b, r = _check_inputs(amplitudes, vectors, phases, offset)
    if r is None or not tones:
        r = r or (len(key) if key else 0)
    if key is None:
        key_t = (0,) * (r or 0)
    else:
        if not isinstance(key, (tuple, list)) or len(key) != r or not all(
            isinstance(k, numbers.Integral) and not isinstance(k, bool) for k in key
        ):
            raise FrequencyNotPresentError(
                f"mixed_value: the key must be None or a tuple of {r} integers (the torus has "
                f"rank {r}), got {value_text(key)}"
            )
        key_t = tuple(int(k) for k in key)
    exact = _exact_value(tones, b, key_t, lam, c) if tones else (
        sympy.expand((lam + c * sympy.sign(b)) * b) if not any(key_t) else 0, 0)
    if exact is not None:
        value = exact_parts(*exact, dps)
        return value.real if key is None else value
    if r == 1:
        raise ToneSpecError("mixed_value: a torus of rank 1 is the periodic regime; use "
                            "symrelu.exact.periodic")
    if r > 2:
        raise PrecisionLimitError(
            f"the mixed regime computes tori of rank 2; these frequencies span a torus of rank "
            f"{r}, whose kink set is a surface the engine does not locate. Estimate the value "
            "from sampled time averages (numeric.spectra), or reduce the number of "
            "incommensurate base frequencies"
        )
    value = _verified_value(tones, b, key_t, lam, c, dps)
    return value.real if key is None else value


def _verified_value(tones, b, key, lam, c, dps):
    tones, b, e = _scaled(tones, b)
    found = _symmetry_point(tones, 2)
    if found is not None:
        y, js = found
        tones = [((-A if j % 2 else A), v, sympy.Integer(0)) for (A, v, _), j in zip(tones, js)]
        angle = -sympy.pi * sympy.Add(*(sympy.Rational(yi.numerator, yi.denominator) * k
                                         for yi, k in zip(y, key)))
        zeros = phase_zeros(angle)
        real_only = True
    else:
        angle = sympy.Integer(0)
        zeros = (False, not any(key))
        real_only = False
    lin = _linear_part(tones, b, key)
    with mpmath.workdps(dps + GUARD):
        scale = abs(to_mp(lam)) + abs(to_mp(c))

    guards = (GUARD, CHECK_GUARD)
    prepared: dict = {}

    def prepare(order: int, extra: int):
        """(b, coefficients, kinks, seconds per inner evaluation) at the order's precision."""
        if (order, extra) not in prepared:
            a, o = (0, 1) if order == 0 else (1, 0)
            with mpmath.workdps(dps + guards[order] + extra):
                b_mp, coeffs = _laurent(tones, b)
                kinks = _kinks(b_mp, coeffs, a, o)
                per = _time_one_evaluation(b_mp, coeffs, key, a, o, kinks)
            prepared[(order, extra)] = (b_mp, coeffs, kinks, per)
        return prepared[(order, extra)]

    def estimate(extra: int, factor: int, digits: int = dps) -> float:
        """Seconds both orders would take for ``digits`` digits (the inner cost scaled)."""
        total = 0.0
        for order in (0, 1):
            _, _, kinks, per = prepare(order, extra)
            grow = ((digits + guards[order] + extra) / (dps + guards[order] + extra)) ** 1.5
            total += ((len(kinks) + 1) * per * grow
                      * nodes_per_segment(digits + extra + _RULE_EXTRA[order] * factor))
        return total

    def refuse_if_long(extra: int, factor: int) -> None:
        seconds = estimate(extra, factor)
        if seconds <= MAX_SECONDS_MIXED:
            return
        fits = [d for d in range(1, dps) if estimate(extra, factor, d) <= MAX_SECONDS_MIXED]
        offer = (f"at most {fits[-1]} digits fit in about a minute" if fits
                 else "its kinks are too many for any digits in about a minute")
        raise PrecisionLimitError(
            f"{dps} digits of the rank-2 torus {_what(key)} would take about {seconds:.1f} s "
            f"here (two orders of integration, {sum(len(prepare(o, extra)[2]) for o in (0, 1))}"
            f" kinks, one inner evaluation timed); {offer}"
        )

    def run_at(order: int, factor: int):
        a, o = (0, 1) if order == 0 else (1, 0)

        def run(extra):
            wp = dps + guards[order] + extra
            if order == 0:
                refuse_if_long(extra, factor)   # both orders, before either runs
            b_mp, coeffs, kinks, _ = prepare(order, extra)
            with mpmath.workdps(wp):
                digits = dps + extra + _RULE_EXTRA[order] * factor
                evaluations = (len(kinks) + 1) * nodes_per_segment(digits)
                with arb_precision(digits + 15):
                    rule = TanhSinh(digits, budget=4 * evaluations + 100)
                    d = _order_mean(b_mp, coeffs, key, a, o, rule, kinks)
                real = to_mp(lam) * (to_mp(lin[0]) + 1j * to_mp(lin[1])) + to_mp(c) * d
                if real_only:
                    cos, sin = phase_parts(angle, wp)
                    return mpmath.mpc(real.real * cos, real.real * sin)
                return mpmath.mpc(real.real) if not any(key) else real
        return run

    what = f"the rank-2 torus {_what(key)}"
    how = "the two orders of integration (inner closed form, outer tanh-sinh split at the kinks)"

    def check(factor):
        return verified(run_at(0, factor), run_at(1, factor),
                        dps, what, how, scale=scale, max_extra=_MAX_EXTRA,
                        unit=mpmath.ldexp(1, e), zero_parts=zeros)

    try:
        try:
            value = check(1)
        except VerificationError:
            value = check(3)  # a finer rule before giving up: the step is fixed a priori
    except BudgetExceeded:
        raise PrecisionLimitError(
            f"{dps} digits of {what}: the quadrature spent more evaluations than its estimate; "
            "ask for fewer digits"
        ) from None
    with mpmath.workdps(dps):
        return mpmath.mpc(mpmath.ldexp(value.real, e), mpmath.ldexp(value.imag, e))


def _what(key) -> str:
    return "DC" if not any(key) else f"coefficient at {key}"
