r"""Exact values of every piecewise-linear activation, by decomposition.

.. math:: f(x) = a + b\,x + \sum_j c_j\,|x - t_j| + \sum_j h_j\,\operatorname{sign}(x - t_j)

Each :math:`|x - t_j|` is the |x| engine on the signal with its offset shifted
by :math:`-t_j` (:func:`symrelu.exact.periodic.periodic_ball`,
:func:`symrelu.exact.generic.generic_ball`, :func:`symrelu.exact.mixed.mixed_value`),
so it carries the guarantee |x| has there; :math:`a + b x` is exact (the signal's
own coefficients); :math:`\operatorname{sign}(x - t_j)` is proven in the periodic
regime (:func:`symrelu.exact.periodic.periodic_sign_ball`: the isolated zeros of
:math:`x - t_j`, :math:`e^{-in\tau}` integrated exactly between them) and in the
generic regime (:func:`symrelu.exact.generic.generic_sign_ball`: arccos for one
tone, the Bessel integral with the kernel of
:math:`\operatorname{sign} x = \frac{2}{\pi}\int_0^\infty \sin(ux)u^{-1}du` otherwise).
The mixed regime computes the kinks (two orders of integration, evidence) and
refuses jumps.

A sum of terms can cancel (hardtanh of a signal that spends as long above 1 as
below -1 has a small DC, or none). Three things keep the digits relative to the
value itself:

* parts decided exactly before any sum: every term decided exactly (x - t_j of
  one sign: the sum is then exact sympy), the phase symmetry of the signal (the
  same for every term), and the symmetry of f about the offset b against a shift
  that maps x - b to -(x - b) (half a period when every harmonic is odd; every
  phase by pi on the torus): when f is odd about b (hardtanh, clip, sign at b = 0;
  relu6 at b = 3) the DC is exactly f(b) and the even harmonics (multi-indices of
  even order) vanish, when f is even about b the odd ones vanish;
* the terms' balls are added at a working precision above the request; the
  sum must have radius at most 10^-digits of itself, and while it does not the
  terms are recomputed with the digits lost to cancellation added (at least
  doubling the extra digits), up to :data:`MAX_SUM_EXTRA_DIGITS`;
* beyond that, :class:`~symrelu.exact.PrecisionLimitError` says how small the
  value is, or that it could not be separated from 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import flint
import mpmath
import sympy

from symrelu.activations import PiecewiseLinear
from symrelu.errors import ActivationError, NoProofError
from symrelu.exact._common import (
    CHECK_GUARD,
    GUARD,
    PrecisionLimitError,
    SymbolicValueError,
    check_dps,
    exact_parts,
    harmonic_number,
    multi_index,
    phase_zeros,
    to_mp,
    verified,
)
from symrelu.exact.balls import (
    acb_to_mpc,
    arb_of,
    arb_precision,
    bits_for_digits,
    conjugate_ball,
    relative_radius_ok,
)
from symrelu.piecewise_expansion import shifted
from symrelu.signal import MultiTone

__all__ = ["pwl_coefficient", "parity", "MAX_SUM_EXTRA_DIGITS"]

#: Most digits added to every term when their sum cancels (beyond it: PrecisionLimitError).
MAX_SUM_EXTRA_DIGITS = 200


def parity(act: PiecewiseLinear, m: Any = 0) -> str | None:
    """``"odd"`` (f(2m - x) = 2 f(m) - f(x)), ``"even"`` (f(2m - x) = f(x)) or None: the
    symmetry of f about the point m, decided exactly.

    Odd about m: the kinks mirrored about m with opposite weights, the jumps with equal
    ones (nothing at m itself); even: kinks with equal weights, jumps with opposite ones,
    and no linear part.

    Examples
    --------
    >>> from symrelu.activations import HardTanh, Abs, ReLU, Sign, DeadZone, ReLU6
    >>> parity(HardTanh()), parity(Abs()), parity(ReLU()), parity(Sign()), parity(DeadZone())
    ('odd', 'even', None, 'odd', 'odd')
    >>> parity(ReLU6(), 3), parity(ReLU6())
    ('odd', None)
    """
    m = sympy.sympify(m)
    kinks, jumps = dict(act.kinks), dict(act.jumps)

    def mirrored(terms: dict, sign: int) -> bool:
        return all(sympy.expand(terms.get(sympy.expand(2 * m - t), 0) - sign * w) == 0
                   for t, w in terms.items())

    if mirrored(kinks, -1) and mirrored(jumps, 1):
        return "odd"
    if sympy.expand(act.linear) == 0 and mirrored(kinks, 1) and mirrored(jumps, -1):
        return "even"
    return None


def _half_wave(sig: MultiTone, regime: str) -> bool:
    """Whether shifting time by half a period (periodic: every harmonic odd) or every phase
    by pi (generic) maps x - b to -(x - b)."""
    if not sig.K:
        return False
    return regime == "generic" or all(m % 2 for m in sig.harmonics)


def _check_numbers(act: PiecewiseLinear) -> None:
    values = [act.intercept, act.linear, *(v for kt in act.kinks for v in kt),
              *(v for jt in act.jumps for v in jt)]
    if any(not sympy.sympify(v).is_number for v in values):
        raise SymbolicValueError(
            f"the activation {act!r} has a symbolic weight; exact values need numbers"
        )


def _real_zero_parts(value: tuple) -> tuple[bool, bool]:
    return tuple(sympy.sympify(p).is_zero is True for p in value)


def _exact_ball(value: tuple, strict: bool = True) -> flint.acb:
    if strict:
        return flint.acb(*(flint.arb(0) if sympy.sympify(p).is_zero else arb_of(p)
                           for p in value))
    return flint.acb(*(flint.arb(0) if sympy.sympify(p).is_zero else _weight_ball(p, False)
                       for p in value))


def _sum_balls(terms: list[Callable[[int], flint.acb]], exact: tuple, zeros: tuple[bool, bool],
               digits: int, what: str, strict: bool = True) -> flint.acb:
    """Sum ``exact`` (sympy (re, im)) and the term balls ``term(d)`` (each of relative radius
    10^-d) to a ball of relative radius 10^-digits per part not in ``zeros``."""
    extra = 0
    while True:
        d = digits + 3 + extra
        balls = [term(d) for term in terms]
        with arb_precision(bits_for_digits(d + 30) + 64):
            total = _exact_ball(exact, strict)
            for ball in balls:
                total += ball
            parts = [flint.arb(0) if z else p for p, z in zip((total.real, total.imag), zeros)]
            total = flint.acb(*parts)
            if all(relative_radius_ok(p, digits) for p in parts):
                return total
            lost = 0.0
            for p in parts:
                if relative_radius_ok(p, digits):
                    continue
                low = p.abs_lower()
                if low == 0:
                    lost = max(lost, digits + 5.0)
                else:
                    ratio = p.rad() * flint.arb(10) ** digits / low
                    man, exp = ratio.abs_upper().man_exp()
                    lost = max(lost, (math.log2(int(man)) + int(exp)) / math.log2(10))
        if extra >= MAX_SUM_EXTRA_DIGITS:
            raise _cancel_limit(total, digits, what, d)
        extra = min(max(2 * extra, extra + int(math.ceil(lost)) + 5), MAX_SUM_EXTRA_DIGITS)


def _cancel_limit(total: flint.acb, digits: int, what: str, d: int) -> PrecisionLimitError:
    with mpmath.workdps(20):
        low = min((p.abs_lower() for p in (total.real, total.imag) if p != 0), default=None)
        rad = max(total.real.rad(), total.imag.rad())
        r = mpmath.mpf(rad.str(20, radius=False)) if rad else mpmath.mpf(0)
        if low is None or low == 0:
            return PrecisionLimitError(
                f"{what} (a sum of kink and jump terms that cancel) could not be separated "
                f"from 0 with the terms at {d} digits, the most used here: it is below "
                f"1e{int(mpmath.ceil(mpmath.log10(2 * r))) if r else 0} in magnitude, and "
                "whether it is exactly 0 was not decided"
            )
        return PrecisionLimitError(
            f"{digits} digits of {what} (a sum of kink and jump terms that cancel) could not "
            f"be proven with the terms at {d} digits, the most used here; ask for fewer digits"
        )


def _combine_zeros(*flags: tuple[bool, bool]) -> tuple[bool, bool]:
    return tuple(any(f[i] for f in flags) for i in range(2))


# --------------------------------------------------------------------------- periodic
def _periodic_terms(sig: MultiTone, act: PiecewiseLinear, n: int, strict: bool):
    """(exact (re, im) of the decided part, [term(d)] balls, all_exact) for harmonic n >= 0."""
    from symrelu.exact.periodic import (
        exact_periodic_sign_value,
        exact_periodic_value,
        linear_part,
        periodic_ball,
        periodic_sign_ball,
    )

    re, im = linear_part(sig, n)
    ex_re = act.linear * re + (act.intercept if n == 0 else 0)
    ex_im = act.linear * im
    terms = []
    for t, c in act.kinks:
        xt = shifted(sig, t)
        if xt is None:
            continue
        known = exact_periodic_value(xt, n, 0, c)
        if known is not None:
            ex_re, ex_im = ex_re + known[0], ex_im + known[1]
            continue
        terms.append(lambda d, xt=xt, c=c: periodic_ball(xt, n, 0, c, d, strict=strict))
    for t, h in act.jumps:
        xt = shifted(sig, t)
        if xt is None:
            continue
        known = exact_periodic_sign_value(xt, n)
        if known is not None:
            ex_re, ex_im = ex_re + h * known[0], ex_im + h * known[1]
            continue
        hb = h

        def jump(d, xt=xt, hb=hb):
            ball = periodic_sign_ball(xt, n, d, strict=strict)
            with arb_precision(bits_for_digits(d + 30) + 64):
                return _weight_ball(hb, strict) * ball
        terms.append(jump)
    return (sympy.expand(ex_re), sympy.expand(ex_im)), terms


def _weight_ball(w: sympy.Expr, strict: bool) -> flint.arb:
    from symrelu.exact.periodic import value_ball

    return value_ball(w, strict)


def _periodic_zeros(sig: MultiTone, act: PiecewiseLinear, n: int) -> tuple[bool, bool]:
    from symrelu.exact.periodic import half_period_symmetry

    found = half_period_symmetry(sig)
    flags = [(False, True) if n == 0 else (False, False)]
    if n and found is not None:
        flags.append(phase_zeros(-n * found[0]))
    if n and _half_wave(sig, "periodic"):
        kind = parity(act, sig.offset)    # x(tau + pi) - b = -(x(tau) - b)
        if (kind == "odd" and n % 2 == 0) or (kind == "even" and n % 2 == 1):
            flags.append((True, True))
    return _combine_zeros(*flags)


def _symmetric_dc(sig: MultiTone, act: PiecewiseLinear, regime: str) -> tuple | None:
    """The exact DC f(b) when f is odd about the offset b and x - b flips sign under a
    half-period (or phase) shift: y - f(b) then averages to 0."""
    if _half_wave(sig, regime) and parity(act, sig.offset) == "odd":
        return sympy.expand(act(sig.offset)), sympy.Integer(0)
    return None


def _periodic(sig, act, n, dps, enclosure, what):
    from symrelu.exact.periodic import is_proven
    from symrelu.exact.values import MAX_DPS_PERIODIC

    dps = check_dps(dps, MAX_DPS_PERIODIC)
    zeros = _periodic_zeros(sig, act, n)
    symmetric = _symmetric_dc(sig, act, "periodic") if n == 0 else None
    if symmetric is not None:
        return _exact_result(symmetric, zeros, dps, enclosure)
    proven = is_proven(sig, act.intercept, act.linear) and all(
        is_proven(sig, t, w) for t, w in (*act.kinks, *act.jumps))
    if proven or enclosure:
        exact, terms = _periodic_terms(sig, act, n, strict=True)
        if not terms:
            return _exact_result(exact, zeros, dps, enclosure)
        ball = _sum_balls(terms, exact, zeros, dps if enclosure else dps + 3, what)
        return ball if enclosure else acb_to_mpc(ball, dps)
    exact, terms = _periodic_terms(sig, act, n, strict=False)
    if not terms:
        return _exact_result(exact, zeros, dps, enclosure)
    return _two_precisions(sig, act, exact, terms, zeros, dps, what)


# --------------------------------------------------------------------------- generic
def _generic(sig, act, key, dps, enclosure, what):
    from symrelu.exact.generic import (
        MAX_DPS_GENERIC,
        exact_generic_sign_value,
        exact_generic_value,
        generic_ball,
        generic_sign_ball,
        linear_real,
        phase_angle,
    )

    dps = check_dps(dps, MAX_DPS_GENERIC)
    angle = phase_angle(sig, key)
    lin = act.linear * linear_real(sig, key) + (act.intercept if not any(key) else 0)
    ex_re, ex_im = lin * sympy.cos(angle), lin * sympy.sin(angle)
    terms = []
    for t, c in act.kinks:
        xt = shifted(sig, t)
        if xt is None:
            continue
        known = exact_generic_value(xt, key, 0, c)
        if known is not None:
            ex_re, ex_im = ex_re + known[0], ex_im + known[1]
            continue
        terms.append(lambda d, xt=xt, c=c: generic_ball(xt, key, 0, c, d))
    for t, h in act.jumps:
        xt = shifted(sig, t)
        if xt is None:
            continue
        known = exact_generic_sign_value(xt, key)
        if known is not None:
            ex_re, ex_im = ex_re + h * known[0], ex_im + h * known[1]
            continue

        def jump(d, xt=xt, h=h):
            ball = generic_sign_ball(xt, key, d)
            with arb_precision(bits_for_digits(d + 30) + 64):
                return arb_of(h) * ball
        terms.append(jump)
    flags = [(False, True) if not any(key) else phase_zeros(angle)]
    if any(key) and _half_wave(sig, "generic"):
        kind = parity(act, sig.offset)   # every phase + pi flips x - b: c_k (-1)^S
        if (kind == "odd" and sum(key) % 2 == 0) or (kind == "even" and sum(key) % 2 == 1):
            flags.append((True, True))
    zeros = _combine_zeros(*flags)
    symmetric = _symmetric_dc(sig, act, "generic") if not any(key) else None
    if symmetric is not None:
        return _exact_result(symmetric, zeros, dps, enclosure)
    exact = (sympy.expand(ex_re), sympy.expand(ex_im))
    if not terms:
        return _exact_result(exact, zeros, dps, enclosure)
    ball = _sum_balls(terms, exact, zeros, dps if enclosure else dps + 3, what)
    return ball if enclosure else acb_to_mpc(ball, dps)


# --------------------------------------------------------------------------- mixed
def _mixed(sig, act, at, dps, what):
    from symrelu.exact.mixed import MAX_DPS_MIXED, mixed_value
    from symrelu.expansion import mixed_key

    if act.jumps:
        raise ActivationError(
            f"{act!r} has jumps (sign terms): the mixed regime computes |x| only; use "
            "regime='generic' (the torus average) or rational frequencies"
        )
    dps = check_dps(dps, MAX_DPS_MIXED)
    key = None if at is None else mixed_key(sig, at)
    red = sig.reduction
    key_t = (0,) * red.rank if key is None else tuple(key)
    # the linear part: b at the DC, A_j e^{+-i phi_j}/2 where key = +-v_j
    re, im = (act.intercept + act.linear * sig.offset, 0) if not any(key_t) else (0, 0)
    for A, v, p in zip(sig.amplitudes, red.vectors, sig.phases):
        for s in (1, -1):
            if tuple(s * x for x in v) == key_t and any(key_t):
                re += act.linear * A / 2 * sympy.cos(s * p)
                im += act.linear * A / 2 * sympy.sin(s * p)
    exact = (sympy.expand(re), sympy.expand(im))
    kinks = [(shifted(sig, t), c) for t, c in act.kinks]
    kinks = [(xt, c) for xt, c in kinks if xt is not None]
    if not kinks:
        value = exact_parts(*exact, dps)
        return value
    extra = 0
    while True:
        d = dps + 3 + extra
        with mpmath.workdps(d + 10):
            vals = [to_mp(c) * mpmath.mpc(mixed_value(xt.amplitudes, red.vectors, xt.phases,
                                                      xt.offset, key, "abs", d))
                    for xt, c in kinks]
            total = mpmath.mpc(to_mp(exact[0]), to_mp(exact[1])) + mpmath.fsum(vals)
            # each term is good to 10^-d of itself, so each part of the sum to size * 10^-d
            ok = True
            for part, pieces in ((total.real, [v.real for v in vals]),
                                 (total.imag, [v.imag for v in vals])):
                size = mpmath.fsum(abs(v) for v in pieces)
                if size and abs(part) * mpmath.mpf(10) ** (-(dps + 1)) < size * mpmath.mpf(
                        10) ** (-d):
                    ok = False
            if ok:
                with mpmath.workdps(dps):
                    return mpmath.mpc(+total.real, +total.imag)
        if extra >= MAX_SUM_EXTRA_DIGITS or d >= MAX_DPS_MIXED:
            raise PrecisionLimitError(
                f"{dps} digits of {what} (a sum of kink terms that cancel) could not be "
                f"verified with the terms at {d} digits; ask for fewer digits"
            )
        extra = min(max(2 * extra, extra + 10), MAX_SUM_EXTRA_DIGITS, MAX_DPS_MIXED - dps - 3)


# --------------------------------------------------------------------------- shared
def _exact_result(exact: tuple, zeros: tuple[bool, bool], dps: int, enclosure: bool):
    parts = tuple(sympy.Integer(0) if z else sympy.sympify(p) for p, z in zip(exact, zeros))
    if enclosure:
        from symrelu.exact.balls import proven_ball

        flags = _combine_zeros(zeros, _real_zero_parts(parts))
        return proven_ball(lambda: _exact_ball(parts), flags, dps, "the value")
    return exact_parts(*parts, dps)


def _two_precisions(sig, act, exact, terms, zeros, dps, what):
    """Values without a ball form: the term sum at two working precisions (evidence)."""

    def at(guard: int):
        def run(extra: int):
            d = dps + guard + extra
            with mpmath.workdps(d):
                ball = _sum_balls(terms, exact, zeros, d, what, strict=False)
                return acb_to_mpc(ball, d)
        return run

    with mpmath.workdps(dps + GUARD):
        scale = (abs(to_mp(act.intercept)) + abs(to_mp(act.linear)) * to_mp(sig.peak)
                 + mpmath.fsum(abs(to_mp(c)) * (to_mp(sig.peak) + abs(to_mp(t)))
                               for t, c in act.kinks)
                 + mpmath.fsum(abs(to_mp(h)) for _, h in act.jumps))
    return verified(at(GUARD), at(CHECK_GUARD), dps, what,
                    "the kink and jump terms at two precisions", scale=scale, unit=1,
                    zero_parts=zeros)


def pwl_coefficient(sig: MultiTone, at: Any, act: PiecewiseLinear, regime: str, dps: Any,
                    enclosure: bool) -> mpmath.mpc | flint.acb:
    """The coefficient (``at=None``: the DC) of ``act(sig)``, as
    :func:`symrelu.exact_coefficient` returns it (an acb with ``enclosure``).

    Examples
    --------
    >>> import mpmath
    >>> from symrelu.activations import HardTanh
    >>> sig = MultiTone.parse("1@5 + 0.6@15")        # b = 0, odd harmonics, hardtanh odd
    >>> pwl_coefficient(sig, None, HardTanh(), "auto", 20, False)
    mpc(real='0.0', imag='0.0')
    """
    from symrelu.trigpoly import resolve_regime

    _check_numbers(act)
    regime = resolve_regime(sig, regime)
    if regime == "periodic":
        n = 0 if at is None else harmonic_number(sig, at)
        what = "the DC" if n == 0 else f"the coefficient at harmonic {abs(n)}"
        value = _periodic(sig, act, abs(n), dps, enclosure, what)
        if n < 0:
            return conjugate_ball(value, dps) if enclosure else mpmath.conj(value)
        return value
    if regime == "mixed":
        if enclosure:
            raise NoProofError("the mixed regime has no proven method yet; call without "
                               "enclosure")
        return _mixed(sig, act, at, dps, "the rank-2 torus value")
    key = (0,) * sig.K if at is None else multi_index(sig, at)
    what = "the DC" if not any(key) else f"the coefficient at {key}"
    return _generic(sig, act, key, dps, enclosure, what)

