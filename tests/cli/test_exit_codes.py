"""Exit codes as documented in ``symrelu --help``: 2 for bad input or an unusable environment
(one line naming it), 1 only for our own bugs, 130 for Ctrl-C, never a traceback.

Tests run as root, where file permissions do not stop a write, so each environment problem is
made real where the kernel allows it and simulated otherwise:

- ENOTDIR: an output path under a regular file;
- ENAMETOOLONG: a file name of 300 characters (the limit is 255 bytes);
- EISDIR: an output path that is an existing directory;
- EACCES / ENOENT: a path under /sys or /proc (they refuse new files even to root), and
  EACCES exactly by a monkeypatched ``os.open``;
- ENOSPC: ``os.fsync`` monkeypatched to fail as a full disk does;
- no CUDA: ``torch.cuda.is_available`` monkeypatched to False (a real condition on CPU torch);
- an unreachable Dask scheduler: a local port that was just closed, with a 1 s timeout.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from symrelu.cli.main import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line(err: str, *words: str) -> None:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err


# ------------------------------------------------------------------ help documents the codes


def test_help_documents_exit_codes(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    text = out[out.index("exit codes:"):]
    for line in ("0    success", "1    an internal error", "2    bad input or an unusable",
                 "3    a needed module", "130  interrupted", "--debug"):
        assert line in text


# ------------------------------------------------------------------ output paths (report -o)

# `symrelu report` refuses a bad path before it computes anything; --order 0 and --no-figure
# keep the run cheap where it gets further


def _report(capsys, target, *extra):
    return run(capsys, "report", "1@5", "--order", "0", "--no-figure", "-o", str(target), *extra)


def test_report_under_a_regular_file_is_enotdir(capsys, tmp_path):
    (tmp_path / "afile").write_text("x")
    code, _, err = _report(capsys, tmp_path / "afile" / "r.tex")
    assert code == 2
    assert_one_line(err, "afile", "Not a directory")


def test_report_overlong_name(capsys, tmp_path):
    code, _, err = _report(capsys, tmp_path / ("y" * 300 + ".tex"))
    assert code == 2
    assert_one_line(err, "File name too long", "yyyy")


def test_report_overlong_directory(capsys, tmp_path):
    code, _, err = _report(capsys, tmp_path / ("d" * 300) / "r.tex")
    assert code == 2
    assert_one_line(err, "File name too long")


def test_report_onto_a_directory(capsys, tmp_path):
    (tmp_path / "r.tex").mkdir()
    code, _, err = _report(capsys, tmp_path / "r.tex")
    assert code == 2
    assert_one_line(err, "r.tex", "directory")


@pytest.mark.parametrize("folder", ["/proc", "/sys"])
def test_report_into_proc_or_sys(capsys, folder):
    # procfs and sysfs accept no new file, not even from root (ENOENT, EACCES or EROFS)
    if not Path(folder).is_dir():
        pytest.skip(f"no {folder} on this system")
    code, _, err = _report(capsys, f"{folder}/symrelu-test-report.tex")
    assert code == 2
    assert_one_line(err, f"{folder}/symrelu-test-report", "cannot write")


def test_permission_denied(capsys, tmp_path, monkeypatch):
    real_open = os.open

    def denied(path, flags, *args, **kw):
        if str(path).startswith(str(tmp_path)) and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args, **kw)

    monkeypatch.setattr(os, "open", denied)
    code, _, err = _report(capsys, tmp_path / "r.tex")
    assert code == 2
    assert_one_line(err, "Permission denied", str(tmp_path / "r.tex"))


def test_disk_full(capsys, tmp_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    code, _, err = _report(capsys, tmp_path / "r.tex")
    assert code == 2
    assert_one_line(err, "No space left on device", "r.tex")
    # the half-written temporary file is removed, the target never created
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# ------------------------------------------------------------------ experiments

VD_TINY = ["--inits", "2", "--samples-per-class", "4", "--threads", "1", "--no-figures",
           "--quiet"]
VC_TINY = ["--reps", "1", "--epochs", "1", "--samples-per-class", "8", "--threads", "1",
           "--no-figures", "--quiet"]


def test_experiment_out_is_a_file(capsys, tmp_path):
    (tmp_path / "taken").write_text("x")
    code, _, err = run(capsys, "experiment", "vd", *VD_TINY, "--out", str(tmp_path / "taken"))
    assert code == 2
    assert_one_line(err, "taken", "not a directory")


def test_experiment_out_overlong(capsys, tmp_path):
    code, _, err = run(capsys, "experiment", "vd", *VD_TINY, "--out", str(tmp_path / ("z" * 300)))
    assert code == 2
    assert_one_line(err, "File name too long")


@pytest.mark.torch
def test_device_cuda_without_cuda(capsys, tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    code, _, err = run(capsys, "experiment", "vc", *VC_TINY, "--device", "cuda",
                       "--out", str(tmp_path / "vc"))
    assert code == 2
    assert_one_line(err, "--device cuda", "CUDA is not available")
    assert not (tmp_path / "vc").exists()  # refused before anything ran


@pytest.mark.torch
def test_device_not_a_device(capsys, tmp_path):
    pytest.importorskip("torch")
    code, _, err = run(capsys, "experiment", "vc", *VC_TINY, "--device", "gpu0",
                       "--out", str(tmp_path / "vc"))
    assert code == 2
    assert_one_line(err, "gpu0")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.torch
def test_unreachable_dask_scheduler(capsys, tmp_path, monkeypatch):
    pytest.importorskip("torch")
    pytest.importorskip("distributed")
    from symrelu.numeric.experiments import _repetitions

    monkeypatch.setattr(_repetitions, "SCHEDULER_TIMEOUT_S", 1.0)
    address = f"tcp://127.0.0.1:{_closed_port()}"
    t0 = time.perf_counter()
    code, _, err = run(capsys, "experiment", "vc", *VC_TINY, "--executor", "dask",
                       "--scheduler", address, "--out", str(tmp_path / "vc"))
    assert code == 2
    assert_one_line(err, address, "cannot reach the Dask scheduler")
    assert time.perf_counter() - t0 < 30  # a short timeout, not distributed's default


@pytest.mark.torch
def test_repetition_file_of_other_parameters(capsys, tmp_path):
    pytest.importorskip("torch")
    out = str(tmp_path / "vc")
    assert run(capsys, "experiment", "vc", *VC_TINY, "--out", out)[0] == 0
    code, _, err = run(capsys, "experiment", "vc", *VC_TINY, "--seed", "7", "--out", out)
    assert code == 2
    assert_one_line(err, "rep-00000.json", "was computed with parameters")


# ------------------------------------------------------------------ bugs are exit 1


@pytest.fixture
def broken_dc(monkeypatch):
    """Make `symrelu dc` fail with a given exception (an injected bug)."""
    from symrelu.cli import commands

    def inject(exc: BaseException):
        def cmd_dc(args):
            raise exc

        monkeypatch.setattr(commands, "cmd_dc", cmd_dc)

    return inject


@pytest.mark.parametrize("exc", [
    RuntimeError("boom"),
    # errors from inside sympy/mpmath/Python that main() used to call bad input (exit 2)
    TypeError("cannot create mpf from 6.99e-101*I"),
    OverflowError("int too large to convert to float"),
    ValueError("Exceeds the limit (4300 digits) for integer string conversion"),
    KeyError("missing"),
    OSError(errno.EIO, "Input/output error"),  # not one of our environment errors
])
def test_internal_error_exits_1(capsys, broken_dc, exc):
    broken_dc(exc)
    code, out, err = run(capsys, "dc", "1@5")
    assert code == 1 and out == ""
    assert_one_line(err, "internal error", type(exc).__name__, "please report it", "--debug")


def test_symrelu_error_exits_2(capsys, broken_dc):
    from symrelu.errors import ToneSpecError

    broken_dc(ToneSpecError("amplitude 'x' is not a number"))
    code, _, err = run(capsys, "dc", "1@5")
    assert code == 2
    assert_one_line(err, "amplitude 'x' is not a number")


def test_debug_shows_the_traceback(capsys, broken_dc, monkeypatch):
    broken_dc(RuntimeError("boom"))
    code, _, err = run(capsys, "--debug", "dc", "1@5")
    assert code == 1 and "Traceback" in err and "RuntimeError: boom" in err
    monkeypatch.setenv("SYMRELU_DEBUG", "1")
    code, _, err = run(capsys, "dc", "1@5")
    assert code == 1 and "Traceback" in err
    monkeypatch.setenv("SYMRELU_DEBUG", "0")
    code, _, err = run(capsys, "dc", "1@5")
    assert code == 1 and "Traceback" not in err


def test_keyboard_interrupt_in_process(capsys, broken_dc):
    broken_dc(KeyboardInterrupt())
    code, _, err = run(capsys, "dc", "1@5")
    assert code == 130
    assert_one_line(err, "interrupted")


# ------------------------------------------------------------------ Ctrl-C, for real


def _interrupt(argv: list[str], delay: float, cwd: Path) -> tuple[int, str]:
    """Start `symrelu ARGV` as the console script does, send SIGINT after `delay` s."""
    script = "import sys; from symrelu.cli.main import main; sys.exit(main())"
    proc = subprocess.Popen([sys.executable, "-c", script, *argv], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    assert proc.poll() is None, "the command ended before the interrupt"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err


def _startup_seconds() -> float:
    """How long Python takes here to start and import the entry point (symrelu.cli.main).

    A SIGINT before that lands in the interpreter's own start-up, which no program can
    intercept; the test interrupts after it.
    """
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import symrelu.cli.main"], check=True)
    return time.perf_counter() - t0


# The DC of 300 unit tones at harmonics 1..300 takes about 11 s on an idle machine (more under
# load), so it is still running at every delay: "early" lands in main() while it imports sympy
# and symrelu (about a second), "computing" 3 s into the computation
LONG_DC = ["--time-limit", "1000", "dc", " + ".join(f"1@{k}" for k in range(1, 301))]


@pytest.mark.parametrize("when", ["early", "computing"])
def test_ctrl_c_exits_130_without_traceback(tmp_path, when):
    delay = 1.5 * _startup_seconds() + 0.05 if when == "early" else 3.0
    code, err = _interrupt(LONG_DC, delay, tmp_path)
    assert code == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert err.strip().splitlines()[-1] == "symrelu: interrupted (finished steps are kept)"


@pytest.mark.torch
def test_ctrl_c_during_training_keeps_a_consistent_result(tmp_path):
    pytest.importorskip("torch")
    out = tmp_path / "vc"
    argv = ["experiment", "vc", "--reps", "100", "--epochs", "2", "--samples-per-class", "16",
            "--threads", "1", "--no-figures", "--out", str(out)]
    deadline = time.monotonic() + 120
    script = "import sys; from symrelu.cli.main import main; sys.exit(main())"
    proc = subprocess.Popen([sys.executable, "-c", script, *argv], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while not (out / "results.json").exists() and time.monotonic() < deadline:
        time.sleep(0.2)  # wait until at least one repetition finished (training is under way)
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    record = json.loads((out / "results.json").read_text())
    assert not record["complete"] and len(record["repetitions"]) >= 1
