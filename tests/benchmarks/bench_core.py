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
expands, applies fu's TR8 (product-to-sum) and expands again until nothing changes, in a subprocess
capped at ``--cap`` seconds. Ratios are baseline / symrelu, measured in the
same run.

The floor table (``--only floor``) puts each workload beside raw python-flint doing the
same arithmetic and SymPy's sparse ``ring`` over QQ (what a SymPy expert would write),
cold (first call in a fresh interpreter) and warm, with the materialisation of W1's values
(symrelu's trees, the Poly route symrelu used before, SymPy's ring end to end) and the K=3
order-3 symbolic spectrum against the naive route; the routes are in ``core_routes.py``.
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing as mp
import statistics
import subprocess
import sys
import time
from pathlib import Path

import sympy
from core_routes import naive as naive_route  # the benchmarks' folder is sys.path[0]

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


def naive_w1():
    return naive_route(sr.MultiTone.symbolic(4), 8, dc_only=False)


def naive_w2():
    return naive_route(PAPER, 50, dc_only=False)


def naive_w3():
    return naive_route(sr.MultiTone.symbolic(3), 4, dc_only=True)


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


# ---------------------------------------------------------------- the floor: raw flint, SymPy's ring
# (issue 15, requirements 2 and 3) Each route runs in fresh interpreters (core_routes.py):
# "cold" is the first call in a fresh process (imports done, nothing cached; the median over
# --cold-runs processes), "warm" the median of the later calls in the same process. Ratios are
# symrelu / route (how far above the floor symrelu is) or route / symrelu (how far ahead).
ROUTES = Path(__file__).with_name("core_routes.py")


def route(name: str, repeat: int, runs: int) -> dict:
    """Median cold and warm seconds of one route over ``runs`` fresh processes."""
    out = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, str(ROUTES), name, str(repeat)],
                              capture_output=True, text=True, check=True)
        out.append(json.loads(done.stdout))
    warm = [o["warm"] for o in out if o["warm"] is not None]
    return {"import": statistics.median(o["import"] for o in out),
            "cold": statistics.median(o["cold"] for o in out),
            "warm": statistics.median(warm) if warm else None, "size": out[0]["size"]}


def _s(v: float | None) -> str:
    return "-" if v is None else f"{v:.4f}"


def _x(a: float | None, b: float | None) -> str:
    return "-" if a is None or b is None else f"{a / b:.2f}x"


FLOOR_ROWS = [  # (label, symrelu route, baseline route, baseline name)
    ("W1 count the spectrum", "w1_count_symrelu", "w1_count_flint", "flint"),
    ("W1 count the spectrum", "w1_count_symrelu", "w1_count_flint1", "flint1"),
    ("W1 count the spectrum", "w1_count_symrelu", "w1_count_ring", "ring"),
    ("W1 export the terms (export alone)", "w1_export_symrelu", "w1_export_flint", "flint"),
    ("W1 export the terms (export alone)", "w1_export_symrelu", "w1_export_flint1", "flint1"),
    ("W2 .spectrum()", "w2_count_symrelu", "w2_flint", "flint"),
    ("W2 .dc", "w2_dc_symrelu", "w2_flint", "flint"),
    ("W2 every value as sympy", "w2_values_symrelu", "w2_flint", "flint"),
    ("W2 .spectrum()", "w2_count_symrelu", "w2_ring", "ring"),
]

VALUE_ROWS = [  # W1: every coefficient as a sympy expression (the materialisation alone)
    ("symrelu (canonical trees)", "w1_values_symrelu"),
    ("pre-issue-15 (Poly.from_dict)", "w1_values_poly"),
    ("SymPy ring, end to end", "w1_values_ring"),
]


def floor_table(repeat: int = 3, runs: int = 3) -> None:
    """Print symrelu against raw python-flint and SymPy's ring, cold and warm, one run."""
    cache: dict = {}

    def get(name: str, rep: int = repeat, n: int = runs) -> dict:
        if name not in cache:
            cache[name] = route(name, rep, n)
        return cache[name]

    print(f"\n{'against the floor (s)':36s} {'symrelu':>8s} {'warm':>8s} {'route':>7s} "
          f"{'cold':>8s} {'warm':>8s} {'cold x':>8s} {'warm x':>8s}")
    for label, ours, base, base_name in FLOOR_ROWS:
        slow = base_name == "ring"
        a = get(ours)
        b = get(base, 0 if slow else repeat, 1 if slow else runs)
        print(f"{label:36s} {_s(a['cold']):>8s} {_s(a['warm']):>8s} {base_name:>7s} "
              f"{_s(b['cold']):>8s} {_s(b['warm']):>8s} {_x(a['cold'], b['cold']):>8s} "
              f"{_x(a['warm'], b['warm']):>8s}", flush=True)
    terms = get("w1_export_symrelu")["size"]  # the exact terms behind the canonical keys
    print(f"\n{'W1 every value as sympy (cold s)':36s} {'seconds':>8s} {'us/term':>8s} "
          f"{'vs ours':>8s}   ({terms} exact terms)")
    ours = get("w1_values_symrelu", 0, 1)["cold"]
    for label, name in VALUE_ROWS:
        t = get(name, 0, 1)["cold"]
        print(f"{label:36s} {t:8.3f} {1e6 * t / terms:8.2f} {_x(t, ours):>8s}", flush=True)
    ours, naive = get("k3_values_symrelu"), get("k3_values_naive", 0, 1)
    print(f"\n{'K=3 order 3 symbolic spectrum, cold':36s} {_s(ours['cold']):>8s} "
          f"{'naive':>7s} {_s(naive['cold']):>8s} naive/symrelu {_x(naive['cold'], ours['cold'])}")
    imports = {n: get(r)["import"] for n, r in
               [("symrelu", "w2_count_symrelu"), ("flint", "w2_flint"), ("sympy", "w2_ring")]}
    print("imports before the first call (s): "
          + ", ".join(f"{n} {t:.3f}" for n, t in imports.items()), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=60.0, help="baseline time cap in seconds")
    parser.add_argument("--repeat", type=int, default=3, help="runs per symrelu workload (median)")
    parser.add_argument("--cold-runs", type=int, default=3,
                        help="fresh processes per route in the floor table (median)")
    parser.add_argument("--only", choices=["naive", "floor", "moments"],
                        help="print only one of the tables")
    args = parser.parse_args()
    if args.only == "floor":
        floor_table(args.repeat, args.cold_runs)
        return
    if args.only == "moments":
        moment_table(args.cap, args.repeat)
        return
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
    if args.only == "naive":
        return
    floor_table(args.repeat, args.cold_runs)
    moment_table(args.cap, args.repeat)


if __name__ == "__main__":
    main()
