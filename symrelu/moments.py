r"""Single coefficients of an even polynomial in x by exact torus moments (generic regime).

In the generic regime every tone has its own angle on the torus, and phases fold into the
angles, so a signal is

.. math:: x = b + \sum_{j=1}^{K} A_j \cos\theta_j

with independent, uniform :math:`\theta_j`. The coefficient of :math:`e^{i k\cdot\theta}` in
:math:`x^m` (the torus average of :math:`x^m e^{-i k\cdot\theta}`, for phase-free tones) is a
binomial convolution of one sequence per tone: with

.. math:: [z^{k}](A\cos\theta)^p = \frac{A^p}{2^p}\binom{p}{(p-k)/2}
          \quad (p - k \text{ even and } \ge 0, \text{ else } 0)

and the exponential generating functions :math:`E_j(t) = \sum_p [z^{k_j}](A_j\cos\theta_j)^p
\, t^p/p!` and :math:`e^{bt}` for the offset,

.. math:: [z^k]\, x^m = m!\,[t^m]\; e^{bt} \prod_j E_j(t).

A DC (k = 0) uses the plain moments :math:`E[(A\cos\theta)^{2q}] = A^{2q}\binom{2q}{q}/4^q`.
Writing :math:`p = |k_j| + 2q` makes each :math:`E_j` a series in :math:`u = t^2` with
coefficients :math:`(A_j/2)^{|k_j|+2q} / (q!\,(q+|k_j|)!)`, so an order-N polynomial
costs K truncated products of length about N, instead of the whole multi-index spectrum
(an L1 ball of radius 2N in K dimensions) that :func:`symrelu.trigpoly.even_polynomial_spectrum`
builds.

Rational amplitudes and offsets are exact FLINT rationals (``fmpq_poly``); symbolic
amplitudes, offsets and irrational numbers (sqrt(2)) are generators of a FLINT polynomial
ring over the rationals (``fmpq_mpoly``), graded by the power of t; the value is turned into
a sympy expression once, at the end, in the same form as
:class:`symrelu.trigpoly.PolySpectrum` gives it (so both routes return equal expressions).
The phase factor :math:`e^{i k\cdot\varphi}` of a phased signal is
:meth:`symrelu.trigpoly.SignalModel.phase_factor`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
import sympy
from sympy.polys.polyutils import expr_from_dict

from symrelu._values import is_rational
from symrelu.errors import FrequencyNotPresentError, RegimeError
from symrelu.signal import MultiTone
from symrelu.trigpoly import SignalModel

__all__ = [
    "TorusCoefficient",
    "torus_coefficient",
    "torus_moment",
    "estimate_moment_terms",
]


@dataclass(frozen=True)
class TorusCoefficient:
    """One exact coefficient of an even polynomial in x, from torus moments.

    Attributes
    ----------
    key : tuple of int
        The multi-index k (one integer per tone).
    value : sympy.Expr
        The coefficient of :math:`e^{i k\\cdot\\theta}`: the value
        :class:`~symrelu.trigpoly.PolySpectrum` holds at ``key``.
    n_terms : int
        Number of exact polynomial terms behind it (what
        :meth:`~symrelu.trigpoly.PolySpectrum.terms_at` counts for the same key).
    """

    key: tuple
    value: sympy.Expr
    n_terms: int



def _mul_low(a: flint.fmpq_poly, b: flint.fmpq_poly, n: int) -> flint.fmpq_poly:
    """a * b mod t^n (python-flint's own ``mul_low`` is missing before version 0.9)."""
    mod = flint.fmpq_poly([0] * n + [1])
    return (a % mod) * (b % mod) % mod

def _q(value: Any) -> flint.fmpq:
    """An exact rational (int, Fraction, sympy Rational or fmpq) as an fmpq."""
    if isinstance(value, flint.fmpq):
        return value
    if isinstance(value, int):
        return flint.fmpq(value)
    if isinstance(value, (Fraction, sympy.Rational)):
        return flint.fmpq(int(value.numerator), int(value.denominator))
    raise TypeError(f"expected an exact rational, got {type(value).__name__}")


def _generic_parts(model: SignalModel) -> tuple[tuple | None, list[tuple]]:
    """The offset and the tones of a generic model as ``(rational factor, parameter index)``.

    The value of each is ``factor * params[index]`` (``factor`` alone when the index is None).
    """
    if model.regime != "generic":
        raise RegimeError(
            f"torus moments need the generic regime (got the {model.regime} regime); build the "
            "model with SignalModel.build(signal, 'generic')"
        )
    offset = None
    tones: list = [None] * model.key_dims
    for vec, r, p in model.terms:
        if not any(vec):
            offset = (_q(r), p)
        else:
            j = next(i for i, e in enumerate(vec) if e)
            if vec[j] > 0:
                tones[j] = (2 * _q(r), p)  # the phasor term is A/2 z_j
    return offset, tones


def _check_key(model: SignalModel, key: Any) -> tuple[int, ...]:
    if (
        not isinstance(key, (tuple, list))
        or len(key) != model.key_dims
        or not all(isinstance(k, int) and not isinstance(k, bool) for k in key)
    ):
        raise FrequencyNotPresentError(
            f"a generic-regime coefficient is addressed by a tuple of {model.key_dims} "
            f"integers (one per tone), got {key!r}"
        )
    return tuple(int(k) for k in key)


def _tone_series(a: flint.fmpq, k: int, R: int) -> list[flint.fmpq]:
    """(a/2)^(k+2q) / (q! (q+k)!) for q = 0..R: one tone's series in u = t^2."""
    half = a / 2
    c = half**k / math.factorial(k)
    out = [c]
    h2 = half * half
    for q in range(R):
        c = c * h2 / ((q + 1) * (q + 1 + k))
        out.append(c)
    return out


def _graded(model: SignalModel, key: tuple[int, ...], needed: Sequence[int]):
    """``{m: T_m}`` with ``[z^k] x^m = m! T_m`` for each m in ``needed`` (zero ones left out).

    T_m is an fmpq when the model has no parameters, else an fmpq_mpoly in the parameters.
    """
    offset, tones = _generic_parts(model)
    kk = [abs(k) for k in key]
    shift = sum(kk)
    needed = [m for m in needed if m >= shift and (offset is not None or (m - shift) % 2 == 0)]
    if not needed:
        return {}, None
    R = (max(needed) - shift) // 2  # highest power of u = t^2 needed from the tones
    n = len(model.params)
    # the tones with rational amplitudes fold into one rational series in u
    numeric = flint.fmpq_poly([1])
    symbolic = []
    for (a, p), k in zip(tones, kk):
        if p is None:
            numeric = _mul_low(numeric, flint.fmpq_poly(_tone_series(a, k, R)), R + 1)
        else:
            symbolic.append((a, p, k))
    if n == 0:
        # t^shift G(t^2) e^{bt}, all rational
        G = numeric
        if offset is None:
            out = {m: G[(m - shift) // 2] for m in needed}
        else:
            top = max(needed)
            spread = [flint.fmpq(0)] * (top + 1)
            for q in range(R + 1):
                spread[shift + 2 * q] = G[q]
            b = offset[0]
            expo, c = [], flint.fmpq(1)
            for d in range(top + 1):
                expo.append(c)
                c = c * b / (d + 1)
            T = _mul_low(flint.fmpq_poly(spread), flint.fmpq_poly(expo), top + 1)
            out = {m: T[m] for m in needed}
        return {m: v for m, v in out.items() if v != 0}, None
    ctx = flint.fmpq_mpoly_ctx.get(tuple(f"p{i}" for i in range(n)), "lex")
    G = [ctx.constant(numeric[q]) for q in range(R + 1)]
    for a, p, k in symbolic:
        series = _tone_series(a, k, R)
        monos = []
        for r in range(R + 1):
            exps = [0] * n
            exps[p] = k + 2 * r
            monos.append(ctx.term(series[r], tuple(exps)))
        new = []
        for q in range(R + 1):
            acc = ctx.constant(0)
            for r in range(q + 1):
                if not G[q - r].is_zero():
                    acc += G[q - r] * monos[r]
            new.append(acc)
        G = new
    if offset is None:
        out = {m: G[(m - shift) // 2] for m in needed}
    else:
        b, p = offset
        top = max(needed)
        powers = []  # b^d / d! as polynomials
        c = flint.fmpq(1)
        for d in range(top + 1):
            exps = [0] * n
            if p is not None:
                exps[p] = d
            powers.append(ctx.term(c, tuple(exps)))
            c = c * b / (d + 1)
        out = {}
        for m in needed:
            acc = ctx.constant(0)
            for q in range(min(R, (m - shift) // 2) + 1):
                if not G[q].is_zero():
                    acc += G[q] * powers[m - shift - 2 * q]
            out[m] = acc
    return {m: v for m, v in out.items() if not v.is_zero()}, ctx


def _to_sympy(model: SignalModel, poly: Any, ctx: Any) -> sympy.Expr:
    """A polynomial in the parameters (or a rational) as a sympy expression."""
    if ctx is None:
        return sympy.Rational(int(poly.p), int(poly.q))
    gens = [p if isinstance(p, sympy.Symbol) else sympy.Dummy(f"p{i}")
            for i, p in enumerate(model.params)]
    back = {g: p for g, p in zip(gens, model.params) if g is not p}
    terms = {tuple(map(int, e)): sympy.Rational(int(c.p), int(c.q))
             for e, c in poly.to_dict().items()}
    value = expr_from_dict(terms, *gens)  # what Poly.from_dict(terms, *gens).as_expr() gives
    return value.xreplace(back) if back else value


def torus_coefficient(
    model: SignalModel,
    gammas: Sequence[Any],
    key: Sequence[int],
    *,
    center: sympy.Expr | None = None,
    prefactor: sympy.Expr = sympy.S.One,
) -> TorusCoefficient:
    r"""The coefficient at ``key`` of ``prefactor * sum_j gammas[j] C^-j x^(2j)``, by moments.

    The same value as ``even_polynomial_spectrum(model, gammas, center=center,
    prefactor=prefactor)[key]`` (:func:`symrelu.trigpoly.even_polynomial_spectrum`), without
    the rest of the spectrum: :math:`[z^k] x^{2j}` for every j from K truncated products of
    per-tone moment series (see the module docstring), O(K N^2) rational operations for
    numeric amplitudes.

    Parameters
    ----------
    model : SignalModel
        A generic-regime model (``SignalModel.build(signal, "generic")``).
    gammas : sequence of exact rationals
        Coefficients of :math:`x^{2j}/C^j` (ints, Fractions, sympy Rationals or fmpq).
    key : tuple of int
        The multi-index k, one integer per tone.
    center : sympy.Expr, optional
        C (None means 1). A Rational folds into the rational coefficients; any other value
        divides the group of each power j, as in :class:`~symrelu.trigpoly.PolySpectrum`.
    prefactor : sympy.Expr
        Multiplies the coefficient (e.g. ``sqrt(C) / 2``).

    Returns
    -------
    TorusCoefficient

    Raises
    ------
    RegimeError
        The model is not in the generic regime.
    FrequencyNotPresentError
        ``key`` is not a tuple of one integer per tone.

    Examples
    --------
    x = 2 cos(theta_1) + cos(theta_2): E[x^2] = 2 + 1/2, and x^4 has
    [z^(2,0)] = 16 * 4/16 + 24 * 1/4 * 1/2 = 7 (from 16 cos^4 and 24 cos^2 cos^2):

    >>> m = SignalModel.build(MultiTone.parse("2@1 + 1@sqrt(2)"), "generic")
    >>> torus_coefficient(m, [0, 1], (0, 0)).value
    5/2
    >>> torus_coefficient(m, [0, 0, 1], (2, 0)).value
    7

    Symbolic amplitudes and a symbolic center:

    >>> A, C = sympy.symbols("A C", positive=True)
    >>> m = SignalModel.build(MultiTone(amplitudes=[A, 1], frequencies=[1, 3]), "generic")
    >>> torus_coefficient(m, [1, 1], (0, 0), center=C).value
    1 + (A**2/2 + 1/2)/C
    """
    key = _check_key(model, key)
    gammas = [_q(g) for g in gammas]
    needed = [2 * j for j, g in enumerate(gammas) if g != 0]
    T, ctx = _graded(model, key, needed)
    center = sympy.Integer(1) if center is None else center
    groups: dict[int, Any] = {}
    if is_rational(center):
        inv_c = 1 / _q(center)
        total = None
        for m, v in T.items():
            w = gammas[m // 2] * math.factorial(m) * inv_c ** (m // 2)
            total = v * w if total is None else total + v * w
        if total is not None and (total != 0 if ctx is None else not total.is_zero()):
            groups[0] = total
    else:
        for m, v in T.items():
            groups[m // 2] = v * (gammas[m // 2] * math.factorial(m))
    parts = []
    n_terms = 0
    for c_power in sorted(groups):
        poly = groups[c_power]
        n_terms += 1 if ctx is None else len(poly)
        value = _to_sympy(model, poly, ctx)
        if c_power:
            value = value / center**c_power
        parts.append(value)
    value = sympy.Add(*parts)
    value = value * model.phase_factor(key)
    return TorusCoefficient(key, prefactor * value, n_terms)


def torus_moment(signal: MultiTone, m: int, key: Sequence[int] | None = None) -> sympy.Expr:
    r"""The torus average of :math:`x^m e^{-i k\cdot\theta}`, exactly (k = 0 by default).

    Every tone is independent (the generic regime, whatever the frequencies): for k = 0 this
    is the mean of :math:`x^m` over the torus, the time average when the frequencies are
    independent over the rationals.

    Parameters
    ----------
    signal : MultiTone
    m : int
        The power of x (a non-negative integer).
    key : tuple of int, optional
        The multi-index k (one integer per tone); None is the zero vector.

    Examples
    --------
    >>> sig = MultiTone.parse("1@1 + 1@sqrt(2) + 1/2")
    >>> torus_moment(sig, 2)          # b^2 + A_1^2/2 + A_2^2/2
    5/4
    >>> torus_moment(sig, 3, (1, 0))  # cos^3: 3/8, 3 b^2 cos: 3/8, 3 cos_1 cos_2^2: 3/4
    3/2
    """
    from symrelu.taylor import check_order

    m = check_order(m, "power of x")
    model = SignalModel.build(signal, "generic")
    key = (0,) * model.key_dims if key is None else _check_key(model, key)
    T, ctx = _graded(model, key, [m])
    if m not in T:
        return sympy.Integer(0)
    poly = T[m] * math.factorial(m)
    return _to_sympy(model, poly, ctx) * model.phase_factor(key)


def estimate_moment_terms(
    model: SignalModel, N: int, key: Sequence[int] | None = None, *, center_rational: bool = True
) -> int:
    r"""Upper estimate of the polynomial terms :func:`torus_coefficient` holds at order ``N``.

    Without parameters the value is one rational. With parameters, the polynomial holds
    at most one term per exponent vector: a tone whose amplitude is a parameter of its own
    brings the power :math:`|k_j| + 2q_j`, any other parameter (an offset, an amplitude
    shared by several tones, sqrt(2)) a power d, with :math:`2\sum_j q_j + d \le 2N - |k|`.
    A center that is not a Rational keeps one polynomial per power of 1/C (``center_rational``
    False): N + 1 times as many terms when rational amplitudes or a rational offset make the
    powers of x non-homogeneous in the parameters.

    Examples
    --------
    >>> estimate_moment_terms(SignalModel.build(MultiTone.symbolic(3), "generic"), 4)
    35
    >>> estimate_moment_terms(SignalModel.build(MultiTone.parse("1@1 + 1@2"), "generic"), 50)
    1
    """
    offset, tones = _generic_parts(model)
    if not model.params:
        return 1
    kk = [abs(k) for k in key] if key is not None else [0] * model.key_dims
    top = 2 * N - sum(kk)
    if top < 0:
        return 1
    counts: dict[int, int] = {}
    for _, p in tones:
        if p is not None:
            counts[p] = counts.get(p, 0) + 1
    offset_param = None if offset is None else offset[1]
    own = sum(1 for p, c in counts.items() if c == 1 and p != offset_param)
    free = len(model.params) - own
    if free == 0:
        total = math.comb(top // 2 + own, own)
    elif top <= 4000:  # free monomials of degree d times the tone vectors left over
        total = sum(math.comb(d + free - 1, free - 1) * math.comb((top - d) // 2 + own, own)
                    for d in range(top + 1))
    else:
        total = math.comb(top // 2 + own, own) * math.comb(top + free, free)
    mixed = (offset is not None and offset_param is None) or any(p is None for _, p in tones)
    if not center_rational and mixed:
        total *= N + 1
    return total
