"""How fast symrelu refuses work it cannot do, and how its cost estimates follow the real cost.

    python tests/benchmarks/bench_refusals.py

The unit tests (tests/symrelu/test_budget.py) check that each of these inputs is refused
with the right message; this benchmark checks that the refusal comes before the work. Each
refusal is timed (best of three) and reported as a ratio to a baseline measured in the same
run: the exact DC of ``1@1 + 1@3`` to 15 digits, a small ordinary call. A refusal must cost
at most ``MAX_RATIO`` baselines (the inputs below took from 15 s to 366 s before their
refusals existed). Then the two cost models are compared with the measured cost: doubling
the periodic engine's harmonics and quadrupling the torus-moment order must cost more, by
at least the factor the estimate says is the least. Exit status 1 when a check fails.
"""

from __future__ import annotations

import contextlib
import math
import sys
import time
from collections.abc import Callable

import sympy

from symrelu import LeakyReLU, MultiTone, budget, expand
from symrelu._values import to_exact
from symrelu.errors import SymreluError
from symrelu.exact import exact_dc

#: The most baselines a refusal may cost.
MAX_RATIO = 20.0


def best_of(call: Callable[[], object], repeat: int = 3) -> float:
    """The least wall time of ``repeat`` calls, in seconds; errors of ours count as done."""
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        with contextlib.suppress(SymreluError):
            call()
        best = min(best, time.perf_counter() - start)
    return best


def refusals() -> list[tuple[str, Callable[[], object]]]:
    """(label, call) for each input that must be refused quickly."""
    many = MultiTone(amplitudes=[1] * 400, frequencies=range(1, 401))
    six = MultiTone(amplitudes=[1] * 6, frequencies=[1, 2, 3, 4, 5, 6])
    sym = MultiTone.symbolic(20)

    def high_harmonic():
        with budget.limits(seconds=0.1):
            exact_dc(MultiTone.parse("1@1 + 1@1500"))

    return [
        ("number text 1e100000000", lambda: to_exact("1e100000000", "a")),
        ("number text of 5000 digits", lambda: to_exact("1" * 5000, "a")),
        ("LeakyReLU('1e100000000')", lambda: LeakyReLU("1e100000000")),
        ("signal 1e100000000@5", lambda: MultiTone.parse("1e100000000@5")),
        ("harmonic 1500 at a 0.1 s limit", high_harmonic),
        ("400 tones", lambda: exact_dc(many)),
        ("6 tones, order 12 spectrum", lambda: expand(six, order=12, regime="generic").spectrum()),
        ("20 symbolic tones, order-100 DC", lambda: expand(sym, order=100, regime="generic").dc),
    ]


def main() -> int:
    failed = False
    exact_dc(MultiTone.parse("1@1 + 1@2"), dps=15)  # warm up the engine's imports
    base = best_of(lambda: exact_dc(MultiTone.parse("1@1 + 1@3"), dps=15))
    print(f"baseline (exact DC of 1@1 + 1@3, 15 digits): {base * 1e3:.1f} ms")
    for label, call in refusals():
        ratio = best_of(call) / base
        ok = ratio <= MAX_RATIO
        failed |= not ok
        print(f"  {label:36s} {ratio:8.2f} baselines  {'ok' if ok else 'TOO SLOW'}")

    def tones(k: int) -> MultiTone:
        return MultiTone.parse(" + ".join(f"1@{j}" for j in range(1, k + 1)))

    small = best_of(lambda: exact_dc(tones(15), dps=15))
    large = best_of(lambda: exact_dc(tones(45), dps=15))
    est = budget.periodic_estimate(45, 45, 15).seconds / budget.periodic_estimate(15, 15, 15).seconds
    ok = large > 3 * small and est > 3
    failed |= not ok
    print(f"periodic engine, 45 vs 15 tones: measured x{large / small:.1f}, "
          f"estimated x{est:.1f}  {'ok' if ok else 'FAILED'}")

    sig = MultiTone(amplitudes=[sympy.Rational(j + 1, j + 3) for j in range(10)],
                    frequencies=[sympy.sqrt(p) for p in sympy.primerange(2, 30)])

    def moments(order: int) -> float:
        return best_of(lambda: expand(sig, order=order, regime="generic").dc_unchecked)

    from symrelu.trigpoly import SignalModel

    model = SignalModel.build(sig, "generic")
    m_small, m_large = moments(50), moments(200)
    m_est = budget.moment_estimate(model, 200).seconds / budget.moment_estimate(model, 50).seconds
    ok = m_large > 4 * m_small and m_est > 4
    failed |= not ok
    print(f"torus moments, order 200 vs 50: measured x{m_large / m_small:.1f}, "
          f"estimated x{m_est:.1f}  {'ok' if ok else 'FAILED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
