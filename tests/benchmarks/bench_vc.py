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
"""

from __future__ import annotations

import argparse
import statistics
import time

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


def time_repetition(method: str, epochs: int, threads: int) -> float:
    from symrelu.numeric.experiments import vc

    cfg = vc.Config(reps=1, epochs=epochs, out=None, method=method, threads=threads)
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


def main() -> None:
    import torch

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, nargs="+", default=[2])
    ap.add_argument("--vectorised", action="store_true")
    ap.add_argument("--profile", action="store_true")
    a = ap.parse_args()
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
