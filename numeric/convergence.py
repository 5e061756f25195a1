r"""Convergence studies of the truncated Taylor series, honest and as the paper measured.

For a signal and orders n = 0..N, :func:`convergence_study` measures on a
coherent sampled window:

``rrmse``
    The honest relative RMS error of the order-n approximation against the
    activation of the input, :math:`\|\tilde y_n - \mathrm{act}(x)\| /
    \|\mathrm{act}(x)\|` (in percent).
``rrmse_paper``
    The paper's printed metric for comparison: the same formula with the
    *input* x in place of act(x), :math:`\|\tilde y_n - x\| / \|x\|` (the
    authors' script compares the approximation with the input; see
    DESIGN section 2). It does not tend to 0.
``dc`` and ``dc_error``
    The exact DC of the truncated series (:attr:`symrelu.Expansion.dc`) and
    its distance to the exact DC of act(x) (:func:`symrelu.exact_dc`, 30
    digits).
``max_error`` and ``bound``
    The largest sampled deviation :math:`\max_t|\tilde y_n - \mathrm{act}(x)|`
    against the certificate's bound :math:`c\sqrt C \binom{2n}{n}4^{-n}`
    (``bound_ok`` checks it).

The partial sums are accumulated in g-powers (|g| <= 1 with the peak
center, so each is stable); results are a :class:`ConvergenceStudy` with
``to_csv``, ``to_json`` and :func:`symrelu.numeric.figures.convergence_figure`.

Examples
--------
>>> import symrelu as sr
>>> sig = sr.MultiTone(amplitudes=[1, 1], frequencies=[1, 2])
>>> study = convergence_study(sig, max_order=4, fs=64)
>>> [round(r["rrmse"], 2) for r in study.rows][-1] < [round(r["rrmse"], 2) for r in study.rows][0]
True
>>> all(r["bound_ok"] for r in study.rows)
True
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy
from symrelu.numeric.errors import NumericInputError
from symrelu.numeric.lambdify import to_numeric
from symrelu.numeric.results import atomic_write_json, atomic_write_text

__all__ = ["convergence_study", "ConvergenceStudy", "COLUMNS"]

COLUMNS = (
    "order", "rrmse", "rrmse_paper", "dc", "dc_error", "max_error", "bound", "bound_ok",
)


@dataclass
class ConvergenceStudy:
    """Rows of a convergence study (one per order) and its parameters."""

    signal: str
    center: str
    activation: str
    fs: float
    n_samples: int
    exact_dc: float
    exact_dc_method: str
    rows: list[dict] = field(default_factory=list)

    def column(self, name: str) -> np.ndarray:
        """One column as an array."""
        return np.array([r[name] for r in self.rows], dtype=float)

    def to_dict(self) -> dict:
        """Everything, as plain data."""
        return {
            "signal": self.signal, "center": self.center, "activation": self.activation,
            "fs": self.fs, "n_samples": self.n_samples, "exact_dc": self.exact_dc,
            "exact_dc_method": self.exact_dc_method, "columns": list(COLUMNS),
            "rows": self.rows,
        }

    def to_csv(self, path: Any = None) -> str:
        """The table as CSV text (written atomically to ``path`` when given)."""
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        for r in self.rows:
            writer.writerow({k: (repr(v) if isinstance(v, float) else v) for k, v in r.items()})
        text = buf.getvalue()
        if path is not None:
            atomic_write_text(path, text)
        return text

    def to_json(self, path: Any = None, *, extra: dict | None = None) -> str:
        """The study as JSON (written atomically to ``path`` when given)."""
        obj = {**self.to_dict(), **(extra or {})}
        if path is not None:
            atomic_write_json(path, obj)
        return json.dumps(obj, indent=2, sort_keys=True, default=str)


def convergence_study(
    signal: Any,
    max_order: int = 50,
    *,
    fs: float | None = None,
    periods: int | None = None,
    center: Any = "peak",
    activation: Any = "relu",
    exact_dc: Any = None,
    symbolic_dc: bool = True,
) -> ConvergenceStudy:
    """Errors of the order-n approximation for n = 0..max_order.

    Parameters
    ----------
    signal : MultiTone
        A numeric periodic signal.
    max_order : int
        N.
    fs : float, optional
        Sampling rate (default: 64 samples per period of the highest tone).
        The window is ``periods`` base periods, so sampling is coherent.
    periods : int, optional
        Base periods in the window (default: the fewest that hold a whole
        number of samples, e.g. 5 periods of 5 Hz at 1024 Hz).
    center, activation
        As in :func:`symrelu.expand`.
    exact_dc : value, optional
        The exact DC of act(x); default :func:`symrelu.exact_dc` at 30 digits.
    symbolic_dc : bool
        Take each order's DC from the exact :attr:`symrelu.Expansion.dc`
        (one exact expansion per order); False uses the sampled mean of the
        partial sum (exact to rounding only when fs exceeds twice the series'
        top frequency).

    Returns
    -------
    ConvergenceStudy

    Examples
    --------
    >>> import symrelu as sr
    >>> s = convergence_study(sr.MultiTone(amplitudes=[1], frequencies=[1]), max_order=2, fs=32)
    >>> [r["order"] for r in s.rows]
    [0, 1, 2]
    """
    from symrelu.numeric.sampling import sample

    import symrelu as sr

    e_top = sr.expand(signal, order=max(int(max_order), 0), center=center, activation=activation)
    if not isinstance(e_top, (sr.Expansion, sr.PiecewiseExpansion)):
        raise sr.ActivationError(
            f"convergence_study covers the Taylor lens of piecewise-linear activations, not "
            f"{e_top.activation!r}"
        )
    # one (t_j, Expansion of c_j |x - t_j| [+ lam_j (x - t_j)]) per kink, and the constant
    if isinstance(e_top, sr.PiecewiseExpansion):
        kinks = [(t, p) for (t, _), p in zip(e_top.kinks, e_top.parts)] if e_top.kinks else \
            [(sympy.Integer(0), e_top.parts[0])]
        constant = to_numeric(e_top.constant)
        converges = e_top.converges
    else:
        kinks, constant, converges = [(sympy.Integer(0), e_top)], 0.0, \
            e_top.certificate.converges
    if converges is not True:
        raise NumericInputError(
            f"the series does not converge for center {center!r} (certificate: "
            f"{converges}); a convergence study needs center='peak'"
        )
    f0 = signal.base_frequency
    if f0 is None:
        raise NumericInputError("convergence_study needs rational frequencies (a periodic signal)")
    f_max = max(to_numeric(f) for f in signal.frequencies)
    if fs is None:
        fs = 64 * f_max
    fs_q = sympy.Rational(str(fs))
    per_period = fs_q / f0  # samples per base period
    if periods is None:
        periods = int(per_period.q)
    n_exact = per_period * periods
    if not n_exact.is_integer:
        raise NumericInputError(
            f"{periods} base periods at fs = {fs} hold {float(n_exact):g} samples, not a whole "
            f"number; use a multiple of {per_period.q} periods"
        )
    n = int(n_exact)
    t, x = sample(signal, fs=fs, n=n)
    act = e_top.activation
    y = act.numpy(x)
    # per kink: x_j = x - t_j, its center C_j, weight c_j and linear part lam_j
    terms = []
    for t, part in kinks:
        C_j = to_numeric(part.center)
        c_j = to_numeric(part.activation.abs_weight)
        terms.append((x - to_numeric(t), C_j, c_j * np.sqrt(C_j),
                      to_numeric(part.activation.linear), part.activation.abs_weight,
                      part.center))
    a = [to_numeric(v) for v in sr.taylor_coefficients(int(max_order) + 1)]
    if exact_dc is None:
        exact, method = sr.exact_dc(signal, activation=act, dps=30), "symrelu.exact_dc"
    else:
        exact, method = exact_dc, "given"
    exact_f = to_numeric(exact)
    gs = [xj * xj / C_j - 1.0 for xj, C_j, *_ in terms]
    powers = [np.ones_like(g) for g in gs]
    partials = [np.zeros_like(g) for g in gs]
    norm_y = np.sqrt(np.mean(y * y))
    norm_x = np.sqrt(np.mean(x * x))
    rows = []
    for order in range(int(max_order) + 1):
        approx = np.full_like(x, constant)
        bound = 0.0
        for j, (xj, _, pref, lam_j, c_exact, C_exact) in enumerate(terms):
            if order:
                powers[j] *= gs[j]
            partials[j] += a[order] * powers[j]
            approx = approx + lam_j * xj + pref * partials[j]
            bound += to_numeric(abs(c_exact) * sympy.sqrt(C_exact) * sr.tail_bound(order))
        if symbolic_dc:
            e_n = e_top if order == max_order else sr.expand(
                signal, order=order, center=center, activation=act
            )
            dc = to_numeric(e_n.dc)
        else:
            dc = float(np.mean(approx))
        max_err = float(np.max(np.abs(approx - y)))
        rows.append({
            "order": order,
            "rrmse": float(100 * np.sqrt(np.mean((approx - y) ** 2)) / norm_y),
            "rrmse_paper": float(100 * np.sqrt(np.mean((approx - x) ** 2)) / norm_x),
            "dc": dc,
            "dc_error": abs(dc - exact_f),
            "max_error": max_err,
            "bound": bound,
            "bound_ok": bool(max_err <= bound * (1 + 1e-12) + 1e-13),
        })
    return ConvergenceStudy(
        signal=signal.to_string(), center=str(e_top.center), activation=repr(act), fs=float(fs),
        n_samples=n, exact_dc=exact_f, exact_dc_method=method, rows=rows,
    )
