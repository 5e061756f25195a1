r"""The polynomial lens of a smooth activation: a polynomial with a proven sup error, whose
spectrum on a multi-tone signal is exact.

``symrelu.expand(sig, order=N, activation="gelu")`` hands a
:class:`symrelu.smooth.Smooth` activation to :func:`expand_smooth`. On the range
:math:`[-P, P]` of the signal (:math:`P = |b| + \sum |A_i| \ge \max |x|`) the activation is
replaced by a polynomial p of degree N with a proven bound
:math:`\varepsilon \ge \sup_{|x| \le P}|f(x) - p(x)|`, and the spectrum of
:math:`p(x(t))` is computed exactly by the phasor engine
(:func:`symrelu.trigpoly.even_polynomial_spectrum` for the even powers, one
multiplication by x's phasor terms for the odd ones). Since every coefficient is a
mean of :math:`(f - p)(x)\,e^{-ik\cdot\theta}`, each differs from the activation's
true coefficient by at most :math:`\varepsilon`.

Two lenses (:attr:`PolyLens.certificate`):

``taylor``
    The Taylor polynomial at 0, for f holomorphic on a disc :math:`|z| \le R`
    with R > P (tanh: radius pi/2, silu: pi, gelu: entire). Cauchy's estimate
    :math:`|a_n| \le M_R / R^n` with :math:`M_R` a ball bound of :math:`|f|` on the disc
    (boxes covering it, each evaluated with ``analytic=True``, which also proves
    f holomorphic there) gives
    :math:`\varepsilon = M_R (P/R)^{N+1} / (1 - P/R)`. The coefficients are exact
    sympy numbers (``1/sqrt(2 pi)`` for GELU, ``log 2`` for softplus), so
    symbolic amplitudes work; the certificate is then a function of P, valid
    for P < R.

``chebyshev``
    The Chebyshev interpolant at the N + 1 points :math:`P\cos(j\pi/N)`, for a
    numeric P (rounded up to a rational). With f holomorphic and :math:`|f| \le M`
    inside the Bernstein ellipse :math:`E_\rho` scaled to [-P, P] (M a ball bound
    on boxes covering it), :math:`\|f - p_N\| \le 4M\rho^{-N}/(\rho - 1)`
    (Trefethen, *Approximation Theory and Approximation Practice*, Thm 8.2). The
    interpolant's coefficients are computed in balls and rounded to rationals;
    the rounding (plus the balls' radii) is added to the bound. p has exact
    rational coefficients.

For a numeric signal the lens with the smaller bound is used (Taylor only where
its disc holds [-P, P]); a symbolic one needs the Taylor lens. An activation with
a break (ELU, SELU: not analytic at 0) has no lens with a geometric bound here.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import flint
import sympy

from symrelu._values import to_exact, value_text
from symrelu.errors import (
    ActivationError,
    CenterError,
    DivergenceError,
    DivergenceWarning,
    FrequencyNotPresentError,
    NoProofError,
    SymreluError,
    ToneSpecError,
)
from symrelu.expansion import mixed_key
from symrelu.signal import MultiTone
from symrelu.smooth import Smooth, X
from symrelu.taylor import check_order
from symrelu.trigpoly import SignalModel, even_polynomial_spectrum

__all__ = ["expand_smooth", "PolyLens", "LensCertificate", "lens_polynomial"]

_BITS = 96                 # working precision of the bounds (they are upper bounds: any works)


# --------------------------------------------------------------------------- ball bounds
def _box_bound(act: Smooth, cx: flint.arb, cy: flint.arb, rx: flint.arb,
               ry: flint.arb) -> flint.arb:
    """Upper bound of |f| on the box centred at cx + i cy with half-widths rx, ry (inf where
    f is not proven holomorphic on it)."""
    z = flint.acb(flint.arb(cx.mid(), (rx + cx.rad()).abs_upper()),
                  flint.arb(cy.mid(), (ry + cy.rad()).abs_upper()))
    v = act.acb(z, True)
    return flint.arb(v.abs_upper()) if v.is_finite() else flint.arb("inf")


def _disc_bound(act: Smooth, R: flint.arb, n: int = 20) -> flint.arb:
    """Upper bound of |f| on the disc |z| <= R (inf if f is not proven holomorphic there)."""
    h = R / n
    best = flint.arb(0)
    for i in range(n * 2):
        cx = -R + (2 * i + 1) * h / 2
        for j in range(n * 2):
            cy = -R + (2 * j + 1) * h / 2
            near = ((abs(cx) - h / 2).abs_lower() ** 2 + (abs(cy) - h / 2).abs_lower() ** 2)
            if near > R * R and not (abs(cx) < h or abs(cy) < h):
                continue
            u = _box_bound(act, cx, cy, h / 2, h / 2)
            if not u.is_finite():
                return u
            best = max(best, u)
    return flint.arb(best)


def _ellipse_bound(act: Smooth, P: flint.arb, rho: flint.arb, nx: int = 24,
                   ny: int = 12) -> flint.arb:
    """Upper bound of |f| inside the Bernstein ellipse E_rho scaled to [-P, P]."""
    a = P * (rho + 1 / rho) / 2
    b = P * (rho - 1 / rho) / 2
    hx, hy = a / nx, b / ny
    best = flint.arb(0)
    for i in range(2 * nx):
        cx = -a + (2 * i + 1) * hx / 2
        for j in range(2 * ny):
            cy = -b + (2 * j + 1) * hy / 2
            px = (abs(cx) - hx / 2).abs_lower()
            py = (abs(cy) - hy / 2).abs_lower()
            if (px / a) ** 2 + (py / b) ** 2 > 1:
                continue
            u = _box_bound(act, cx, cy, hx / 2, hy / 2)
            if not u.is_finite():
                return u
            best = max(best, u)
    return flint.arb(best)


def _nice(value: flint.arb) -> tuple[sympy.Rational, flint.arb]:
    """The value rounded down to 3 decimals: the exact parameter, and a ball holding it."""
    man, exp = value.mid().man_exp()
    q = sympy.floor(sympy.Integer(int(man)) * sympy.Integer(2) ** int(exp) * 1000) / 1000
    return q, flint.arb(flint.fmpq(int(q.p), int(q.q)))


def _rational_upper(ball: flint.arb) -> sympy.Rational:
    """An exact rational >= every point of the ball, with 4 significant digits (rounded up)."""
    u = ball.abs_upper()
    man, exp = u.man_exp()
    value = sympy.Integer(int(man)) * sympy.Integer(2) ** int(exp)
    if value == 0:
        return sympy.Integer(0)
    e = int(sympy.floor(sympy.log(value, 10))) - 3
    scale = sympy.Integer(10) ** e
    return sympy.ceiling(value / scale) * scale


def _arb_of_rational(q: sympy.Rational) -> flint.arb:
    q = sympy.Rational(q)
    return flint.arb(flint.fmpq(int(q.p), int(q.q)))


# --------------------------------------------------------------------------- Taylor
def _rational_series(name: str, n: int) -> dict | None:
    """{constant: [rational Taylor coefficients]} of a named activation up to x^n."""
    old = flint.ctx.cap
    flint.ctx.cap = n + 2
    try:
        x = flint.fmpq_series([0, 1])
        half = flint.fmpq(1, 2)
        if name == "tanh":
            s = x.tanh()
        elif name == "sigmoid":
            s = (1 + (x * half).tanh()) * half
        elif name == "silu":
            s = x * (1 + (x * half).tanh()) * half
        elif name == "softplus":
            s = ((1 + (x * half).tanh()) * half).integral()
        elif name == "mish":
            u = x.exp()
            w = u * (u + 2)
            s = x * w / (w + 2)
        elif name == "gelu":
            coeffs = [sympy.Integer(0)] * (n + 1)
            if n >= 1:
                coeffs[1] = sympy.Rational(1, 2)
            lin = coeffs
            g = [sympy.Integer(0)] * (n + 1)
            for k in range(n):     # x erf(x/sqrt 2)/2 = sum (-1)^k x^(2k+2) / (2^k k! (2k+1))
                if 2 * k + 2 > n:
                    break
                g[2 * k + 2] = sympy.Rational((-1) ** k, 2**k * math.factorial(k) * (2 * k + 1))
            return {sympy.Integer(1): lin, 1 / sympy.sqrt(2 * sympy.pi): g}
        else:
            return None
        coeffs = [sympy.Rational(int(c.p), int(c.q)) for c in s.coeffs()]
    finally:
        flint.ctx.cap = old
    coeffs = (coeffs + [sympy.Integer(0)] * (n + 1))[: n + 1]
    out = {sympy.Integer(1): coeffs}
    if name == "softplus":
        out[sympy.log(2)] = [sympy.Integer(1)]
    return out


def _taylor_groups(act: Smooth, n: int) -> dict:
    """{constant: [rationals]}: the Taylor polynomial sum_k constant * poly_k(x), exact."""
    found = _rational_series(act.name, n)
    if found is not None:
        return found
    if act.name == "gelu_tanh":
        raise NoProofError(
            "GELUTanh's Taylor coefficients mix every power of 1/pi; its lens is the Chebyshev "
            "one, which needs a numeric signal"
        )
    series = sympy.series(act.expr, X, 0, n + 1).removeO()
    poly = sympy.Poly(series, X)
    groups: dict = {}
    for (power,), coeff in poly.terms():
        for term in sympy.Add.make_args(sympy.expand(coeff)):
            r, kappa = term.as_coeff_Mul()
            if not r.is_Rational:
                r, kappa = sympy.Integer(1), term
            row = groups.setdefault(kappa, [sympy.Integer(0)] * (n + 1))
            row[power] += r
    return groups


def _taylor_bound(act: Smooth, P: flint.arb, n: int) -> tuple:
    """(bound, R, M_R) of the Taylor lens on [-P, P], or (inf, None, None)."""
    best = (flint.arb("inf"), None, None)
    radius = act.radius
    if radius is None:
        factors = ["1.1", "1.25", "1.5", "2", "3"]
        candidates = [P * flint.arb(f) for f in factors]
    elif radius == sympy.oo:
        candidates = [P * flint.arb(f) for f in ("1.25", "1.5", "2", "3", "4", "6")]
        candidates += [P + flint.arb(f) for f in ("1", "2", "4")]
    else:
        rad = _arb_of_rational(sympy.Rational(sympy.floor(radius * 10**6), 10**6))
        if not rad > P:
            return best
        candidates = [P + (rad - P) * flint.arb(t) for t in ("0.3", "0.5", "0.7", "0.85", "0.95")]
    for R in candidates:
        Rq, R = _nice(R)
        if not R > P:
            continue
        M = _disc_bound(act, R)
        if not M.is_finite():
            continue
        t = P / R
        bound = M * t ** (n + 1) / (1 - t)
        if bound < best[0]:
            best = (bound, Rq, M)
    return best


# --------------------------------------------------------------------------- Chebyshev
def _chebyshev_bound(act: Smooth, P: flint.arb, n: int) -> tuple:
    """(bound, rho, M) of the degree-n interpolant on [-P, P] (without rounding), or inf."""
    best = (flint.arb("inf"), None, None)
    strip = act.strip
    if strip is None:
        rhos = ["1.05", "1.1", "1.25", "1.5", "2", "3", "4", "8"]
        cands = [flint.arb(r) for r in rhos]
    elif strip == sympy.oo:
        cands = [flint.arb(r) for r in ("1.5", "2", "3", "4", "6", "8", "12", "16", "24", "32")]
    else:
        s = _arb_of_rational(sympy.Rational(sympy.floor(strip * 10**6), 10**6)) / P
        rmax = s + (s * s + 1).sqrt()
        cands = [1 + (rmax - 1) * flint.arb(t) for t in ("0.3", "0.5", "0.7", "0.85", "0.95")]
    for rho in cands:
        rq, rho = _nice(rho)
        if not rho > 1:
            continue
        M = _ellipse_bound(act, P, rho)
        if not M.is_finite():
            continue
        bound = 4 * M * rho ** (-n) / (rho - 1)
        if bound < best[0]:
            best = (bound, rq, M)
    return best


def _chebyshev_polynomial(act: Smooth, P: sympy.Rational, n: int, bound: flint.arb):
    """(rational monomial coefficients of p, rounding error): the interpolant at P cos(j pi/n)."""
    target = bound.abs_upper()
    bits = 64
    if target > 0:
        man, exp = target.man_exp()
        bits = max(64, -int(exp) - int(man).bit_length() + 2 * int(math.log2(n + 2)) + 20)
    Pq = flint.fmpq(int(P.p), int(P.q))
    with flint.ctx.workprec(bits + 40):
        values = []
        for j in range(n + 1):
            xj = flint.arb(Pq) * flint.arb.cos_pi_fmpq(flint.fmpq(j, n))
            values.append(act.acb(flint.acb(xj)).real)
        coeffs = []
        for k in range(n + 1):
            total = flint.arb(0)
            for j in range(n + 1):
                w = flint.arb.cos_pi_fmpq(flint.fmpq(j * k % (2 * n), n))
                term = values[j] * w
                total += term / 2 if j in (0, n) else term
            c = total * 2 / n
            if k in (0, n):
                c = c / 2
            coeffs.append(c)
        rounding = flint.arb(0)
        qs = []
        for c in coeffs:
            q = _round_fmpq(c, bits)
            qs.append(q)
            rounding += (c - flint.arb(q)).abs_upper()
    # sum q_k T_k(y), y = x / P, in the monomial basis
    t_prev, t_cur = flint.fmpq_poly([1]), flint.fmpq_poly([0, 1])
    total = flint.fmpq_poly([qs[0]]) + (qs[1] * t_cur if n >= 1 else 0)
    for k in range(2, n + 1):
        t_prev, t_cur = t_cur, 2 * flint.fmpq_poly([0, 1]) * t_cur - t_prev
        total += qs[k] * t_cur
    out = []
    for i in range(n + 1):
        c = total[i] / Pq**i
        out.append(sympy.Rational(int(c.p), int(c.q)))
    return out, flint.arb(rounding.abs_upper())


def _round_fmpq(c: flint.arb, bits: int) -> flint.fmpq:
    man, exp = c.mid().man_exp()
    man, exp = int(man), int(exp)
    if exp >= -bits:
        return flint.fmpq(man * 2**exp) if exp >= 0 else flint.fmpq(man, 2**-exp)
    shift = -bits - exp
    return flint.fmpq((man + (1 << (shift - 1))) >> shift, 2**bits)


# --------------------------------------------------------------------------- certificate
@dataclass(frozen=True)
class LensCertificate:
    """What the polynomial lens proves.

    Attributes
    ----------
    kind : "taylor" or "chebyshev"
    degree : int
    interval : tuple
        ``(-P, P)``, where p approximates f (P >= the signal's peak bound when
        :attr:`covers`).
    sup_error : sympy.Expr
        A proven upper bound of ``sup |f - p|`` on the interval (an exact
        rational, rounded up; for a symbolic P an expression of it, valid where
        :attr:`valid_for` holds).
    coefficient_error : sympy.Expr
        The bound on each coefficient's error (the same: every coefficient is a
        mean of ``(f - p)(x) e^{-ik.theta}``).
    covers : bool or None
        Whether the interval holds the signal's range (None: not decided, for
        symbolic amplitudes).
    parameter : sympy.Expr
        R (the Taylor disc's radius) or rho (the Bernstein ellipse's), exact.
    bound_M : sympy.Expr
        The ball bound of ``|f|`` on that disc or ellipse (rounded up).
    valid_for : str
        The condition for a symbolic interval (``"P < R"``), else "".
    """

    kind: str
    degree: int
    interval: tuple
    sup_error: sympy.Expr
    coefficient_error: sympy.Expr
    covers: bool | None
    parameter: sympy.Expr
    bound_M: sympy.Expr
    valid_for: str = ""

    @property
    def converges(self) -> bool | None:
        """Whether the bound applies to this signal (:attr:`covers`), as Expansion's certificate
        says whether its series converges."""
        return self.covers

    def __str__(self) -> str:
        P = self.interval[1]
        cond = f" (valid for {self.valid_for})" if self.valid_for else ""
        return (f"{self.kind} lens of degree {self.degree} on [-{P}, {P}]: sup |f - p| <= "
                f"{self.sup_error}{cond}")


# --------------------------------------------------------------------------- the lens
def lens_polynomial(act: Smooth, order: int, P: Any, kind: str | None = None):
    """(groups, certificate parts): the lens polynomial of ``act`` on [-P, P].

    ``groups`` is ``{constant: [rational coefficients of x^0..x^order]}`` (p is the sum of
    constant times each polynomial); see :func:`expand_smooth`.

    Examples
    --------
    >>> groups, cert = lens_polynomial(Smooth(X**2 / 2 + X), 2, 1)
    >>> groups[1], cert["kind"], cert["sup_error"]
    ([0, 1, 1/2], 'taylor', 0)
    """
    n = check_order(order)
    P = to_exact(P, "half-width P")
    numeric = P.is_number
    if act.breaks:
        raise NoProofError(
            f"{act!r} is not analytic at {', '.join(map(str, act.breaks))} "
            f"({act.singularities}), so no polynomial lens has a proven geometric bound on "
            "an interval holding it; use symrelu.exact_dc / exact_coefficient (proven in the "
            "periodic regime)"
        )
    # an exact polynomial activation is its own lens
    if act.expr.is_polynomial(X) and sympy.degree(act.expr, X) <= n:
        poly = sympy.Poly(act.expr, X)
        groups: dict = {}
        for (power,), coeff in poly.terms():
            for term in sympy.Add.make_args(sympy.expand(coeff)):
                r, kappa = term.as_coeff_Mul()
                row = groups.setdefault(kappa, [sympy.Integer(0)] * (n + 1))
                row[power] += r
        return groups, {"kind": "taylor", "sup_error": sympy.Integer(0), "parameter": sympy.oo,
                        "bound_M": sympy.Integer(0), "valid_for": ""}
    with flint.ctx.workprec(_BITS):
        if numeric:
            from symrelu.exact.balls import arb_of

            Pb = arb_of(P)
            t_bound, R, MR = (flint.arb("inf"), None, None)
            if kind in (None, "taylor"):
                t_bound, R, MR = _taylor_bound(act, Pb, n)
            c_bound, rho, Mc = (flint.arb("inf"), None, None)
            if kind in (None, "chebyshev") and n >= 1:
                c_bound, rho, Mc = _chebyshev_bound(act, Pb, n)
            if not (t_bound.is_finite() or c_bound.is_finite()):
                raise NoProofError(
                    f"{act!r} is not proven holomorphic on any disc or Bernstein ellipse around "
                    f"[-{P}, {P}] ({act.singularities}); no lens has a proven bound"
                )
            use_taylor = t_bound.is_finite() and (not c_bound.is_finite()
                                                 or t_bound <= c_bound or kind == "taylor")
            if use_taylor:
                groups = _taylor_groups(act, n)
                return groups, {"kind": "taylor", "sup_error": _rational_upper(t_bound),
                                "parameter": R, "bound_M": _rational_upper(MR),
                                "valid_for": ""}
            if not P.is_Rational:
                raise NoProofError(f"the Chebyshev lens needs a rational P, got {P}")
            coeffs, rounding = _chebyshev_polynomial(act, P, n, c_bound)
            total = c_bound + rounding
            return {sympy.Integer(1): coeffs}, {
                "kind": "chebyshev", "sup_error": _rational_upper(total),
                "parameter": rho, "bound_M": _rational_upper(Mc), "valid_for": ""}
        # symbolic P: the Taylor lens, its bound a function of P for P < R
        radius = act.radius
        if radius is None or radius == 0:
            raise NoProofError(
                f"a symbolic signal needs the Taylor lens, and {act!r} has no known radius of "
                "convergence at 0; pass a numeric bound of the peak as center="
            )
        if radius == sympy.oo:
            Rq, R = sympy.Integer(4), flint.arb(4)
        else:
            Rq, R = _nice(_arb_of_rational(sympy.Rational(sympy.floor(radius * 10**6), 10**6))
                          * 7 / 8)
        M = _disc_bound(act, R)
        if not M.is_finite():
            raise NoProofError(f"{act!r} is not proven holomorphic on the disc |z| <= {Rq}")
        groups = _taylor_groups(act, n)
        Mq = _rational_upper(M)
        err = Mq * (P / Rq) ** (n + 1) / (1 - P / Rq)
        return groups, {"kind": "taylor", "sup_error": err, "parameter": Rq, "bound_M": Mq,
                        "valid_for": f"P < {Rq}"}


def _exact(ball: flint.arb) -> sympy.Rational:
    man, exp = ball.mid().man_exp()
    return sympy.Integer(int(man)) * sympy.Integer(2) ** int(exp)


def _interval(signal: MultiTone, center: Any) -> tuple[sympy.Expr, bool | None]:
    """(P, covers): the lens interval [-P, P] and whether it holds the signal's range."""
    peak = signal.peak
    if isinstance(center, str):
        key = center.strip().lower().replace("-", "_")
        if key == "peak":
            if not peak.is_number:
                return peak, True
            if peak.is_Rational:
                return peak, True
            from symrelu.exact.balls import arb_of

            with flint.ctx.workprec(_BITS):
                up = arb_of(peak).upper()
            q = _exact(up)
            return sympy.ceiling(q * 2**30) / sympy.Integer(2) ** 30, True   # rational >= P
        if key in ("mean_square", "meansquare", "ms"):
            raise CenterError(
                "the polynomial lens of a smooth activation has no mean-square center: it "
                "approximates f on [-P, P]; use center='peak' or a positive bound P"
            )
        if not any(ch.isdigit() for ch in key) and key.isidentifier():
            raise CenterError(f"unknown center {center!r}: use 'peak' or a positive bound P")
    try:
        P = to_exact(center, "center", assumptions={"positive": True})
    except (ToneSpecError, TypeError) as exc:
        raise CenterError(str(exc)) from None
    if not P.is_number or not P.is_positive:
        raise CenterError(f"the lens interval's half-width P must be a positive number "
                          f"(got {value_text(P)})")
    if peak.is_number:
        covers = bool((P - peak).is_nonnegative) if (P - peak).is_nonnegative is not None \
            else None
    else:
        covers = None
    return P, covers


def expand_smooth(signal: MultiTone, order: int = 6, act: Any = None, center: Any = "peak",
                  regime: str = "auto", strict: bool = False) -> PolyLens:
    r"""The polynomial lens of a smooth activation of ``signal`` (see the module docstring).

    Parameters
    ----------
    signal : MultiTone
        Numeric or symbolic (symbolic amplitudes need the Taylor lens).
    order : int
        N, the degree of the polynomial.
    act : Smooth
    center : "peak" or positive value
        P, the half-width of the interval: "peak" (``|b| + sum |A_i|``, rounded up to a
        rational for the Chebyshev lens) or a numeric bound (for a symbolic
        signal, a bound of its peak).
    regime : "auto", "generic", "periodic" or "mixed"
    strict : bool
        Raise :class:`DivergenceError` when the interval does not hold the signal's
        range, instead of warning.

    Returns
    -------
    PolyLens

    Examples
    --------
    >>> from symrelu.smooth import Tanh
    >>> lens = expand_smooth(MultiTone.parse("1@5"), 12, Tanh())
    >>> print(lens.certificate)
    chebyshev lens of degree 12 on [-1, 1]: sup |f - p| <= 1769/100000000
    >>> lens.coefficient(10)                  # tanh is odd: no even harmonics
    0
    """
    if not isinstance(signal, MultiTone):
        raise ToneSpecError(f"expand() needs a MultiTone signal (got {type(signal).__name__})")
    if not isinstance(act, Smooth):
        raise ActivationError(f"expand_smooth takes a Smooth activation, got {act!r}")
    N = check_order(order)
    P, covers = _interval(signal, center)
    model = SignalModel.build(signal, regime)
    return PolyLens(signal, N, act, model, P, covers, strict)


def _x_terms(model: SignalModel) -> list:
    """x's phasor terms as (key, sympy value) (as Expansion's linear part reads them)."""
    out = []
    for vec, r, p in model.terms:
        key = tuple(vec[: model.key_dims])
        value = r * (model.params[p] if p is not None else 1)
        if model.phase_dims and any(vec[model.key_dims:]):
            arg = sympy.Add(*(e * ph for e, ph in zip(vec[model.key_dims:], model.phase_values)))
            value = value * (sympy.cos(arg) + sympy.I * sympy.sin(arg))
        elif model.regime == "generic":
            value = value * model.phase_factor(key)
        out.append((key, value))
    return out


def _canonical(key: tuple[int, ...]) -> tuple[int, ...]:
    for k in key:
        if k:
            return key if k > 0 else tuple(-c for c in key)
    return key


@dataclass(frozen=True, repr=False)
class PolyLens:
    """The polynomial lens of a smooth activation on a multi-tone signal (immutable).

    Create it with :func:`symrelu.expand` (``activation=`` a smooth one) or
    :func:`expand_smooth`. ``.dc``, ``.coefficient(at)`` and ``.spectrum()`` are
    the exact spectrum of ``p(x(t))``; :attr:`certificate` bounds their distance to
    the activation's true values.

    Examples
    --------
    >>> from symrelu.smooth import GELU
    >>> A = sympy.Symbol("A", positive=True)
    >>> lens = expand_smooth(MultiTone(amplitudes=[A], frequencies=[1]), 4, GELU())
    >>> lens.dc                               # E[x^2] = A^2/2, E[x^4] = 3 A^4/8
    -sqrt(2)*A**4/(32*sqrt(pi)) + sqrt(2)*A**2/(4*sqrt(pi))
    >>> print(lens.certificate)
    taylor lens of degree 4 on [-A, A]: sup |f - p| <= 935*A**5/(512*(1 - A/4)) (valid for P < 4)
    """

    signal: MultiTone
    order: int
    activation: Smooth
    model: SignalModel
    half_width: sympy.Expr
    covers: bool | None
    strict: bool = False

    __array_ufunc__ = None

    @property
    def regime(self) -> str:
        """ "generic", "periodic" or "mixed"."""
        return self.model.regime

    @cached_property
    def _lens(self) -> tuple:
        return lens_polynomial(self.activation, self.order, self.half_width)

    @cached_property
    def polynomial(self) -> sympy.Expr:
        """p(x), exact (an expression of :data:`symrelu.smooth.X`)."""
        groups, _ = self._lens
        return sympy.Add(*(kappa * sympy.Add(*(c * X**i for i, c in enumerate(row)))
                           for kappa, row in groups.items()))

    @cached_property
    def certificate(self) -> LensCertificate:
        """The :class:`LensCertificate`: lens kind, degree, interval, proven sup error."""
        _, c = self._lens
        P = self.half_width
        return LensCertificate(c["kind"], self.order, (-P, P), c["sup_error"], c["sup_error"],
                               self.covers, c["parameter"], c["bound_M"], c["valid_for"])

    def _check(self) -> None:
        if self.covers is False:
            msg = (f"the lens interval [-{self.half_width}, {self.half_width}] does not hold "
                   f"this signal's range (peak bound {self.signal.peak}): the certificate "
                   "does not apply")
            if self.strict:
                raise DivergenceError(msg)
            warnings.warn(msg, DivergenceWarning, stacklevel=3)

    @cached_property
    def _spectrum_all(self) -> dict:
        groups, _ = self._lens
        model = self.model
        xt = _x_terms(model)
        out: dict = {}

        def add(key, value):
            out[key] = out.get(key, 0) + value

        for kappa, row in groups.items():
            even = row[0::2]
            odd = row[1::2]
            if any(c != 0 for c in even):
                spec = even_polynomial_spectrum(model, [_trim(c) for c in even], prefactor=kappa)
                for key in spec:
                    add(key, spec[key])
            if any(c != 0 for c in odd):
                spec = even_polynomial_spectrum(model, [_trim(c) for c in odd], prefactor=kappa)
                for key in spec:
                    value = spec[key]
                    for vec, xv in xt:
                        add(tuple(a + b for a, b in zip(key, vec)), xv * value)
        zero = (0,) * model.key_dims
        clean = {}
        for key, value in out.items():
            v = _tidy(value)
            if v != 0 or key == zero:
                clean[key] = v
        return clean

    @property
    def dc(self) -> sympy.Expr:
        """The exact DC of p(x(t)) (within :attr:`certificate`'s error of the activation's)."""
        self._check()
        return self._spectrum_all.get((0,) * self.model.key_dims, sympy.Integer(0))

    def coefficient(self, at: Any) -> sympy.Expr:
        """The exact coefficient of p(x(t)) at a frequency (periodic) or key (generic, mixed).

        Negative frequencies give the conjugate; a frequency on the grid that p does
        not reach has coefficient 0.
        """
        self._check()
        key = self._key(at)
        return self._spectrum_all.get(key, sympy.Integer(0))

    def _key(self, at: Any) -> tuple[int, ...]:
        if self.regime == "mixed":
            return mixed_key(self.signal, at)
        if self.regime == "generic":
            if (not isinstance(at, (tuple, list)) or len(at) != self.signal.K
                    or not all(isinstance(k, int) and not isinstance(k, bool) for k in at)):
                raise FrequencyNotPresentError(
                    f"in the generic regime a coefficient is addressed by a tuple of "
                    f"{self.signal.K} integers (one per tone), got {value_text(at)}"
                )
            return tuple(int(k) for k in at)
        try:
            F = to_exact(at, "frequency")
        except SymreluError as exc:
            raise FrequencyNotPresentError(str(exc)) from None
        n = F / self.signal.base_frequency
        if not n.is_integer:
            raise FrequencyNotPresentError(
                f"{F} is not a multiple of the base frequency {self.signal.base_frequency}"
            )
        return (int(n),)

    def spectrum(self) -> dict:
        """Every non-zero coefficient, one of each conjugate pair: ``{F: c_F}`` (periodic,
        F >= 0) or ``{k: c_k}`` (generic, mixed: the first non-zero entry positive)."""
        self._check()
        out = {}
        for key in sorted(self._spectrum_all):
            if _canonical(key) != key:
                continue
            label = key[0] * self.signal.base_frequency if self.regime == "periodic" else key
            out[label] = self._spectrum_all[key]
        return out

    def latex(self, **settings: Any) -> str:
        r"""LaTeX: ``f(x) \approx p(x)`` on the interval, with the proven bound."""
        cert = self.certificate
        P = sympy.latex(self.half_width, **settings)
        p = sympy.latex(self.polynomial, **settings)
        err = sympy.latex(cert.sup_error, **settings)
        return (f"{self.activation.latex_name()}(x) \\approx {p}, \\quad |x| \\le {P}, "
                f"\\quad \\sup|f - p| \\le {err}")

    def _latex(self, printer: Any, **kwargs: Any) -> str:
        return self.latex()

    def _repr_latex_(self) -> str:
        return "$\\displaystyle " + self.latex() + "$"

    def __repr__(self) -> str:
        return (f"<PolyLens of {self.activation!r} on {self.signal.to_string()!r}: degree "
                f"{self.order} on [-{self.half_width}, {self.half_width}], {self.regime} regime>")


def _trim(c: sympy.Expr) -> sympy.Rational:
    return sympy.Rational(c)


def _tidy(value: Any) -> sympy.Expr:
    value = sympy.sympify(value)
    if value.is_Rational:
        return value
    return sympy.expand(value)
