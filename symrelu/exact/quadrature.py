r"""Double-exponential (tanh-sinh) quadrature in Arb ball arithmetic (python-flint).

Used by the mixed regime (:mod:`symrelu.exact.mixed`, two orders of
integration compared) and by the unproven planar walk of
:mod:`symrelu.exact.walk` (a test-suite check of the proven Bessel ball). No
proven value uses it: proofs integrate with ``flint.acb.integral``.

On :math:`[\alpha, \beta]` the rule is

.. math:: \int_\alpha^\beta f \approx (\beta-\alpha)\sum_{|k|\le N} w_k\,
          f\bigl(\alpha + (\beta-\alpha)u_k\bigr),\qquad
          u_k = \frac{1}{1+e^{-\pi\sinh kh}},\quad
          w_k = \pi h\cosh(kh)\,u_k(1-u_k),

exact in the limit for integrands analytic inside the interval; algebraic
and logarithmic endpoint singularities keep its double-exponential
convergence, so every integral is split at the integrand's kinks. Nodes near
an end are placed from that end (no cancellation in ``x - alpha``). The error
is not estimated here: a result of this rule is not a proof. The mixed regime
compares two runs of it to the requested digits and raises a
:class:`~symrelu.errors.VerificationError` when they disagree; agreement is
evidence, not proof.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import flint
import mpmath
from flint import acb, arb, fmpz

__all__ = [
    "TanhSinh", "BudgetExceeded", "arb_precision", "to_arb", "to_mpf", "nodes_per_segment",
]

_BITS_PER_DIGIT = math.log2(10)


@contextmanager
def arb_precision(digits: int) -> Iterator[None]:
    """Run a block with Arb's working precision set to ``digits`` decimal digits."""
    old = flint.ctx.prec
    flint.ctx.prec = int(digits * _BITS_PER_DIGIT) + 8
    try:
        yield
    finally:
        flint.ctx.prec = old


def to_arb(x) -> arb:
    """An mpmath (or Python) real as an exact Arb point (binary value kept bit for bit)."""
    if isinstance(x, (int, fmpz)):
        return arb(x)
    if not isinstance(x, mpmath.mpf):
        x = mpmath.mpf(x)  # a Python float or int: exact at any precision
    man, exp = x.man_exp  # no re-rounding to mpmath's current precision; man_exp drops the sign
    return arb((-int(man) if x < 0 else int(man), int(exp)))


def to_mpf(x: arb) -> mpmath.mpf:
    """The midpoint of an Arb ball as an mpmath number (exact conversion)."""
    man, exp = x.mid().man_exp()
    man = int(man)
    with mpmath.workprec(max(man.bit_length(), 1) + 1):  # keep every bit
        return mpmath.mpf((man, int(exp)))


def elliptic_e(m: arb) -> arb:
    """Complete elliptic integral E(m) for a real point 0 <= m <= 1."""
    if m == 1:
        return arb(1)
    return acb.elliptic_e(acb(m.mid())).real


def elliptic_k_complement(m1: arb) -> arb:
    """K(1 - m1) for a real point 0 < m1 <= 1, by the AGM (accurate as m1 -> 0)."""
    return arb.pi() / (2 * arb(1).agm(m1.mid().sqrt()))


def nodes_per_segment(digits: int) -> int:
    """How many nodes :class:`TanhSinh` uses on one segment for ``digits`` digits."""
    return 2 * _half_count(digits) + 1


def _half_count(digits: int) -> int:
    # nodes on each side of the midpoint
    return int(_t_max(digits) / _step(digits))


def _step(digits: int) -> float:
    # error ~ exp(-pi^2 / (2h)) for integrands analytic in the strip |Im t| < pi/2;
    # the 0.7 leaves room for singularities near (not only at) the ends
    return 0.7 * math.pi**2 / (2 * digits * math.log(10))


def _t_max(digits: int) -> float:
    # weights fall like exp(-pi/2 e^t); stop once they are below 10^-(digits + 5)
    return math.asinh((digits + 5) * math.log(10) / math.pi * 1.2)


class BudgetExceeded(RuntimeError):
    """A :class:`TanhSinh` rule spent its evaluation budget before finishing."""


class TanhSinh:
    """A fixed tanh-sinh rule for ``digits`` digits at the current Arb precision.

    ``budget`` caps the integrand evaluations over the rule's life (nested
    integrals included): past it, :class:`BudgetExceeded` is raised, so a
    request whose cost was underestimated stops instead of running for hours.

    Examples
    --------
    >>> with arb_precision(40):
    ...     rule = TanhSinh(30)
    ...     value = rule.integrate(lambda x: x.log(), [arb(0), arb(1)])   # -1
    >>> abs(to_mpf(value) + 1) < 1e-29
    True
    """

    def __init__(self, digits: int, budget: int | None = None):
        self.digits = int(digits)
        self.budget = budget
        h = arb(_step(self.digits))
        pi = arb.pi()
        nodes: list[tuple[arb, arb]] = []
        for k in range(_half_count(self.digits) + 1):
            t = k * h
            e = (pi * t.sinh()).exp()
            v = 1 / (1 + e)                       # the smaller of u and 1 - u
            w = pi * h * t.cosh() * e / (1 + e) ** 2
            nodes.append((v.mid(), w.mid()))
        self._nodes = nodes
        self.evaluations = 0

    def integrate(self, f: Callable[[arb], arb], points: Iterable[arb]) -> arb:
        """Sum of the integrals of ``f`` over consecutive ``points`` (sorted, distinct)."""
        pts = list(points)
        total = arb(0)
        for lo, hi in zip(pts, pts[1:]):
            total += self._segment(f, lo, hi)
        return total

    def _segment(self, f: Callable[[arb], arb], lo: arb, hi: arb) -> arb:
        length = hi - lo
        v0, w0 = self._nodes[0]
        acc = w0 * f(lo + length * v0)
        count = 1
        for v, w in self._nodes[1:]:
            d = length * v
            acc += w * (f(lo + d) + f(hi - d))
            count += 2
        self.evaluations += count
        if self.budget is not None and self.evaluations > self.budget:
            raise BudgetExceeded(f"{self.evaluations} evaluations (budget {self.budget})")
        return length * acc
