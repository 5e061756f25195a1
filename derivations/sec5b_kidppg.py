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

import numpy as np
import sympy

import symrelu as sr
from derivations._common import (
    Check,
    Derivation,
    DeriveConfig,
    Fragment,
    check,
    experiment_figures,
    run_experiment,
    sample_fft,
    tex_escape,
    verbatim,
)
from numeric.lambdify import lambdify_signal

__all__ = ["KEY", "SECTION", "TITLE", "derive", "PPG_MODEL"]

KEY = "sec5b"
SECTION = "V-B"
TITLE = "KID-PPG: DC and heart-rate harmonics"
#: 72 bpm; the harmonic amplitudes and phases of a typical beat (systolic peak, dicrotic notch)
PPG_MODEL = "1@1.2 + 0.45@2.4:-1.1 + 0.15@3.6:0.6"


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
        summary = getattr(result, "summary", "")
        if summary:
            f.para(verbatim(summary))
        for fig in experiment_figures(result, config.out):
            f.figure(fig, "Experiment V-B (Fig.~3 of the paper): activation spectra.")
    f.checks(checks)
    return Derivation(KEY, SECTION, TITLE, f.text(), checks,
                      results={"base_frequency": str(fh), "n_frequencies": len(freqs),
                               "experiment": note})


if __name__ == "__main__":  # pragma: no cover
    from derivations._common import main_for

    main_for(__name__)
