r"""The Taylor lens of a piecewise-linear activation: one expansion per kink.

A continuous piecewise-linear activation is

.. math:: f(x) = a + b\,x + \sum_j c_j\,|x - t_j|

and each :math:`|x - t_j|` is the paper's expansion of |x| on the signal
:math:`x - t_j` (the offset shifted by :math:`-t_j`), with its own center
:math:`C_j` (``"peak"``: :math:`P_j^2/2`, :math:`P_j = |b - t_j| + \sum|A_i|`) and its
own certificate:

.. math:: f(x) \approx a + b\,x + \sum_j c_j\sqrt{C_j}\sum_{n=0}^{N} a_n
          \Bigl(\frac{(x - t_j)^2}{C_j} - 1\Bigr)^n .

The sum is a polynomial of x, so its spectrum is exact phasor arithmetic, as for
ReLU. The error is at most the sum of the kinks' bounds
(:attr:`PiecewiseExpansion.sup_error_bound`). A jump (sign, Heaviside) has no
Taylor series that converges on both sides: :func:`symrelu.expand` refuses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import sympy

from symrelu.activations import PiecewiseLinear
from symrelu.certificate import Certificate
from symrelu.errors import ActivationError

__all__ = ["PiecewiseExpansion", "expand_piecewise"]


def expand_piecewise(signal: Any, order: int, center: Any, act: PiecewiseLinear, regime: str,
                     strict: bool) -> PiecewiseExpansion:
    """The per-kink expansion (see the module docstring); :func:`symrelu.expand` calls it.

    Examples
    --------
    >>> from symrelu import MultiTone, ReLU6
    >>> e = expand_piecewise(MultiTone.parse("3 + 4@1"), 4, "peak", ReLU6(), "auto", False)
    >>> len(e.parts), e.kinks
    (2, ((0, 1/2), (6, -1/2)))
    """
    from symrelu.expansion import Expansion, resolve_center
    from symrelu.taylor import check_order
    from symrelu.trigpoly import SignalModel

    if act.jumps:
        raise ActivationError(
            f"{act!r} has jumps (sign terms), which have no Taylor lens (the series of sign "
            "does not converge across 0); use symrelu.exact_dc / exact_coefficient"
        )
    N = check_order(order)
    parts = []
    for t, c in act.kinks:
        xt = shifted(signal, t)
        if xt is None:
            continue
        # the first kink also carries the linear part b (x - t_1); the DC is corrected below
        weight = PiecewiseLinear.from_terms(linear=act.linear if not parts else 0, kinks={0: c})
        C = resolve_center(xt, center)
        parts.append(Expansion(xt, N, C, weight, SignalModel.build(xt, regime), strict))
    if not parts:  # no kink the signal meets: a + b x alone
        weight = PiecewiseLinear.from_terms(linear=act.linear)
        C = resolve_center(signal, center)
        parts.append(Expansion(signal, N, C, weight, SignalModel.build(signal, regime), strict))
        first_t = sympy.Integer(0)
    else:
        first_t = next(t for t, _ in act.kinks if shifted(signal, t) is not None)
    constant = sympy.expand(act.intercept + act.linear * first_t)
    return PiecewiseExpansion(signal, N, act, tuple(parts), constant, strict)


@dataclass(frozen=True, repr=False)
class PiecewiseExpansion:
    """The Taylor lens of a piecewise-linear activation: one :class:`~symrelu.Expansion`
    of ``c_j |x - t_j|`` per kink, plus the exact linear part.

    Create it with :func:`symrelu.expand` (``activation=`` any continuous
    :class:`~symrelu.PiecewiseLinear` other than ``lambda x + c|x|``). Immutable
    and hashable like :class:`~symrelu.Expansion`; ``dc``, ``coefficient``,
    ``spectrum`` and ``as_expr`` are the sums of the parts'.

    Attributes
    ----------
    signal : MultiTone
    order : int
    activation : PiecewiseLinear
    parts : tuple of Expansion
        One per kink, on the shifted signal ``x - t_j``, each with its own center
        and certificate (the first one also carries ``b (x - t_1)``).
    constant : sympy.Expr
        ``a + b t_1``, the part of the DC no expansion holds.

    Examples
    --------
    >>> from symrelu import MultiTone, expand
    >>> e = expand(MultiTone.parse("0.5 + 4@1 + 2@3"), order=64, activation="relu6")
    >>> [p.center for p in e.parts], e.converges        # P_j = |1/2 - t_j| + 6, C_j = P_j^2/2
    ([169/8, 529/8], True)
    >>> from symrelu import exact_dc
    >>> err = abs(e.dc - exact_dc(e.signal, activation="relu6"))
    >>> bool(err <= e.sup_error_bound), float(e.sup_error_bound) < 0.5
    (True, True)
    """

    signal: Any
    order: int
    activation: PiecewiseLinear
    parts: tuple
    constant: sympy.Expr
    strict: bool = False

    __array_ufunc__ = None

    @property
    def regime(self) -> str:
        """The regime of the parts (the same frequencies, so the same regime)."""
        return self.parts[0].regime

    @property
    def model(self):
        """The first part's signal model (its frequencies are the signal's)."""
        return self.parts[0].model

    @property
    def center(self) -> tuple:
        """The kinks' centers ``(C_1, C_2, ...)`` (one per part)."""
        return tuple(p.center for p in self.parts)

    def label(self, key: tuple[int, ...]) -> Any:
        """The label of a key, as :meth:`symrelu.Expansion.label`."""
        return self.parts[0].label(key)

    def indices(self, order: int | None = None) -> frozenset:
        """Keys present (the union of the parts' :meth:`symrelu.Expansion.indices`)."""
        return frozenset().union(*(p.indices(order) for p in self.parts))

    @property
    def kinks(self) -> tuple:
        """The activation's ``((t_j, c_j), ...)``."""
        return self.activation.kinks

    @property
    def certificate(self) -> tuple[Certificate, ...]:
        """One :class:`~symrelu.Certificate` per kink (each bounds ``c_j |x - t_j|``'s error;
        their sum bounds the whole, :attr:`sup_error_bound`)."""
        return tuple(p.certificate for p in self.parts)

    @property
    def converges(self) -> bool | None:
        """True when every kink's series converges, False when one diverges, else None."""
        flags = [c.converges for c in self.certificate]
        if any(f is False for f in flags):
            return False
        return True if all(f is True for f in flags) else None

    @property
    def sup_error_bound(self) -> sympy.Expr | None:
        """Bound on ``sup_t |f(x) - approximation|``: the kinks' bounds summed (None when one
        is not available, e.g. a divergent kink)."""
        bounds = [c.sup_error_bound for c in self.certificate]
        if any(b is None for b in bounds):
            return None
        return sympy.Add(*bounds)

    def _is_dc(self, at: Any) -> bool:
        key, _ = self.parts[0]._key(at)
        return not any(key)

    @property
    def dc(self) -> sympy.Expr:
        """The exact DC of the truncated approximation (warns when a kink's series diverges)."""
        return sympy.expand(self.constant + sympy.Add(*(p.dc for p in self.parts)))

    @property
    def dc_unchecked(self) -> sympy.Expr:
        """:attr:`dc` without the convergence checks."""
        return sympy.expand(self.constant + sympy.Add(*(p.dc_unchecked for p in self.parts)))

    def coefficient(self, at: Any, *, checked: bool = True) -> sympy.Expr:
        """The coefficient at ``at`` (as :meth:`symrelu.Expansion.coefficient`), summed.

        Examples
        --------
        >>> from symrelu import MultiTone, expand
        >>> e = expand(MultiTone.parse("1@1"), order=2, activation="hardtanh")
        >>> e.coefficient(1) == e.parts[0].coefficient(1) + e.parts[1].coefficient(1)
        True
        """
        total = sympy.Add(*(p.coefficient(at, checked=checked) for p in self.parts))
        if self._is_dc(at):
            total += self.constant
        return sympy.expand(total)

    def spectrum(self) -> Mapping:
        """Every non-zero coefficient, ``{label: c}`` as in :meth:`symrelu.Expansion.spectrum`
        (a read-only mapping in the order of the keys, the DC first).

        Examples
        --------
        >>> from symrelu import MultiTone, expand
        >>> spec = expand(MultiTone.parse("1@1"), order=2, activation="hardtanh").spectrum()
        >>> list(spec)           # hardtanh is odd: no DC, odd harmonics only
        [1, 3]
        """
        total: dict = {}
        keys: dict = {}
        for p in self.parts:
            keys.update({p.label(k): k for k in p.indices()})
            for label, c in p.spectrum().items():
                total[label] = total.get(label, 0) + c
        zero_key = (0,) * self.model.key_dims
        zero = self.parts[0].label(zero_key)
        keys[zero] = zero_key
        total[zero] = total.get(zero, 0) + self.constant
        out = {}
        for label in sorted(total, key=lambda lab: keys[lab]):
            value = sympy.expand(total[label])
            if value != 0:
                out[label] = value
        return MappingProxyType(out)

    def frequencies(self) -> frozenset:
        """The frequencies present (the union of the parts')."""
        return frozenset().union(*(p.frequencies() for p in self.parts))

    def as_expr(self, t: sympy.Symbol | None = None) -> sympy.Expr:
        """The truncated approximation as a real sympy expression of time t."""
        t = sympy.Symbol("t", real=True) if t is None else t
        return self.constant + sympy.Add(*(p.as_expr(t) for p in self.parts))

    def latex(self, *, max_terms: int = 12, **settings: Any) -> str:
        """LaTeX of the per-kink expansion and its first spectral terms."""
        from sympy.printing.latex import LatexPrinter

        from symrelu.latex import piecewise_expansion_latex

        return piecewise_expansion_latex(self, max_terms=max_terms,
                                         printer=LatexPrinter(settings))

    def _latex(self, printer: Any, **kwargs: Any) -> str:
        from symrelu.latex import piecewise_expansion_latex

        return piecewise_expansion_latex(self, printer=printer)

    def _repr_latex_(self) -> str:
        from symrelu.latex import latex

        return "$\\displaystyle " + latex(self) + "$"

    def __repr__(self) -> str:
        return (
            f"<PiecewiseExpansion of {self.activation!r} on {self.signal.to_string()!r}: "
            f"order {self.order}, {len(self.parts)} kink(s), {self.regime} regime>"
        )


def shifted(signal: Any, t: sympy.Expr) -> Any:
    """x - t as a MultiTone (None when that is the zero signal).

    Examples
    --------
    >>> from symrelu import MultiTone
    >>> shifted(MultiTone.parse("1 + 2@5"), sympy.Integer(3))
    MultiTone.parse('-2 + 2@5')
    """
    from symrelu.signal import MultiTone

    if t == 0:
        return signal
    if signal.K == 0 and sympy.expand(signal.offset - t) == 0:
        return None
    return signal + MultiTone(offset=-t)
