"""Benchmarks of the symbolic core against the route a SymPy user would take.

Run on demand (not collected by pytest)::

    python tests/benchmarks/bench_core.py [--cap 60] [--repeat 3]

Workloads (issue targets on a 2-core machine in parentheses):

- W1: symbolic amplitudes and frequencies, K = 4, order 8, generic regime,
  full spectrum (< 2 s). The exact coefficients are all computed; turning
  every one of the ~14,000 into a sympy expression is timed separately.
- W2: the paper's signal (5/10/20/40 Hz, unit amplitudes), order 50, peak
  center, periodic regime, full exact spectrum as sympy values (< 1 s).
- W3: K = 3 symbolic amplitudes, order 4, DC only (< 0.2 s).

The baseline builds the cosine expression, raises it to the powers of eq. 7,
expands, applies fu's TR8 (product-to-sum) and expands again, in a subprocess
capped at ``--cap`` seconds. Ratios are baseline / symrelu, measured in the
same run.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import time

import sympy
from sympy.simplify.fu import TR8

import symrelu as sr

PAPER = sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])


def w1():
    e = sr.expand(sr.MultiTone.symbolic(4), order=8, center="peak", regime="generic")
    return len(e.spectrum())


def w1_materialised():
    e = sr.expand(sr.MultiTone.symbolic(4), order=8, center="peak", regime="generic")
    return len(e.spectrum().to_dict())


def w2():
    return len(sr.expand(PAPER, order=50, center="peak").spectrum())


def w3():
    return sr.expand(sr.MultiTone.symbolic(3), order=4, center="peak").dc


def _naive(signal: sr.MultiTone, order: int, dc_only: bool) -> int:
    t = sympy.Symbol("t", real=True)
    x = signal.expr(t)
    C = sympy.simplify(signal.peak**2 / 2)
    a = sr.taylor_coefficients(order + 1)
    y = x / 2 + sympy.sqrt(C) / 2 * sum(a[n] * (x**2 / C - 1) ** n for n in range(order + 1))
    y = sympy.expand(TR8(sympy.expand(y)))
    if dc_only:
        return len(str(y.as_independent(t)[0]))
    return len(y.args)


def naive_w1():
    return _naive(sr.MultiTone.symbolic(4), 8, dc_only=False)


def naive_w2():
    return _naive(PAPER, 50, dc_only=False)


def naive_w3():
    return _naive(sr.MultiTone.symbolic(3), 4, dc_only=True)


def _child(fn, queue):
    t0 = time.perf_counter()
    fn()
    queue.put(time.perf_counter() - t0)


def capped(fn, cap: float) -> float | None:
    """Seconds ``fn`` takes in a fresh process, or None past ``cap`` seconds."""
    queue: mp.Queue = mp.Queue()
    proc = mp.Process(target=_child, args=(fn, queue))
    proc.start()
    proc.join(cap)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return None
    if proc.exitcode != 0:
        raise RuntimeError(f"baseline {fn.__name__} failed (exit code {proc.exitcode})")
    return queue.get()


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=60.0, help="baseline time cap in seconds")
    parser.add_argument("--repeat", type=int, default=3, help="runs per symrelu workload (median)")
    args = parser.parse_args()
    rows = [
        ("W1 full spectrum (exact, lazy sympy)", w1, naive_w1, 2.0),
        ("W1 every value as sympy", w1_materialised, None, None),
        ("W2 paper signal, order 50", w2, naive_w2, 1.0),
        ("W3 K=3 symbolic DC, order 4", w3, naive_w3, 0.2),
    ]
    print(f"{'workload':40s} {'symrelu s':>10s} {'target s':>9s} {'sympy s':>10s} {'ratio':>10s}")
    for name, ours, naive, target in rows:
        ours_t = timed(ours, 1 if naive is None else args.repeat)
        base = capped(naive, args.cap) if naive else None
        if naive is None:
            base_s, ratio = "-", "-"
        elif base is None:
            base_s, ratio = f">{args.cap:.0f}", f">{args.cap / ours_t:.0f}x"
        else:
            base_s, ratio = f"{base:.2f}", f"{base / ours_t:.0f}x"
        target_s = "-" if target is None else f"{target:g}"
        print(f"{name:40s} {ours_t:10.3f} {target_s:>9s} {base_s:>10s} {ratio:>10s}", flush=True)


if __name__ == "__main__":
    main()
