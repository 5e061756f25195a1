r"""The bridge to the paper: truncated Taylor DC converging (or not) to the exact DC.

For orders N = 0..N_max the table holds the exact DC of the order-N expansion
(:func:`symrelu.expand`), its error against :func:`symrelu.exact_dc`, and the
certificate's bound :math:`c\sqrt{C}\binom{2N}{N}4^{-N}` (when the series
converges), which must never be below the error. With the paper's
``center="mean_square"`` the order-0 DC of a single tone is
:math:`\frac{\sqrt 2}{4}A`, 11% above the exact :math:`A/\pi`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import mpmath
import sympy

from symrelu.activations import as_activation
from symrelu.errors import ActivationError
from symrelu.exact._common import check_signal
from symrelu.exact.values import exact_dc
from symrelu.expansion import expand
from symrelu.signal import MultiTone
from symrelu.taylor import check_order, tail_bound

__all__ = ["ConvergenceRow", "ConvergenceTable", "convergence_table"]


@dataclass(frozen=True)
class ConvergenceRow:
    """One order: exact truncated DC, its value, error and the certificate's bound."""

    order: int
    truncated: sympy.Expr
    value: mpmath.mpf
    error: mpmath.mpf
    bound: mpmath.mpf | None

    @property
    def bound_holds(self) -> bool | None:
        """error <= bound (None when the series has no bound: it diverges)."""
        return None if self.bound is None else bool(self.error <= self.bound)


@dataclass(frozen=True)
class ConvergenceTable:
    """Rows of :class:`ConvergenceRow` beside the exact DC (see :func:`convergence_table`).

    Examples
    --------
    >>> tab = convergence_table(MultiTone(amplitudes=[2], frequencies=[1]), 1, dps=20)
    >>> len(tab), tab.to_dict()["exact"]
    (2, '0.63661977236758134308')
    """

    signal: MultiTone
    center: Any
    exact: mpmath.mpf
    converges: bool | None
    rows: tuple = field(default_factory=tuple)
    dps: int = 30

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __str__(self) -> str:
        verdict = {True: "converges", False: "DIVERGES", None: "undecided"}[self.converges]
        head = f"exact DC = {mpmath.nstr(self.exact, 20)}  (center {self.center!r}, {verdict})"
        columns = f"{'N':>3}  {'truncated DC':>22}  {'ratio':>9}  {'error':>10}  {'bound':>10}"
        lines = [head, columns]
        for r in self.rows:
            ratio = r.value / self.exact if self.exact else mpmath.nan
            bound = "-" if r.bound is None else mpmath.nstr(r.bound, 3)
            lines.append(f"{r.order:>3}  {mpmath.nstr(r.value, 18):>22}  {mpmath.nstr(ratio, 6):>9}"
                         f"  {mpmath.nstr(r.error, 3):>10}  {bound:>10}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """Plain data for reports (numbers as strings with the table's ``dps`` digits)."""

        def digits(x: mpmath.mpf) -> str:
            return mpmath.nstr(x, self.dps, strip_zeros=False)

        return {
            "signal": self.signal.to_string(),
            "center": str(self.center),
            "exact": digits(self.exact),
            "converges": self.converges,
            "dps": self.dps,
            "rows": [{"order": r.order, "truncated": str(r.truncated), "value": digits(r.value),
                      "error": mpmath.nstr(r.error, 15),
                      "bound": None if r.bound is None else mpmath.nstr(r.bound, 15)}
                     for r in self.rows],
        }

    def _latex(self, printer: Any, **kwargs: Any) -> str:
        """:func:`symrelu.latex.convergence_table_latex` in ``printer`` (sympy's protocol)."""
        from symrelu.latex import convergence_table_latex

        return convergence_table_latex(self, printer=printer)

    def _repr_latex_(self) -> str:
        from symrelu.latex import latex

        return "$\\displaystyle " + latex(self) + "$"


def convergence_table(
    signal: MultiTone,
    orders: int = 10,
    center: Any = "peak",
    activation: Any = "relu",
    regime: str = "auto",
    dps: int = 30,
) -> ConvergenceTable:
    r"""The truncated DC for orders 0..``orders`` against the exact DC, with the bound.

    Parameters
    ----------
    signal : MultiTone
    orders : int
        Largest order N.
    center : "peak", "mean_square" or positive value
        As in :func:`symrelu.expand` ("mean_square" is the paper's text).
    activation, regime
        As in :func:`symrelu.exact_dc`, for a piecewise-linear activation without jumps:
        one with kinks at t_j sums the series of each ``c_j |x - t_j|`` (each about its own
        center, :func:`symrelu.expand`), and the bound is the sum of theirs, ``sum_j
        |c_j| sqrt(C_j) binom(2N, N) / 4^N``. A smooth activation raises
        :class:`~symrelu.errors.ActivationError` (its polynomial lens has one
        certificate per degree: ``expand(...).certificate``).
    dps : int
        Digits of the exact DC and of the errors.

    Examples
    --------
    >>> tab = convergence_table(MultiTone(amplitudes=[1], frequencies=[1]), 2,
    ...                         center="mean_square", dps=15)
    >>> tab.rows[0].truncated, mpmath.nstr(tab.rows[0].value / tab.exact, 6)
    (sqrt(2)/4, '1.11072')
    >>> all(r.bound_holds for r in tab)
    True
    """
    sig = check_signal(signal, "convergence_table")
    N = check_order(orders, "orders")
    act = as_activation(activation)
    if act.kind != "piecewise_linear":
        raise ActivationError(
            f"convergence_table follows the Taylor series of |x| order by order; {act!r} is "
            "smooth, and its polynomial lens is certified per degree: use "
            "symrelu.expand(signal, order=N, activation=...).certificate"
        )
    exact = exact_dc(sig, activation=act, regime=regime, dps=dps)
    e = expand(sig, order=N, center=center, activation=act, regime=regime)
    # the paper's lambda x + c|x| is one Expansion; any other piecewise-linear activation is
    # one Expansion of c_j |x - t_j| per kink (symrelu.piecewise_expansion) plus a constant
    parts = getattr(e, "parts", (e,))
    label = sympy.Integer(0) if e.regime == "periodic" else (0,) * sig.K
    converges = e.converges if hasattr(e, "parts") else e.certificate.converges
    rows = []
    running = getattr(e, "constant", sympy.Integer(0)) + sympy.Add(
        *(p.activation.linear * p.signal.offset for p in parts))
    with mpmath.workdps(dps + 10):
        for n in range(N + 1):
            running = running + sympy.Add(*(p.term_coefficient(n, label) for p in parts))
            truncated = sympy.nsimplify(running) if running.is_Rational else sympy.radsimp(running)
            value = mpmath.mpf(sympy.N(truncated, dps + 10))
            bound = None
            if converges:
                bound = mpmath.mpf(sympy.N(sympy.Add(*(
                    abs(p.activation.abs_weight) * sympy.sqrt(p.center) for p in parts))
                    * tail_bound(n), dps + 10))
            rows.append(ConvergenceRow(n, truncated, +value, abs(value - exact), bound))
    return ConvergenceTable(sig, center, exact, converges, tuple(rows), dps)
