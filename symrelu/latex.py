r"""LaTeX for signals, expansions and certificates: the house notation in one place.

:class:`SymreluLatexPrinter` extends sympy's printer with the project's
objects; :func:`latex` is the entry point, and every ``_repr_latex_`` delegates
here so notebooks and reports agree.
"""

from __future__ import annotations

from typing import Any

import sympy
from sympy.printing.latex import LatexPrinter

__all__ = ["SymreluLatexPrinter", "latex", "expansion_latex", "certificate_latex"]


class SymreluLatexPrinter(LatexPrinter):
    """sympy's LaTeX printer, knowing :class:`MultiTone`, expansions and certificates."""

    def _print_MultiTone(self, sig: Any) -> str:  # noqa: N802 - sympy's naming protocol
        t = sympy.Symbol("t", real=True)
        parts = []
        if not sig.offset.is_zero or not sig.amplitudes:
            parts.append(self._print(sig.offset))
        for a, f, p in sig.tones:
            arg = 2 * sympy.pi * f * t + p
            amp = "" if a == 1 else ("-" if a == -1 else self.parenthesize(a, 50) + " ")
            parts.append(f"{amp}\\cos\\left({self._print(arg)}\\right)")
        return _join(parts)

    def _print_Expansion(self, e: Any) -> str:  # noqa: N802
        return expansion_latex(e)

    def _print_Certificate(self, c: Any) -> str:  # noqa: N802
        return certificate_latex(c)


def latex(obj: Any, **settings: Any) -> str:
    """LaTeX of a symrelu object or any sympy expression.

    Examples
    --------
    >>> from symrelu import MultiTone
    >>> latex(MultiTone(amplitudes=[1, "1/2"], frequencies=[5, 10], offset=1))
    '1 + \\\\cos\\\\left(10 \\\\pi t\\\\right) + \\\\frac{1}{2} \\\\cos\\\\left(20 \\\\pi t\\\\right)'
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


def _cos_terms(e: Any, max_terms: int) -> tuple[list[str], int]:
    printer = SymreluLatexPrinter()
    t = sympy.Symbol("t", real=True)
    items = list(e.spectrum().items())
    parts = []
    for label, c in items[:max_terms]:
        f = label if e.regime == "periodic" else e.model.frequency(label)
        if f == 0:
            parts.append(printer._print(c))
            continue
        arg = printer._print(2 * sympy.pi * f * t)
        re_c, im_c = sympy.re(c), sympy.im(c)
        if im_c == 0:
            parts.append(f"{printer.parenthesize(2 * re_c, 50)} \\cos\\left({arg}\\right)")
        else:
            parts.append(f"{printer.parenthesize(2 * re_c, 50)} \\cos\\left({arg}\\right)")
            parts.append(f"{printer.parenthesize(-2 * im_c, 50)} \\sin\\left({arg}\\right)")
    return parts, len(items)


def expansion_latex(e: Any, *, max_terms: int = 12) -> str:
    """The truncated series (eq. 7 generalised) and its first spectral terms.

    Shows ``act(x) ~ lambda x + c sqrt(C) sum a_n g^n`` with C and N filled in,
    then the approximation as a sum of cosines, with ``\\cdots`` after
    ``max_terms`` frequencies.
    """
    p = SymreluLatexPrinter()
    act = e.activation
    C = p._print(e.centre)
    lin = "" if act.linear == 0 else f"{_factor(p, act.linear)} x + "
    series = (
        f"{act.latex_name()}(x) \\approx {lin}{_factor(p, act.abs_weight)}"
        f"\\sqrt{{{C}}} \\sum_{{n=0}}^{{{e.order}}} a_n \\left(\\frac{{x^2}}{{{C}}} - 1\\right)^n"
    )
    parts, total = _cos_terms(e, max_terms)
    body = _join(parts)
    if total > max_terms:
        body += " + \\cdots"
    return f"{series} = {body}"


def _factor(p: LatexPrinter, value: Any) -> str:
    """A coefficient written before a product: nothing for 1, parentheses only for sums."""
    if value == 1:
        return ""
    text = p._print(value)
    return f"\\left({text}\\right)" if isinstance(value, sympy.Add) else text + " "


def certificate_latex(c: Any) -> str:
    """One line: the g range, the verdict and the error bound."""
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
