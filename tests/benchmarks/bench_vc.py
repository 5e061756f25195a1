"""Benchmark of one V-C repetition: reference per-model loop vs the fast path.

Run on demand (pytest does not collect ``bench_*.py``)::

    python tests/benchmarks/bench_vc.py --epochs 3 --rounds 3 [--threads 1 2] [--profile]

Both methods are timed in the same process, interleaved round by round, so a
shared machine's load affects them alike; the table reports each round's
seconds extrapolated to a 60-epoch repetition, the median ratio, the
throughput against the naive arithmetic count (0.3 GFLOP per training step:
forward + two backward products of the 32x32x3 convolution, 8,640 steps per
repetition) and against a measured matmul peak. A warm-up epoch runs first
(oneDNN generates its kernels on first use).

``--vectorised`` also times the rejected design: the ReLU model vectorised over
R repetitions with grouped convolutions (per repetition, per step).

``--activations gelu tanh softplus`` times, instead, what each activation model
adds to a repetition (``vc.Config(activation=...)``): interleaved round by
round, the linear models alone (``activation=("linear",)``), the default run
(relu) and relu plus each activation; an activation model's seconds are its
run's minus the default's, reported as a ratio to the relu model's (the
default's minus the linear models')::

    python tests/benchmarks/bench_vc.py --activations gelu tanh softplus --epochs 3

``--executors`` compares, instead, the ways of running whole repetitions
through :func:`symrelu.numeric.experiments.vc.run` (process start-up included)::

    python tests/benchmarks/bench_vc.py --executors --epochs 60 --reps 2 --load 0 1

For each extra load (``--load N``: N CPU-bound ``while True: pass`` processes,
started and killed by the script) it times, interleaved: ``threads`` executor
with 1 process x all cores' threads, ``processes`` with one worker per core x 1
thread, and ``threads`` with 1 x 1. Each computes the same ``--reps``
repetitions; the table gives the wall seconds per repetition, the ratio to the
first row, the load average, and the 100-repetition run extrapolated at
``--epochs``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

STEP_GFLOP = 2 * 3 * 64 * 256 * 32 * 32 * 3 / 1e9  # 3 GEMMs of the 32->32 conv, per step
STEPS_PER_REP = 3 * 60 * (3 * 1024 // 64)  # three models x 60 epochs x 48 batches


def matmul_peak(n: int = 2048, k: int = 10) -> float:
    """Measured float32 matmul GFLOP/s with the current thread setting."""
    import torch

    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    t = time.perf_counter()
    for _ in range(k):
        a @ b
    return 2 * n**3 * k / (time.perf_counter() - t) / 1e9


def time_repetition(method: str, epochs: int, threads: int,
                    activation: tuple[str, ...] = ("relu",)) -> float:
    from symrelu.numeric.experiments import vc

    cfg = vc.Config(reps=1, epochs=epochs, out=None, method=method, threads=threads,
                    activation=activation)
    t = time.perf_counter()
    vc.run_repetition(cfg, 0)
    return (time.perf_counter() - t) * 60 / epochs


def grouped_step_seconds(R: int, threads: int, n: int = 20) -> float:
    """Per-repetition seconds of one ReLU-model step vectorised over R repetitions."""
    import torch
    from torch.nn import functional as F

    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(0)
    w1 = (torch.randn(R * 32, 1, 3, generator=g) * 0.3).requires_grad_()
    w2 = (torch.randn(R * 32, 32, 3, generator=g) * 0.1).requires_grad_()
    d1 = (torch.randn(R, 32, 32, generator=g) * 0.1).requires_grad_()
    d2 = (torch.randn(R, 32, 3, generator=g) * 0.1).requires_grad_()
    opt = torch.optim.Adam([w1, w2, d1, d2], lr=1e-3, eps=1e-7)
    x = F.pad(torch.randn(64, R, 256, generator=g), (4, 0))
    y = torch.randint(0, 3, (64 * R,), generator=g)

    def step():
        h = F.relu(F.conv1d(x, w1, groups=R))
        h = F.relu(F.conv1d(h, w2, groups=R)).mean(-1).view(64, R, 32)
        out = torch.einsum("brh,rhk->brk", F.relu(torch.einsum("brc,rch->brh", h, d1)), d2)
        loss = F.cross_entropy(out.reshape(-1, 3), y, reduction="sum") / 64
        opt.zero_grad()
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    t = time.perf_counter()
    for _ in range(n):
        step()
    return (time.perf_counter() - t) / n / R


def profile_fast(epochs: int, threads: int) -> None:
    from symrelu.numeric.experiments import vc
    from torch.profiler import ProfilerActivity, profile

    cfg = vc.Config(reps=1, epochs=epochs, out=None, threads=threads)
    vc.run_repetition(cfg, 0)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        vc.run_repetition(cfg, 0)
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=12))


@contextlib.contextmanager
def cpu_hogs(n: int):
    """``n`` CPU-bound processes running while the block runs (killed at its end).

    Each runs in a session of its own, as another user's program would: with
    Linux's autogroup scheduling (``/proc/sys/kernel/sched_autogroup_enabled``)
    CPU time is shared fairly between sessions first, so a hog in this
    script's session would compete with our own workers only.
    """
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"],
                             start_new_session=True) for _ in range(n)]
    try:
        time.sleep(1.0 if n else 0.0)  # let them reach the scheduler
        yield
    finally:
        for h in hogs:
            h.kill()
        for h in hogs:
            h.wait()


def time_executor(executor: str, workers: int | None, threads: int, reps: int,
                  epochs: int) -> dict[str, float]:
    """Timings of ``reps`` repetitions run by ``executor``.

    ``wall``: wall seconds per repetition, start-up included; ``steady``: the
    median repetition's seconds (timed inside its worker) divided by the
    repetitions running at once, i.e. the seconds per repetition of a long
    run; ``fixed``: the wall time the repetitions do not account for (worker
    start-up); ``cpu``: CPU seconds per repetition (this process and its
    workers); ``load``: the 1-minute load average at the end.
    """
    import resource

    from symrelu.numeric.experiments import vc

    cfg = vc.Config(reps=reps, epochs=epochs, out=None, figures=False, executor=executor,
                    workers=workers, threads=threads)

    def cpu() -> float:
        own, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF,
                                                       resource.RUSAGE_CHILDREN))
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    c, t = cpu(), time.perf_counter()
    res = vc.run(cfg, progress=False)
    wall, used = time.perf_counter() - t, cpu() - c
    at_once = min(workers or 1, reps) if executor != "threads" else 1
    seconds = sorted(res.seconds.values())
    busy = sum(seconds) / at_once if executor == "threads" else max(seconds)
    return {"wall": wall / reps, "steady": statistics.median(seconds) / at_once,
            "fixed": max(wall - busy, 0.0), "cpu": used / reps, "load": os.getloadavg()[0]}


def compare_executors(epochs: int, reps: int, loads: list[int], rounds: int,
                      only: list[str] | None = None) -> None:
    from symrelu.numeric.experiments._repetitions import usable_cores

    n = usable_cores()
    rows = [("threads", None, n, f"1x{n}"), ("processes", n, 1, f"{n}x1"),
            ("threads", None, 1, "1x1")]
    if only:
        rows = [r for r in rows if r[3] in only]
    scale = 60 / epochs
    autogroup = Path("/proc/sys/kernel/sched_autogroup_enabled")
    groups = autogroup.read_text().strip() if autogroup.exists() else "n/a"
    print(f"{reps} repetitions of {epochs} epochs per timing; {rounds} interleaved round(s); "
          f"{n} usable cores; seconds per repetition scaled to 60 epochs (x {scale:g}); "
          f"100 reps = start-up + 100 x steady s/rep; sched_autogroup_enabled: {groups}")
    for threads in sorted({r[2] for r in rows}):  # warm-up: imports, oneDNN kernel generation
        time_executor("threads", None, threads, 1, 1)
    for load in loads:
        got: dict[int, list[dict[str, float]]] = {i: [] for i in range(len(rows))}
        with cpu_hogs(load):
            start = os.getloadavg()[0]
            for _ in range(rounds):
                for i, (executor, workers, threads, _) in enumerate(rows):
                    got[i].append(time_executor(executor, workers, threads, reps, epochs))
        print(f"\nextra CPU-bound processes: {load} (load average at start {start:.2f})")
        print(f"{'executor':10s} {'p x t':>5s} {'steady s/rep@60 (rounds)':>26s} {'median':>7s} "
              f"{'ratio':>6s} {'wall':>6s} {'cpu':>6s} {'start':>6s} {'load':>5s} "
              f"{'100 reps':>9s}")

        def med(i: int, key: str, got=got) -> float:
            return statistics.median(g[key] for g in got[i])

        base = med(0, "steady")
        for i, (executor, _, _, shape) in enumerate(rows):
            steady = med(i, "steady") * scale
            cells = " ".join(f"{g['steady'] * scale:6.1f}" for g in got[i])
            full = med(i, "fixed") + 100 * steady
            print(f"{executor:10s} {shape:>5s} {cells:>26s} {steady:7.1f} "
                  f"{med(i, 'steady') / base:6.2f} {med(i, 'wall') * scale:6.1f} "
                  f"{med(i, 'cpu') * scale:6.1f} {med(i, 'fixed'):6.1f} {med(i, 'load'):5.2f} "
                  f"{full / 60:7.1f}min", flush=True)


def compare_activations(names: list[str], epochs: int, rounds: int, threads: int) -> None:
    """Seconds each activation model adds to a 60-epoch repetition, against relu's model."""
    runs = {"linear only": ("linear",), "relu (default)": ("relu",),
            **{f"relu + {n}": ("relu", n) for n in names}}
    time_repetition("fast", 1, threads, ("relu", *names))  # warm-up: kernels of every function
    got: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(rounds):
        for label, acts in runs.items():
            got[label].append(time_repetition("fast", epochs, threads, acts))
    med = {k: statistics.median(v) for k, v in got.items()}
    relu = med["relu (default)"] - med["linear only"]
    print(f"{epochs} epochs per timing, extrapolated to 60; {rounds} interleaved rounds; "
          f"{threads} thread(s); s/rep (rounds), median")
    for label, xs in got.items():
        print(f"{label:22s} {' '.join(f'{x:6.1f}' for x in xs)}  {med[label]:6.1f}")
    print(f"\nrelu model: {relu:.1f} s per repetition (default minus linear only)")
    for n in names:
        extra = med[f"relu + {n}"] - med["relu (default)"]
        print(f"{n:10s} model: {extra:6.1f} s per repetition, {extra / relu:5.2f} x relu's")


def main() -> None:
    import torch

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=None,
                    help="interleaved rounds (default: 3; 1 with --executors)")
    ap.add_argument("--threads", type=int, nargs="+", default=[2])
    ap.add_argument("--vectorised", action="store_true")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--executors", action="store_true",
                    help="compare the executors on whole repetitions instead")
    ap.add_argument("--reps", type=int, default=2, help="repetitions per executor timing")
    ap.add_argument("--load", type=int, nargs="+", default=[0, 1],
                    help="extra CPU-bound processes during the executor timings")
    ap.add_argument("--activations", nargs="+",
                    help="time what each of these activation models adds (see above)")
    ap.add_argument("--only", nargs="+",
                    help="rows to time, as processes x threads: 1x2 2x1 1x1 on 2 cores (default: all)")
    a = ap.parse_args()
    if a.activations:
        compare_activations(a.activations, a.epochs, a.rounds or 2, a.threads[0])
        return
    if a.executors:
        compare_executors(a.epochs, a.reps, a.load, a.rounds or 1, a.only)
        return
    a.rounds = a.rounds or 3
    print(f"torch {torch.__version__}; {a.epochs} epochs per timing, extrapolated to 60; "
          f"{a.rounds} interleaved rounds; shared machine: timings are noisy")
    for th in a.threads:
        torch.set_num_threads(th)
        peak = matmul_peak()
        time_repetition("fast", 1, th)  # warm-up (oneDNN kernel generation)
        plain, fast = [], []
        for _ in range(a.rounds):
            plain.append(time_repetition("plain", a.epochs, th))
            fast.append(time_repetition("fast", a.epochs, th))
        p, f = statistics.median(plain), statistics.median(fast)
        print(f"\nthreads={th}  matmul peak {peak:.0f} GFLOP/s")
        print(f"{'method':8s} {'s/rep (rounds)':>36s} {'median':>8s} {'GFLOP/s*':>9s} "
              f"{'of peak':>8s} {'100 reps':>9s}")
        for name, xs, m in (("plain", plain, p), ("fast", fast, f)):
            rate = STEP_GFLOP * STEPS_PER_REP / m
            print(f"{name:8s} {' '.join(f'{x:7.1f}' for x in xs):>36s} {m:8.1f} {rate:9.1f} "
                  f"{rate / peak:8.1%} {100 * m / 60:7.1f}min")
        print(f"ratio plain/fast (median): {p / f:.2f}x; per round: "
              + " ".join(f"{x / y:.2f}" for x, y in zip(plain, fast, strict=True)))
        print("* naive count: 0.3 GFLOP x 8,640 steps per repetition, whatever the method does;"
              " the fast path really computes about a third of it (the ReLU model's"
              " convolutions; the linear models' are removed exactly), so its arithmetic"
              f" rate is about {STEP_GFLOP * STEPS_PER_REP / f / 3:.0f} GFLOP/s")
        if a.vectorised:
            dense = grouped_step_seconds(1, th)
            for R in (2, 4, 8):
                gr = grouped_step_seconds(R, th)
                print(f"ReLU step vectorised over R={R} (grouped conv): {gr * 1e3:.2f} ms/rep "
                      f"vs R=1 {dense * 1e3:.2f} ms: ratio {gr / dense:.2f}")
        if a.profile:
            profile_fast(a.epochs, th)


if __name__ == "__main__":
    main()
