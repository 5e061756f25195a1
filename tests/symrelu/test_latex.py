"""LaTeX of known expressions against golden strings."""

from __future__ import annotations

import sympy

from symrelu import LeakyReLU, MultiTone, expand
from symrelu.latex import certificate_latex, coefficient_term, expansion_latex, latex


def test_signal_golden():
    sig = MultiTone.parse("0.2 + 1@5 - 0.5@7:pi/2")
    # the canonical tone: -1/2 cos(. + pi/2) is held as 1/2 cos(. - pi/2)
    assert latex(sig) == (r"\frac{1}{5} + \cos\left(10 \pi t\right) + \frac{1}{2} "
                          r"\cos\left(14 \pi t - \frac{\pi}{2}\right)")


def test_signal_repr_latex():
    assert MultiTone.parse("2@3")._repr_latex_() == (
        r"$\displaystyle x(t) = 2 \cos\left(6 \pi t\right)$")


def test_negative_coefficient_has_minus_sign():
    assert coefficient_term(-sympy.sqrt(2) / 64, r"\cos t") == r"-\frac{\sqrt{2}}{64} \cos t"
    assert coefficient_term(-1, "x") == "-x"
    assert coefficient_term(1, "x") == "x"
    assert coefficient_term(sympy.Rational(1, 4) + sympy.sqrt(2), "x") == (
        r"\left(\frac{1}{4} + \sqrt{2}\right) x")


def test_single_tone_expansion_golden():
    e = expand(MultiTone.parse("1@1"), order=2)
    assert expansion_latex(e) == (
        r"\mathrm{ReLU}(x) \approx \frac{1}{2} x + \frac{1}{2} \sqrt{C} \sum_{n=0}^{2} a_n "
        r"\left(\frac{x^2}{C} - 1\right)^n,\ C = \frac{1}{2};\quad \mathrm{ReLU}(x) \approx "
        r"\frac{15 \sqrt{2}}{64} + \frac{1}{2} \cos\left(2 \pi t\right) + \frac{\sqrt{2}}{8} "
        r"\cos\left(4 \pi t\right) - \frac{\sqrt{2}}{64} \cos\left(8 \pi t\right)")
    assert "+ \\left(-" not in expansion_latex(e)
    assert e._repr_latex_() == "$\\displaystyle " + expansion_latex(e) + "$"


def test_expansion_truncates_with_cdots():
    e = expand(MultiTone.parse("1@5 + 1@10 + 1@20 + 1@40"), order=2)
    text = e.latex(max_terms=2)
    assert text.endswith(r"\left(\frac{29 \sqrt{2}}{512} + \frac{1}{2}\right) "
                         r"\cos\left(10 \pi t\right) + \cdots")


def test_leaky_and_abs_names():
    sig = MultiTone.parse("1@1")
    assert expansion_latex(expand(sig, order=0, activation="abs")).startswith(
        r"\left|x\right| \approx \sqrt{C} \sum_{n=0}^{0}")
    assert expansion_latex(expand(sig, order=0, activation=LeakyReLU("0.1"))).startswith(
        r"\mathrm{LeakyReLU}_{\frac{1}{10}}(x) \approx \frac{11}{20} x + \frac{9}{20} \sqrt{C}")


def test_certificate_golden():
    cert = expand(MultiTone.parse("1@1 + 1@2"), order=4).certificate
    assert certificate_latex(cert) == (
        r"g \in \left[-1, 1\right]\ (\text{exact}),\ \text{converges},\ "
        r"\sup_t |\varepsilon_{4}(t)| \le \frac{35 \sqrt{2}}{256}")
    assert cert._repr_latex_() == "$" + certificate_latex(cert) + "$"


def test_divergent_certificate_golden():
    cert = expand(MultiTone.parse("1@1 + 1@2"), order=1, center="mean_square").certificate
    assert certificate_latex(cert) == (
        r"g \in \left[-1, 3\right]\ (\text{exact}),\ \text{diverges}")


def test_large_symbolic_expansion_latex_is_lazy():
    # K = 4 symbolic tones at order 8: ~14,000 coefficients, each built on access;
    # the LaTeX shows max_terms of them and must not build the others

    import symrelu as sr

    e = sr.expand(sr.MultiTone.symbolic(4), order=8, regime="generic")
    built = []
    spectrum = e.spectrum()
    original = type(spectrum).__getitem__

    def counting(self, label):
        built.append(label)
        return original(self, label)

    try:
        type(spectrum).__getitem__ = counting
        text = e.latex(max_terms=3)
    finally:
        type(spectrum).__getitem__ = original
    # only the three printed terms were built (materialising all of them takes minutes)
    assert len(built) == 3 and text.endswith(r"+ \cdots")


def test_convergence_table_latex_golden():
    from symrelu import convergence_table
    from symrelu.latex import convergence_table_latex

    tab = convergence_table(MultiTone.parse("1@1"), 2, center="mean_square", dps=15)
    assert convergence_table_latex(tab, digits=6) == (
        "\\begin{array}{l}\n"
        r"\text{exact DC} = 0.31831\ (\text{center mean\_square, converges}) \\" "\n"
        "\\begin{array}{rlrr}\n"
        r"N & \text{truncated DC} & |\text{error}| & \text{bound} \\ \hline" "\n"
        r"0 & \frac{\sqrt{2}}{4} \approx 0.353553 & 0.0352 & 0.354 \\" "\n"
        r"1 & \frac{\sqrt{2}}{4} \approx 0.353553 & 0.0352 & 0.177 \\" "\n"
        r"2 & \frac{15 \sqrt{2}}{64} \approx 0.331456 & 0.0131 & 0.133" "\n"
        "\\end{array}\n\\end{array}")
    assert latex(tab) == convergence_table_latex(tab)  # the printer knows the object


def test_convergence_table_latex_divergent_has_no_bound():
    from symrelu import convergence_table
    from symrelu.latex import convergence_table_latex

    tab = convergence_table(MultiTone.parse("1@1 + 1@2"), 1, center="mean_square", dps=15)
    text = convergence_table_latex(tab)
    assert r"\text{center mean\_square, diverges}" in text
    assert text.count(r"\text{--}") == 2


def test_closed_form_latex():
    from symrelu import closed_form, closed_form_dc
    from symrelu.latex import closed_form_latex

    assert closed_form_latex(closed_form_dc(MultiTone.parse("1@3"))) == r"y(t) = \frac{1}{\pi}"
    text = closed_form_latex(closed_form(MultiTone.parse("A@w")))
    assert text.startswith("y(t) = ") and r"\sum_{m=1}^{\infty}" in text
