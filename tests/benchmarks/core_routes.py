"""The workloads of ``bench_core.py``, each run in a fresh interpreter.

Usage (``bench_core.py`` calls it; by hand for one row)::

    python tests/benchmarks/core_routes.py NAME [REPEAT]

prints one JSON line ``{"import": s, "cold": s, "warm": s, "size": n}``: the seconds of the
imports and set-up, of the first call (cold: a fresh process, nothing cached) and the median
of REPEAT further calls (warm: modules loaded, lru and sympy caches filled). A workload that
times its own critical section returns ``(seconds, size)``; otherwise the whole call is
timed. Each route imports only what it needs, so the raw python-flint rows pay no sympy.

Routes for the same arithmetic (the truncated series sum_j beta_j x^(2j) / C^j):

- ``symrelu``: the public API.
- ``flint``: raw python-flint, written as an expert would for this one workload: phasors
  Kronecker-packed into one exponent, the amplitudes and 1/C as further ``fmpq_mpoly``
  variables (``flint``), or everything packed into one variable (``flint1``, the layout
  symrelu uses where it fits); the periodic signal as one ``fmpq_poly``.
- ``ring``: SymPy's sparse ``ring`` over QQ with the same packing (pure Python).
- ``naive``: the cosine expression, eq. 7's powers, ``expand`` and fu's TR8.
- ``poly``: symrelu's conversion before issue 15 (``Poly.from_dict(...).as_expr()`` per
  power of 1/C), re-implemented on the exported terms, for the per-term comparison.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

K1, N1 = 4, 8  # W1: K = 4 symbolic tones, order 8, generic regime
N2 = 50  # W2: the paper signal 1@5 + 1@10 + 1@20 + 1@40, order 50, periodic
PAPER = "1@5 + 1@10 + 1@20 + 1@40"


# ---------------------------------------------------------------- shared helpers
def _betas(N: int) -> list:
    """beta_j of sum_n a_n (y - 1)^n = sum_j beta_j y^j, in FLINT (as symrelu.taylor does)."""
    import flint

    a = [flint.fmpq(1)]
    for k in range(1, N + 1):
        a.append(a[-1] * flint.fmpq(3 - 2 * k, 2 * k))
    b, out = flint.fmpq(1), [flint.fmpq(0)] * (N + 1)
    for j in range(N, -1, -1):
        if j < N:
            b = b * flint.fmpq(-1 - 2 * j, 2 * (N - j))
        out[j] = a[j] * b if (N - j) % 2 == 0 else -(a[j] * b)
    return out


def _w1_packing(N: int, K: int) -> tuple[list[int], int]:
    strides, s = [], 1
    for _ in range(K):
        strides.append(s)
        s *= 4 * N + 1
    return strides, sum(strides)  # shift: every phasor exponent made non-negative


def _w1_flint(one_variable: bool):
    """x = sum_i A_i/2 (z_i + 1/z_i), C symbolic: the raw FLINT series and its final shift."""
    import flint

    N, K = N1, K1
    strides, shift_x = _w1_packing(N, K)
    betas = _betas(N)
    if one_variable:  # [1/C digit][A digits][phasor digits] from low to high
        pb = [2 * N + 1] * K + [N + 1]
        ps, s = [], 1
        for b in pb:
            ps.append(s)
            s *= b
        low = s
        ctx = flint.fmpq_mpoly_ctx.get(("v",), "lex")

        def term(c, phasor, params):
            return ctx.term(c, (phasor * low + sum(e * p for e, p in zip(params, ps)),))
    else:
        ctx = flint.fmpq_mpoly_ctx.get(("y",) + tuple(f"p{i}" for i in range(K + 1)), "lex")

        def term(c, phasor, params):
            return ctx.term(c, (phasor,) + tuple(params))

    half, none = flint.fmpq(1, 2), [0] * (K + 1)
    x = ctx.from_dict({})
    for i in range(K):
        params = list(none)
        params[i] = 1
        for sign in (1, -1):
            x += term(half, shift_x + sign * strides[i], params)
    step = x * x * term(flint.fmpq(1), 0, none[:-1] + [1])
    total, shift = ctx.constant(betas[N]), 0
    for j in range(N - 1, -1, -1):
        total = total * step
        shift += 2 * shift_x
        total += term(betas[j], shift, none)
    return total


def _w1_ring():
    from sympy import QQ
    from sympy.polys.rings import ring

    N, K = N1, K1
    strides, shift_x = _w1_packing(N, K)
    R, y, *params = ring(",".join(["y"] + [f"A{i}" for i in range(K)] + ["c"]), QQ)
    betas = [QQ(int(b.p), int(b.q)) for b in _betas(N)]
    x = R.zero
    for i in range(K):
        x += params[i] / 2 * (y ** (shift_x + strides[i]) + y ** (shift_x - strides[i]))
    step = x * x * params[-1]
    total, shift = R(betas[N]), 0
    for j in range(N - 1, -1, -1):
        total = total * step
        shift += 2 * shift_x
        total += betas[j] * y**shift
    return R, total


# ---------------------------------------------------------------- W1
def w1_count_symrelu():
    import symrelu as sr

    def run():
        e = sr.expand(sr.MultiTone.symbolic(K1), order=N1, center="peak", regime="generic")
        return len(e.spectrum())

    return run


def w1_count_flint():
    import flint  # noqa: F401

    return lambda: len(_w1_flint(one_variable=False))


def w1_count_flint1():
    import flint  # noqa: F401

    return lambda: len(_w1_flint(one_variable=True))


def w1_count_ring():
    import sympy  # noqa: F401

    def run():
        _, total = _w1_ring()
        return len(total)

    return run


def _fresh_w1_spectrum():
    import symrelu as sr

    e = sr.expand(sr.MultiTone.symbolic(K1), order=N1, center="peak", regime="generic")
    return e, e.spectrum()


def w1_export_symrelu():
    """Spectrum.terms() on a counted spectrum: the export alone."""
    import symrelu  # noqa: F401

    def run():
        _, spec = _fresh_w1_spectrum()
        t0 = time.perf_counter()
        n = len(spec.terms().rows)
        return time.perf_counter() - t0, n

    return run


def w1_export_flint():
    """fmpq_mpoly.terms() of the raw FLINT polynomial (multivariate layout)."""
    import flint  # noqa: F401

    def run():
        total = _w1_flint(one_variable=False)
        t0 = time.perf_counter()
        n = len(list(total.terms()))
        return time.perf_counter() - t0, n

    return run


def w1_export_flint1():
    import flint  # noqa: F401

    def run():
        total = _w1_flint(one_variable=True)
        t0 = time.perf_counter()
        n = len(list(total.terms()))
        return time.perf_counter() - t0, n

    return run


def w1_values_symrelu():
    """Every value of a counted spectrum as sympy (the materialisation alone)."""
    import symrelu  # noqa: F401

    def run():
        _, spec = _fresh_w1_spectrum()
        t0 = time.perf_counter()
        n = len(spec.to_dict())
        return time.perf_counter() - t0, n

    return run


def w1_values_poly():
    """The same values by the pre-issue-15 conversion: Poly.from_dict per power of 1/C."""
    import sympy

    def run():
        e, spec = _fresh_w1_spectrum()
        terms = spec.terms()
        gens, n = terms.generators[:K1], K1
        t0 = time.perf_counter()
        by_label: dict = {}
        for label, exps, c in terms.rows:
            q = sympy.Rational(int(c.p), int(c.q))
            by_label.setdefault(label, {}).setdefault(exps[n], {})[exps[:n]] = q
        out = {}
        for label, groups in by_label.items():
            parts = []
            for c_power, poly in groups.items():
                value = sympy.Poly.from_dict(poly, *gens).as_expr()
                parts.append(value / e.center**c_power if c_power else value)
            out[label] = terms.prefactor * sympy.Add(*parts) + terms.linear.get(label, 0)
        return time.perf_counter() - t0, len(out)

    return run


def w1_values_ring():
    """SymPy's ring end to end: the arithmetic, then each key's polynomial as_expr()."""
    import sympy
    from sympy import QQ
    from sympy.polys.rings import ring

    def run():
        R, total = _w1_ring()
        A = sympy.symbols(f"A_1:{K1 + 1}", positive=True)
        P = sympy.Add(*A)
        C = P**2 / 2
        S, *gens = ring(",".join(f"A{i}" for i in range(K1)) + ",c", QQ)
        keys: dict = {}
        for monom, coeff in total.terms():
            keys.setdefault(monom[0], {})[monom[1:]] = coeff
        back = {sympy.Symbol(f"A{i}"): a for i, a in enumerate(A)}
        back[sympy.Symbol("c")] = 1 / C
        pre = sympy.sqrt(C) / 2
        out = {k: pre * S.from_dict(d).as_expr().xreplace(back) for k, d in keys.items()}
        return len(out)

    return run


# ---------------------------------------------------------------- W2
def w2_count_symrelu():
    import symrelu as sr

    return lambda: len(sr.expand(sr.MultiTone.parse(PAPER), order=N2).spectrum())


def w2_dc_symrelu():
    import symrelu as sr

    return lambda: sr.expand(sr.MultiTone.parse(PAPER), order=N2).dc


def w2_values_symrelu():
    import symrelu as sr

    return lambda: len(sr.expand(sr.MultiTone.parse(PAPER), order=N2).spectrum().to_dict())


def w2_flint():
    import flint

    def run():
        harmonics, D = (1, 2, 4, 8), 8
        coeffs = [flint.fmpq(0)] * (2 * D + 1)
        for m in harmonics:
            coeffs[D + m] += flint.fmpq(1, 2)
            coeffs[D - m] += flint.fmpq(1, 2)
        x = flint.fmpq_poly(coeffs)
        step = x * x / flint.fmpq(8)  # C = P^2 / 2 = 8
        betas = _betas(N2)
        total = flint.fmpq_poly([betas[N2]])
        for j in range(N2 - 1, -1, -1):
            total = total * step + betas[j]
        return len(total.coeffs())

    return run


def w2_ring():
    from sympy import QQ
    from sympy.polys.rings import ring

    def run():
        R, z = ring("z", QQ)
        x = sum((z ** (8 + m) + z ** (8 - m)) / 2 for m in (1, 2, 4, 8))
        step = x * x / 8
        betas = [QQ(int(b.p), int(b.q)) for b in _betas(N2)]
        total = R(betas[N2])
        for j in range(N2 - 1, -1, -1):
            total = total * step + betas[j]
        return len(total)

    return run


def naive(signal, order: int, dc_only: bool) -> int:
    """The naive SymPy route, to a fixed point of TR8: a size of the result."""
    import sympy
    from sympy.simplify.fu import TR8

    import symrelu as sr

    t = sympy.Symbol("t", real=True)
    x = signal.expr(t)
    C = sympy.simplify(signal.peak**2 / 2)
    a = sr.taylor_coefficients(order + 1)
    y = x / 2 + sympy.sqrt(C) / 2 * sum(a[n] * (x**2 / C - 1) ** n for n in range(order + 1))
    y = sympy.expand(y)
    while True:  # product-to-sum until no product or power of cosines is left (one TR8
        nxt = sympy.expand(TR8(y))  # pass leaves cos^4 partly unlinearised: a wrong DC)
        if nxt == y:
            break
        y = nxt
    if dc_only:
        return len(str(y.as_independent(t)[0]))
    return len(y.args)


# ---------------------------------------------------------------- W3 and the K=3 spectrum
def w3_symrelu():
    import symrelu as sr

    return lambda: sr.expand(sr.MultiTone.symbolic(3), order=4).dc


def k3_values_symrelu():
    import symrelu as sr

    return lambda: len(sr.expand(sr.MultiTone.symbolic(3), order=3).spectrum().to_dict())


def k3_values_naive():
    import symrelu as sr

    return lambda: naive(sr.MultiTone.symbolic(3), 3, dc_only=False)


ROUTES: dict[str, Callable[[], Callable[[], Any]]] = {
    name: fn for name, fn in globals().items()
    if callable(fn) and name.startswith(("w1_", "w2_", "w3_", "k3_"))
}


def measure(name: str, repeat: int) -> dict:
    """Time one route in this (fresh) process: imports, first call, median of the rest."""
    t0 = time.perf_counter()
    run = ROUTES[name]()
    imports = time.perf_counter() - t0
    times, size = [], None
    for _ in range(1 + repeat):
        t0 = time.perf_counter()
        out = run()
        elapsed = time.perf_counter() - t0
        if isinstance(out, tuple):
            elapsed, out = out
        times.append(elapsed)
        size = out if isinstance(out, int) else None
    warm = statistics.median(times[1:]) if repeat else None
    return {"import": imports, "cold": times[0], "warm": warm, "size": size}


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)))
