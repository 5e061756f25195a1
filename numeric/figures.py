"""Figures of the convergence study and of the paper's Section V-A, in the project's look.

All figures are one paper column wide (:data:`symrelu.numeric.plotting.COLUMN_WIDTH`),
drawn inside :func:`symrelu.numeric.plotting.style` and saved with
:func:`symrelu.numeric.plotting.save_figure` (PNG and PDF, atomically). matplotlib is
imported inside the functions only. Colours follow the project palette in a
fixed role: input (blue), ReLU/stage output (vermillion), approximation or
second stage (green), bounds (black, dashed).

Spectra are drawn as markers at the bins that hold content (amplitude above
``floor`` relative to the largest), on a logarithmic axis, so the harmonics
and the aliasing floor are visible without a forest of rounding-level bins.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from symrelu.numeric.plotting import COLUMN_WIDTH, PALETTE, save_figure, style

__all__ = ["convergence_figure", "va_fig1", "va_fig2", "spectrum_markers"]

INPUT, RELU, APPROX, EXTRA = PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3]


def spectrum_markers(ax: Any, freqs: np.ndarray, amps: np.ndarray, *, floor: float = 1e-9,
                     **kwargs: Any) -> Any:
    """Plot a one-sided spectrum as markers above ``floor`` x max on a log axis."""
    keep = amps > floor * max(float(amps.max()), np.finfo(float).tiny)
    ax.set_yscale("log")
    return ax.plot(freqs[keep], amps[keep], linestyle="none", marker="o", markersize=2.2,
                   **kwargs)


def convergence_figure(study: Any, stem: Any = None) -> Any:
    """Two panels: RRMSE (honest vs the paper's metric) and max/DC error vs the bound.

    Examples
    --------
    >>> import symrelu as sr
    >>> from symrelu.numeric.convergence import convergence_study
    >>> s = convergence_study(sr.MultiTone(amplitudes=[1, 1], frequencies=[1, 2]), 3, fs=32)
    >>> fig = convergence_figure(s)
    >>> len(fig.axes)
    2
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    import matplotlib.pyplot as plt

    n = study.column("order")
    with style():
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(COLUMN_WIDTH, 3.6), sharex=True,
                                       layout="constrained")
        ax1.plot(n, study.column("rrmse"), color=RELU, label=r"honest: vs ReLU$(x)$")
        ax1.plot(n, study.column("rrmse_paper"), color=INPUT, linestyle="--",
                 label=r"paper's metric: vs $x$")
        ax1.set_yscale("log")
        ax1.set_ylabel("RRMSE (%)")
        ax1.legend(loc="center right")
        ax2.plot(n, study.column("max_error"), color=RELU, linewidth=2.0, alpha=0.8,
                 label="max error (sampled)")
        ax2.plot(n, study.column("bound"), color="black", linestyle="--", linewidth=0.9,
                 label="certificate bound", zorder=5)
        ax2.plot(n, study.column("dc_error"), color=APPROX, label="DC error (exact)")
        ax2.set_yscale("log")
        ax2.set_xlabel("order $N$")
        ax2.set_ylabel("error")
        ax2.legend(loc="lower left")
        ax1.set_title(f"{study.signal}, C = {study.center}", loc="left")
    if stem is not None:
        save_figure(fig, stem)
    return fig


def va_fig1(data: dict, stem: Any = None) -> Any:
    """Fig. 1: input, ReLU and the N-term approximation in time (with detail) and spectra.

    ``data`` holds arrays ``t, x, relu, approx`` and ``fs``, ``order``,
    ``detail`` (t0, t1) and ``span`` (shown time span).
    """
    import matplotlib.pyplot as plt

    t, x, y, a = data["t"], data["x"], data["relu"], data["approx"]
    span = data.get("span", 0.4)
    t0, t1 = data["detail"]
    order = data["order"]
    with style():
        fig, (ax1, ax2, ax3) = plt.subplots(
            3, 1, figsize=(COLUMN_WIDTH, 4.6), layout="constrained",
            gridspec_kw={"height_ratios": [1.0, 0.9, 1.1]},
        )
        m = t <= span
        ax1.plot(t[m], x[m], color=INPUT, label="$x(t)$", linewidth=0.8)
        ax1.plot(t[m], y[m], color=RELU, label=r"ReLU$(x)$")
        ax1.plot(t[m], a[m], color=APPROX, linestyle="--", label=f"{order}-term approx.")
        ax1.axvspan(t0, t1, color="0.85", zorder=0)
        ax1.set_xlim(0, span)
        ax1.set_xlabel("time (s)")
        ax1.set_ylabel("amplitude")
        ax1.legend(ncol=3, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
        ax1.set_title("(a)", loc="left", x=-0.14, y=1.0)
        # detail: dense evaluation so the kinks are drawn, samples as dots
        td, xd = data["detail_t"], data["detail_x"]
        yd, ad = data["detail_relu"], data["detail_approx"]
        ax2.plot(td, xd, color=INPUT, linewidth=0.8)
        ax2.plot(td, yd, color=RELU)
        ax2.plot(td, ad, color=APPROX, linestyle="--")
        ms = (t >= t0) & (t <= t1)
        ax2.plot(t[ms], y[ms], linestyle="none", marker=".", markersize=2.5, color=RELU,
                 label=f"samples ({data['fs']:g} Hz)")
        ax2.set_xlim(t0, t1)
        ax2.set_ylim(-0.35, max(1.0, float(np.max(yd))) * 1.15)
        ax2.set_xlabel("time (s), detail")
        ax2.set_ylabel("amplitude")
        ax2.legend(loc="upper right")
        ax2.set_title("(b)", loc="left", x=-0.14, y=1.0)
        from symrelu.numeric.spectra import spectrum

        f0 = data.get("f0")
        f, amp_y, _ = spectrum(y, data["fs"])
        on = np.isclose(f / f0, np.round(f / f0)) if f0 else np.ones(f.size, dtype=bool)
        alias = ~on & (amp_y > 1e-9 * amp_y.max())
        if alias.any():
            ax3.plot(f[alias], amp_y[alias], linestyle="none", marker=".", markersize=1.5,
                     color="0.6", label="aliases", zorder=1)
        ax3.plot(f[on], amp_y[on], linestyle="none", marker="o", markersize=2.4, color=RELU,
                 label="ReLU$(x)$", zorder=2)
        _, amp_a, _ = spectrum(a, data["fs"])
        keep = on & (amp_a > 1e-9 * amp_a.max())
        ax3.plot(f[keep], amp_a[keep], linestyle="none", marker="x", markersize=2.8,
                 markeredgewidth=0.6, color=APPROX, label="approx.", zorder=3)
        _, amp_x, _ = spectrum(x, data["fs"])
        keep = amp_x > 1e-9 * amp_x.max()
        ax3.plot(f[keep], amp_x[keep], linestyle="none", marker="s", markersize=3.2,
                 markerfacecolor="none", markeredgewidth=0.8, color=INPUT, label="$x$", zorder=4)
        ax3.set_yscale("log")
        ax3.set_xlim(0, data["fs"] / 2)
        ax3.set_ylim(1e-7, 4)
        ax3.set_xlabel("frequency (Hz)")
        ax3.set_ylabel("amplitude")
        ax3.legend(loc="upper right", ncol=4, handletextpad=0.2, columnspacing=0.8)
        ax3.set_title("(c)", loc="left", x=-0.14, y=1.0)
    if stem is not None:
        save_figure(fig, stem)
    return fig


def va_fig2(data: dict, stem: Any = None) -> Any:
    """Fig. 2: the moving-average and difference chains in time and their spectra.

    ``data["chains"]`` maps a chain name to ``{"stages": [y1, y2, ...],
    "label": str, "null": float or None}``; ``data`` also has ``t, x, fs``
    and ``f0`` (bins on multiples of f0 are drawn in colour, the rest, the
    aliases that sampling a kinked signal folds back, in grey).
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from symrelu.numeric.spectra import spectrum

    t, x, fs, f0 = data["t"], data["x"], data["fs"], data.get("f0")
    chains = data["chains"]
    span = data.get("span", 0.4)
    colours = (RELU, APPROX, EXTRA, PALETTE[4])
    n_stages = max(len(c["stages"]) for c in chains.values())
    with style():
        fig, axes = plt.subplots(
            2 * len(chains), 1, figsize=(COLUMN_WIDTH, 2.6 * len(chains) + 0.5),
            layout="constrained", gridspec_kw={"height_ratios": [0.8, 1.0] * len(chains)},
        )
        letters = iter("abcdefgh")
        m = t <= span
        f, amp_x, _ = spectrum(x, fs)
        on = np.isclose(f / f0, np.round(f / f0)) if f0 else np.ones(f.size, dtype=bool)
        for row, (_name, chain) in enumerate(chains.items()):
            ax_t, ax_f = axes[2 * row], axes[2 * row + 1]
            ax_t.plot(t[m], x[m] / np.max(np.abs(x)), color=INPUT, linewidth=0.8)
            for s, ys in enumerate(chain["stages"]):
                ax_t.plot(t[m], ys[m] / np.max(np.abs(ys)), color=colours[s])
            ax_t.set_xlim(0, span)
            ax_t.set_xlabel("time (s)")
            ax_t.set_ylabel("signal / peak")
            ax_t.set_title(f"({next(letters)}) {chain['label']}", loc="left")
            floor = 1e-7
            for s, ys in enumerate(chain["stages"]):
                _, amp, _ = spectrum(ys, fs)
                amp = amp / amp.max()
                alias = ~on & (amp > floor)
                ax_f.plot(f[alias], amp[alias], linestyle="none", marker=".", markersize=1.4,
                          color="0.65", zorder=1)
                keep = on & (amp > floor)
                ax_f.plot(f[keep], amp[keep], linestyle="none", marker="o", markersize=1.9,
                          color=colours[s], zorder=2 + s)
            keep = amp_x > 1e-9 * amp_x.max()
            ax_f.plot(f[keep], amp_x[keep] / amp_x.max(), linestyle="none", marker="s",
                      markersize=3.2, markerfacecolor="none", markeredgewidth=0.8, color=INPUT,
                      zorder=10)
            if chain.get("null"):
                ax_f.axvline(chain["null"], color="black", linestyle="--", linewidth=0.7)
                ax_f.annotate(f"first null {chain['null']:.1f} Hz", (chain["null"], 3e-7),
                              xytext=(3, 0), textcoords="offset points", fontsize=6)
            ax_f.set_yscale("log")
            ax_f.set_ylim(floor, 3)
            ax_f.set_xlim(0, fs / 2)
            ax_f.set_xlabel("frequency (Hz)")
            ax_f.set_ylabel("amplitude / max")
            ax_f.set_title(f"({next(letters)}) spectra", loc="left")
        handles = [Line2D([], [], color=INPUT, marker="s", markerfacecolor="none", label="input")]
        handles += [Line2D([], [], color=colours[s], marker="o", markersize=3,
                           label=f"stage {s + 1}") for s in range(n_stages)]
        handles.append(Line2D([], [], color="0.65", marker=".", linestyle="none",
                              label="aliases"))
        fig.legend(handles=handles, loc="outside upper center", ncol=len(handles),
                   frameon=False, handletextpad=0.3, columnspacing=1.0)
    if stem is not None:
        save_figure(fig, stem)
    return fig
