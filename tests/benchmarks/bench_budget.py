"""The cost estimates of symrelu.budget against what runs really use (run on demand).

    python tests/benchmarks/bench_budget.py [--quick]

Each row runs one computation in a fresh subprocess and reports the estimated
and the measured time and peak memory (above the resident size just before the
work, from ``VmHWM``), and their ratios. The estimates are meant to be
within a factor of 2 on the reference machine when it is not loaded; time on a
shared machine runs high. Exit status 1 when a ratio leaves [0.5, 2].
"""

from __future__ import annotations

import json
import subprocess
import sys

_RUN = r"""
import json, os, sys, time
from symrelu import MultiTone, budget, expand
from symrelu.exact import exact_dc
from symrelu.trigpoly import SignalModel, estimate_terms
kind, text, n, regime = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
sig = MultiTone.parse(text)
if kind == "dc":
    exact_dc(MultiTone.parse("1@1 + 1@3 + 0.5@7"), dps=n)   # warm up
    est = budget.periodic_estimate(max(sig.harmonics), sig.K, n)
    work = lambda: exact_dc(sig, dps=n)
else:
    expand(MultiTone.parse("1@1 + 1@2"), order=1, regime="generic").spectrum()
    e = expand(sig, order=n, regime=regime)
    model = SignalModel.build(sig, regime)
    est = budget.expansion_estimate(estimate_terms(model, n), n, regime=model.regime,
                                    symbolic=bool(model.params))
    work = lambda: e.spectrum()
with open("/proc/self/statm") as f:
    before = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
t = time.perf_counter()
work()
t = time.perf_counter() - t
with open("/proc/self/status") as f:  # VmHWM: ru_maxrss would carry the parent's peak
    peak = next(int(v.split()[1]) * 1024 for v in f if v.startswith("VmHWM:")) - before
print(json.dumps({"est_s": est.seconds, "s": t, "est_b": est.bytes, "b": max(peak, 1)}))
"""

CASES = [
    ("dc", "1@1 + 1@100", 15, "auto"),
    ("dc", "1@1 + 1@200", 15, "auto"),
    ("dc", "1@1 + 1@300", 15, "auto"),
    ("dc", "1@1 + 1@100", 400, "auto"),
    ("dc", " + ".join(f"1@{k}" for k in range(1, 51)), 15, "auto"),
    ("dc", " + ".join(f"1@{k}" for k in range(1, 101)), 15, "auto"),
    ("expand", "1@1 + 1@2 + 1@3 + 1@4 + 1@5", 6, "generic"),
    ("expand", "1@1 + 1@2 + 1@3 + 1@4 + 1@5 + 1@6", 6, "generic"),
    ("expand", "1@1 + 1@2 + 1@3 + 1@5 + 1@7 + 1@11 + 1@13", 5, "generic"),
    ("expand", "1@1 + 1@2 + 1@3 + 1@5 + 1@7 + 1@11", 8, "generic"),
    ("expand", "1@1 + 1@2 + 1@3", 40, "generic"),
    ("expand", "1@1 + 1@2", 300, "periodic"),
    ("expand", "1@1 + 1@2", 600, "periodic"),
    ("expand", "A@1 + 1@2", 30, "periodic"),
    ("expand", "A@1 + 1@2", 60, "periodic"),
    ("expand", "A@1 + 1@2", 100, "periodic"),
]


def main() -> int:
    quick = "--quick" in sys.argv
    cases = CASES[::2] if quick else CASES
    bad = 0
    print(f"{'case':48} {'est s':>7} {'s':>7} {'ratio':>6} {'est MB':>8} {'MB':>8} {'ratio':>6}")
    for kind, text, n, regime in cases:
        out = subprocess.run([sys.executable, "-c", _RUN, kind, text, str(n), regime],
                             capture_output=True, text=True)
        label = f"{kind} {text if len(text) < 30 else text[:27] + '...'} n={n}"
        if out.returncode:
            bad += 1
            tail = (out.stderr.strip().splitlines() or ["(no message)"])[-1]
            print(f"{label:48} failed: {tail[:120]}")
            continue
        r = json.loads(out.stdout)
        ts, tb = r["est_s"] / r["s"], r["est_b"] / r["b"]
        # memory below a few MB is page-granular noise: only the time ratio counts there
        small = r["est_b"] < 20e6
        flag = not 0.5 <= ts <= 2 or (not small and not 0.5 <= tb <= 2)
        bad += flag
        print(f"{label:48} {r['est_s']:7.2f} {r['s']:7.2f} {ts:6.2f} {r['est_b'] / 1e6:8.1f} "
              f"{r['b'] / 1e6:8.1f} {tb:6.2f}{'  <-- outside [0.5, 2]' if flag else ''}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
