"""Smooth activations: the proven engine against the ReLU engine and mpmath.quad, same run.

    python tests/benchmarks/bench_smooth.py

Rows (best of 3, seconds), each with its ratio to the baseline of its block, measured in
the same run on this machine:

- periodic regime, "0.3 + 1@5 + 0.6@7": the DC of every smooth activation at 30 digits by
  acb.integral (proven) against the ReLU DC by the zero-isolation engine (proven) and against
  plain mpmath.quad at 30 digits (unproven);
- generic regime, 2 and 3 tones at 20 digits: the trapezoidal rule with its proven bound;
- the polynomial lens of degree 16 and 32 (bounds and exact spectrum).
"""

from __future__ import annotations

import time

import mpmath
import sympy

import symrelu as sr

SIG = sr.MultiTone.parse("0.3 + 1@5 + 0.6@7")
NAMES = ["gelu", "gelu_tanh", "silu", "tanh", "sigmoid", "softplus", "mish", "elu", "selu"]


def _timed(fn, repeat=3):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return out, best


def _quad(act):
    f = sympy.lambdify(sr.smooth.X, act.expr, modules="mpmath")
    with mpmath.workdps(30):
        return mpmath.quad(lambda t: f(mpmath.mpf(3) / 10 + mpmath.cos(10 * mpmath.pi * t)
                                       + mpmath.mpf(3) / 5 * mpmath.cos(14 * mpmath.pi * t)),
                           mpmath.linspace(0, 1, 25))


def main() -> None:
    _, base = _timed(lambda: sr.exact_dc(SIG, activation="relu", dps=30))
    print(f"periodic DC at 30 digits (baseline: ReLU, proven, {base:.4f} s)")
    print(f"{'activation':<12}{'proven s':>10}{'x ReLU':>9}{'mpmath.quad s':>15}")
    for name in NAMES:
        _, t = _timed(lambda name=name: sr.exact_dc(SIG, activation=name, dps=30))
        _, q = _timed(lambda name=name: _quad(sr.as_activation(name)), repeat=1)
        print(f"{name:<12}{t:>10.4f}{t / base:>9.1f}{q:>15.3f}")
    two = sr.MultiTone.parse("1@1 + 0.7@sqrt(2)")
    three = sr.MultiTone.parse("0.2 + 1@1 + 0.7@sqrt(2) + 0.5@sqrt(3)")
    _, g0 = _timed(lambda: sr.exact_dc(two, activation="relu", regime="generic", dps=20))
    print(f"\ngeneric regime at 20 digits (baseline: ReLU two-tone DC, {g0:.4f} s)")
    for label, sig, key in [("2 tones DC", two, (0, 0)), ("2 tones (2,-1)", two, (2, -1)),
                            ("3 tones (1,1,-1)", three, (1, 1, -1))]:
        for name in ("tanh", "gelu"):
            _, t = _timed(lambda sig=sig, key=key, name=name: sr.exact_coefficient(
                sig, key, activation=name, regime="generic", dps=20), repeat=1)
            print(f"{label:<18}{name:<6}{t:>10.3f}{t / g0:>10.1f}")
    _, e0 = _timed(lambda: sr.expand(SIG, order=16).dc)
    print(f"\npolynomial lens (baseline: ReLU Taylor expansion of order 16, {e0:.4f} s)")
    for order in (16, 32):
        for name in ("tanh", "gelu", "softplus"):
            _, t = _timed(lambda order=order, name=name: sr.expand(
                SIG, order=order, activation=name).dc, repeat=1)
            print(f"degree {order:<4}{name:<10}{t:>10.3f}{t / e0:>10.1f}")


if __name__ == "__main__":
    main()
