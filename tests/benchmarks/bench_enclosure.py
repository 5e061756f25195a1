"""Proven enclosures against the unproven engine they replaced, in the same run (on demand).

    python tests/benchmarks/bench_enclosure.py

Rows: the proven ball (``enclosure=True``), the default call (the ball rounded to mpf), and the
previous unproven engine, loaded from git so that the comparison runs on this machine now:
the periodic engine of 7e3a3af (two floating runs compared) and the generic engine of e9e1bf2
(the mpmath Bessel integral against the planar walk in Arb, no proof; it refused 7 or more
tones and most 4-tone intermodulation requests).
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
_UNPROVEN_GENERIC = "e9e1bf2"  # the last commit with the two-method generic engine


def _timed(fn, repeat=5):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return out, best


def _load(commit: str, path_in_repo: str, name: str, edits=()):
    root = Path(__file__).resolve().parents[2]
    text = subprocess.run(["git", "show", f"{commit}:{path_in_repo}"],
                          cwd=root, capture_output=True, text=True, check=True).stdout
    for old, new in edits:
        text = text.replace(old, new)
    path = Path(tempfile.mkdtemp()) / f"{name}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _unproven_engine():
    return _load(_UNPROVEN_COMMIT, "symrelu/exact/periodic.py", "unproven_periodic")


def _unproven_generic():
    """The two-method generic engine of e9e1bf2 (its walk too), its ball branch switched off."""
    _load(_UNPROVEN_GENERIC, "symrelu/exact/walk.py", "unproven_walk")
    return _load(_UNPROVEN_GENERIC, "symrelu/exact/generic.py", "unproven_generic", edits=[
        ("from symrelu.exact.balls import acb_to_mpc, generic_ball, generic_ball_available",
         "acb_to_mpc = generic_ball = None\n\n\ndef generic_ball_available(*args):\n"
         "    return False"),
        ("from symrelu.exact.walk import", "from unproven_walk import"),
    ])


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
    _generic_rows(half)


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


def _generic_rows(half) -> None:
    old = _unproven_generic()
    roots = [sympy.sqrt(p) for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)]
    cases = [(f"{K} equal unit tones (generic), DC, 20 digits",
              sr.MultiTone(amplitudes=[1] * K, frequencies=roots[:K]), None, 20)
             for K in range(3, 13)]
    amps = [1, sympy.Rational(7, 10), sympy.Rational(2, 5)]
    cases.append(("3 tones 1, 0.7, 0.4, offset -0.2, DC, 30 digits",
                  sr.MultiTone(amplitudes=amps, frequencies=roots[:3], offset="-0.2"), None, 30))
    four = sr.MultiTone(amplitudes=[1, "0.8", "0.5", "0.3"], frequencies=roots[:4], offset="0.2")
    for key in ((2, -1, 0, 0), (1, 1, -1, 0)):
        cases.append((f"4 tones + offset 0.2, {key}, 15 digits", four, key, 15))
    print()
    print(f"{'case':50s} {'proven ball':>12s} {'default':>9s} {'unproven':>9s} {'ratio':>6s}"
          f"  rad/value")
    for case in cases:
        _generic_row(*case, old, half)


def _generic_row(label, sig, key, dps, old, half) -> None:
    k = (0,) * sig.K if key is None else key
    ball, t_ball = _timed(lambda: sr.exact_coefficient(sig, k, regime="generic", dps=dps,
                                                       enclosure=True), repeat=3)
    _, t_default = _timed(lambda: sr.exact_coefficient(sig, k, regime="generic", dps=dps),
                          repeat=3)
    why = ""
    try:
        ref, t_old = _timed(lambda: old.generic_coefficient(sig, k, half, half, dps), repeat=1)
    except sr.SymreluError as exc:
        ref, t_old = None, None
        why = "  old: " + str(exc).split(";")[0][:70]
    with flint.ctx.workprec(4 * dps + 64):
        rel = ball.real.rad() / abs(ball.real)
        inside = ref is None or bool(
            (flint.arb(mpmath.nstr(ref.real, dps + 5, strip_zeros=False)) - ball.real)
            .abs_upper() <= flint.arb(10) ** (-dps + 1) * abs(ball.real))
    old_text = f"{t_old:8.3f}s {t_ball / t_old:6.2f}" if t_old else f"{'refused':>9s} {'':6s}"
    print(f"{label:50s} {t_ball:11.3f}s {t_default:8.3f}s {old_text}  "
          f"{float(rel.mid()):.1e}{'' if inside else '  (unproven value outside the ball!)'}{why}")


if __name__ == "__main__":
    main()
