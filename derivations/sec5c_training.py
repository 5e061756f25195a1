r"""Section V-C: why the linear CNN has nothing to pool, and the ReLU one does.

Derivation: with no activation, global average pooling of a convolved tone is
the mean of a sampled cosine over the window,

.. math:: \frac1N\sum_{n<N}\cos(\omega n + \varphi)
          = \mathrm{Re}\,\frac{e^{i\varphi}(1 - e^{i\omega N})}{N(1 - e^{i\omega})},
          \qquad |\cdot| \le \frac{1}{N|\sin(\omega/2)|},

so the pooled features of the linear model are O(1/N) leakage, while the ReLU
creates a DC of :math:`A|H(f)|/\pi` (Section IV). The "linear + DC" variant
adds the paper's order-0 value :math:`a_n\sqrt2/4` by class. The experiment
(three CNNs, Fig. 4) then measures how far each model's weights travel.

Other activations (issue 17): the same run trains the relu model's copy with
GELU, tanh and softplus (:data:`ACTIVATIONS`, the experiment's ``activation``;
same initial weights and batches as relu, whose numbers are bit for bit those
of the paper's three-model run). An odd activation makes no DC from a tone,
:math:`\frac{1}{2\pi}\int f(A\cos\theta)\,d\theta = 0` (shift
:math:`\theta` by :math:`\pi`), checked with the exact engine for each; the
thesis predicts that the odd tanh trains like the linear network and the
DC-producing ones like ReLU. The section reports what the run shows, per
activation, whatever it is (table and ``fig4_activations``).

Examples
--------
>>> d = derive(DeriveConfig(experiments=False))
>>> sorted(d.results["leakage_bound"])
['10', '3', '5']
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import sympy
from symrelu.derivations._common import (
    Check,
    Derivation,
    DeriveConfig,
    Fragment,
    check,
    close,
    experiment_figures,
    run_experiment,
    tex_escape,
)

__all__ = ["KEY", "SECTION", "TITLE", "ACTIVATIONS", "FIGURE_CAPTIONS", "derive",
           "window_mean", "unit_tone_dc"]

KEY = "sec5c"
SECTION = "V-C"
TITLE = "Training three CNNs: the ReLU's DC does the work"
FS, N = 32, 256
#: the activations of V-C's convolutional models in the paper build (relu: the paper's)
ACTIVATIONS = ("relu", "gelu", "tanh", "softplus")
#: one caption per figure experiment vc writes (file stem -> caption)
FIGURE_CAPTIONS = {
    "fig4": "Experiment V-C (Fig.~4 of the paper): loss and weight distance from "
            "initialisation, mean $\\pm$ std over repetitions.",
    "fig4_activations": "Experiment V-C with other activations: every model of the run (the "
                        "activation models start from the ReLU model's weights and see its "
                        "batches), mean $\\pm$ std over repetitions.",
}


def unit_tone_dc(activation: str, dps: int = 20):
    r"""The DC of ``activation`` on the unit tone :math:`\cos 2\pi 3t` (the exact engine).

    Examples
    --------
    >>> import mpmath
    >>> mpmath.nstr(unit_tone_dc("relu"), 10), unit_tone_dc("tanh")
    ('0.3183098862', mpf('0.0'))
    """
    import symrelu

    return symrelu.exact_dc(symrelu.MultiTone(amplitudes=[1], frequencies=[3]),
                            activation=activation, dps=dps)


def window_mean() -> sympy.Expr:
    r"""Closed form of :math:`\frac1N\sum_{n<N} e^{i(\omega n + \varphi)}` (geometric sum).

    Examples
    --------
    >>> window_mean()
    (1 - exp(I*N*omega))*exp(I*phi)/(N*(1 - exp(I*omega)))
    """
    w, phi = sympy.symbols("omega phi", real=True)
    n_ = sympy.Symbol("N", positive=True, integer=True)
    return sympy.exp(sympy.I * phi) * (1 - sympy.exp(sympy.I * w * n_)) / (
        n_ * (1 - sympy.exp(sympy.I * w)))


def _num(x: float, digits: int) -> str:
    """A short decimal; tiny and huge values in scientific notation, written for LaTeX."""
    text = f"{x:.{digits}g}"
    if "e" in text:
        mant, exp = text.split("e")
        return f"${mant} \\times 10^{{{int(exp)}}}$"
    return text


def _finding_table(f: Fragment, result) -> None:
    """The experiment's final-epoch statistics as a table (the log is vc/summary.txt)."""
    finding = result.finding
    if finding.get("holds") is None:
        f.para("No repetition finished.")
        return
    st = finding["final_epoch"]
    rows = [[tex_escape(m)] + [f"{_num(st[k][m]['mean'], 4)} $\\pm$ {_num(st[k][m]['std'], 2)}"
                               for k in ("loss", "accuracy", "distance1", "distance2")]
            for m in result.config.models()]
    cfg = result.config
    f.table(["model", "loss", "accuracy", "layer-1 distance", "layer-2 distance"], rows,
            align="lrrrr",
            caption=f"Final epoch, mean $\\pm$ standard deviation over "
                    f"{len(result.repetitions)} repetitions of {cfg.epochs} epochs (seed "
                    f"{cfg.seed}); distances are from the initial weights.")
    verdict = "holds" if finding["holds"] else "does \\emph{not} hold"
    f.para(f"The paper's finding (relu and linear\\_dc end closer to their initial weights in "
           f"both convolutional layers, and lower in loss, than linear) {verdict} in this run.")
    _activation_table(f, result)


_METRICS = (("loss", "loss"), ("distance1", "layer-1 distance"),
            ("distance2", "layer-2 distance"))


def _activation_table(f: Fragment, result) -> None:
    """The thesis against the run: per activation, the prediction and the nearer baseline."""
    rows_in = result.finding.get("activations") or {}
    if not rows_in:
        return
    rows = []
    for m, row in rows_in.items():
        cells = [tex_escape(row[k].replace("_", " ")) for k, _ in _METRICS]
        rows.append([tex_escape(m), "odd" if row["odd"] else "no", row["predicted"], *cells,
                     "yes" if row["as_predicted"] else "\\textbf{no}"])
    f.table(["activation", "odd", "predicted like", *(f"{t}: nearer" for _, t in _METRICS),
             "as predicted"], rows, align="lllllll",
            caption="The thesis against the run: an odd activation (no DC from a tone) is "
                    "predicted to train like the linear network, one that makes a DC like ReLU; "
                    "``nearer'' is the baseline (relu or linear) whose final-epoch mean is "
                    "nearer on a log scale.")
    st = result.finding["final_epoch"]
    parts = []
    for m, row in rows_in.items():
        d2 = st["distance2"][m]["mean"]
        ratio_lin = d2 / st["distance2"]["linear"]["mean"]
        ratio_relu = d2 / st["distance2"]["relu"]["mean"] if "relu" in st else None
        text = (f"{m} ({'odd' if row['odd'] else 'not odd'}) ends its layer-2 weights "
                f"{_num(d2, 3)} from their start, {_num(ratio_lin, 2)} times linear's distance"
                + (f" and {_num(ratio_relu, 2)} times relu's" if ratio_relu is not None else "")
                + f" (final loss {_num(st['loss'][m]['mean'], 3)}): "
                + ("as predicted" if row["as_predicted"] else "not as predicted in "
                   + ", ".join(t for k, t in _METRICS if row[k] != row["predicted"])))
        parts.append(tex_escape(text))
    f.para("What the run shows: " + "; ".join(parts) + ".")


def derive(config: DeriveConfig | None = None) -> Derivation:
    """Derive Section V-C, check it, and run experiment vc (small in quick mode).

    Returns
    -------
    Derivation
    """
    config = config or DeriveConfig()
    checks: list[Check] = []
    expr = window_mean()
    w, phi, n_ = sorted(expr.free_symbols, key=str)[::-1][0], None, None
    w = sympy.Symbol("omega", real=True)
    phi = sympy.Symbol("phi", real=True)
    n_ = sympy.Symbol("N", positive=True, integer=True)
    bounds = {}
    for f0 in (3, 5, 10):
        omega = 2 * np.pi * f0 / FS
        for ph in (0.0, 1.0):
            formula = complex(expr.subs({w: omega, phi: ph, n_: N}).evalf())
            sampled = np.mean(np.exp(1j * (omega * np.arange(N) + ph)))
            close(checks, f"window mean, f = {f0} Hz, phase {ph}", abs(formula - sampled), 0.0,
                  atol=1e-12, why="geometric sum against direct sum")
        bounds[str(f0)] = 1 / (N * abs(np.sin(omega / 2)))
    relu_dc = {str(f0): 1 / np.pi for f0 in (3, 5, 10)}
    # the thesis' premise: an odd activation makes no DC from a tone, the others do
    from symrelu.numeric.experiments.vc import is_odd

    tone_dc = {}
    for act in ACTIVATIONS:
        dc = unit_tone_dc(act)
        odd = is_odd(act)
        check(checks, f"{act}: DC of a unit tone {'is' if odd else 'is not'} 0", (dc == 0) == odd,
              f"exact engine, 20 digits: {float(dc):.12g}; f(-x) = -f(x) proven by sympy: {odd}")
        tone_dc[act] = str(dc)
    quick = {"reps": 2, "epochs": 3, "samples_per_class": 64, "figures": True,
             "activation": ACTIVATIONS}
    full = {"figures": True, "activation": ACTIVATIONS}
    result, note = run_experiment("vc", config, quick, full)

    f = Fragment()
    f.section(f"Section {SECTION}: {TITLE}", "sec:vc")
    f.para(r"Without an activation, pooling commutes with the convolutions, so the pooled "
           r"feature of a tone is the window mean of a sampled cosine:")
    f.eq(r"\frac1N\sum_{n<N} e^{i(\omega n + \varphi)} = " + sympy.latex(expr)
         + r",\qquad \left|\cdot\right| \le \frac{1}{N|\sin(\omega/2)|}.")
    f.para(f"With $N = {N}$ and $f_s = {FS}$~Hz the bound is "
           + ", ".join(f"{v:.4f} at {k}~Hz" for k, v in bounds.items())
           + r": the linear model sees almost nothing after pooling, while a ReLU "
           r"produces a DC of $A|H(f)|/\pi$ (Section~IV), of order $1/\pi \approx 0.32$ for a "
           r"unit tone and unit gain. Adding the DC by hand (the ``linear + DC'' model, "
           r"$a_n\sqrt2/4$ with $a_n = 1, 5, 19$) gives the linear model the same handle.")
    f.para(tex_escape(note))
    f.para("Other activations: the run also trains the ReLU model with "
           + ", ".join(a for a in ACTIVATIONS if a != "relu")
           + r" in both convolutional layers (same initial weights and batches). On a unit "
           r"tone their DCs are "
           + ", ".join(f"{tex_escape(a)} {_num(float(sympy.Float(v)), 6)}"
                       for a, v in tone_dc.items())
           + r" (exact engine): an odd activation makes none, since "
           r"$f(A\cos(\theta + \pi)) = -f(A\cos\theta)$. The thesis predicts that the odd "
           r"tanh trains like the linear network, the others like ReLU.")
    if result is not None:
        _finding_table(f, result)
        figs = {Path(fig).stem: fig for fig in experiment_figures(result, config.out)}
        unknown = sorted(set(figs) - set(FIGURE_CAPTIONS))
        if unknown:
            raise ValueError(f"experiment vc wrote figures with no caption: {unknown}")
        for stem, caption in FIGURE_CAPTIONS.items():
            if stem in figs:
                f.figure(figs[stem], caption)
    f.checks(checks)
    return Derivation(KEY, SECTION, TITLE, f.text(), checks,
                      results={"leakage_bound": bounds, "relu_dc_unit_gain": relu_dc,
                               "unit_tone_dc": tone_dc, "experiment": note})


if __name__ == "__main__":  # pragma: no cover
    from symrelu.derivations._common import main_for

    main_for(__name__)
