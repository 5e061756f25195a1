"""Section V-C in torch: models, fast path == reference loop, executors, resume, outputs."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import subprocess
import sys
import time

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from symrelu.cli.main import main  # noqa: E402
from symrelu.numeric.experiments import vc  # noqa: E402
from symrelu.numeric.experiments._repetitions import repetition_path  # noqa: E402

pytestmark = pytest.mark.torch

# one torch thread: the numbers of every executor are then the same bits
SMALL = dict(epochs=2, samples_per_class=64, threads=1, figures=False, executor="threads")


def _small(tmp_path=None, **kw):
    args = {**SMALL, "out": None if tmp_path is None else str(tmp_path), **kw}
    return vc.Config(**args)


# ------------------------------------------------------------------ models


@pytest.mark.parametrize("name", vc.MODELS)
def test_model_shapes_and_parameter_counts(name):
    net = vc.build_model(name)
    shapes = {k: tuple(v.shape) for k, v in net.state_dict().items()}
    assert shapes == {
        "conv1.weight": (32, 1, 3),
        "conv2.weight": (32, 32, 3),
        "dense1.weight": (32, 32),
        "dense1.bias": (32,),
        "dense2.weight": (3, 32),
        "dense2.bias": (3,),
    }
    assert sum(p.numel() for p in net.parameters()) == 96 + 3072 + 1056 + 99
    assert net.conv1.bias is None and net.conv2.bias is None
    assert net(torch.zeros(5, 1, 256)).shape == (5, 3)
    init = vc.initial_parameters(0, 0, name)
    assert {k: v.shape for k, v in init.items()} == shapes
    np.testing.assert_array_equal(init["dense1.bias"], 0)
    assert np.abs(init["conv2.weight"]).max() <= np.sqrt(6 / (96 + 96))  # Glorot uniform


@pytest.mark.parametrize("name", ["relu", "linear"])
def test_convolutions_are_causal(name):
    net = vc.build_model(name)
    captured = []
    net.conv2.register_forward_hook(lambda mod, inp, out: captured.append(out.detach()))
    x = torch.randn(2, 1, 256, generator=torch.Generator().manual_seed(1))
    t0 = 100
    y = x.clone()
    y[..., t0:] += torch.randn(2, 1, 256 - t0, generator=torch.Generator().manual_seed(2))
    net(x)
    net(y)
    a, b = captured
    assert a.shape == (2, 32, 256)  # same length: padding only on the left
    torch.testing.assert_close(a[..., :t0], b[..., :t0], rtol=0, atol=0)  # past is untouched
    assert not torch.equal(a[..., t0:], b[..., t0:])
    # and the output at t depends on x[t] itself (kernel reaches the present)
    z = x.clone()
    z[..., t0] += 1.0
    net(z)
    assert not torch.equal(captured[-1][..., t0], a[..., t0])


def test_dataset():
    x, y, f = vc.make_dataset(3, 1, samples_per_class=500)
    assert x.shape == (1500, 256)
    for c, mu in enumerate(vc.CLASS_FREQUENCIES):
        assert abs(f[y == c].mean() - mu) < 0.03
        assert abs(f[y == c].std() - 0.1) < 0.02
    np.testing.assert_allclose(x[:, 0], 1.0)  # cos, zero phase
    np.testing.assert_allclose(x[7], np.cos(2 * np.pi * f[7] * np.arange(256) / 32))
    x2, _, _ = vc.make_dataset(3, 1, samples_per_class=500)
    np.testing.assert_array_equal(x, x2)
    x3, _, _ = vc.make_dataset(3, 2, samples_per_class=500)
    assert not np.array_equal(x, x3)


# -------------------------------------------------- fast path == reference


def test_fast_path_matches_plain_per_model_loop():
    kw = dict(epochs=3, samples_per_class=256, threads=1, out=None)
    plain = vc.run_repetition(vc.Config(method="plain", **kw), 4)
    fast = vc.run_repetition(vc.Config(method="fast", **kw), 4)
    for key in ("loss", "distance1", "distance2"):
        # float32 rounding differs (the linear models skip their convolutions exactly)
        np.testing.assert_allclose(fast[key], plain[key], rtol=2e-4, atol=1e-6, err_msg=key)
    np.testing.assert_allclose(fast["accuracy"], plain["accuracy"], atol=2 / (3 * 256))


def test_linear_reduction_is_the_convolutional_model():
    # the pooled features of the linear network from five partial means per sample
    x, y, _ = vc.make_dataset(0, 0, samples_per_class=8)
    net = vc.build_model("linear").double()
    w1, w2 = net.conv1.weight.detach(), net.conv2.weight.detach()
    xt = torch.from_numpy(x)[:, None, :]
    h = net.conv2(torch.nn.functional.pad(net.conv1(torch.nn.functional.pad(xt, (2, 0))), (2, 0)))
    pooled = h.mean(-1).detach()
    S = torch.from_numpy(vc._partial_means(x))
    G = S[:, [[4 - k - j for j in range(3)] for k in range(3)]]
    q = torch.einsum("cj,bkj->bck", w1[:, 0, :], G)
    g = torch.einsum("ock,bck->bo", w2, q)
    torch.testing.assert_close(g, pooled, rtol=1e-12, atol=1e-12)


# --------------------------------------------------------- reproducibility


def test_same_seed_gives_identical_results_file(tmp_path):
    a = vc.run(_small(tmp_path / "a", reps=2), progress=False)
    b = vc.run(_small(tmp_path / "b", reps=2), progress=False)
    assert (tmp_path / "a/results.json").read_bytes() == (tmp_path / "b/results.json").read_bytes()
    rec = json.loads((tmp_path / "a/results.json").read_text())
    assert rec["provenance"]["seed"] == 0
    assert torch.__version__.startswith(rec["provenance"]["versions"]["torch"])
    assert rec["complete"] and rec["repetitions"] == [0, 1]
    np.testing.assert_array_equal(a.loss, b.loss)
    c = vc.run(_small(tmp_path / "c", reps=2, seed=1), progress=False)
    assert not np.array_equal(a.loss, c.loss)


def test_resume_after_interrupt_equals_uninterrupted_run(tmp_path, monkeypatch):
    full = vc.run(_small(tmp_path / "full", reps=3), progress=False)

    calls = []
    real = vc._task

    def dying(cfg_dict, rep):
        if rep == 2:
            raise KeyboardInterrupt  # simulated Ctrl-C after k = 2 repetitions
        calls.append(rep)
        return real(cfg_dict, rep)

    monkeypatch.setattr(vc, "_task", dying)
    cfg = _small(tmp_path / "part", reps=3)
    with pytest.raises(KeyboardInterrupt):
        vc.run(cfg, progress=False)
    assert calls == [0, 1]
    # the results file is consistent and holds exactly the finished repetitions
    rec = json.loads((tmp_path / "part/results.json").read_text())
    assert rec["repetitions"] == [0, 1] and not rec["complete"]
    assert not repetition_path(tmp_path / "part", 2).exists()

    calls.clear()
    monkeypatch.setattr(vc, "_task", lambda d, r: (calls.append(r), real(d, r))[1])
    resumed = vc.run(cfg, progress=False)
    assert calls == [2]  # nothing finished is recomputed
    assert (tmp_path / "part/results.json").read_bytes() == \
        (tmp_path / "full/results.json").read_bytes()
    np.testing.assert_array_equal(resumed.distance2, full.distance2)

    calls.clear()
    vc.run(dataclasses.replace(cfg, reps=4), progress=False)  # extending adds one
    assert calls == [3]


def test_resume_refuses_other_parameters(tmp_path):
    vc.run(_small(tmp_path, reps=1), progress=False)
    with pytest.raises(ValueError, match="another output directory"):
        vc.run(_small(tmp_path, reps=1, epochs=3), progress=False)


def test_dask_scheduler_same_results_and_resume(tmp_path):
    distributed = pytest.importorskip("distributed")
    local = vc.run(_small(tmp_path / "local", reps=3), progress=False)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        # pretend one repetition was finished earlier, locally
        vc.run(_small(tmp_path / "dask", reps=1), progress=False)
        cfg = _small(tmp_path / "dask", reps=3, executor="dask",
                     scheduler=cluster.scheduler_address)
        res = vc.run(cfg, progress=False)
    assert res.repetitions == [0, 1, 2]
    np.testing.assert_array_equal(res.loss, local.loss)
    assert (tmp_path / "dask/results.json").read_bytes() == \
        (tmp_path / "local/results.json").read_bytes()


# ------------------------------------------------------- reduced-size run


def test_reduced_run_writes_everything_and_shows_the_finding(tmp_path):
    cfg = vc.Config(reps=2, epochs=3, out=str(tmp_path), threads=None)
    res = vc.run(cfg, progress=False)
    for name in ("results.json", "summary.txt", "fig4.png", "fig4.pdf", "timing.json"):
        assert (tmp_path / name).stat().st_size > 0, name
    assert res.loss.shape == (2, 3, 3)
    assert np.all(np.isfinite(res.loss)) and np.all(res.distance1 > 0)
    relu = vc.MODELS.index("relu")
    assert np.all(res.loss[:, relu, -1] < res.loss[:, relu, 0])
    assert np.all(res.accuracy[:, relu, -1] > 0.9)
    summary = (tmp_path / "summary.txt").read_text()
    assert "finding" in summary
    # the paper's finding already holds after 3 epochs
    assert res.finding["holds"], summary


@pytest.mark.slow
def test_full_length_two_repetitions(tmp_path):
    res = vc.run(vc.Config(reps=2, epochs=60, out=str(tmp_path)), progress=False)
    assert res.finding["holds"], res.summary


def test_config_validation():
    with pytest.raises(ValueError, match="reps"):
        vc.Config(reps=0)
    with pytest.raises(ValueError, match="method"):
        vc.Config(method="quick")
    with pytest.raises(ValueError, match="executor"):
        vc.Config(executor="ray")


# ------------------------------------------------------------ executors


def test_process_executor_gives_the_bits_of_the_thread_path(tmp_path):
    # the reference: one process, repetitions one after another, one torch thread
    serial = vc.run(_small(tmp_path / "threads", reps=3), progress=False)
    for workers in (2,):
        out = tmp_path / f"processes-{workers}"
        res = vc.run(_small(out, reps=3, executor="processes", workers=workers), progress=False)
        assert res.repetitions == [0, 1, 2] and sorted(res.seconds) == [0, 1, 2]
        np.testing.assert_array_equal(res.loss, serial.loss)
        np.testing.assert_array_equal(res.distance2, serial.distance2)
        assert _record(out) == _record(tmp_path / "threads")
        timing = json.loads((out / "timing.json").read_text())
        assert (timing["executor"], timing["workers"], timing["torch_threads"]) == \
            ("processes", workers, 1)


def _record(out) -> dict:
    """results.json of ``out`` without the revision (a commit may land between two runs)."""
    rec = json.loads((out / "results.json").read_text())
    rec["provenance"].pop("git_revision")
    return rec


def _gone(pid: int, wait: float = 10.0) -> bool:
    """True once no process ``pid`` exists (a terminated worker has been reaped)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_interrupted_multiworker_run_resumes(tmp_path, monkeypatch):
    reference = vc.run(_small(tmp_path / "reference", reps=6), progress=False)
    cfg = _small(tmp_path / "part", reps=6, executor="processes", workers=2)
    real = vc._write_outputs
    workers = []

    def interrupted(config, done, *, final):
        real(config, done, final=final)
        if len(done) == 2:  # Ctrl-C reaches this process while the workers run
            workers.extend(multiprocessing.active_children())
            raise KeyboardInterrupt

    monkeypatch.setattr(vc, "_write_outputs", interrupted)
    t0 = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        vc.run(cfg, progress=False)
    assert time.perf_counter() - t0 < 60
    assert len(workers) == 2 and all(_gone(p.pid) for p in workers)  # no worker left behind
    finished = sorted(int(f.stem[4:]) for f in (tmp_path / "part/repetitions").glob("rep-*.json"))
    assert len(finished) == 2
    rec = json.loads((tmp_path / "part/results.json").read_text())
    assert rec["repetitions"] == finished and not rec["complete"]

    monkeypatch.setattr(vc, "_write_outputs", real)
    resumed = vc.run(cfg, progress=False)
    assert sorted(resumed.seconds) == sorted(set(range(6)) - set(finished))  # none recomputed
    np.testing.assert_array_equal(resumed.distance1, reference.distance1)
    assert _record(tmp_path / "part") == _record(tmp_path / "reference")


def test_ctrl_c_on_the_command_line_stops_the_workers(tmp_path):
    import signal

    out = tmp_path / "vc"
    command = [sys.executable, "-c", "import sys; from symrelu.cli.main import main; "
               "sys.exit(main())", "experiment", "vc", "--reps", "500", "--epochs", "1",
               "--samples-per-class", "32", "--no-figures", "--quiet", "--executor",
               "processes", "--workers", "2", "--out", str(out)]
    proc = subprocess.Popen(command, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not repetition_path(out, 2).exists():
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err, err
    # nothing of the run is left running in its process group (a reaped or defunct one is gone)
    left = subprocess.run(["ps", "-o", "stat=", "-g", str(proc.pid)], capture_output=True,
                          text=True).stdout.split()
    assert all(stat.startswith("Z") for stat in left), left
    finished = {int(f.stem[4:]) for f in (out / "repetitions").glob("rep-*.json")}
    rec = json.loads((out / "results.json").read_text())
    assert 2 in finished and len(finished) < 500 and set(rec["repetitions"]) <= finished


def test_a_worker_that_dies_is_named_and_the_finished_repetitions_stay(tmp_path, monkeypatch):
    import signal

    from symrelu.errors import EnvironmentProblemError

    real = vc._write_outputs

    def kill_a_worker(config, done, *, final):
        real(config, done, final=final)
        if len(done) == 1:  # the kernel's OOM killer, say
            os.kill(multiprocessing.active_children()[0].pid, signal.SIGKILL)

    monkeypatch.setattr(vc, "_write_outputs", kill_a_worker)
    cfg = _small(tmp_path, reps=6, executor="processes", workers=2)
    with pytest.raises(EnvironmentProblemError, match="a worker process died while computing"):
        vc.run(cfg, progress=False)
    finished = list((tmp_path / "repetitions").glob("rep-*.json"))
    assert finished and json.loads((tmp_path / "results.json").read_text())["repetitions"]


def test_dask_without_scheduler_starts_and_closes_a_local_cluster(tmp_path):
    pytest.importorskip("distributed")
    serial = vc.run(_small(tmp_path / "threads", reps=2), progress=False)
    out = tmp_path / "dask"
    command = [sys.executable, "-c", "import sys; from symrelu.cli.main import main; "
               "sys.exit(main())", "experiment", "vc", "--reps", "2", "--epochs", "2",
               "--samples-per-class", "64", "--threads", "1", "--no-figures", "--quiet",
               "--executor", "dask", "--workers", "2", "--out", str(out)]
    # a cluster that does not start or does not close would hang: bounded here
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    rec = json.loads((out / "results.json").read_text())
    assert rec["repetitions"] == [0, 1]
    np.testing.assert_array_equal(rec["metrics"]["loss"], serial.loss)
    timing = json.loads((out / "timing.json").read_text())
    assert (timing["executor"], timing["workers"]) == ("dask", 2)


@pytest.mark.parametrize("options, words", [
    ({"workers": 0}, "workers must be a positive integer"),
    ({"workers": True}, "workers must be a positive integer"),
    ({"executor": "threads", "workers": 2}, "workers applies to executor"),
    ({"executor": "dask", "workers": 2, "scheduler": "tcp://127.0.0.1:8786"},
     "workers sets the size of a local Dask cluster"),
    ({"executor": "processes", "scheduler": "tcp://127.0.0.1:8786"}, "executor 'dask' only"),
    ({"executor": "local"}, "executor must be one of 'processes', 'threads', 'dask'"),
    ({"threads": 0}, "threads must be a positive integer"),
])
def test_bad_executor_options(options, words):
    with pytest.raises(ValueError, match=words):
        vc.Config(**options)


@pytest.mark.parametrize("argv, words", [
    (["--workers", "0"], "workers must be a positive integer"),
    (["--workers", "two"], "--workers"),
    (["--executor", "threads", "--workers", "2"], "workers applies to executor"),
    (["--executor", "spark"], "executor must be one of"),
])
def test_bad_executor_options_on_the_command_line(capsys, tmp_path, argv, words):
    code = main(["experiment", "vc", "--reps", "1", "--epochs", "1", "--quiet",
                 "--out", str(tmp_path / "vc"), *argv])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err and words in err, err
    assert not (tmp_path / "vc").exists()  # refused before anything ran
