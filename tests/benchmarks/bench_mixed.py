"""The mixed-regime cost estimate against the real run time (run on demand).

    python tests/benchmarks/bench_mixed.py

For a few rank-2 signals and digit counts, the estimate that mixed_value makes
before the work (read from its refusal under a tiny time limit) is compared with
the time the same call really takes. The estimate is meant to be within a factor
of 2 on an idle machine; exit status 1 when a ratio leaves [0.5, 2].
"""

from __future__ import annotations

import re
import sys
import time

import sympy

from symrelu.exact import mixed
from symrelu.exact._common import PrecisionLimitError

one = sympy.Integer(1)
CASES = [
    ("1@1 + 1@2 + 1@sqrt(2), DC", ([one, one, one], [(1, 0), (2, 0), (0, 1)], [0, 0, 0], 0), 20),
    ("1@1 + 1@2 + 1@sqrt(2), DC", ([one, one, one], [(1, 0), (2, 0), (0, 1)], [0, 0, 0], 0), 30),
    ("1@1 + 1@sqrt(2) + 1@(1+sqrt(2)), DC",
     ([one, one, one], [(1, 0), (0, 1), (1, 1)], [0, 0, 0], 0), 15),
]


def estimate(args: tuple, dps: int) -> float:
    saved = mixed.MAX_SECONDS_MIXED
    mixed.MAX_SECONDS_MIXED = 1e-6
    try:
        mixed.mixed_value(*args, None, "relu", dps)
    except PrecisionLimitError as exc:
        return float(re.search(r"would take about ([0-9.e+-]+) s", str(exc)).group(1))
    finally:
        mixed.MAX_SECONDS_MIXED = saved
    raise AssertionError("no refusal under a 1 microsecond limit")


def main() -> int:
    bad = 0
    print(f"{'case':40} {'dps':>4} {'estimate s':>11} {'measured s':>11} {'ratio':>6}")
    for name, args, dps in CASES:
        est = estimate(args, dps)
        t = time.perf_counter()
        mixed.mixed_value(*args, None, "relu", dps)
        t = time.perf_counter() - t
        ratio = est / t
        bad += not 0.5 <= ratio <= 2
        print(f"{name:40} {dps:>4} {est:>11.3g} {t:>11.3g} {ratio:>6.2f}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
