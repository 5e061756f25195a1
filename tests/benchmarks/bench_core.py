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
import functools
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


# ---------------------------------------------------------------- moment route vs full expansion
# (issue 15, requirement 1) The generic-regime DC by torus moments (symrelu.moments, what
# Expansion.dc uses now) against the whole multi-index expansion read at the zero key (what
# .dc did before: even_polynomial_spectrum, limits lifted, in a fresh process capped at
# --cap seconds; "refused" where its term count is over trigpoly.MAX_TERMS). The moment
# column is the median of --repeat runs on fresh expansions; "estimate" is
# budget.moment_estimate's seconds for the same call (its time model: calibrated on rational
# amplitudes, within 2x of them; up to 3x high for unit amplitudes, whose powers are cheap).
MOMENT_CASES = [(6, 8), (5, 16), (8, 50), (20, 100)]  # (tones, order), unit amplitudes


@functools.cache
def _moment_signal(K: int) -> sr.MultiTone:  # built once: the comparison is not timed
    freqs = [sympy.sqrt(p) for p in sympy.primerange(2, 1000)][:K]  # independent: generic
    return sr.MultiTone(amplitudes=[1] * K, frequencies=freqs)


def moment_dc(K: int, N: int) -> sympy.Expr:
    return sr.expand(_moment_signal(K), order=N, regime="generic").dc


def full_dc(K: int, N: int) -> sympy.Expr:
    from symrelu.trigpoly import even_polynomial_spectrum

    e = sr.expand(_moment_signal(K), order=N, regime="generic")
    with sr.budget.limits(seconds=float("inf"), memory=float("inf")):
        part = even_polynomial_spectrum(e.model, sr.power_coefficients(N), center=e.center,
                                        prefactor=e.prefactor)
    return part[(0,) * K]


def moment_table(cap: float = 60.0, repeat: int = 3) -> None:
    """Print the moment-route rows: seconds of each route and their ratio, one run."""
    from symrelu.trigpoly import MAX_TERMS, SignalModel, estimate_terms

    print(f"\n{'generic .dc, moment route vs full':40s} {'moment s':>10s} {'estimate':>9s} "
          f"{'full s':>10s} {'ratio':>10s}")
    for K, N in MOMENT_CASES:
        model = SignalModel.build(_moment_signal(K), "generic")
        estimate = sr.budget.moment_estimate(model, N).seconds
        ours = timed(functools.partial(moment_dc, K, N), repeat)
        terms = estimate_terms(model, N)
        if terms > MAX_TERMS:
            full_s, ratio = f"refused ({terms:.1e} terms)", "-"
        else:
            fn = functools.partial(full_dc, K, N)
            fn.__name__ = f"full_dc({K}, {N})"
            full = capped(fn, cap)
            full_s, ratio = ((f">{cap:.0f}", f">{cap / ours:.0f}x") if full is None
                             else (f"{full:.3f}", f"{full / ours:.0f}x"))
        name = f"{K} numeric tones, order {N}"
        print(f"{name:40s} {ours:10.4f} {estimate:9.4f} {full_s:>10s} {ratio:>10s}", flush=True)


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
    moment_table(args.cap, args.repeat)


if __name__ == "__main__":
    main()
