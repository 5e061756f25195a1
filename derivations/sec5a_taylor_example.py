r"""Section V-A: the four-tone Taylor example (Fig. 1), with honest errors.

:math:`x = \cos(2\pi5t) + \cos(2\pi10t) + \cos(2\pi20t) + \cos(2\pi40t)`,
:math:`f_s = 1024` Hz, 8 s, peak center, 50 terms (the authors' setting). The
exact spectrum of the truncated series is compared with the FFT of the sampled
ReLU; the truncated DC is tabulated per order against the exact DC; and the
relative RMS error is reported against ReLU(x), with the authors' figure
(against the input x) beside it.

Examples
--------
>>> d = derive(DeriveConfig(quick=True))
>>> d.results["order"]
20
"""

from __future__ import annotations

import math
from pathlib import Path

import mpmath
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
    sample_fft,
    tex_escape,
)
from symrelu.numeric.lambdify import lambdify_expansion, lambdify_signal, spectrum_arrays

import symrelu as sr

__all__ = ["KEY", "SECTION", "TITLE", "derive", "rrmse", "dc_by_order"]

KEY = "sec5a"
SECTION = "V-A"
TITLE = "The Taylor approximation of a four-tone signal"
SIGNAL = "1@5 + 1@10 + 1@20 + 1@40"
FS, SECONDS = 1024, 8


def rrmse(estimate: np.ndarray, reference: np.ndarray) -> float:
    """Relative RMS error in percent: 100 rms(estimate - reference) / rms(reference).

    Examples
    --------
    >>> rrmse(np.array([1.0, 1.0]), np.array([1.0, 1.0]))
    0.0
    """
    ref = np.sqrt(np.mean(np.square(reference)))
    return float(100 * np.sqrt(np.mean(np.square(estimate - reference))) / ref)


def dc_by_order(sig: sr.MultiTone, order: int, center: str = "peak",
                orders: list[int] | None = None) -> list[tuple[int, sympy.Expr, sympy.Expr]]:
    """[(N, truncated DC, certificate bound)] for the requested orders, exactly.

    The DC of the order-N series is the linear part's DC plus the DC of each
    term c sqrt(C) a_n g^n up to N, so one expansion gives every order.

    Examples
    --------
    >>> rows = dc_by_order(sr.MultiTone.parse("1@1"), 2)
    >>> [(n, str(dc)) for n, dc, _ in rows]
    [(0, 'sqrt(2)/4'), (1, 'sqrt(2)/4'), (2, '15*sqrt(2)/64')]
    """
    e = sr.expand(sig, order=order, center=center)
    zero = 0 if e.regime == "periodic" else (0,) * sig.K
    total = e.activation.linear * sig.offset  # the linear part's DC
    out = []
    wanted = set(range(order + 1) if orders is None else orders)
    for n in range(order + 1):
        total = total + e.term_coefficient(n, zero)
        if n in wanted:
            bound = e.prefactor * sr.tail_bound(n) if e.certificate.converges else None
            out.append((n, sympy.radsimp(sympy.expand(total)), bound))
    return out


_FIGURE_CAPTIONS = {
    "fig1": "Fig.~1 reproduced by the experiment: input, ReLU and the order-{order} series in "
            "time, a detail around the kinks, and the three spectra ({seconds}~s at {fs}~Hz).",
    "fig2": "Fig.~2 reproduced: the two example networks (ReLU followed by a 9-tap moving "
            "average, and by a first difference $\\times f_s$), two stages each, in time and "
            "spectrum; every stage stays on the 5~Hz grid, as symrelu predicts.",
    "convergence": "Convergence study of the experiment: honest RRMSE (against "
                   "$\\mathrm{{ReLU}}(x)$) and the paper's input-referenced metric, DC error, "
                   "and the maximum error under the certificate's bound, per order.",
}


def _certificate_tex(cert) -> str:
    """The certificate in LaTeX, its sup bound as a decimal when the exact form is long.

    The bound of order 50 is a fraction of 30-digit integers: a reader wants
    its size; the exact value stays in the JSON results.
    """
    tex = sr.latex(cert)
    bound = cert.sup_error_bound
    if bound is not None:
        exact = sympy.latex(bound)
        if len(exact) > 30 and exact in tex:
            tex = tex.replace(exact, f"{float(bound):.4g}")
    return tex


def _experiment_checks(checks: list[Check], result, honest: float, authors: float,
                       exact_dc: float, bound: float) -> dict:
    """Cross-check the experiment's numbers against the derivation; return the ones shown."""
    if result is None:
        return {}
    n = result.numbers
    close(checks, "experiment va: honest RRMSE = derivation's", n["rrmse_honest_percent"],
          honest, rtol=1e-9, why="same signal, order, rate and duration")
    close(checks, "experiment va: input-referenced RRMSE = derivation's",
          n["rrmse_paper_metric_percent"], authors, rtol=1e-9, why="same computation")
    close(checks, "experiment va: exact DC = derivation's", n["dc"]["exact_float"], exact_dc,
          atol=1e-12, why="both from the exact layer")
    check(checks, "experiment va: max error within the certificate",
          bool(n["max_error_within_bound"]) and n["max_error_sampled"] <= bound * (1 + 1e-9),
          f"{n['max_error_sampled']:.6g} <= {bound:.6g}")
    spec = n["fft_of_relu_vs_expansion"]
    check(checks, "experiment va: FFT of ReLU vs exact spectrum", bool(spec["passed"]),
          f"{spec['bins_compared']} bins, max |difference| {spec['max_difference']:.3g} within "
          f"the truncation allowance {spec['truncation']:.3g}")
    chains = n["chains"]
    for name, entry in chains.items():
        check(checks, f"experiment va: {name} chain stage 1 = filtered expansion",
              bool(entry["stage1_vs_filtered_expansion"]["passed"]),
              f"max |difference| {entry['stage1_vs_filtered_expansion']['max_difference']:.3g}"
              f" <= {entry['stage1_vs_filtered_expansion']['atol']:.3g}")
    ma = chains.get("moving_average", {})
    return {
        "rrmse_honest_percent": n["rrmse_honest_percent"],
        "rrmse_paper_metric_percent": n["rrmse_paper_metric_percent"],
        "max_error_sampled": n["max_error_sampled"],
        "sup_error_bound": n["expansion"]["sup_error_bound"],
        "n_frequencies": n["expansion"]["n_frequencies"],
        "dc_exact": n["dc"]["exact"],
        "dc_truncated": n["dc"]["truncated_series"],
        "dc_sampled": n["dc"]["sampled_relu_mean"],
        "dc_sampling_bound": n["dc"]["sampling_bound_rigorous"],
        "fft_of_approximation_max_difference": n["fft_of_approximation"]["max_difference"],
        "fft_of_relu_max_difference": spec["max_difference"],
        "moving_average_power_below_first_null":
            ma.get("power_fraction_below_first_null"),
        "grid_off_content": max(g["max_amplitude_elsewhere"] for e in chains.values()
                                for g in e["grid"]),
    }


def _digits(text: str, n: int) -> str:
    """``text`` (a decimal string) rounded to ``n`` significant digits.

    Examples
    --------
    >>> _digits("0.574441695339480816488228995322", 20)
    '0.57444169533948081649'
    """
    with mpmath.workdps(n + 10):
        return mpmath.nstr(mpmath.mpf(text), n)


def _experiment_rows(v: dict) -> list[list[str]]:
    rows = [
        ["honest RRMSE against ReLU$(x)$", f"{v['rrmse_honest_percent']:.3f}\\%"],
        ["the authors' metric (against the input $x$)",
         f"{v['rrmse_paper_metric_percent']:.2f}\\%"],
        [r"$\max_t |\mathrm{ReLU}(x) - \text{series}|$ (samples)",
         f"{v['max_error_sampled']:.4g}"],
        ["certificate's sup bound", f"{v['sup_error_bound']:.4g}"],
        ["frequencies in the series", str(v["n_frequencies"])],
        ["exact DC", _digits(v["dc_exact"], 20)],
        ["truncated-series DC", f"{v['dc_truncated']:.12f}"],
        ["mean of sampled ReLU", f"{v['dc_sampled']:.12f}"],
        ["sampling bound on that mean", f"{v['dc_sampling_bound']:.3g}"],
        ["FFT of sampled series vs exact spectrum (max)",
         f"{v['fft_of_approximation_max_difference']:.2g}"],
        ["FFT of sampled ReLU vs exact series (max)", f"{v['fft_of_relu_max_difference']:.3g}"],
        ["largest amplitude off the 5~Hz grid and its aliases (chains)",
         f"{v['grid_off_content']:.2g}"],
    ]
    below = v.get("moving_average_power_below_first_null")
    if below:
        rows.append(["moving-average chain: power below the first null, per stage",
                     ", ".join(f"{100 * b:.4f}\\%" for b in below)])
    return rows


def _figure(out: Path, t, x, relu, approx, F, c, freqs, meas, order) -> Path:
    import matplotlib.pyplot as plt
    from symrelu.numeric.plotting import TEXT_WIDTH, save_figure, style

    with style():
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(TEXT_WIDTH, 2.4))
        k = t <= 0.2
        ax1.plot(t[k], x[k], lw=0.8, label="x(t)")
        ax1.plot(t[k], relu[k], lw=1.2, label="ReLU(x)")
        ax1.plot(t[k], approx[k], "--", lw=1.0, label=f"Taylor, N = {order}")
        ax1.set_xlabel("t (s)")
        ax1.legend(loc="upper right", ncol=3, fontsize=6)
        sel = freqs <= 200
        ax2.plot(freqs[sel], 2 * np.abs(meas[sel]) * np.where(freqs[sel] == 0, 0.5, 1),
                 lw=0.8, label="FFT of sampled ReLU")
        keep = F <= 200
        amp = 2 * np.abs(c[keep]) * np.where(F[keep] == 0, 0.5, 1)
        ax2.plot(F[keep], amp, "o", ms=2.5, label="exact series coefficients")
        ax2.set_yscale("log")
        ax2.set_ylim(1e-5, 2)
        ax2.set_xlabel("frequency (Hz)")
        ax2.set_ylabel("amplitude")
        ax2.legend(loc="upper right", fontsize=6)
        fig.tight_layout()
    save_figure(fig, out / "figures" / "sec5a_fig1")
    return Path("figures") / "sec5a_fig1.pdf"


def derive(config: DeriveConfig | None = None) -> Derivation:
    """Derive Section V-A and check it numerically.

    Parameters
    ----------
    config : DeriveConfig, optional
        ``quick``: order 20 instead of the paper's 50.

    Returns
    -------
    Derivation
    """
    config = config or DeriveConfig()
    checks: list[Check] = []
    order = 20 if config.quick else 50
    sig = sr.MultiTone.parse(SIGNAL)
    e = sr.expand(sig, order=order, center="peak")
    cert = e.certificate
    bound = float(cert.sup_error_bound)
    check(checks, "certificate", cert.converges is True,
          f"g in [{cert.g_min}, {cert.g_max}] with C = {cert.center}: converges")
    n = FS * SECONDS
    t = np.arange(n) / FS
    x = lambdify_signal(sig)(t)
    relu = np.maximum(x, 0)
    approx = lambdify_expansion(e)(t)
    sup = float(np.max(np.abs(approx - relu)))
    check(checks, "sup |ReLU - approx| <= certificate", sup <= bound * (1 + 1e-9),
          f"{sup:.6g} <= {bound:.6g} over {n} samples")
    honest = rrmse(approx, relu)
    authors = rrmse(approx, x)
    F, c = spectrum_arrays(e)
    freqs, meas = sample_fft(lambda s: np.maximum(lambdify_signal(sig)(s), 0), FS, n)
    idx = np.rint(F * SECONDS).astype(int)
    ok = idx < len(freqs)
    dev = float(np.max(np.abs(meas[idx[ok]] - c[ok])))
    # |c_F(true) - c_F(series)| <= sup error; aliasing of the true ReLU adds a little
    check(checks, "FFT of sampled ReLU vs exact coefficients", dev <= bound,
          f"max_F |c_F(FFT) - c_F(series)| = {dev:.3g} <= sup bound {bound:.3g}")
    _, meas_series = sample_fft(lambdify_expansion(e), FS, n)
    ok2 = ok & (F < FS / 2)
    err_series = float(np.max(np.abs(meas_series[idx[ok2]] - c[ok2])))
    close(checks, "FFT of sampled series = exact coefficients", err_series, 0.0, atol=1e-9,
          why="trigonometric polynomial sampled over whole periods")
    exact_dc = float(sr.exact_dc(sig, dps=30))
    rows_dc = dc_by_order(sig, order, orders=[0, 1, 2, 5, 10, order])
    for N, dc, b in rows_dc:
        check(checks, f"DC order {N} within bound", abs(float(dc) - exact_dc) <= float(b),
              f"|{float(dc):.8f} - {exact_dc:.8f}| <= {float(b):.4g}")

    # the experiment (symrelu.numeric.experiments.va) at the same order, rate and duration:
    # its Fig. 1, Fig. 2 and convergence figure go into this section, and its numbers
    # must agree with the derivation's own
    result, note = run_experiment(
        "va", config, quick={"order": order, "convergence_order": order, "figures": True},
        full={"order": order, "figures": True})
    exp_numbers = _experiment_checks(checks, result, honest, authors, exact_dc, bound)
    exp_figs = experiment_figures(result, config.out) if result is not None else []

    fig = None
    if config.out is not None and not exp_figs:
        fig = _figure(Path(config.out), t, x, relu, approx, F, c, freqs, meas, order)

    f = Fragment()
    f.section(f"Section {SECTION}: {TITLE}", "sec:va")
    f.para(f"The input is $x(t) = {sr.latex(sig)}$, sampled at $f_s = {FS}$~Hz for "
           f"{SECONDS}~s. With the peak center $C = P^2/2 = {sympy.latex(e.center)}$ "
           f"the certificate reads ${_certificate_tex(cert)}$. The series of order {order} holds "
           f"{len(F)} frequencies (multiples of 5~Hz up to {F.max():.0f}~Hz).")
    rows = [[str(N), f"${sympy.latex(dc)}$" if len(sympy.latex(dc)) < 40 else
             f"{float(dc):.10f}", f"{float(dc):.10f}", f"{float(dc) - exact_dc:+.3e}",
             f"{float(b):.3e}"] for N, dc, b in rows_dc]
    f.table(["$N$", "truncated DC", "decimal", "minus exact", "bound"], rows, align="rllrr",
            caption=f"Truncated DC per order against the exact DC {exact_dc:.12f}; the bound is "
                    r"$\tfrac12\sqrt{C}\binom{2N}{N}4^{-N}$. Convergence is slow "
                    r"($\sim N^{-1/2}$ for the bound) because $|x|$ has a kink.")
    f.correction(
        "the error figure",
        f"The authors' printed \\%RRMSE compares the approximation with the \\emph{{input}} "
        f"$x$; here that number is {authors:.2f}\\%. Against $\\mathrm{{ReLU}}(x)$, which is "
        f"what the series approximates, the error is {honest:.2f}\\% (order {order}), with "
        f"$\\sup_t|\\mathrm{{ReLU}}(x) - \\text{{approx}}| = {sup:.4f}$ (certificate bound "
        f"{bound:.4f}).")
    if fig is not None:
        f.figure(fig, f"Fig.~1 reproduced: time domain (first 0.2~s) and spectrum; dots are the "
                      f"exact coefficients of the order-{order} series, the line the FFT of the "
                      f"sampled ReLU ({SECONDS}~s at {FS}~Hz).")
    f.subsection("The experiment")
    f.para(tex_escape(note) + " It is also run alone by \\texttt{symrelu experiment va}.")
    if exp_numbers:
        f.table(["quantity", "value"], _experiment_rows(exp_numbers), align="lr",
                caption=f"Experiment V-A (order {order}, {FS}~Hz, {SECONDS}~s); every number "
                        "is also in \\texttt{va/results.json} with its provenance.")
    for path in exp_figs:
        f.figure(path, _FIGURE_CAPTIONS.get(Path(path).stem, "Experiment V-A.").format(
            order=order, fs=FS, seconds=SECONDS))
    f.checks(checks)
    return Derivation(
        KEY, SECTION, TITLE, f.text(), checks,
        results={"order": order, "rrmse_vs_relu_percent": honest,
                 "rrmse_vs_input_percent": authors, "sup_error": sup, "bound": bound,
                 "exact_dc": exact_dc,
                 "dc_by_order": [{"N": N, "dc": str(dc), "float": float(dc)}
                                 for N, dc, _ in rows_dc],
                 "n_frequencies": int(len(F)), "max_coefficient_deviation": dev,
                 "rrmse_ratio_check": math.isfinite(honest),
                 "experiment": note, "experiment_numbers": exp_numbers},
        figures=[fig] if fig else list(exp_figs),
        corrections=[f"the authors' RRMSE compares with the input ({authors:.2f}%); against "
                     f"ReLU(x) it is {honest:.2f}% at order {order}"],
    )


if __name__ == "__main__":  # pragma: no cover
    from symrelu.derivations._common import main_for

    main_for(__name__)
