r"""Arb balls for exact values: rigorous conversion of sympy numbers, scoped precision, rounding.

A ball (:class:`flint.arb`, :class:`flint.acb`) is a value together with its
error: the true number lies inside it. :func:`arb_of` turns an exact sympy
number into a ball at the current Arb precision, node by node (rationals,
pi, e, sums, products, powers, the elementary functions, real algebraic
roots through sympy's exact isolating intervals), so no midpoint is taken
without its radius. :func:`one_tone_ball` and :func:`two_tone_dc_ball` are
the generic-regime closed forms (DESIGN.md 1.3) evaluated in balls;
:func:`proven_ball` raises the precision until a ball is narrow enough.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator

import flint
import mpmath
import sympy

from symrelu.errors import NoProofError
from symrelu.exact._common import MAX_EXTRA_DIGITS, PrecisionLimitError

__all__ = [
    "NeedsPrecision",
    "proven_ball",
    "arb_of",
    "arb_precision",
    "bits_for_digits",
    "ball_to_mpf",
    "relative_radius_ok",
    "one_tone_ball",
    "two_tone_dc_ball",
    "phase_ball",
    "real_ball",
    "acb_to_mpc",
    "conjugate_ball",
]

_LOG2_10 = math.log2(10)


def bits_for_digits(digits: int) -> int:
    """Bits of binary precision that hold ``digits`` decimal digits."""
    return int(math.ceil(digits * _LOG2_10))


@contextlib.contextmanager
def arb_precision(bits: int) -> Iterator[None]:
    """Set ``flint.ctx.prec`` for a block and restore it after (as mpmath's workprec does)."""
    old = flint.ctx.prec
    flint.ctx.prec = int(bits)
    try:
        yield
    finally:
        flint.ctx.prec = old


def _fmpq(value: sympy.Rational) -> flint.fmpq:
    return flint.fmpq(int(value.p), int(value.q))


def _pi_multiple(expr: sympy.Expr) -> sympy.Rational | None:
    q = expr / sympy.pi
    return q if isinstance(q, sympy.Rational) else None


_UNARY = {
    sympy.exp: "exp", sympy.log: "log", sympy.sin: "sin", sympy.cos: "cos", sympy.tan: "tan",
    sympy.asin: "asin", sympy.acos: "acos", sympy.atan: "atan", sympy.sinh: "sinh",
    sympy.cosh: "cosh", sympy.tanh: "tanh",
}


def _ball(expr: sympy.Expr) -> flint.arb:
    if isinstance(expr, sympy.Rational):       # Integer included
        return flint.arb(_fmpq(expr))
    if isinstance(expr, sympy.Float):          # its exact binary value
        sign, man, exp, _ = expr._mpf_
        return flint.arb(_fmpq(sympy.Integer((-1) ** sign * int(man)) * sympy.Integer(2) ** exp))
    if expr is sympy.pi:
        return flint.arb.pi()
    if expr is sympy.E:
        return flint.arb(1).exp()
    if isinstance(expr, sympy.Add):
        out = flint.arb(0)
        for term in expr.args:
            out += _ball(term)
        return out
    if isinstance(expr, sympy.Mul):
        out = flint.arb(1)
        for factor in expr.args:
            out *= _ball(factor)
        return out
    if isinstance(expr, sympy.Pow):
        base, e = expr.args
        if isinstance(e, sympy.Integer):
            b = _ball(base)
            return b ** int(e) if e >= 0 else 1 / b ** int(-e)
        b = _ball(base)
        if e == sympy.S.Half:
            return b.sqrt()
        return (_ball(e) * b.log()).exp()
    if isinstance(expr, (sympy.cos, sympy.sin)):
        q = _pi_multiple(expr.args[0])
        if q is not None:
            f = flint.arb.cos_pi_fmpq if isinstance(expr, sympy.cos) else flint.arb.sin_pi_fmpq
            return f(_fmpq(q))
    for cls, name in _UNARY.items():
        if isinstance(expr, cls):
            return getattr(_ball(expr.args[0]), name)()
    if isinstance(expr, sympy.atan2):
        return flint.arb.atan2(_ball(expr.args[0]), _ball(expr.args[1]))
    if isinstance(expr, sympy.Abs):
        return abs(_ball(expr.args[0]))
    if isinstance(expr, sympy.CRootOf) and expr.is_real:
        # sympy refines an exact rational isolating interval: the root is within dx of q
        dx = sympy.Rational(1, 2 ** (flint.ctx.prec + 8))
        q = sympy.Rational(expr.eval_rational(dx=dx, dy=dx))
        return flint.arb(_fmpq(q), flint.arb(_fmpq(dx)))
    raise NoProofError(
        f"no ball evaluation is known for {type(expr).__name__} (in {expr}), so no proof is "
        "available for a value that holds it"
    )


def arb_of(value: sympy.Expr) -> flint.arb:
    """An exact real sympy number as a ball at the current Arb precision.

    Raises
    ------
    NoProofError
        For a node with no rigorous ball evaluation here, or a value whose
        ball is not finite (e.g. the square root of a ball that meets 0).

    Examples
    --------
    >>> with arb_precision(64):
    ...     ball = arb_of(sympy.sqrt(2) * sympy.cos(sympy.pi / 4))
    >>> ball.contains(1), ball.rad() < 1e-18
    (True, True)
    """
    out = _ball(sympy.sympify(value))
    if not out.is_finite():
        raise NoProofError(f"the value {value} has no finite ball at {flint.ctx.prec} bits")
    return out


def relative_radius_ok(ball: flint.arb, digits: int) -> bool:
    """Whether ``ball`` has radius at most 10^-digits times the smallest value it contains.

    An exact ball (radius 0) qualifies; a ball that contains 0 and is not the
    exact zero does not.
    """
    if ball.rad() == 0:
        return True
    low = ball.abs_lower()
    if low == 0:
        return False
    return bool(ball.rad() * flint.arb(10) ** digits <= low)


def ball_to_mpf(ball: flint.arb, dps: int) -> mpmath.mpf:
    """The ball's center rounded to ``dps`` digits (mpmath), its radius ignored by the caller."""
    with arb_precision(bits_for_digits(dps) + 64):  # mid() rounds to the context precision
        man, exp = ball.mid().man_exp()
    with mpmath.workdps(dps):
        return +mpmath.mpf((int(man), int(exp)))


class NeedsPrecision(Exception):
    """A ball computation needs more working precision (raised inside, caught by proven_ball)."""


def _log10_upper(x: flint.arb) -> float:
    man, exp = x.abs_upper().man_exp()
    return (math.log2(int(man)) + int(exp)) / math.log2(10) if man else -math.inf


def proven_ball(compute: Callable[[], flint.acb], zeros: tuple[bool, bool], digits: int,
                what: str) -> flint.acb:
    """Run ``compute()`` at rising Arb precision until each part has ``digits`` relative digits.

    ``zeros`` flags the parts decided to be exactly 0 (they are set to 0);
    every other part must reach radius at most 10^-digits times its smallest
    value. The working precision starts ``digits + 10`` digits high and grows
    by the digits missing, up to ``MAX_EXTRA_DIGITS`` more; ``compute`` may raise
    :class:`NeedsPrecision`.

    Raises
    ------
    PrecisionLimitError
        Naming the radius that is proven at the highest working precision.
    """
    extra = 0
    while True:
        bits = bits_for_digits(digits + 10 + extra) + 16
        with arb_precision(bits):
            try:
                value = compute()
                unresolved = False
            except NeedsPrecision:
                unresolved = True
            if not unresolved:
                parts = [flint.arb(0) if z else p for p, z in zip((value.real, value.imag), zeros)]
                value = flint.acb(*parts)
                if all(relative_radius_ok(p, digits) for p in parts):
                    return value
                lost = max(_log10_upper(p.rad() * flint.arb(10) ** digits / p.abs_lower())
                           if p.abs_lower() > 0 else digits + 5 for p in parts)
            else:
                lost = 10
        if extra >= MAX_EXTRA_DIGITS:
            raise _radius_limit(what, value if not unresolved else None, digits, bits)
        extra = min(max(2 * extra, extra + int(math.ceil(lost)) + 5), MAX_EXTRA_DIGITS)


def _radius_limit(what: str, value, digits: int, bits: int) -> PrecisionLimitError:
    work = int(bits / math.log2(10))
    if value is None:
        return PrecisionLimitError(
            f"{what} could not be computed with {work} digits of working "
            "precision, the most this method uses here"
        )
    if not value.is_finite():
        return PrecisionLimitError(
            f"{what} could not be enclosed with {work} digits of working precision, the most "
            "this method uses here"
        )
    rad = max(value.real.rad(), value.imag.rad())
    low = min((p.abs_lower() for p in (value.real, value.imag) if p != 0), default=None)
    with mpmath.workdps(20):
        r = mpmath.mpf(rad.mid().str(20, radius=False)) if rad else mpmath.mpf(0)
        if low is None or low == 0:
            return PrecisionLimitError(
                f"{what} could not be separated from 0 with {work} digits of working precision: "
                f"the proven ball has radius {mpmath.nstr(r, 3)}, so it is below "
                f"1e{int(mpmath.ceil(mpmath.log10(2 * r)))} in magnitude, and whether it is "
                "exactly 0 was not decided"
            )
        rel = r / mpmath.mpf(low.str(20, radius=False))
        return PrecisionLimitError(
            f"{digits} digits of {what} could not be proven with {work} digits of working "
            f"precision: the radius that can be proven is {mpmath.nstr(r, 3)} "
            f"({mpmath.nstr(rel, 3)} relative); ask for fewer digits"
        )


# --- generic regime, one and two tones (closed forms in balls) ----------------------------


def _abs_cosine_amplitude(n: int, a: flint.arb, b: flint.arb, inside: bool | None):
    """Cosine amplitude of cos(n theta) in |b + a cos theta| (a > 0), as a ball.

    ``inside`` says whether |b| < a (decided exactly by the caller).
    """
    if not inside:
        sgn = 1 if b > 0 else -1
        return abs(b) if n == 0 else (sgn * a if n == 1 else flint.arb(0))
    pi = flint.arb.pi()
    if b == 0:
        if n in (0, 1):
            return 2 * a / pi if n == 0 else flint.arb(0)
        if n % 2:
            return flint.arb(0)
        m = n // 2
        return 4 * a / pi * (-1) ** (m + 1) / (4 * m * m - 1)
    r = b / a
    root = (a * a - b * b).sqrt()
    if n == 0:
        return 2 / pi * (b * r.asin() + root)
    if n == 1:
        return 2 / pi * (a * r.asin() + r * root)
    alpha = (-r).acos()
    return 4 / pi * (b * (n * alpha).sin() / n + a / 2 * (
        ((n + 1) * alpha).sin() / (n + 1) + ((n - 1) * alpha).sin() / (n - 1)))


def one_tone_ball(A: flint.arb, phi: flint.acb, b: flint.arb, k: int,
                  lam: flint.arb, c: flint.arb, inside: bool) -> flint.acb:
    r"""Coefficient of :math:`e^{ik\theta}` in :math:`\lambda x + c|x|`, one tone.

    Here :math:`x = b + A\cos(\theta+\varphi)`.

    ``A > 0`` (canonical signals), ``phi`` the ball of :math:`e^{i\varphi}`,
    ``inside`` whether |b| < A. The closed forms of DESIGN.md 1.3 in balls.

    Examples
    --------
    >>> with arb_precision(80):
    ...     z = one_tone_ball(flint.arb(1), flint.acb(1), flint.arb(0), 0, flint.arb(0.5),
    ...                       flint.arb(0.5), True)
    >>> z.real.overlaps(1 / flint.arb.pi()), z.imag == 0
    (True, True)
    """
    n = abs(k)
    amp = _abs_cosine_amplitude(n, A, b, inside)
    if n == 0:
        return flint.acb(lam * b + c * amp)
    value = c * amp / 2 * phi ** n
    if n == 1:
        value += lam * A / 2 * phi
    return value if k > 0 else value.conjugate()


def two_tone_dc_ball(A: flint.arb, B: flint.arb, lam: flint.arb, c: flint.arb) -> flint.arb:
    r"""Torus DC of :math:`\lambda x + c|x|`, :math:`x = A\cos\theta_1 + B\cos\theta_2`, A, B > 0.

    :math:`\overline{|x|} = \frac{4}{\pi^2}(A+B)E(m)`, :math:`m = 4AB/(A+B)^2`
    (Arb's ``elliptic_e`` takes the parameter m = k^2); the linear part has no DC.

    Examples
    --------
    >>> with arb_precision(80):
    ...     d = two_tone_dc_ball(flint.arb(1), flint.arb(1), flint.arb(0), flint.arb(1))
    >>> d.overlaps(8 / flint.arb.pi() ** 2)           # two equal tones: 8A/pi^2
    True
    """
    del lam  # the linear part x has zero mean on the torus
    s = A + B
    d = (A - B) / s
    m = 1 - d * d                     # = 4AB/(A+B)^2 <= 1
    # E decreases on [0, 1] (E(0) = pi/2, E(1) = 1) and Arb's ball evaluation widens near
    # m = 1, so E(m) is enclosed by E at the two exact ends of the ball of m, clipped to 1
    lo, hi = m.lower(), m.upper()
    if hi > 1:
        hi = flint.arb(1)
    if not lo < 1 and not hi < 1:
        lo = hi
    e_hi, e_lo = (flint.acb(t).elliptic_e() for t in (hi, lo))
    if not (e_hi.imag.contains(0) and e_lo.imag.contains(0) and e_hi.is_finite()
            and e_lo.is_finite()):
        raise NeedsPrecision
    return c * 4 / flint.arb.pi() ** 2 * s * _span(e_hi.real.lower(), e_lo.real.upper())


def _span(low: flint.arb, high: flint.arb) -> flint.arb:
    """The ball [low, high] (exact ends), its radius rounded up."""
    mid = (low + high) / 2
    rad = ((high - low) / 2).abs_upper() + mid.rad()
    return flint.arb(mid.mid(), rad)


def phase_ball(phi: sympy.Expr) -> flint.acb:
    """e^{i phi} as a ball at the current precision (exact for rational multiples of pi where
    the value is exact, e.g. phi = 0 or pi/2)."""
    q = _pi_multiple(phi)
    if q is not None:
        s, co = flint.arb.sin_cos_pi_fmpq(_fmpq(q))
    else:
        s, co = arb_of(phi).sin_cos()
    return flint.acb(co, s)


def real_ball(ball: flint.acb, digits: int) -> flint.arb:
    """The real part of ``ball`` (Arb's ``.real`` rounds to the context precision: set it)."""
    with arb_precision(bits_for_digits(digits + 20)):
        return ball.real


def conjugate_ball(ball: flint.acb, digits: int) -> flint.acb:
    """The conjugate of ``ball``, at a precision that keeps ``digits`` digits."""
    with arb_precision(bits_for_digits(digits + 20)):
        return ball.conjugate()


def acb_to_mpc(ball: flint.acb, dps: int) -> mpmath.mpc:
    """Each part's center rounded to ``dps`` digits (an exact 0 stays 0)."""
    with arb_precision(bits_for_digits(dps) + 64):    # .real rounds to the context precision
        re, im = ball.real, ball.imag
    with mpmath.workdps(dps):                   # mpc() rounds to the current precision
        return mpmath.mpc(ball_to_mpf(re, dps), ball_to_mpf(im, dps))
