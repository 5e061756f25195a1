r"""LaTeX for signals, expansions, spectra, certificates and tables: the house notation.

Every symrelu result prints itself through sympy's printer protocol: its ``_latex(printer)``
method calls the function here that builds its notation, and that function prints each
number, symbol and sub-expression with ``printer._print``. So ``sympy.latex(obj, **settings)``
and :func:`latex` give the same text and honour sympy's settings (``mul_symbol``,
``fold_short_frac``, ``symbol_names``, ``mode``, ...), and every ``_repr_latex_`` (what
Jupyter shows) is the same text in math mode.

Conventions
-----------
- A signal prints as ``b + A_1 \cos(2\pi f_1 t + \varphi_1) + ...``, tones in their
  canonical order.
- Negative coefficients are written with a minus sign
  (``- \frac{\sqrt{2}}{64} \cos(...)``), never as ``+ \left(- ...\right)``;
  sums keep their parentheses. A coefficient and what it multiplies are separated by the
  printer's ``mul_symbol`` (a space by default).
- An expansion prints the series with the center named C and its value
  stated once, then the approximation as a sum of cosines and sines.
- A spectrum prints as sympy prints a dict, ``\left\{ F : c_F, \  ...\right\}``, with
  ``\ldots`` after ``max_terms`` entries.
- Decimals (mpmath values: numeric certificates, convergence tables) are printed with
  mpmath, at the digits the function names.
"""

from __future__ import annotations

import itertools
from typing import Any

import sympy
from sympy.printing.latex import LatexPrinter

from symrelu.expr_parse import safe_sympify

__all__ = [
    "latex",
    "signal_latex",
    "expansion_latex",
    "spectrum_latex",
    "certificate_latex",
    "coefficient_term",
    "convergence_table_latex",
    "closed_form_latex",
]


def latex(obj: Any, **settings: Any) -> str:
    r"""LaTeX of a symrelu object or any sympy expression, by sympy's printer.

    The same as ``sympy.latex(obj, **settings)``: symrelu's objects print themselves
    through their ``_latex`` method (sympy's printer protocol), so the settings apply
    to every number and sub-expression in them.

    Parameters
    ----------
    obj : MultiTone, Expansion, Spectrum, Certificate, ConvergenceTable or sympy expression
    **settings
        sympy's :class:`~sympy.printing.latex.LatexPrinter` settings (``mul_symbol``,
        ``fold_short_frac``, ``symbol_names``, ``mode``, ...).

    Returns
    -------
    str

    Examples
    --------
    >>> from symrelu import MultiTone
    >>> sig = MultiTone(amplitudes=[1, "-1/2"], frequencies=[5, 10], offset=1)
    >>> print(latex(sig))
    1 + \cos\left(10 \pi t\right) - \frac{1}{2} \cos\left(20 \pi t\right)
    >>> print(latex(sig, fold_short_frac=True, mul_symbol="dot"))
    1 + \cos\left(10 \cdot \pi \cdot t\right) - 1 / 2 \cdot \cos\left(20 \cdot \pi \cdot t\right)
    """
    return LatexPrinter(settings).doprint(obj)


def _printer(printer: LatexPrinter | None) -> LatexPrinter:
    return printer if printer is not None else LatexPrinter()


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        if not out:
            out = part
        elif part.startswith("-"):
            out += " - " + part[1:].lstrip()
        else:
            out += " + " + part
    return out or "0"


def coefficient_term(coeff: Any, factor: str, printer: LatexPrinter | None = None) -> str:
    r"""LaTeX of ``coeff * factor`` with the sign pulled out and 1 omitted.

    Parameters
    ----------
    coeff : sympy expression or number
    factor : str
        LaTeX of what the coefficient multiplies (may be empty).
    printer : LatexPrinter, optional
        Prints the coefficient; its ``mul_symbol`` separates coefficient and factor.

    Returns
    -------
    str
        Starts with ``-`` when the coefficient is negative, so that
        joining terms gives ``a - b`` rather than ``a + \left(- b\right)``.

    Examples
    --------
    >>> import sympy
    >>> print(coefficient_term(-sympy.sqrt(2) / 64, r"\cos t"))
    -\frac{\sqrt{2}}{64} \cos t
    >>> print(coefficient_term(sympy.Rational(1, 2) + sympy.sqrt(2), "x"))
    \left(\frac{1}{2} + \sqrt{2}\right) x
    >>> print(coefficient_term(3, "x", LatexPrinter({"mul_symbol": "times"})))
    3 \times x
    """
    p = _printer(printer)
    coeff = safe_sympify(coeff)
    sep = p._settings["mul_symbol_latex"] if factor else ""
    if coeff == 1:
        return factor or "1"
    if coeff == -1:
        return "-" + (factor or "1")
    if isinstance(coeff, sympy.Add):
        if coeff.is_number and coeff.is_extended_negative:
            return "-" + coefficient_term(-coeff, factor, p)
        return f"\\left({p._print(coeff)}\\right){sep}{factor}"
    if coeff.could_extract_minus_sign():
        return "-" + coefficient_term(-coeff, factor, p)
    return f"{p._print(coeff)}{sep}{factor}"


def signal_latex(sig: Any, printer: LatexPrinter | None = None) -> str:
    r"""A signal as ``b + A_1 \cos(2\pi f_1 t + \varphi_1) + ...`` (what ``latex(sig)`` gives).

    Parameters
    ----------
    sig : MultiTone
    printer : LatexPrinter, optional

    Returns
    -------
    str

    Examples
    --------
    >>> from symrelu import MultiTone
    >>> print(signal_latex(MultiTone.parse("0.2 + 1@5 - 0.5@7")))
    \frac{1}{5} + \cos\left(10 \pi t\right) - \frac{1}{2} \cos\left(14 \pi t\right)
    """
    p = _printer(printer)
    t = sympy.Symbol("t", real=True)
    parts = []
    if not sig.offset.is_zero or not sig.amplitudes:
        parts.append(p._print(sig.offset))
    for a, f, phase in sig.tones:
        if phase == sympy.pi:  # the canonical form of a negative amplitude: print the minus
            a, phase = -a, sympy.Integer(0)
        arg = 2 * sympy.pi * f * t + phase
        parts.append(coefficient_term(a, f"\\cos\\left({p._print(arg)}\\right)", p))
    return _join(parts)


def _re_im(c: Any) -> tuple[Any, Any]:
    """(Re c, Im c), skipping sympy's assumption queries when c is plainly real.

    ``sympy.re`` on a large symbolic coefficient (thousands of terms) asks
    every factor for its assumptions; a coefficient without ``I`` whose
    symbols are all declared real is real, which is a structural test.
    """
    c = safe_sympify(c)
    if not c.has(sympy.I) and all(s.is_extended_real for s in c.free_symbols):
        return c, sympy.Integer(0)
    return sympy.re(c), sympy.im(c)


def _cos_terms(e: Any, max_terms: int, p: LatexPrinter) -> tuple[list[str], int]:
    t = sympy.Symbol("t", real=True)
    # the spectrum may be lazy (symbolic signals: each value is built on access),
    # so only the keys shown are ever indexed
    spectrum = e.spectrum()
    parts = []
    for label in itertools.islice(iter(spectrum), max(0, max_terms)):
        c = spectrum[label]
        f = label if e.regime == "periodic" else e.model.frequency(label)
        if f == 0:
            parts.append(p._print(c))
            continue
        arg = p._print(2 * sympy.pi * f * t)
        re_c, im_c = _re_im(c)
        if re_c != 0 or im_c == 0:
            parts.append(coefficient_term(2 * re_c, f"\\cos\\left({arg}\\right)", p))
        if im_c != 0:
            parts.append(coefficient_term(-2 * im_c, f"\\sin\\left({arg}\\right)", p))
    return parts, len(spectrum)


def _activation_lhs(act: Any, p: LatexPrinter) -> str:
    """``\\mathrm{ReLU}(x)``, ``\\left|x\\right|``, ``\\mathrm{LeakyReLU}_{alpha}(x)``, or
    the activation's own :meth:`~symrelu.Activation.latex_name` applied to x."""
    if act.name == "abs":
        return "\\left|x\\right|"
    if act.name == "relu":
        return "\\mathrm{ReLU}(x)"
    if act.name.startswith("leaky:"):
        return f"\\mathrm{{LeakyReLU}}_{{{p._print(act.alpha)}}}(x)"
    return f"{act.latex_name()}(x)"


def piecewise_expansion_latex(e: Any, *, max_terms: int = 12,
                              printer: LatexPrinter | None = None) -> str:
    r"""The per-kink series of a :class:`~symrelu.piecewise_expansion.PiecewiseExpansion`.

    ``f(x) ~ a + b x + sum_j c_j sqrt(C_j) sum a_n ((x - t_j)^2/C_j - 1)^n`` with the
    values filled in, then the approximation as a sum of cosines.

    Examples
    --------
    >>> from symrelu import MultiTone, expand
    >>> e = expand(MultiTone.parse("1@1"), order=2, activation="hardtanh")
    >>> print(piecewise_expansion_latex(e, max_terms=1))  # doctest: +NORMALIZE_WHITESPACE
    \mathrm{HardTanh}_{[-1, 1]}(x) \approx \frac{1}{2} \sqrt{C_{1}} \sum_{n=0}^{2} a_n
    \left(\frac{\left(x + 1\right)^2}{C_{1}} - 1\right)^n - \frac{1}{2} \sqrt{C_{2}}
    \sum_{n=0}^{2} a_n \left(\frac{\left(x - 1\right)^2}{C_{2}} - 1\right)^n,\
    C_{1} = 2, C_{2} = 2;\quad \mathrm{HardTanh}_{[-1, 1]}(x) \approx
    \frac{17 \sqrt{2}}{32} \cos\left(2 \pi t\right) + \cdots
    """
    p = _printer(printer)
    act = e.activation
    lhs = _activation_lhs(act, p)
    x = sympy.Symbol("x", real=True)
    rhs = []
    if act.intercept != 0:
        rhs.append(p._print(act.intercept))
    if act.linear != 0:
        rhs.append(coefficient_term(act.linear, "x", p))
    centers = []
    for j, ((t, c), part) in enumerate(zip(act.kinks, e.parts), start=1):
        shifted = p._print(x - t)
        series = (f"\\sqrt{{C_{{{j}}}}} \\sum_{{n=0}}^{{{p._print(e.order)}}} a_n "
                  f"\\left(\\frac{{\\left({shifted}\\right)^2}}{{C_{{{j}}}}} - 1\\right)^n")
        rhs.append(coefficient_term(c, series, p))
        centers.append(f"C_{{{j}}} = {p._print(part.center)}")
    head = f"{lhs} \\approx {_join(rhs)},\\ " + ", ".join(centers)
    parts, total = _cos_terms(e, max_terms, p)
    body = _join(parts)
    if total > max_terms:
        body += " + \\cdots"
    return f"{head};\\quad {lhs} \\approx {body}"


def expansion_latex(e: Any, *, max_terms: int = 12, printer: LatexPrinter | None = None) -> str:
    r"""The truncated series (eq. 7 generalised) and its first spectral terms.

    Shows ``act(x) ~ lambda x + c sqrt(C) sum a_n (x^2/C - 1)^n`` with N
    filled in and the value of C stated, then the approximation as a sum of
    cosines, with ``\cdots`` after ``max_terms`` frequencies.

    Parameters
    ----------
    e : Expansion
    max_terms : int
        How many frequencies to print before ``\cdots``.
    printer : LatexPrinter, optional

    Returns
    -------
    str

    Examples
    --------
    >>> from symrelu import MultiTone, expand
    >>> e = expand(MultiTone.parse("1@1"), order=2, activation="abs")
    >>> print(expansion_latex(e))  # doctest: +NORMALIZE_WHITESPACE
    \left|x\right| \approx \sqrt{C} \sum_{n=0}^{2} a_n \left(\frac{x^2}{C} - 1\right)^n,\
    C = \frac{1}{2};\quad
    \left|x\right| \approx \frac{15 \sqrt{2}}{32} + \frac{\sqrt{2}}{4} \cos\left(4 \pi t\right)
    - \frac{\sqrt{2}}{32} \cos\left(8 \pi t\right)
    """
    p = _printer(printer)
    act = e.activation
    lhs = _activation_lhs(act, p)
    series = (f"\\sqrt{{C}} \\sum_{{n=0}}^{{{p._print(e.order)}}} a_n "
              "\\left(\\frac{x^2}{C} - 1\\right)^n")
    rhs = [coefficient_term(act.abs_weight, series, p)]
    if act.linear != 0:
        rhs.insert(0, coefficient_term(act.linear, "x", p))
    head = f"{lhs} \\approx {_join(rhs)},\\ C = {p._print(e.center)}"
    parts, total = _cos_terms(e, max_terms, p)
    body = _join(parts)
    if total > max_terms:
        body += " + \\cdots"
    return f"{head};\\quad {lhs} \\approx {body}"


def spectrum_latex(spec: Any, *, max_terms: int = 12,
                   printer: LatexPrinter | None = None) -> str:
    r"""A spectrum as sympy prints a dict, ``\left\{ F : c_F, \  ...\right\}``.

    Labels (frequencies or multi-indices) in the spectrum's order; after ``max_terms``
    entries ``\ldots`` stands for the rest, whose values are not built.

    Parameters
    ----------
    spec : Spectrum
    max_terms : int
    printer : LatexPrinter, optional

    Returns
    -------
    str

    Examples
    --------
    >>> from symrelu import MultiTone, expand
    >>> spec = expand(MultiTone.parse("1@1"), order=1, activation="abs").spectrum()
    >>> print(spectrum_latex(spec))
    \left\{ 0 : \frac{\sqrt{2}}{2}, \  2 : \frac{\sqrt{2}}{8}\right\}
    """
    p = _printer(printer)
    items = [f"{p._print(label)} : {p._print(spec[label])}"
             for label in itertools.islice(iter(spec), max(0, max_terms))]
    if len(spec) > max_terms:
        items.append("\\ldots")
    return "\\left\\{ " + ", \\  ".join(items) + "\\right\\}"


def _decimal(v: Any, digits: int) -> str:
    import mpmath

    return mpmath.nstr(v, digits, min_fixed=-6, max_fixed=digits + 6)


def certificate_latex(c: Any, printer: LatexPrinter | None = None) -> str:
    r"""One line: the g range, the verdict and the error bound.

    Exact values go through the printer; numeric ones (mpmath, ``kind="numeric"``) are
    printed with 12 digits.

    Parameters
    ----------
    c : Certificate
    printer : LatexPrinter, optional

    Returns
    -------
    str

    Examples
    --------
    >>> from symrelu import MultiTone, expand
    >>> cert = expand(MultiTone.parse("1@1 + 1@2"), order=4).certificate
    >>> print(certificate_latex(cert))  # doctest: +NORMALIZE_WHITESPACE
    g \in \left[-1, 1\right]\ (\text{exact}),\ \text{converges},\
    \sup_t |\varepsilon_{4}(t)| \le \frac{35 \sqrt{2}}{256}
    """
    p = _printer(printer)

    def show(v: Any) -> str:
        if isinstance(v, sympy.Basic):
            return p._print(v)
        import mpmath

        return mpmath.nstr(v, 12)

    verdict = {True: "converges", False: "diverges", None: "undecided"}[c.converges]
    text = (
        f"g \\in \\left[{show(c.g_min)}, {show(c.g_max)}\\right]"
        f"\\ (\\text{{{c.kind}}}),\\ \\text{{{verdict}}}"
    )
    if c.sup_error_bound is not None:
        text += (f",\\ \\sup_t |\\varepsilon_{{{p._print(c.order)}}}(t)| "
                 f"\\le {show(c.sup_error_bound)}")
    return text


def convergence_table_latex(tab: Any, *, digits: int = 12, max_exact: int = 48,
                            printer: LatexPrinter | None = None) -> str:
    r"""A convergence table (:func:`symrelu.convergence_table`) as a LaTeX ``array``.

    One row per order N: the exact truncated DC (its LaTeX when shorter than
    ``max_exact`` characters) and its decimal, the error against the exact DC
    and the certificate's bound ("--" when the series diverges). Math mode,
    so it renders in Jupyter (``_repr_latex_``) and in documents alike; the
    nested ``array`` (no ``\\multicolumn``) is what MathJax and KaTeX support.

    Parameters
    ----------
    tab : ConvergenceTable
    digits : int
        Digits of the decimals (errors and bounds get 3).
    max_exact : int
        Longest LaTeX of a truncated DC shown exactly.
    printer : LatexPrinter, optional
        Prints the exact truncated values.

    Returns
    -------
    str

    Examples
    --------
    >>> import mpmath
    >>> from symrelu import MultiTone, convergence_table
    >>> tab = convergence_table(MultiTone.parse("1@1"), 1, center="mean_square", dps=15)
    >>> print(convergence_table_latex(tab, digits=6))  # doctest: +NORMALIZE_WHITESPACE
    \begin{array}{l}
    \text{exact DC} = 0.31831\ (\text{center mean\_square, converges}) \\
    \begin{array}{rlrr}
    N & \text{truncated DC} & |\text{error}| & \text{bound} \\ \hline
    0 & \frac{\sqrt{2}}{4} \approx 0.353553 & 0.0352 & 0.354 \\
    1 & \frac{\sqrt{2}}{4} \approx 0.353553 & 0.0352 & 0.177
    \end{array}
    \end{array}
    """
    p = _printer(printer)
    verdict = {True: "converges", False: "diverges", None: "undecided"}[tab.converges]
    center = str(tab.center).replace("_", r"\_")
    head = (f"\\text{{exact DC}} = {_decimal(tab.exact, digits)}"
            f"\\ (\\text{{center {center}, {verdict}}})")
    rows = []
    for r in tab.rows:
        exact = p._print(r.truncated)
        value = _decimal(r.value, digits)
        shown = f"{exact} \\approx {value}" if len(exact) <= max_exact else value
        bound = "\\text{--}" if r.bound is None else _decimal(r.bound, 3)
        rows.append(f"{r.order} & {shown} & {_decimal(r.error, 3)} & {bound}")
    body = " \\\\\n".join(rows)
    return ("\\begin{array}{l}\n" + head + " \\\\\n\\begin{array}{rlrr}\n"
            "N & \\text{truncated DC} & |\\text{error}| & \\text{bound} \\\\ \\hline\n"
            + body + "\n\\end{array}\n\\end{array}")


def closed_form_latex(expr: Any, lhs: str = "y(t)", printer: LatexPrinter | None = None) -> str:
    r"""``lhs = closed form``; closed forms are sympy expressions, printed by the printer.

    (:func:`symrelu.closed_form` and friends return plain sympy expressions, so
    ``sympy.latex`` and :func:`latex` print them as sympy does.)

    Parameters
    ----------
    expr : sympy expression
    lhs : str
        LaTeX of the left-hand side.
    printer : LatexPrinter, optional

    Returns
    -------
    str

    Examples
    --------
    >>> from symrelu import MultiTone, closed_form_dc
    >>> print(closed_form_latex(closed_form_dc(MultiTone.parse("1@3")), r"\overline{y}"))
    \overline{y} = \frac{1}{\pi}
    """
    return f"{lhs} = {_printer(printer)._print(safe_sympify(expr))}"
