r"""Section IV: the DC as a feature (eq. 8), and its correction.

The paper keeps the order-0 term of eq. 7 with the mean-square center:

.. math:: \overline{\mathrm{ReLU}(x)} \approx \frac{\sqrt 2}{4}\sqrt{\textstyle\sum_i A_i^2}
          \qquad\text{(eq. 8)}

For one tone the exact DC is :math:`A/\pi` (integrate over the positive half
period), so eq. 8 is :math:`\pi\sqrt2/4 - 1 \approx 11\%` high. After a linear
filter the tone is scaled by :math:`|H(f)|`, so conv -> ReLU -> global average
pooling yields :math:`A|H(f)|/\pi`: the DC encodes amplitude and frequency.

Examples
--------
>>> d = derive()
>>> d.results["single_tone_exact"], d.results["eq8_single_tone"]
('A/pi', 'sqrt(2)*A/4')
"""

from __future__ import annotations

import warnings

import numpy as np
import sympy
from symrelu.derivations._common import (
    Check,
    Derivation,
    DeriveConfig,
    Fragment,
    close,
    tex_escape,
)
from symrelu.numeric.lambdify import lambdify_signal

import symrelu as sr

__all__ = ["KEY", "SECTION", "TITLE", "derive", "single_tone_dc"]

KEY = "sec4"
SECTION = "IV"
TITLE = "The DC as a feature"


def single_tone_dc() -> sympy.Expr:
    r"""Exact mean of :math:`\mathrm{ReLU}(A\cos\theta)`, by integration over one period.

    Examples
    --------
    >>> single_tone_dc()
    A/pi
    """
    A = sympy.Symbol("A", positive=True)
    th = sympy.Symbol("theta", real=True)
    # ReLU(A cos th) = A cos th on |th| < pi/2, zero elsewhere in (-pi, pi]
    return sympy.simplify(sympy.integrate(A * sympy.cos(th), (th, -sympy.pi / 2, sympy.pi / 2))
                          / (2 * sympy.pi))


def _sampled_dc(sig: sr.MultiTone, n: int = 1 << 18) -> float:
    """Mean of ReLU(x) sampled uniformly over one period of a periodic signal.

    For a periodic function with kinks the uniform-sample mean converges as
    O(n^-2); with 2^18 samples that is far below the tolerances used here.
    """
    T = float(1 / sig.base_frequency)
    t = np.arange(n) * (T / n)
    return float(np.mean(np.maximum(lambdify_signal(sig)(t), 0.0)))


def derive(config: DeriveConfig | None = None) -> Derivation:
    """Derive Section IV and check it numerically.

    Returns
    -------
    Derivation
    """
    config = config or DeriveConfig()
    checks: list[Check] = []
    A = sympy.Symbol("A", positive=True)
    exact = single_tone_dc()
    # eq. 8 from the engine: order-0 DC with the mean-square center, symbolic amplitude
    sym = sr.MultiTone(amplitudes=[A], frequencies=[1])
    eq8 = sympy.simplify(sr.expand(sym, order=0, center="mean_square").dc)
    ratio = sympy.simplify(eq8 / exact)
    close(checks, "eq. 8 / exact for one tone = pi sqrt(2)/4", float(ratio),
          float(sympy.pi * sympy.sqrt(2) / 4), atol=1e-15, why="exact ratio, printed as float")
    for amp, freq in ((1, 3), (sympy.Rational(5, 2), 7)):
        sig = sr.MultiTone(amplitudes=[amp], frequencies=[freq])
        close(checks, f"ReLU({amp} cos) mean = A/pi (sampled)", _sampled_dc(sig),
              float(exact.subs(A, amp)), rtol=1e-9, why="2^18 samples over one period")

    # multi-tone: eq. 8 against the exact DC of the paper's example
    paper = sr.MultiTone.parse("1@5 + 1@10 + 1@20 + 1@40")
    paper_exact = float(sr.exact_dc(paper, dps=30))
    source = "symrelu.exact_dc"
    close(checks, "4-tone exact DC", paper_exact, 0.57444169533948, atol=1e-9,
          why=f"{source} against the design value 0.57444169533948")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        eq8_paper = sr.expand(paper, order=0, center="mean_square").dc
    eq8_rel = float(eq8_paper) / paper_exact - 1

    # the feature after a filter: conv -> ReLU -> GAP = A |H(f)| / pi
    taps = [sympy.Rational(3, 4), sympy.Rational(-1, 2)]
    fs, f0, amp = 32, 3, 1
    H = abs(complex(sum(float(h) * np.exp(-2j * np.pi * f0 / fs * k)
                        for k, h in enumerate(taps))))
    n = 32 * 64  # whole periods of 3 Hz at fs = 32 (64 s)
    x = amp * np.cos(2 * np.pi * f0 * np.arange(-1, n) / fs)
    y = float(taps[0]) * x[1:] + float(taps[1]) * x[:-1]
    close(checks, "conv -> ReLU -> GAP = A|H(f)|/pi", float(np.mean(np.maximum(y, 0))),
          amp * H / np.pi, rtol=5e-3, why="discrete time: 10.7 samples per period "
          "resolve the positive lobe's mean to a few 1e-3")

    f = Fragment()
    f.section(f"Section {SECTION}: {TITLE}", "sec:iv")
    f.para(r"Keeping only the order-0 term of eq.~7 with the mean-square center "
           r"$C = \sum_i A_i^2/2$ gives the paper's DC feature:")
    f.eq(r"\overline{\mathrm{ReLU}(x)} \approx \frac{\sqrt{C}}{2} = "
         + sympy.latex(eq8) + r"\ \text{(one tone)},\qquad "
         r"\frac{\sqrt2}{4}\sqrt{\textstyle\sum_i A_i^2}\ \text{(K tones)}.", tag="8")
    f.para(r"The exact single-tone value follows from integrating over the positive half "
           r"period, $\frac{1}{2\pi}\int_{-\pi/2}^{\pi/2} A\cos\theta\,d\theta = "
           + sympy.latex(exact) + "$.")
    f.correction(
        "the order-0 DC",
        f"Eq.~8 is ${sympy.latex(ratio)} = {float(ratio):.4f}$ times the exact value for one "
        f"tone, i.e.\\ {100 * (float(ratio) - 1):.1f}\\% high. For the four-tone example the "
        f"exact DC is {paper_exact:.12f} ({tex_escape(source)}) and eq.~8 gives "
        f"$\\sqrt2/2 = {float(eq8_paper):.6f}$, {100 * eq8_rel:.1f}\\% high. The corrected "
        r"statement: the DC of $\mathrm{ReLU}(A\cos(2\pi f t))$ is exactly $A/\pi$, and after a "
        r"filter $h$ it is $A|H(f)|/\pi$; the DC is still monotone in the amplitude and in "
        r"$|H(f)|$, which is what makes it a feature.")
    f.para(r"After a linear filter $h$ the tone becomes $A|H(f)|\cos(2\pi f t + \angle H)$, so "
           r"conv $\to$ ReLU $\to$ global average pooling outputs $A|H(f)|/\pi$ "
           f"(checked with $h = ({taps[0]}, {taps[1]})$ at $f = {f0}$ Hz, $f_s = {fs}$ Hz). "
           "\\texttt{symrelu.filtered\\_dc} gives the exact value on a finite causal "
           "window.")
    f.checks(checks)
    return Derivation(
        KEY, SECTION, TITLE, f.text(), checks,
        results={"single_tone_exact": str(exact), "eq8_single_tone": str(eq8),
                 "eq8_over_exact": str(ratio), "eq8_relative_error": float(ratio) - 1,
                 "paper_example_exact_dc": paper_exact, "paper_example_eq8": float(eq8_paper),
                 "paper_example_eq8_relative_error": eq8_rel, "exact_source": source},
        corrections=[f"eq. 8 is {100 * (float(ratio) - 1):.1f}% above the exact single-tone "
                     "DC A/pi"],
    )


if __name__ == "__main__":  # pragma: no cover
    from symrelu.derivations._common import main_for

    main_for(__name__)
