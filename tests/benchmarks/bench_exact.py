"""Benchmarks of the exact-value engine against brute-force references (run on demand).

    python tests/benchmarks/bench_exact.py

Each row: the target, the engine's time, a brute-force reference's time in the
same run (at the precision the reference reaches), their ratio, and the number
of digits on which the two agree.
"""

from __future__ import annotations

import time

import mpmath
import numpy as np

import symrelu as sr


def _timed(fn, repeat=1):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return out, best


def _digits(a, b) -> float:
    with mpmath.workdps(60):
        err = abs(mpmath.mpf(a) - mpmath.mpf(b))
        return 60.0 if err == 0 else float(-mpmath.log10(err / abs(mpmath.mpf(b))))


def paper_dc():
    sig = sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
    value, t = _timed(lambda: sr.exact_dc(sig, dps=50), repeat=3)

    def brute():  # mpmath.quad of max(x, 0) over a period, no root split
        with mpmath.workdps(50):
            f = lambda u: max(mpmath.cos(u) + mpmath.cos(2 * u) + mpmath.cos(4 * u)  # noqa: E731
                              + mpmath.cos(8 * u), 0)
            return mpmath.quad(f, mpmath.linspace(0, 2 * mpmath.pi, 65)) / (2 * mpmath.pi)

    ref, t_ref = _timed(brute)
    return "paper signal, DC, 50 digits", "< 0.2 s", value, t, ref, t_ref, "mpmath.quad, 64 panels"


def two_tone():
    g = sr.MultiTone(amplitudes=[1, "0.7"], frequencies=[1, 2])
    value, t = _timed(lambda: sr.exact_dc(g, regime="generic", dps=30), repeat=3)

    def brute():  # dense torus grid in numpy
        th = (np.arange(4000) + 0.5) * 2 * np.pi / 4000
        x = np.cos(th)[:, None] + 0.7 * np.cos(th)[None, :]
        return np.maximum(x, 0).mean()

    ref, t_ref = _timed(brute)
    return "2 tones generic, DC, 30 digits", "< 0.5 s", value, t, ref, t_ref, "numpy grid 4000^2"


def five_tones():
    s = sr.MultiTone(amplitudes=[1] * 5, frequencies=[1, 2, 3, 4, 5])
    value, t = _timed(lambda: sr.exact_dc(s, regime="generic", dps=20))

    def brute():  # dense torus grid, one phase integrated out in closed form
        n = 40
        th = (np.arange(n) + 0.5) * np.pi / n
        g = np.meshgrid(th, th, th, th, indexing="ij")
        s_ = sum(np.cos(a) for a in g)
        inner = np.where(np.abs(s_) >= 1, np.abs(s_),
                         2 / np.pi * (s_ * np.arcsin(np.clip(s_, -1, 1))
                                      + np.sqrt(np.clip(1 - s_**2, 0, None))))
        return inner.mean() / 2

    ref, t_ref = _timed(brute)
    return "5 equal tones generic, DC, 20 digits", "< 5 s", value, t, ref, t_ref, \
        "numpy grid 40^4 + closed form"


def _torus_grid(amps, b, n, weights=None):
    """Mean over a numpy grid of all phases but the first (done in closed form)."""
    th = (np.arange(n) + 0.5) * np.pi / n
    grids = np.meshgrid(*([th] * (len(amps) - 1)), indexing="ij")
    s_ = b + sum(a * np.cos(g) for a, g in zip(amps[1:], grids))
    A = amps[0]
    inner = np.where(np.abs(s_) >= A, np.abs(s_),
                     2 / np.pi * (s_ * np.arcsin(np.clip(s_ / A, -1, 1))
                                  + np.sqrt(np.clip(A**2 - s_**2, 0, None))))
    w = np.ones_like(s_)
    for k, g in zip(weights or [0] * (len(amps) - 1), grids):
        w = w * np.cos(k * g)
    return (inner * w).mean()


def three_tones_offset():
    s = sr.MultiTone(amplitudes=[1, "0.7", "0.4"], frequencies=[1, 2, 3], offset="0.3")
    value, t = _timed(lambda: sr.exact_dc(s, activation="abs", regime="generic", dps=30))
    ref, t_ref = _timed(lambda: _torus_grid([1, 0.7, 0.4], 0.3, 3000))
    return "3 tones + offset generic, DC, 30 digits", "(none)", value, t, ref, t_ref, \
        "numpy grid 3000^2 + closed form"


def four_tone_harmonic():
    s = sr.MultiTone(amplitudes=[1, "0.8", "0.5", "0.3"], frequencies=[1, 2, 3, 5], offset="0.2")
    value, t = _timed(lambda: sr.exact_coefficient(s, (2, 0, 0, 0), activation="abs",
                                                   regime="generic", dps=20).real)
    # the harmonic's own tone must be the one done in closed form: weight on grid tones is 1,
    # so integrate tone 1 on the grid instead (cos 2 theta weight) with tone 2 in closed form
    ref, t_ref = _timed(lambda: _torus_grid([0.8, 1, 0.5, 0.3], 0.2, 160, weights=[2, 0, 0]))
    return "4 tones generic, (2,0,0,0), 20 digits", "(none)", value, t, ref, t_ref, \
        "numpy grid 160^3 + closed form"


def filtered_window():
    sig = sr.MultiTone(amplitudes=[1], frequencies=[3])
    value, t = _timed(lambda: sr.filtered_dc(sig, [0.3, -0.7], 32, n=256, dps=30), repeat=3)

    def brute():
        x = np.cos(2 * np.pi * 3 * np.arange(256) / 32)
        return np.maximum(np.convolve(x, [0.3, -0.7])[:256], 0).mean()

    ref, t_ref = _timed(brute, repeat=3)
    return "filtered_dc, n = 256, 30 digits", "(none)", value, t, ref, t_ref, "numpy float64"


def main() -> None:
    rows = [paper_dc(), two_tone(), five_tones(), three_tones_offset(), four_tone_harmonic(),
            filtered_window()]
    head = (f"{'case':<38} {'target':>8} {'time':>9} {'ref time':>9} {'ratio':>8} "
            f"{'agree':>6}  reference")
    print(head)
    print("-" * len(head))
    for name, target, value, t, ref, t_ref, how in rows:
        print(f"{name:<38} {target:>8} {t:>8.3f}s {t_ref:>8.3f}s {t / t_ref:>8.3g} "
              f"{_digits(value, ref):>6.1f}  {how}")
    print()
    for name, _, value, *_ in rows:
        print(f"{name}: {mpmath.nstr(value, 50)}")


if __name__ == "__main__":
    main()
