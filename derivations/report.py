r"""The per-signal report behind ``symrelu report``: a standalone document for any input.

Contents: the input and its tones; :math:`x^2` and :math:`g` with their
frequency sets; the expansion order by order (new frequencies of each
:math:`g^n`, then every output coefficient exactly, long expressions
summarised in the table and written in full in the appendix and the JSON);
the certificate; the truncated DC per order against the exact DC; and the
predicted spectrum against the FFT of the sampled activation.

Examples
--------
>>> import symrelu as sr
>>> rep = build_report(sr.MultiTone.parse("1@5 + 0.6@10:0.9"), order=2)
>>> "Certificate" in rep.tex and rep.data["schema"]
'symrelu.report/1'
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import sympy
from symrelu.derivations._common import Fragment, tex_escape
from symrelu.derivations.build import document

import symrelu as sr
from symrelu.expr_parse import safe_sympify

__all__ = ["Report", "build_report", "SHORT"]

#: longest LaTeX (characters) shown in a table cell; longer ones go to the appendix
SHORT = 60
_MAX_LIST = 14
_MAX_APPENDIX = 80


@dataclass
class Report:
    """A built report: the LaTeX document, its JSON data and the figure files it needs."""

    tex: str
    data: dict
    figures: dict[str, bytes] = field(default_factory=dict)


def _label_text(e: sr.Expansion, key: Any) -> str:
    if e.regime == "periodic":
        return sympy.latex(e.label(key))
    F = e.model.frequency(key)
    return f"{sympy.latex(F)}\\ ({','.join(map(str, key))})"


def _list(items: list[str]) -> str:
    if len(items) <= _MAX_LIST:
        return ", ".join(f"${i}$" for i in items)
    more = len(items) - _MAX_LIST
    return ", ".join(f"${i}$" for i in items[:_MAX_LIST]) + f", \\dots\\ (+{more})"


def _sorted_keys(e: sr.Expansion, keys) -> list:
    if e.regime == "periodic":
        return sorted(keys)
    return sorted(keys, key=lambda k: (sum(abs(v) for v in k), k))


def _number(v: Any) -> float | None:
    try:
        v = safe_sympify(v)
        return complex(sympy.N(v, 17)).real if v.is_number else None
    except (TypeError, ValueError):
        return None


def _exact_dc(sig: sr.MultiTone, act, regime: str) -> tuple[float | None, str]:
    """symrelu.exact_dc, or (None, reason) when it refuses the signal (a SymreluError)."""
    try:
        return float(sr.exact_dc(sig, activation=act, regime=regime, dps=30)), "symrelu.exact_dc"
    except sr.SymreluError as exc:  # a refusal: the report still has everything else
        return None, f"symrelu.exact_dc refused: {exc}"


def _convergence(signal: sr.MultiTone, order: int, center: Any, act, regime: str):
    """symrelu.convergence_table, or (None, reason) when it refuses the signal."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return sr.convergence_table(signal, orders=order, center=center, activation=act,
                                        regime=regime, dps=30), ""
    except sr.SymreluError as exc:  # a refusal: the report still has everything else
        return None, f"symrelu.convergence_table refused: {exc}"


def _dc_section(f: Fragment, signal: sr.MultiTone, e: sr.Expansion, center: Any, act,
                regime: str, order: int) -> tuple[float | None, str, list[dict]]:
    """The truncated DC for orders 0..N against the exact DC, from the exact layer's
    convergence table; returns (exact DC, its source, JSON rows)."""
    import mpmath

    rows_data: list[dict] = []
    tab, why = (None, "the exact DC needs numeric values") if not signal.is_numeric else \
        _convergence(signal, order, center, act, regime)
    if tab is None:
        exact, source = _exact_dc(signal, act, regime) if signal.is_numeric else \
            (None, why)
        if signal.is_numeric and why:
            source = f"{source}; no convergence table ({why})"
        f.para(f"Exact DC: {'n/a' if exact is None else f'{exact:.15g}'} "
               f"({tex_escape(source)}).")
        return exact, source, rows_data
    exact = float(tab.exact)
    source = "symrelu.convergence_table (exact DC by symrelu.exact_dc, 30 digits)"
    rows = []
    for r in tab.rows:
        tex = sympy.latex(r.truncated)
        holds = {True: "yes", False: "\\textbf{NO}", None: "--"}[r.bound_holds]
        rows.append([str(r.order), f"${tex}$" if len(tex) <= 40 else "--",
                     mpmath.nstr(r.value, 12, min_fixed=-6, max_fixed=14),
                     mpmath.nstr(r.error, 3, min_fixed=-6, max_fixed=14),
                     "--" if r.bound is None else mpmath.nstr(r.bound, 3, min_fixed=-6,
                                                              max_fixed=14),
                     holds])
        rows_data.append({"N": r.order, "dc": str(r.truncated), "float": float(r.value),
                          "error": float(r.error),
                          "bound": None if r.bound is None else float(r.bound),
                          "bound_holds": r.bound_holds})
    f.table(["$N$", "truncated DC", "decimal", "$|$error$|$", "bound", "error $\\le$ bound"],
            rows, align="rllrrl", long=True,
            caption=f"The truncated DC of orders 0..{order} against the exact DC "
                    f"{mpmath.nstr(tab.exact, 15)}; the bound is the certificate's "
                    r"$c\sqrt{C}\binom{2N}{N}4^{-N}$ (none when the series diverges).")
    f.para(f"Exact DC: {exact:.15g} ({tex_escape(source)}).")
    if tab.converges is False:
        f.para("The series diverges for this center, so the rows above are not expected "
               "to approach the exact DC.")
    paper = _paper_order0(signal, act, regime)
    if paper is not None and exact:
        f.para(f"The paper's order-0 value (eq.~8, center $\\overline{{x^2}}$) is "
               f"${sympy.latex(paper)}$ $= {float(paper):.10g}$, "
               f"{100 * (float(paper) / exact - 1):+.2f}\\% from the exact DC.")
    return exact, source, rows_data


def _paper_order0(signal: sr.MultiTone, act, regime: str) -> sympy.Expr | None:
    try:
        e0 = sr.expand(signal, order=0, center="mean_square", activation=act, regime=regime)
        return sympy.radsimp(sympy.expand(e0.dc_unchecked))  # the paper's value, even divergent
    except Exception:  # noqa: BLE001 - e.g. a zero mean square
        return None


def _figure(e: sr.Expansion) -> dict[str, bytes] | None:
    """Predicted spectrum vs FFT of the sampled activation, as PNG and PDF bytes."""
    import io

    import matplotlib.pyplot as plt
    import numpy as np
    from symrelu.numeric.lambdify import lambdify_signal, spectrum_arrays
    from symrelu.numeric.plotting import COLUMN_WIDTH, style

    sig, act = e.signal, e.activation
    F, c = spectrum_arrays(e)
    fmax = float(F.max()) if len(F) else 1.0
    x_fn = lambdify_signal(sig)
    if e.regime == "periodic":
        T = float(1 / sig.base_frequency)
        periods = max(1, int(np.ceil(8 * float(sig.base_frequency) / max(fmax, 1e-9))))
        n = 1 << int(np.ceil(np.log2(8 * fmax * T * periods + 64)))
        t = np.arange(n) * (T * periods / n)
        win = np.ones(n)
    else:
        fmin = min(float(f) for f in sig.frequencies)
        duration = 200 / fmin
        n = 1 << int(np.ceil(np.log2(8 * fmax * duration + 64)))
        t = np.arange(n) * (duration / n)
        win = np.hanning(n)
    x = x_fn(t)
    y = act.numpy(x)
    spec = np.fft.rfft(y * win) / win.sum()
    freqs = np.fft.rfftfreq(n, t[1] - t[0])
    amp_fft = 2 * np.abs(spec)
    amp_fft[0] /= 2
    amp_pred = 2 * np.abs(c)
    amp_pred[F == 0] /= 2
    with style():
        fig, ax = plt.subplots(figsize=(COLUMN_WIDTH * 1.9, 2.6))
        sel = freqs <= 1.1 * fmax
        ax.plot(freqs[sel], np.maximum(amp_fft[sel], 1e-12), lw=0.8,
                label="FFT of the sampled activation")
        ax.plot(F, np.maximum(amp_pred, 1e-12), "o", ms=2.5,
                label=f"order-{e.order} series (exact coefficients)")
        ax.set_yscale("log")
        top = max(amp_pred.max(), amp_fft.max())
        ax.set_ylim(top * 1e-6, top * 2)
        ax.set_xlabel("frequency")
        ax.set_ylabel("amplitude")
        ax.legend(loc="upper right", fontsize=6)
        fig.tight_layout()
        out = {}
        for fmt in ("pdf", "png"):
            buf = io.BytesIO()
            meta = {"CreationDate": None, "ModDate": None} if fmt == "pdf" else {"Software": None}
            fig.savefig(buf, format=fmt, metadata=meta)
            out[fmt] = buf.getvalue()
    plt.close(fig)
    return out


def build_report(signal: sr.MultiTone, order: int = 6, center: Any = "peak",
                 activation: Any = "relu", regime: str = "auto", *, figure: bool = True,
                 figure_name: str = "spectrum") -> Report:
    """Build the report of ``activation(signal)`` expanded to ``order``.

    Parameters
    ----------
    signal : MultiTone
    order : int
    center, activation, regime
        As for :func:`symrelu.expand`.
    figure : bool
        Draw the spectrum figure (needs matplotlib and a numeric signal).
    figure_name : str
        File stem the document uses for the figure (``NAME.pdf`` beside the .tex).

    Returns
    -------
    Report
        ``tex``: the standalone document; ``data``: the ``symrelu.report/1``
        JSON document (every coefficient in full); ``figures``: ``{"pdf": bytes,
        "png": bytes}`` or empty.
    """
    e = sr.expand(signal, order=order, center=center, activation=activation, regime=regime)
    act = e.activation
    cert = e.certificate
    per_kink = isinstance(cert, tuple)   # a PiecewiseExpansion: one certificate per kink
    certs = cert if per_kink else (cert,)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spectrum = e.spectrum()
    diverges = (e.converges if per_kink else cert.converges) is False
    sup_bound = e.sup_error_bound if per_kink else cert.sup_error_bound
    f = Fragment()
    name = act.latex_name()

    f.section("Input")
    f.para(f"$x(t) = {sr.latex(signal)}$")
    rows = [[str(i + 1), f"${sympy.latex(a)}$", f"${sympy.latex(fr)}$", f"${sympy.latex(p)}$"]
            for i, (a, fr, p) in enumerate(signal.tones)]
    if rows:
        f.table(["tone", "amplitude $A_i$", "frequency $f_i$", r"phase $\varphi_i$"], rows,
                align="rlll")
    base = (f"base frequency $f_0 = {sympy.latex(signal.base_frequency)}$ (periodic regime: "
            "commensurate frequencies are collected)" if e.regime == "periodic"
            else "generic regime: each multi-index $k$ is its own frequency $k\\cdot f$")
    if getattr(act, "is_kink_at_zero", False):
        form = f"{sympy.latex(act.linear)}\\,x + {sympy.latex(act.abs_weight)}\\,|x|"
    else:
        form = sympy.latex(act(sympy.Symbol("x", real=True)))
    f.para(f"Offset $b = {sympy.latex(signal.offset)}$; activation ${name}$ "
           f"$= {form}$; {base}.")

    f.section("The square and g")
    x2_keys = _sorted_keys(e, e.indices(order=1))
    f.para(r"$x^2$ and $g = x^2/C - 1$ hold the same frequencies (they differ only in the DC): "
           + _list([_label_text(e, k) for k in x2_keys]) + ".")
    f.para(f"Center: ${sympy.latex(e.center)}$ "
           f"({tex_escape(str(center))}); $\\overline{{x^2}} = "
           f"{sympy.latex(signal.mean_square)}$, peak bound $P = {sympy.latex(signal.peak)}$.")

    f.section(f"Expansion to order {order}")
    f.eq(e.latex(max_terms=0).split(";")[0].replace("\\quad", ""))
    seen: set = set()
    order_rows = []
    for n in range(order + 1):
        keys = set(e.indices(order=n))
        new = _sorted_keys(e, keys - seen)
        seen |= keys
        a_n = sr.taylor_coefficients(n + 1)[n]
        order_rows.append([str(n), f"${sympy.latex(a_n)}$", str(len(keys)), str(len(new)),
                           _list([_label_text(e, k) for k in new]) if new else "--"])
    f.table(["$n$", "$a_n$", "freqs in $g^n$", "new", "new frequencies"], order_rows,
            align="rrrrp{0.55\\linewidth}",
            caption="Frequencies each power of $g$ contributes (one of each $\\pm$ pair).")

    coeff_rows, appendix, json_rows = [], [], []
    for label, c in spectrum.items():
        key = label if e.regime == "generic" else (int(label / signal.base_frequency),)
        text = sympy.latex(c)
        freq = label if e.regime == "periodic" else e.model.frequency(label)
        val = _number(sympy.Abs(c))
        amp = None if val is None else (val if freq == 0 else 2 * val)
        ref = text if len(text) <= SHORT else None
        if ref is None and len(appendix) < _MAX_APPENDIX:
            appendix.append((_label_text(e, key), text))
            ref = f"see A.{len(appendix)}"
        elif ref is None:
            ref = "in the JSON"
        coeff_rows.append([f"${_label_text(e, key)}$", f"${ref}$" if not ref.startswith(("see",
                           "in the")) else ref, "--" if amp is None else f"{amp:.6g}"])
        json_rows.append({"frequency": str(freq), "index": list(label)
                          if e.regime == "generic" else None, "c": str(c), "amplitude": amp})
    f.table(["frequency", "$c_F$ (exact)", "amplitude $2|c_F|$"], coeff_rows,
            align="lll", long=True,
            caption=f"Every output coefficient of the order-{order} series "
                    r"($y = c_0 + 2\,\mathrm{Re}\sum c_F e^{2\pi i F t}$).")

    f.section("Certificate")
    for (t, _), one in zip(e.kinks if per_kink else ((None, None),), certs):
        where = "" if t is None else f"Kink at $t = {sympy.latex(t)}$: "
        f.para(f"{where}${sr.latex(one)}$.")
    if per_kink and sup_bound is not None:
        f.para(f"The kinks' bounds add: $\\sup|f - \\text{{series}}| \\le "
               f"{sympy.latex(sup_bound)}$.")
    if diverges:
        f.para(r"\textbf{The series diverges for this center}: $g$ leaves $[-1, 1]$, so the "
               r"coefficients above do not approximate the activation. Use the peak center.")
    elif sup_bound is not None:
        f.para("Every coefficient of the truncated series is within the sup bound of the "
               "true one (a cosine amplitude within twice it).")

    f.section("DC: truncated series against the exact value")
    exact, source, dc_rows_data = _dc_section(f, signal, e, center, act, regime, order)
    figures = {}
    if figure and signal.is_numeric and not diverges:
        figures = _figure(e) or {}
        if figures:
            f.section("Spectrum")
            f.figure(f"{figure_name}.pdf", "Predicted spectrum (dots: exact coefficients of the "
                     "truncated series) against the FFT of the sampled activation (line).",
                     width="0.9\\linewidth")
    if appendix:
        f.para("\\appendix")
        f.section("Full coefficients")
        for i, (lab, text) in enumerate(appendix, start=1):
            f.para(f"\\textbf{{A.{i}}} ($F = {lab}$): "
                   f"\\begin{{flushleft}}$c_F = {text}$\\end{{flushleft}}")

    pretty = {"relu": "ReLU", "abs": "abs", "leaky": "LeakyReLU"}.get(act.name, act.name)
    title = (f"What {pretty} does to "
             f"\\texttt{{{tex_escape(signal.to_string())}}}")
    data = {
        "schema": "symrelu.report/1",
        "signal": signal.to_string(),
        "order": order,
        "center": str(e.center),
        "regime": e.regime,
        "activation": act.name,
        "certificate": [c.to_dict() for c in certs] if per_kink else cert.to_dict(),
        "dc": {"truncated": str(spectrum.get(e.label((0,) * e.model.key_dims), 0)),
               "exact": exact, "exact_source": source, "by_order": dc_rows_data},
        "coefficients": json_rows,
        "warnings": sorted({str(w.message) for w in caught}),
    }
    return Report(document(title, f.text()), data, figures)
