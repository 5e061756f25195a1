"""Proven enclosures against the unproven engine they replaced, in the same run (on demand).

    python tests/benchmarks/bench_enclosure.py

Rows: the proven ball (``enclosure=True``), the default call (the ball rounded to mpf), and the
previous periodic engine (two floating runs compared, no proof), loaded from the commit before
the ball engine landed (git 7e3a3af) so that the comparison runs on this machine now.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import flint
import mpmath
import sympy

import symrelu as sr

_UNPROVEN_COMMIT = "7e3a3af"   # the last commit with the two-precision periodic engine


def _timed(fn, repeat=5):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return out, best


def _unproven_engine():
    root = Path(__file__).resolve().parents[2]
    text = subprocess.run(["git", "show", f"{_UNPROVEN_COMMIT}:symrelu/exact/periodic.py"],
                          cwd=root, capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "unproven_periodic.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location("unproven_periodic", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["unproven_periodic"] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    half = sympy.Rational(1, 2)
    old = _unproven_engine()
    cases = [
        ("paper signal 1@5+1@10+1@20+1@40, DC, 50 digits",
         sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40]), 0, 50),
        ("paper signal, harmonic 15 Hz, 30 digits",
         sr.MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40]), 3, 30),
        ("(cos t - 1/3)^2 (double zeros), DC, 50 digits",
         sr.MultiTone.parse("11/18 - 2/3@1 + 1/2@2"), 0, 50),
        ("1@1 + 1@400, DC, 30 digits", sr.MultiTone.parse("1@1 + 1@400"), 0, 30),
    ]
    print(f"{'case':50s} {'proven ball':>12s} {'default':>9s} {'unproven':>9s} {'ratio':>6s}"
          f"  rad/value")
    for case in cases:
        _row(*case, old, half)


def _row(label, sig, n, dps, old, half) -> None:
    at = n * sig.base_frequency
    ball, t_ball = _timed(lambda: sr.exact_coefficient(sig, at, dps=dps, enclosure=True))
    value, t_default = _timed(lambda: sr.exact_coefficient(sig, at, dps=dps))
    repeat = 1 if max(sig.harmonics) > 100 else 5
    ref, t_old = _timed(lambda: old.periodic_coefficient(sig, n, half, half, dps),
                        repeat=repeat)
    with flint.ctx.workprec(4 * dps + 64):
        rel = ball.real.rad() / abs(ball.real)
        v = flint.arb(mpmath.nstr(ref.real, dps + 5, strip_zeros=False))
        inside = bool((v - ball.real).abs_upper()
                      <= flint.arb(10) ** (-dps + 1) * abs(ball.real))
    print(f"{label:50s} {t_ball:11.4f}s {t_default:8.4f}s {t_old:8.4f}s "
          f"{t_ball / t_old:6.2f}  {float(rel.mid()):.1e}"
          f"{'' if inside else '  (unproven value outside the ball!)'}")


if __name__ == "__main__":
    main()
