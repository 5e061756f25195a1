r"""Section V-B: activations of KID-PPG's first block on PPG hold DC + heart-rate harmonics.

Derivation: a PPG beat train is periodic at the heart rate :math:`f_h`, so it
is a sum of harmonics :math:`m f_h`. A convolution keeps each harmonic (scaled
by :math:`H(m f_h)`), and every product in the Taylor series of the ReLU adds
or subtracts harmonic numbers, so the activation's spectrum is again on the
grid :math:`\{0, f_h, 2f_h, \dots\}`: a DC plus heart-rate harmonics (Fig. 3).
The engine shows it exactly for a three-harmonic PPG model; the FFT of the
sampled ReLU (256 samples at 32 Hz, as KID-PPG) puts its peaks there.

Examples
--------
>>> d = derive(DeriveConfig(experiments=False))
>>> d.results["base_frequency"]
'6/5'
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
    sample_fft,
    tex_escape,
)
from symrelu.numeric.lambdify import lambdify_signal

import symrelu as sr

__all__ = ["KEY", "SECTION", "TITLE", "derive", "PPG_MODEL", "FIGURE_CAPTIONS"]

KEY = "sec5b"
SECTION = "V-B"
TITLE = "KID-PPG: DC and heart-rate harmonics"
#: 72 bpm; the harmonic amplitudes and phases of a typical beat (systolic peak, dicrotic notch)
PPG_MODEL = "1@1.2 + 0.45@2.4:-1.1 + 0.15@3.6:0.6"
#: one caption per figure experiment vb writes (file stem -> caption)
FIGURE_CAPTIONS = {
    "fig3": "Experiment V-B (Fig.~3 of the paper): spectra of the post-ReLU activations of "
            "KID-PPG's three convolutional blocks for one PPG window; the DC and the heart-rate "
            "harmonics stand out in every block.",
    "shares": "Experiment V-B: share of each channel's power at the DC, at the heart-rate "
              "harmonics and elsewhere, before and after each pooling layer (median and range "
              "over channels).",
    "prediction": "Experiment V-B: first-layer post-ReLU DC of every (window, channel) pair, "
                  "measured on the port against the exact prediction of symrelu from a "
                  "two-harmonic fit of the window.",
    "hr": "Experiment V-B: heart rate estimated by the whole network against the true rate of "
          "synthetic windows, at input gains 1 and 10.",
    "probe": "Experiment V-B, the spectral probe (symrelu.numeric.probe): for each ReLU of the "
             "port fed a two-harmonic fit of a window at a whole heart rate, the measured "
             "output spectrum (line), the spectrum predicted from the pre-activation (dots: in "
             "band plus aliased) and the aliased part folded back from above Nyquist (shaded).",
}


def _pct(x: float) -> str:
    return f"{100 * x:.0f}\\%"


def _experiment_tables(f: Fragment, rec: dict) -> None:
    """The experiment's numbers as tables (the full log is vb/summary.txt)."""
    rows = []
    for key, d in rec["shares"]["summary"].items():
        rows.append([f"\\texttt{{{tex_escape(key)}}}", f"{d['fs']:g}", _pct(d["dc"]["median"]),
                     _pct(d["harmonics"]["median"]), _pct(d["other"]["median"]),
                     _pct(d["harmonic_bin_fraction"]),
                     f"{len(d['dead_channels'])} of {d['channels']}"])
    f.table(["activation", "$f_s$ (Hz)", "DC", "harmonics", "other", "chance",
             "dead channels"], rows, align="lrrrrrr",
            caption="Power shares per channel (median over channels) along the network: DC, "
                    "heart-rate harmonics and the rest; \\emph{chance} is the share of bins "
                    "counted as harmonic (what a flat spectrum would give).")
    pr = rec["prediction"]
    rows = [
        ["Pearson $r$, all (window, channel) pairs", f"{pr['pearson_all_pairs']:.4f}"],
        ["Pearson $r$, channel means", f"{pr['pearson_channel_means']:.4f}"],
        ["median relative error, pairs with a non-zero measured DC",
         f"{pr['median_relative_error']:.4f}"],
        [f"median relative error, the {len(pr['active_channels'])} active channels",
         f"{pr['median_relative_error_active']:.4f}"],
        [f"median relative error, the {len(pr['rectifying_active_channels'])} active channels "
         "that rectify (on 5--95\\% of the time)", f"{pr['median_relative_error_rectifying']:.4f}"],
        ["silent channels (predicted and measured DC 0)", str(len(pr["silent_channels"]))],
        ["self-check on the two-tone input: max $|$predicted $-$ measured$|$",
         f"{pr['self_check_max_abs_error_on_two_tone_input']:.1e}"],
    ]
    f.table(["first-layer post-ReLU DC: exact prediction against measurement", "value"], rows,
            align="p{0.62\\linewidth}r",
            caption=f"The exact two-tone prediction of the first layer's DC "
                    f"(\\texttt{{{tex_escape(pr['backend'])}}}, {pr['dps']} digits) against the "
                    "measured mean activation; the channels it misses and why are listed in "
                    "\\texttt{vb/summary.txt}.")
    pb = rec.get("probe")
    if pb:
        rows = [[f"\\texttt{{{tex_escape(d['name'])}}}", f"{d['fs']:g}",
                 f"{d['window']['periods']} $\\times$ {d['window']['period']}",
                 _pct(d["dc_share_median"] or 0.0), f"{d['aliased_fraction_median']:.1e}",
                 f"{d['aliased_fraction_max']:.1e}", f"{d['prediction_error_max']:.0e}"]
                for d in pb["layers"] if d["status"] == "predicted"]
        f.table(["ReLU", "$f_s$ (Hz)", "window", "DC share", "aliased (median)",
                 "aliased (max)", "error"], rows, align="lrrrrrr",
                caption=f"The spectral probe of the port: a two-harmonic fit at "
                        f"{pb['hr_bpm']:g}~BPM (period {pb['period_samples']} samples); per "
                        "ReLU the steady-state window (periods $\\times$ samples), the median "
                        "share of the power at DC, the aliased part's share of the power "
                        "(median over live channels and maximum) and the largest prediction "
                        "error relative to a channel's RMS.")
    sweep = rec["hr_estimate"].get("sweep") or []
    if sweep:
        rows = [[f"{s['gain']:g}", f"{s['hr_true_mean']:.1f}",
                 f"{s['estimate_mean']:.1f} $\\pm$ {s['estimate_std']:.1f}", f"{s['mae']:.1f}"]
                for s in sweep]
        f.table(["input gain", "true HR (BPM)", "estimate (BPM)", "MAE (BPM)"], rows,
                align="rrrr",
                caption="The whole network's heart-rate estimate on synthetic windows "
                        f"(mean absolute error {rec['hr_estimate']['mae_bpm']:.2f}~BPM on the "
                        "experiment's own windows).")


def derive(config: DeriveConfig | None = None) -> Derivation:
    """Derive Section V-B, check it, and run experiment vb when available.

    Returns
    -------
    Derivation
    """
    config = config or DeriveConfig()
    checks: list[Check] = []
    sig = sr.MultiTone.parse(PPG_MODEL)
    fh = sig.base_frequency
    order = 6
    e = sr.expand(sig, order=order)
    freqs = sorted(e.frequencies())
    check(checks, "output frequencies are heart-rate harmonics",
          all((F / fh).is_integer for F in freqs),
          f"{len(freqs)} frequencies, all multiples of f_h = {fh} Hz (order {order})")
    fs, n = 32, 256
    f_axis, c = sample_fft(lambda t: np.maximum(lambdify_signal(sig)(t), 0), fs, n)
    amp = np.abs(c[1:])
    top = f_axis[1:][np.argsort(amp)[::-1][:4]]
    dist = [abs(F - float(fh) * round(F / float(fh))) for F in top]
    check(checks, "FFT peaks at harmonics", max(dist) <= fs / n,
          f"the 4 largest non-DC FFT bins {sorted(top.tolist())} Hz lie within one bin "
          f"({fs / n} Hz) of multiples of {float(fh)} Hz")
    check(checks, "a DC appears", abs(c[0]) > 0.1, f"DC of ReLU(PPG) = {abs(c[0]):.4f}")

    result, note = run_experiment("vb", config, quick={"figures": True}, full={})
    f = Fragment()
    f.section(f"Section {SECTION}: {TITLE}", "sec:vb")
    f.para(r"A PPG window at heart rate $f_h$ is periodic, $x(t) = b + \sum_m A_m "
           r"\cos(2\pi m f_h t + \varphi_m)$. Every term of the ReLU series multiplies such "
           r"sums, and $\cos(2\pi m f_h t)\cos(2\pi m' f_h t)$ holds only $(m \pm m') f_h$; a "
           r"convolution scales harmonic $m$ by $H(m f_h)$. Hence each activation channel's "
           r"spectrum is a DC plus heart-rate harmonics. For the model "
           f"$x(t) = {sr.latex(sig)}$ ({float(fh) * 60:.0f}~bpm) the order-{order} expansion "
           f"holds {len(freqs)} frequencies, every one a multiple of $f_h = "
           f"{sympy.latex(fh)}$~Hz, with DC ${float(e.dc):.4f}$.")
    f.para(tex_escape(note))
    if result is not None:
        _experiment_tables(f, result.record)
        figs = {Path(fig).stem: fig for fig in experiment_figures(result, config.out)}
        unknown = sorted(set(figs) - set(FIGURE_CAPTIONS))
        if unknown:
            raise ValueError(f"experiment vb wrote figures with no caption: {unknown}")
        if "fig3" in figs:
            f.figure(figs["fig3"], FIGURE_CAPTIONS["fig3"], width="0.85\\linewidth")
        row = [(figs[k], FIGURE_CAPTIONS[k], "0.32") for k in ("shares", "prediction", "hr")
               if k in figs]
        if row:  # one row, so that all four fit on the page after the tables
            f.figure_row(row)
        if "probe" in figs:
            f.figure(figs["probe"], FIGURE_CAPTIONS["probe"], width="0.85\\linewidth")
        pb = result.record.get("probe")
        if pb:
            err = pb["max_prediction_error"]
            check(checks, "the probe predicts every ReLU of the port",
                  err is not None and err < 1e-9,
                  "no ReLU predicted" if err is None else
                  f"largest error of the predicted ReLU spectra: {err:.1e} of the channel RMS "
                  "(float64 port)")
    f.checks(checks)
    return Derivation(KEY, SECTION, TITLE, f.text(), checks,
                      results={"base_frequency": str(fh), "n_frequencies": len(freqs),
                               "experiment": note})


if __name__ == "__main__":  # pragma: no cover
    from symrelu.derivations._common import main_for

    main_for(__name__)
