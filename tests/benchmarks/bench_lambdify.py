"""Benchmark: lambdified 50-term expansion at 10^6 points vs sympy and vs eq. 7 in numpy.

Run on demand (pytest collects only test_*.py)::

    python tests/benchmarks/bench_lambdify.py [--points 1000000] [--order 50]

Every time is measured in this run; sympy's subs/evalf is timed on a few
points and scaled per point (evaluating it at 10^6 points would take hours).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import sympy
from symrelu.numeric import lambdify_expansion, lambdify_signal, to_numeric

import symrelu as sr


def _best(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--points", type=int, default=1_000_000)
    p.add_argument("--order", type=int, default=50)
    p.add_argument("--sympy-points", type=int, default=5)
    args = p.parse_args()

    sig = sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
    e = sr.expand(sig, order=args.order, center="peak")
    t = np.linspace(0, 8, args.points, endpoint=False)
    rows = []

    f = lambdify_expansion(e)
    t_lam, y_lam = _best(lambda: f(t))
    rows.append(("lambdify_expansion (Horner in g)", t_lam, args.points))

    a = [to_numeric(v) for v in sr.taylor_coefficients(args.order + 1)]
    C = to_numeric(e.center)
    x_of_t = lambdify_signal(sig)

    def eq7_direct():  # the paper's formula term by term, as its script does
        x = x_of_t(t)
        s = np.zeros_like(x)
        for n, an in enumerate(a):
            s += an * (x**2 / C - 1) ** n
        return x / 2 + np.sqrt(C) / 2 * s

    t_eq7, y_eq7 = _best(eq7_direct)
    rows.append(("eq. 7 in numpy, term by term", t_eq7, args.points))

    small = t[:: max(1, args.points // 20_000)][:20_000]
    fs = lambdify_expansion(e, method="spectrum")
    t_spec, y_spec = _best(lambda: fs(small), repeat=1)
    rows.append(("exact spectrum as cosines (numpy)", t_spec * args.points / small.size,
                 small.size))

    ts = sympy.Symbol("t", real=True)
    t0 = time.perf_counter()
    expr = e.as_expr(ts)
    build = time.perf_counter() - t0
    pts = [sympy.Rational(k, 97) for k in range(args.sympy_points)]
    t0 = time.perf_counter()
    vals = [expr.subs(ts, v).evalf(17) for v in pts]
    t_sym = (time.perf_counter() - t0) / len(pts) * args.points
    rows.append(("sympy subs + evalf", t_sym, len(pts)))

    # agreement, so the ratios compare equal work
    diff_eq7 = float(np.max(np.abs(y_lam - y_eq7)))
    diff_spec = float(np.max(np.abs(f(small) - y_spec)))
    diff_sym = max(abs(float(v) - float(f(np.array([float(p)]))[0])) for v, p in zip(vals, pts))

    print(f"order {args.order}, {len(e.spectrum())} frequencies, {args.points:.0e} points "
          f"(sympy expression built in {build:.2f} s)")
    print(f"{'method':<36} {'s per 1e6 pts':>14} {'measured on':>12} {'ratio':>10}")
    per = 1e6 / args.points
    for name, sec, n_meas in rows:
        print(f"{name:<36} {sec * per:>14.4g} {n_meas:>12d} {sec / t_lam:>10.3g}")
    print(f"max |difference| vs Horner: eq. 7 {diff_eq7:.1e}, spectrum {diff_spec:.1e}, "
          f"sympy {diff_sym:.1e}")


if __name__ == "__main__":
    main()
