r"""Section III: the ReLU in the frequency domain (eqs. 1-7, Table I, Fig. 2's networks).

Derives, with :mod:`symrelu`:

- eqs. 1-2: :math:`\mathrm{ReLU}(x) = (x + |x|)/2`, :math:`|x| = \sqrt{x^2}`;
- eqs. 3-5 and Table I: :math:`\sqrt{1+g} = \sum a_n g^n`, :math:`a_n = \binom{1/2}{n}`,
  with the tail bound :math:`\sum_{n>N}|a_n| = \binom{2N}{N}4^{-N}`;
- eq. 6: the frequency set of :math:`x^2` (and of :math:`g^n`);
- eq. 7: the truncated series, and the correction: with the paper's
  mean-square center the series diverges for multi-tone inputs;
- the two example networks (ReLU then a 9-tap moving average; ReLU then a
  first difference): the output spectrum is :math:`H(F)\,c_F`.

Examples
--------
>>> d = derive()
>>> d.results["table_I"][:4]
['1', '1/2', '-1/8', '1/16']
>>> d.results["mean_square_g_max"]
'7'
"""

from __future__ import annotations

import math

import numpy as np
import sympy
from symrelu.derivations._common import (
    Check,
    Derivation,
    DeriveConfig,
    Fragment,
    check,
    close,
    sample_fft,
)
from symrelu.numeric.lambdify import lambdify_expansion, lambdify_signal, spectrum_arrays

import symrelu as sr

__all__ = ["KEY", "SECTION", "TITLE", "derive", "PAPER_SIGNAL"]

KEY = "sec3"
SECTION = "III"
TITLE = "The ReLU in the frequency domain"
PAPER_SIGNAL = "1@5 + 1@10 + 1@20 + 1@40"


def _table_one(checks: list[Check], n: int = 8) -> list[sympy.Rational]:
    a = sr.taylor_coefficients(n)
    check(checks, "Table I = binom(1/2, n)",
          all(a[k] == sympy.binomial(sympy.Rational(1, 2), k) for k in range(n)),
          f"a_0..a_{n - 1} equal binom(1/2, n) exactly")
    # the series sums to sqrt(1 + g) inside the disc (numerically, 200 terms at g = 1/2)
    many = sr.taylor_coefficients(200)
    value = math.fsum(float(c) * 0.5**k for k, c in enumerate(many))
    close(checks, "sum a_n g^n = sqrt(1+g) at g = 1/2", value, math.sqrt(1.5), atol=1e-15,
          why="geometric convergence 2^-200")
    for N in (0, 1, 5, 20):
        partial = sympy.Add(*((-1) ** k * many[k] for k in range(N + 1)))
        check(checks, f"tail identity N = {N}", partial == sr.tail_bound(N),
              f"sum_(n<=N) (-1)^n a_n = binom(2N, N)/4^N = {sr.tail_bound(N)}")
    return a


def _frequency_sets(checks: list[Check]) -> dict:
    sym = sr.MultiTone.symbolic(2)
    e = sr.expand(sym, order=3, regime="generic")
    x2 = sorted(e.frequencies(order=1), key=sympy.default_sort_key)
    counts = {}
    for n in range(4):
        keys = e.indices(order=n)
        # g^n holds every k with sum|k| <= 2n and sum k even; one of each +-k pair
        expected = sum(1 for k1 in range(-2 * n, 2 * n + 1) for k2 in range(-2 * n, 2 * n + 1)
                       if abs(k1) + abs(k2) <= 2 * n and (k1 + k2) % 2 == 0
                       and (k1, k2) >= (0, 0) and (k1 > 0 or (k1 == 0 and k2 >= 0)))
        counts[n] = len(keys)
        check(checks, f"frequencies of g^{n}, K = 2", len(keys) == expected,
              f"{len(keys)} multi-indices k with |k_1|+|k_2| <= {2 * n}, k_1+k_2 even")
    return {"x2": x2, "counts": counts}


def _divergence(checks: list[Check], sig: sr.MultiTone, orders: list[int]) -> dict:
    import warnings

    e_ms = sr.expand(sig, order=orders[-1], center="mean_square")
    cert = e_ms.certificate
    check(checks, "mean-square center diverges (4 tones)",
          cert.converges is False and cert.g_max == 7,
          f"g = x^2/C - 1 reaches {cert.g_max} > 1 at t = 0 (C = {cert.center})")
    at_zero = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for n in orders:
            f = lambdify_expansion(sr.expand(sig, order=n, center="mean_square"))
            at_zero[n] = float(f(np.array([0.0]))[0])
    growth = [abs(at_zero[n] - 4.0) for n in orders]
    check(checks, "mean-square partial sums blow up at t = 0",
          all(b > a for a, b in zip(growth, growth[1:], strict=False)) and growth[-1] > 1e3,
          "|approx(0) - ReLU(4)| = " + ", ".join(f"{g:.3g}" for g in growth)
          + f" for N = {orders}")
    # the peak center converges with the certificate's bound, on a dense grid
    N = orders[-1]
    e_pk = sr.expand(sig, order=N, center="peak")
    bound = float(e_pk.certificate.sup_error_bound)
    t = np.linspace(0, 0.2, 20_001)
    x = lambdify_signal(sig)(t)
    err = np.max(np.abs(lambdify_expansion(e_pk)(t) - np.maximum(x, 0)))
    check(checks, f"peak center, N = {N}: sup error within certificate",
          err <= bound * (1 + 1e-9),  # the bound is attained where x = 0 (g = -1)
          f"max |ReLU(x) - approx| = {err:.6g} <= bound {bound:.6g} on 20001 points "
          "(attained at the zero crossings, where g = -1)")
    return {"at_zero": at_zero, "peak_sup_error": err, "peak_bound": bound,
            "g_max": str(cert.g_max), "center": str(cert.center)}


def _networks(checks: list[Check], sig: sr.MultiTone, order: int) -> dict:
    """ReLU -> 9-tap moving average, ReLU -> first difference x fs: output c_F = H(F) c_F."""
    e = sr.expand(sig, order=order, center="peak")
    F, c = spectrum_arrays(e)
    # one second (whole periods of the 5 Hz base), sampled above twice the top frequency
    fs = n = 1 << int(np.ceil(np.log2(2 * F.max() + 2)))
    approx = lambdify_expansion(e)
    filters = {
        "moving average (9 taps)": np.full(9, 1 / 9),
        "first difference x fs": np.array([1.0, -1.0]) * fs,
    }
    out = {}
    bound = float(e.certificate.sup_error_bound)
    for name, h in filters.items():
        def filtered(t, fn=None, h=h):
            y = fn(t)
            # circular convolution = steady state of the periodic signal
            return np.real(np.fft.ifft(np.fft.fft(y) * np.fft.fft(h, len(y))))
        freqs, measured = sample_fft(lambda t, h=h: filtered(t, approx, h), fs, n)
        H = np.array([np.sum(h * np.exp(-2j * np.pi * f / fs * np.arange(len(h)))) for f in F])
        predicted = H * c
        idx = np.rint(F).astype(int)
        err = np.max(np.abs(measured[idx] - predicted))
        scale = np.max(np.abs(predicted))
        close(checks, f"{name}: FFT of filtered series = H(F) c_F", err, 0.0,
              atol=1e-9 * scale, why="trigonometric polynomial over whole periods")
        _, truth = sample_fft(lambda t, h=h: filtered(t, lambda s: np.maximum(
            lambdify_signal(sig)(s), 0), h), fs, n)
        keep = np.abs(H) > 1e-9 * np.abs(H).max()  # where H(F) = 0 both sides vanish
        gap = np.max(np.abs(truth[idx] - predicted)[keep] / np.abs(H[keep]))
        check(checks, f"{name}: true filtered ReLU within H(F) x certificate", gap <= bound,
              f"max_F |c_F(true) - H c_F| / |H(F)| = {gap:.3g} <= sup bound {bound:.3g}")
        out[name] = {"dc_gain": float(abs(H[0])), "dc": float(abs(predicted[0]))}
    check(checks, "moving average keeps the DC, difference removes it",
          abs(out["moving average (9 taps)"]["dc_gain"] - 1) < 1e-12
          and out["first difference x fs"]["dc"] < 1e-9, "H(0) = 1 and H(0) = 0")
    return out


def derive(config: DeriveConfig | None = None) -> Derivation:
    """Derive Section III and check it numerically (see the module docstring).

    Parameters
    ----------
    config : DeriveConfig, optional
        ``quick`` lowers the orders (divergence demo up to N = 12 instead of 20,
        networks at N = 12 instead of 50).

    Returns
    -------
    Derivation
    """
    config = config or DeriveConfig()
    checks: list[Check] = []
    f = Fragment()
    f.section(f"Section {SECTION}: {TITLE}", "sec:iii")
    f.para(r"The ReLU is a linear part plus a multiple of the absolute value, and the "
           r"absolute value is the square root of the square (eqs.~1--2):")
    f.eq(r"\mathrm{ReLU}(x) = \frac{x + |x|}{2}, \qquad |x| = \sqrt{x^2} = \sqrt{C}\,"
         r"\sqrt{1 + g},\quad g = \frac{x^2}{C} - 1.")
    x = np.linspace(-3, 3, 601)
    check(checks, "eq. 1", bool(np.all(np.maximum(x, 0) == (x + np.abs(x)) / 2)),
          "max(x, 0) = (x + |x|)/2 on 601 points")
    a = _table_one(checks)
    f.para(r"Expanding $\sqrt{1+g}$ about $g = 0$ (eqs.~3--5) gives exact rational "
           r"coefficients $a_n = \binom{1/2}{n}$ (Table~I); since $(-1)^n a_n < 0$ for "
           r"$n \ge 1$ and the series sums to $0$ at $g=-1$, the tail is "
           r"$\sum_{n>N}|a_n| = \binom{2N}{N}4^{-N} \approx 1/\sqrt{\pi N}$.")
    rows = [[str(n), f"${sympy.latex(v)}$", f"{float(v):.6f}",
             f"${sympy.latex(sr.tail_bound(n))}$"] for n, v in enumerate(a)]
    f.table(["$n$", "$a_n$", "decimal", r"$\sum_{m>n}|a_m|$"], rows, align="rrrr",
            caption="Table I of the paper, exact (\\texttt{symrelu coeffs 8}).")
    sets = _frequency_sets(checks)
    f.para(r"For $x = A_1\cos\theta_1 + A_2\cos\theta_2$ the square holds the frequencies "
           r"(eq.~6, one of each $\pm$ pair):")
    f.eq(r"\mathcal{F}(x^2) = \left\{" + ", ".join(sympy.latex(v) for v in sets["x2"])
         + r"\right\},")
    f.para(r"and $g^n$ holds every $k\cdot w$ with $|k_1| + |k_2| \le 2n$ and $k_1 + k_2$ "
           r"even: " + ", ".join(f"{v} multi-indices for $n={k}$"
                                 for k, v in sets["counts"].items()) + ".")
    f.para(r"Truncating at order $N$ gives the paper's eq.~7:")
    f.eq(r"\mathrm{ReLU}(x) \approx \frac{x}{2} + \frac{\sqrt{C}}{2}\sum_{n=0}^{N} a_n "
         r"\left(\frac{x^2}{C} - 1\right)^n.", tag="7")
    sig = sr.MultiTone.parse(PAPER_SIGNAL)
    orders = [4, 8, 12] if config.quick else [5, 10, 15, 20]
    div = _divergence(checks, sig, orders)
    f.correction(
        "the center",
        r"The series converges only where $-1 \le g \le 1$, i.e.\ where $x^2 \le 2C$. "
        r"With the text's mean-square center $C = \overline{x^2}$ and two or more tones the "
        r"crest factor exceeds $\sqrt 2$ and the series diverges: for the four-tone example "
        f"$C = {div['center']}$ and $g$ reaches ${div['g_max']}$ at $t = 0$; the partial sums "
        r"there move away from $\mathrm{ReLU}(4) = 4$ by "
        + ", ".join(f"{abs(v - 4):.3g}" for v in div["at_zero"].values())
        + f" for $N = {', '.join(map(str, orders))}$. "
        r"The corrected statement uses the peak center $C = P^2/2$, $P = |b| + \sum|A_i|$ "
        r"(what the authors' code does): then $-1 \le g \le 1$ everywhere and "
        r"$\sup_t|\mathrm{ReLU}(x) - \text{approx}_N| \le \tfrac12\sqrt{C}\binom{2N}{N}4^{-N}$"
        f" (order {orders[-1]}: measured {div['peak_sup_error']:.3g}, "
        f"bound {div['peak_bound']:.3g}).")
    order = 12 if config.quick else 50
    nets = _networks(checks, sig, order)
    f.subsection("The two example networks")
    f.para(r"A linear filter after the ReLU scales each output coefficient: "
           r"$c_F \mapsto H(F)\,c_F$. The 9-tap moving average "
           r"($H(0) = 1$) keeps the DC the ReLU created "
           f"({nets['moving average (9 taps)']['dc']:.6f} at order {order}) and attenuates "
           r"the high harmonics; the first difference times $f_s$ ($H(0) = 0$) removes the "
           r"DC and amplifies the harmonics, so a chain of differences sees the new "
           r"frequencies but never the DC.")
    f.checks(checks)
    return Derivation(
        KEY, SECTION, TITLE, f.text(), checks,
        results={"table_I": [str(v) for v in a], "mean_square_g_max": div["g_max"],
                 "divergence_at_zero": {str(k): v for k, v in div["at_zero"].items()},
                 "networks": nets, "x2_frequencies": [str(v) for v in sets["x2"]]},
        corrections=["mean-square center diverges for multi-tone inputs "
                     f"(4-tone example: g reaches {div['g_max']}); use the peak center"],
    )


if __name__ == "__main__":  # pragma: no cover
    from symrelu.derivations._common import main_for

    main_for(__name__)
