r"""Section V-D: one random 2-tap filter, a ReLU and a mean separate the classes untrained.

Derivation: for taps :math:`(w_0, w_1)`,
:math:`|H(f)|^2 = w_0^2 + w_1^2 + 2 w_0 w_1 \cos(2\pi f/f_s)`, which is monotone
on :math:`0 < f < f_s/2` (increasing when :math:`w_0 w_1 < 0`, decreasing when
:math:`w_0 w_1 > 0`). The pooled DC is :math:`A|H(f)|/\pi` (Section IV) up to
the edge effect of causal padding, so for any initialisation with
:math:`w_0 w_1 \ne 0` the DC orders the three classes (3, 5 and 10 Hz) by
frequency: a threshold on one number classifies them (Fig. 5).

Other activations (issue 17): the same network with GELU, tanh and softplus in
place of the ReLU (:data:`ACTIVATIONS`; same data and kernels), each output
predicted exactly per sample. An odd activation (tanh) has no long-window DC:
its output is the window's edge effect alone, and the thesis predicts that it
does not separate the classes.

Examples
--------
>>> d = derive(DeriveConfig(experiments=False))
>>> d.results["H2"]
'w_0**2 + 2*w_0*w_1*cos(2*pi*f/f_s) + w_1**2'
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
    experiment_figures,
    run_experiment,
    tex_escape,
)

__all__ = ["KEY", "SECTION", "TITLE", "ACTIVATIONS", "derive", "response_squared",
           "FIGURE_CAPTIONS"]

KEY = "sec5d"
SECTION = "V-D"
TITLE = "A zero-training CNN"
FS, N = 32, 256
#: the activations V-D compares (relu: the paper's network)
ACTIVATIONS = ("relu", "gelu", "tanh", "softplus")
#: one caption per figure experiment vd writes (file stem -> caption)
FIGURE_CAPTIONS = {
    "fig5": "Experiment V-D (Fig.~5 of the paper): the untrained network's output (its pooled "
            "DC) for every sample of the three classes against frequency, with the long-window "
            "limit $|H(f)|/\\pi$ (left), and the filter's response $|H(f)|$ (right), for "
            "initialisation 0.",
    "fig5_inits": "Experiment V-D: accuracy of the best single-threshold classifier on the "
                  "network's output, over all random initialisations, for kernel sizes 2 and 3.",
    "fig5_activations": "Experiment V-D with other activations in place of the ReLU: the "
                        "untrained network's output for every sample against frequency "
                        "(initialisation 0), and the mean threshold-classifier accuracy over "
                        "all initialisations (kernel 2).",
}


def response_squared() -> sympy.Expr:
    r""":math:`|H(f)|^2` of the causal 2-tap filter :math:`w_0 + w_1 z^{-1}`.

    Examples
    --------
    >>> response_squared()
    w_0**2 + 2*w_0*w_1*cos(2*pi*f/f_s) + w_1**2
    """
    w0, w1 = sympy.symbols("w_0 w_1", real=True)
    f, fs = sympy.symbols("f f_s", positive=True)
    th = 2 * sympy.pi * f / fs
    H = w0 + w1 * sympy.exp(-sympy.I * th)
    return sympy.expand(sympy.simplify(sympy.expand(H * sympy.conjugate(H)).rewrite(sympy.cos)))


def derive(config: DeriveConfig | None = None) -> Derivation:
    """Derive Section V-D, check it, and run experiment vd (small in quick mode).

    Returns
    -------
    Derivation
    """
    config = config or DeriveConfig()
    checks: list[Check] = []
    H2 = response_squared()
    w0, w1 = sympy.symbols("w_0 w_1", real=True)
    f, fs = sympy.symbols("f f_s", positive=True)
    dH2 = sympy.simplify(sympy.diff(H2, f))
    check(checks, "d|H|^2/df", sympy.simplify(
        dH2 + 4 * sympy.pi * w0 * w1 * sympy.sin(2 * sympy.pi * f / fs) / fs) == 0,
        "= -4 pi w0 w1 sin(2 pi f/fs)/fs: one sign on (0, fs/2)")
    rng = np.random.default_rng(0)
    lim = np.sqrt(6 / 3)  # Glorot-uniform for kernel 2, one channel in and out
    agree = 0
    trials = 20
    for _ in range(trials):
        taps = rng.uniform(-lim, lim, 2)
        dcs = []
        for f0 in (3.0, 5.0, 10.0):
            x = np.cos(2 * np.pi * f0 * np.arange(N) / FS)
            y = taps[0] * x + taps[1] * np.concatenate([[0.0], x[:-1]])  # causal padding
            dcs.append(np.mean(np.maximum(y, 0)))
        increasing = taps[0] * taps[1] < 0
        ordered = (dcs[0] < dcs[1] < dcs[2]) if increasing else (dcs[0] > dcs[1] > dcs[2])
        agree += ordered
    check(checks, "DC order follows sign(w0 w1)", agree == trials,
          f"{agree}/{trials} random Glorot initialisations order the class DCs as predicted")
    quick = {"inits": 20, "samples_per_class": 16, "kernel3": False, "figures": True,
             "activation": ACTIVATIONS}
    result, note = run_experiment("vd", config, quick,
                                  {"figures": True, "activation": ACTIVATIONS})

    fr = Fragment()
    fr.section(f"Section {SECTION}: {TITLE}", "sec:vd")
    fr.para(r"The network is Conv1D(1 filter, kernel 2, causal, no bias) $\to$ ReLU $\to$ "
            r"global average pooling, randomly initialised and never trained. Its filter has")
    fr.eq(r"|H(f)|^2 = " + sympy.latex(H2) + r",\qquad \frac{d|H|^2}{df} = "
          + sympy.latex(dH2) + ",")
    fr.para(r"one sign on $0 < f < f_s/2$, so the pooled DC $A|H(f)|/\pi$ is monotone in the "
            r"frequency and a single threshold separates the 3, 5 and 10~Hz classes for every "
            r"initialisation with $w_0 w_1 \neq 0$. "
            "The exact finite-window value (causal padding included) is "
            "\\texttt{symrelu.filtered\\_dc}.")
    fr.para(tex_escape(note))
    if result is not None:
        lines = [ln.strip() for ln in getattr(result, "summary", "").splitlines()[1:]
                 if ln.strip()]
        if lines:
            items = "\n".join(f"\\item {tex_escape(ln)}" for ln in lines)
            fr.para("What the experiment measured:\n\\begin{itemize}\\setlength\\itemsep{0pt}"
                    f"\\small\n{items}\n\\end{{itemize}}")
        figs = {Path(fig).stem: fig for fig in experiment_figures(result, config.out)}
        unknown = sorted(set(figs) - set(FIGURE_CAPTIONS))
        if unknown:
            raise ValueError(f"experiment vd wrote figures with no caption: {unknown}")
        widths = {"fig5": "0.58", "fig5_inits": "0.38"}
        row = [(figs[k], FIGURE_CAPTIONS[k], widths[k]) for k in ("fig5", "fig5_inits")
               if k in figs]
        if row:
            fr.figure_row(row)
        _activation_table(fr, result)
        if "fig5_activations" in figs:
            fr.figure(figs["fig5_activations"], FIGURE_CAPTIONS["fig5_activations"])
    fr.checks(checks)
    return Derivation(KEY, SECTION, TITLE, fr.text(), checks,
                      results={"H2": str(H2), "dH2_df": str(dH2), "experiment": note})


def _activation_table(fr: Fragment, result) -> None:
    """Per activation: the exact prediction's agreement with torch and the classes' separation."""
    sections = getattr(result, "activations", None) or {}
    if not sections:
        return
    acc0 = result.accuracy[2]
    rows = [["relu", "no", f"{result.max_relative_error:.2g} (relative)",
             f"{float(np.mean(acc0)):.4f}", f"{float(np.median(acc0)):.4f}"]]
    for act, sec in sections.items():
        a2 = sec["accuracy"][2]
        rows.append([tex_escape(act), "yes" if sec["odd"] else "no",
                     f"{sec['max_abs_error']:.2g} (absolute)", f"{float(np.mean(a2)):.4f}",
                     f"{float(np.median(a2)):.4f}"])
    fr.table(["activation", "odd", "torch vs exact, init 0", "accuracy: mean", "median"], rows,
             align="llrrr",
             caption=f"V-D with each activation in place of the ReLU: the largest difference "
                     f"between torch's float32 output and the exact finite-window DC over the "
                     f"{len(result.labels)} samples, and the threshold classifier's accuracy "
                     f"over the {len(acc0)} random kernel-2 initialisations.")
    odd = [a for a, sec in sections.items() if sec["odd"]]
    if odd:
        worst = max(float(np.mean(sections[a]["accuracy"][2])) for a in odd)
        fr.para(tex_escape(
            f"The odd activation{'s' if len(odd) > 1 else ''} ({', '.join(odd)}) "
            f"make{'' if len(odd) > 1 else 's'} no "
            "long-window DC: the output is the window's edge effect, and the mean accuracy "
            f"over initialisations is at most {worst:.3f} (chance is 1/3; ReLU's "
            f"{float(np.mean(acc0)):.3f})."))


if __name__ == "__main__":  # pragma: no cover
    from symrelu.derivations._common import main_for

    main_for(__name__)
