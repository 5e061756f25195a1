r"""LaTeX for signals, expansions and certificates: the house notation in one place.

:class:`SymreluLatexPrinter` extends sympy's printer with the project's
objects; :func:`latex` is the entry point, and every ``_repr_latex_`` delegates
here so notebooks and reports agree.

Conventions
-----------
- A signal prints as ``b + A_1 \cos(2\pi f_1 t + \varphi_1) + ...``.
- Negative coefficients are written with a minus sign
  (``- \frac{\sqrt{2}}{64} \cos(...)``), never as ``+ \left(- ...\right)``;
  sums keep their parentheses.
- An expansion prints the series with the center named C and its value
  stated once, then the approximation as a sum of cosines and sines.
"""

from __future__ import annotations

import itertools
from typing import Any

import sympy
from sympy.printing.latex import LatexPrinter

from symrelu.expr_parse import safe_sympify

__all__ = [
    "SymreluLatexPrinter",
    "latex",
    "expansion_latex",
    "certificate_latex",
    "coefficient_term",
    "convergence_table_latex",
    "closed_form_latex",
]


class SymreluLatexPrinter(LatexPrinter):
    """sympy's LaTeX printer, knowing :class:`MultiTone`, expansions and certificates."""

    def _print(self, expr: Any, **kwargs: Any) -> str:
        # MultiTone has its own ``_latex`` (sympy's print method, which wins over
        # ``_print_MultiTone``); the house notation keeps the tones in order.
        if type(expr).__name__ == "MultiTone":
            return self._print_MultiTone(expr)
        return super()._print(expr, **kwargs)

    def _print_MultiTone(self, sig: Any) -> str:  # noqa: N802 - sympy's naming protocol
        t = sympy.Symbol("t", real=True)
        parts = []
        if not sig.offset.is_zero or not sig.amplitudes:
            parts.append(self._print(sig.offset))
        for a, f, p in sig.tones:
            if p == sympy.pi:  # the canonical form of a negative amplitude: print the minus
                a, p = -a, sympy.Integer(0)
            arg = 2 * sympy.pi * f * t + p
            parts.append(coefficient_term(a, f"\\cos\\left({self._print(arg)}\\right)", self))
        return _join(parts)

    def _print_Expansion(self, e: Any) -> str:  # noqa: N802
        return expansion_latex(e)

    def _print_Certificate(self, c: Any) -> str:  # noqa: N802
        return certificate_latex(c)

    def _print_ConvergenceTable(self, tab: Any) -> str:  # noqa: N802
        return convergence_table_latex(tab)


def latex(obj: Any, **settings: Any) -> str:
    """LaTeX of a symrelu object or any sympy expression.

    Parameters
    ----------
    obj : MultiTone, Expansion, Certificate or sympy expression
    **settings
        Passed to sympy's :class:`~sympy.printing.latex.LatexPrinter`.

    Returns
    -------
    str

    Examples
    --------
    >>> from symrelu import MultiTone
    >>> print(latex(MultiTone(amplitudes=[1, "-1/2"], frequencies=[5, 10], offset=1)))
    1 + \\cos\\left(10 \\pi t\\right) - \\frac{1}{2} \\cos\\left(20 \\pi t\\right)
    """
    return SymreluLatexPrinter(settings).doprint(obj)


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
    """
    p = printer if printer is not None else SymreluLatexPrinter()
    coeff = safe_sympify(coeff)
    sep = " " if factor else ""
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


def _cos_terms(e: Any, max_terms: int) -> tuple[list[str], int]:
    printer = SymreluLatexPrinter()
    t = sympy.Symbol("t", real=True)
    # the spectrum may be lazy (symbolic signals: each value is built on access),
    # so only the keys shown are ever indexed
    spectrum = e.spectrum()
    parts = []
    for label in itertools.islice(iter(spectrum), max(0, max_terms)):
        c = spectrum[label]
        f = label if e.regime == "periodic" else e.model.frequency(label)
        if f == 0:
            parts.append(printer._print(c))
            continue
        arg = printer._print(2 * sympy.pi * f * t)
        re_c, im_c = _re_im(c)
        if re_c != 0 or im_c == 0:
            parts.append(coefficient_term(2 * re_c, f"\\cos\\left({arg}\\right)", printer))
        if im_c != 0:
            parts.append(coefficient_term(-2 * im_c, f"\\sin\\left({arg}\\right)", printer))
    return parts, len(spectrum)


def expansion_latex(e: Any, *, max_terms: int = 12) -> str:
    r"""The truncated series (eq. 7 generalised) and its first spectral terms.

    Shows ``act(x) ~ lambda x + c sqrt(C) sum a_n (x^2/C - 1)^n`` with N
    filled in and the value of C stated, then the approximation as a sum of
    cosines, with ``\cdots`` after ``max_terms`` frequencies.

    Parameters
    ----------
    e : Expansion
    max_terms : int
        How many frequencies to print before ``\cdots``.

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
    p = SymreluLatexPrinter()
    act = e.activation
    name = act.latex_name()
    lhs = "\\left|x\\right|" if act.name == "abs" else f"{name}(x)"
    lin = "" if act.linear == 0 else coefficient_term(act.linear, "x", p) + " + "
    series = (
        f"{lhs} \\approx {lin}{coefficient_term(act.abs_weight, '', p)}"
        f" \\sqrt{{C}} \\sum_{{n=0}}^{{{e.order}}} a_n \\left(\\frac{{x^2}}{{C}} - 1\\right)^n"
        f",\\ C = {p._print(e.center)}"
    ).replace("approx 1 \\sqrt", "approx \\sqrt").replace("+ 1 \\sqrt", "+ \\sqrt")
    parts, total = _cos_terms(e, max_terms)
    body = _join(parts)
    if total > max_terms:
        body += " + \\cdots"
    return f"{series};\\quad {lhs} \\approx {body}"


def certificate_latex(c: Any) -> str:
    r"""One line: the g range, the verdict and the error bound.

    Parameters
    ----------
    c : Certificate

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
    p = SymreluLatexPrinter()

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
        text += f",\\ \\sup_t |\\varepsilon_{{{c.order}}}(t)| \\le {show(c.sup_error_bound)}"
    return text


def _decimal(v: Any, digits: int) -> str:
    import mpmath

    return mpmath.nstr(v, digits, min_fixed=-6, max_fixed=digits + 6)


def convergence_table_latex(tab: Any, *, digits: int = 12, max_exact: int = 48) -> str:
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
    p = SymreluLatexPrinter()
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


def closed_form_latex(expr: Any, lhs: str = "y(t)") -> str:
    r"""``lhs = closed form`` in the house printer (closed forms are sympy expressions).

    Examples
    --------
    >>> from symrelu import MultiTone, closed_form_dc
    >>> print(closed_form_latex(closed_form_dc(MultiTone.parse("1@3")), r"\overline{y}"))
    \overline{y} = \frac{1}{\pi}
    """
    return f"{lhs} = {latex(expr)}"
