r"""The convergence certificate of the Taylor expansion of |x|.

With :math:`g = x^2/C - 1` the series :math:`\sqrt{1+g}=\sum a_n g^n` converges
where :math:`-1 \le g \le 1`. Since :math:`x^2 \ge 0`, :math:`g \ge -1` always,
so the series converges for every t exactly when :math:`\max_t x^2 \le 2C`. Then

.. math:: \sup_t \bigl|\,|x| - \sqrt{C}\textstyle\sum_{n\le N} a_n g^n\bigr|
          \le \sqrt{C}\,\binom{2N}{N} 4^{-N}

and an activation ``lambda x + c |x|`` inherits the bound times |c|.

How the range of g is known:

- ``"exact"``: generic regime (the phases fill the torus, so sup|x| = P =
  |b| + sum|A_i| and inf|x| = max(0, |b| - sum|A_i|)), or a periodic signal
  whose peak P is reached at t = 0.
- ``"numeric"``: periodic regime, the extrema of the trigonometric polynomial
  at its critical points, refined to 30 significant digits, with a rigorous
  bracket from a dense grid and the curvature bound.
- ``"bound"``: symbolic values in the periodic regime, or the mixed regime (a
  reduced torus of rank 2 or more with related tones); the torus values are
  bounds (sup|x| <= P, g >= -1).

The periodic range is a function of :math:`\tau = 2\pi f_0 t`, so a base
frequency that is irrational (``pi`` for tones at pi and 2 pi) changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mpmath
import sympy

from symrelu._phasor import is_zero
from symrelu.errors import ToneSpecError
from symrelu.taylor import tail_bound
from symrelu.trigpoly import SignalModel

__all__ = ["Certificate", "certify"]

_DIGITS = 30
#: Above this harmonic number the period is too long to scan; the torus bound is used.
_MAX_GRID_HARMONIC = 20_000


@dataclass(frozen=True)
class Certificate:
    """Where the truncated series is valid, and how far it can be from the truth.

    Attributes
    ----------
    center : sympy.Expr
        C.
    order : int
        N, the last power of g kept.
    g_min, g_max : sympy.Expr or mpmath.mpf
        The range of g(t) = x(t)^2/C - 1 (see ``kind``).
    kind : str
        ``"exact"``, ``"numeric"`` (30 verified digits) or ``"bound"``.
    converges : bool or None
        True when -1 <= g <= 1 everywhere; None when symbolic values leave it
        undecided.
    sup_error_bound : sympy.Expr or None
        Bound on ``sup_t |act(x) - approximation|`` when the series converges.
    abs_weight : sympy.Expr
        The activation's weight c of ``|x|``.

    Examples
    --------
    >>> from symrelu import MultiTone, expand
    >>> cert = expand(MultiTone(amplitudes=[1, 1], frequencies=[1, 2]), order=4).certificate
    >>> cert.converges, cert.g_max, cert.sup_error_bound
    (True, 1, 35*sqrt(2)/256)
    """

    center: Any
    order: int
    g_min: Any
    g_max: Any
    kind: str
    converges: bool | None
    sup_error_bound: Any
    abs_weight: Any
    note: str = ""

    def __str__(self) -> str:
        verdict = {True: "converges", False: "DIVERGES", None: "undecided"}[self.converges]
        lines = [
            f"center C = {self.center}",
            f"g range ({self.kind}): [{_show(self.g_min)}, {_show(self.g_max)}]",
            f"series {verdict} (needs -1 <= g <= 1)",
        ]
        if self.sup_error_bound is not None:
            lines.append(
                f"sup |act(x) - order-{self.order} approximation| <= {self.sup_error_bound}"
                f" = {_show(self.sup_error_bound)}"
            )
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """Plain-data form (exact values as strings) for JSON reports."""
        return {
            "center": str(self.center),
            "order": self.order,
            "g_min": str(self.g_min),
            "g_max": str(self.g_max),
            "kind": self.kind,
            "converges": self.converges,
            "sup_error_bound": None if self.sup_error_bound is None else str(self.sup_error_bound),
            "note": self.note,
        }

    def _latex(self, printer: Any, **kwargs: Any) -> str:
        """:func:`symrelu.latex.certificate_latex` in ``printer``; sympy's printer protocol."""
        from symrelu.latex import certificate_latex

        return certificate_latex(self, printer)

    def _repr_latex_(self) -> str:
        from symrelu.latex import latex

        return "$" + latex(self) + "$"


def _show(v: Any) -> str:
    if isinstance(v, sympy.Rational) or (isinstance(v, sympy.Expr) and not v.is_number):
        return str(v)
    try:
        return mpmath.nstr(mpmath.mpf(sympy.N(v, 20)) if isinstance(v, sympy.Expr) else v, 12)
    except (TypeError, ValueError):
        return str(v)


def _sum(values) -> sympy.Expr:
    """The sum by binary additions: rationals add as numbers, without ``Add``'s flatten,
    whose first call imports sympy.tensor (0.04-0.1 s); other values give the same Add."""
    return sum(values, sympy.S.Zero)


def _surely_zero(value: sympy.Expr) -> bool:
    """True when ``value`` is exactly zero; False when it is not or that cannot be decided."""
    try:
        return is_zero(value, "peak test")
    except ToneSpecError:
        return False


def _decide(value: sympy.Expr) -> bool | None:
    """Decide ``value <= 0`` for an exact sympy expression (None when undecidable).

    Numbers are decided exactly without the simplifier: sympy's sign test (a certified
    numerical evaluation), and where that cannot tell (a zero in disguise) the exact zero
    test of :func:`symrelu._phasor.is_zero`. Symbolic values try the value and its
    expansion, and only then ``simplify``.
    """
    if value.is_Rational:
        return bool(value <= 0)
    if value.is_number:
        if value.is_nonpositive:
            return True
        if value.is_positive:
            return False
        try:
            return True if is_zero(value, "convergence margin") else None
        except ToneSpecError:  # a zero test that cannot be decided: undecided
            return None
    for form in (value, sympy.expand(value)):
        if form.is_nonpositive:
            return True
        if form.is_positive:
            return False
    value = sympy.simplify(value)
    if value.is_nonpositive:
        return True
    if value.is_positive:
        return False
    return None


def _normal(value: sympy.Expr) -> sympy.Expr:
    """A cheap normal form for a bound: rational numbers as they are, other numbers with
    their radicals out of the denominator, symbolic values as sympy evaluates them."""
    if value.is_Rational or not value.is_number:
        return value
    return sympy.radsimp(value)


def certify(
    model: SignalModel, center: sympy.Expr, order: int, abs_weight: sympy.Expr
) -> Certificate:
    """Build the certificate of an order-``order`` expansion about ``center``."""
    sig = model.signal
    P = sig.peak
    A_sum = _sum(abs(a) for a in sig.amplitudes)
    note = ""
    if (
        model.regime != "periodic"
        or not sig.is_numeric
        or max(sig.harmonics, default=1) > _MAX_GRID_HARMONIC
    ):
        kind = "exact" if model.regime == "generic" else "bound"
        x2_max = P**2
        x_min_abs = sympy.Max(0, sympy.Abs(sig.offset) - A_sum)
        g_max = _normal(x2_max / center - 1)
        g_min = _normal(x_min_abs**2 / center - 1)
        if kind == "bound":
            g_min = sympy.Integer(-1)
            if model.regime == "mixed":
                note = (
                    "mixed regime (a reduced torus of rank "
                    f"{model.key_dims}): the bounds sup|x| <= P and g >= -1 are used"
                )
            elif sig.is_numeric:
                note = (
                    "periodic signal with a very long period: the torus bound sup|x| <= P is used"
                )
        fits = _decide(P**2 - 2 * center)
        if fits is None:
            note = "convergence undecided: cannot compare P^2 with 2C for these symbols"
    else:
        g_min, g_max, kind, fits, note = _periodic_range(model, center)
    converges = fits
    bound = None
    if converges:
        weight = abs_weight if abs_weight.is_Rational else sympy.nsimplify(abs_weight)
        if weight.is_nonnegative is not True:   # a bound: the size of the weight
            weight = sympy.Abs(weight)
        bound = _normal(weight * sympy.sqrt(center) * tail_bound(order))
    return Certificate(center, order, g_min, g_max, kind, converges, bound, abs_weight, note)


def _periodic_range(model: SignalModel, center: sympy.Expr):
    """g range of a numeric periodic signal from its critical points (see module doc).

    Convergence is decided exactly whenever it can be: sup|x| <= P always, so
    P^2 <= 2C proves it; a peak reached at t = 0 or at half the base period
    (checked exactly) gives g_max exactly. Only otherwise do the refined
    extrema decide, with the grid's curvature bracket.
    """
    sig = model.signal
    P = sig.peak
    fits_by_bound = _decide(P**2 - 2 * center)
    exact_peak = any(_surely_zero(abs(v) - P) for v in _exact_values_at_half_periods(sig))
    if exact_peak and sig.offset.is_zero and sig.amplitudes:
        # x has mean zero and is not constant, so it crosses zero: g_min = -1, and the
        # peak P is reached exactly, so no extremum search is needed
        return sympy.Integer(-1), _normal(P**2 / center - 1), "exact", fits_by_bound, ""
    with mpmath.workdps(_DIGITS + 15):
        x_max, x_min, lip = _extrema(sig)
        C = mpmath.mpf(sympy.N(center, _DIGITS + 15))
        sup_abs = max(abs(x_max), abs(x_min))
        crosses = x_min <= 0 <= x_max
        if exact_peak:
            g_max = _normal(P**2 / center - 1)
            fits = fits_by_bound
            kind = "exact" if crosses else "numeric"
        else:
            g_max = mpmath.mpf(mpmath.nstr(sup_abs**2 / C - 1, _DIGITS))
            upper = sup_abs + lip
            if fits_by_bound or upper**2 <= 2 * C:
                fits = True
            elif sup_abs**2 > 2 * C:
                fits = False
            else:  # within the grid bracket of the boundary: trust the refined digits
                fits = bool(sup_abs**2 <= 2 * C)
            kind = "numeric"
        if crosses:
            g_min = sympy.Integer(-1)
        else:
            inf_abs = min(abs(x_max), abs(x_min)) if x_min > 0 or x_max < 0 else 0
            g_min = mpmath.mpf(mpmath.nstr(mpmath.mpf(inf_abs) ** 2 / C - 1, _DIGITS))
            kind = "numeric"
    return g_min, g_max, kind, fits, ""


def _exact_values_at_half_periods(sig) -> tuple[sympy.Expr, sympy.Expr]:
    """x at t = 0 and at half the base period, exactly (where zero-phase peaks sit)."""
    at_zero = sig.offset + _sum(a * sympy.cos(p) for a, _, p in sig.tones)
    at_half = sig.offset + _sum(
        a * sympy.cos(m * sympy.pi + p) for (a, _, p), m in zip(sig.tones, sig.harmonics)
    )
    return at_zero, at_half


def _extrema(sig) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf]:
    """Max and min of x over one period, refined at the current mpmath precision.

    Returns (max, min, slack) where slack bounds how far the true extremum can
    exceed the found one (grid spacing squared times sup|x''| / 8).
    """
    import numpy as np  # here, not at the top: ``import symrelu`` does not import numpy

    m = np.array(sig.harmonics, dtype=float)
    A = [mpmath.mpf(sympy.N(a, mpmath.mp.dps)) for a in sig.amplitudes]
    ph = [mpmath.mpf(sympy.N(p, mpmath.mp.dps)) for p in sig.phases]
    b = mpmath.mpf(sympy.N(sig.offset, mpmath.mp.dps))
    D = int(m.max()) if len(m) else 1
    n_grid = max(256, 64 * D)
    tau = np.linspace(0.0, 2 * np.pi, n_grid, endpoint=False)
    Af = np.array([float(a) for a in A])
    pf = np.array([float(p) for p in ph])
    xs = float(b) + (Af[:, None] * np.cos(np.outer(m, tau) + pf[:, None])).sum(axis=0)
    ds = -(Af[:, None] * m[:, None] * np.sin(np.outer(m, tau) + pf[:, None])).sum(axis=0)

    def x(t):
        return b + mpmath.fsum(a * mpmath.cos(int(k) * t + p) for a, k, p in zip(A, m, ph))

    def dx(t):
        return -mpmath.fsum(a * int(k) * mpmath.sin(int(k) * t + p) for a, k, p in zip(A, m, ph))

    values = [x(mpmath.mpf(0))]
    h = 2 * mpmath.pi / n_grid
    sign_changes = np.flatnonzero(np.sign(ds) != np.sign(np.roll(ds, -1)))
    for i in sign_changes.tolist():
        lo, hi = mpmath.mpf(i) * h, mpmath.mpf(i + 1) * h
        try:
            r = mpmath.findroot(dx, (lo, hi), solver="anderson")
        except (ValueError, ZeroDivisionError):
            r = lo
        values.append(x(r))
    # the grid's extremes, evaluated at full precision (float64 values could overshoot)
    values += [x(mpmath.mpf(int(i)) * h) for i in (np.argmax(xs), np.argmin(xs))]
    curvature = mpmath.fsum(abs(a) * int(k) ** 2 for a, k in zip(A, m))
    slack = h**2 * curvature / 8
    return max(values), min(values), slack
