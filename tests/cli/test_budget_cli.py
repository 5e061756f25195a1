"""The command line refuses work it cannot bound (issue 16, requirement 3): exit 2, one line.

Each case ran for minutes, took gigabytes or exited 1 before. The commands run
in a subprocess, as a user runs them; each refusal must come quickly (the
whole command, interpreter start-up included, well under 10 s).
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

_EIGHT = "1@1+1@2+1@3+1@4+1@5+1@6+1@7+1@8"


def _symrelu(*args: str, timeout: float = 60) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "symrelu.cli.main", *args], capture_output=True,
                         text=True, timeout=timeout)
    return out, time.perf_counter() - start


@pytest.mark.parametrize("args, needle", [
    (["dc", "1e100000000@5"], "1e100000000"),                       # over 120 s before
    (["coefficient", "1@5", "1e99999"], "1e99999"),                 # exit 1 before (4300 digits)
    (["expand", "1@1", "--center", "1e-99999"], "center"),          # exit 1 before
    (["--time-limit", "0.1", "dc", "1@1 + 1@1500"], "highest harmonic 1500"),  # was > 120 s
    (["dc", " + ".join(f"1@{k}" for k in range(1, 401))], "400 tones"),   # 200 took 26 s
    (["dc", " + ".join(f"1@{k}" for k in range(1, 1001))], "1000 tones"),  # over 120 s before
    (["expand", _EIGHT, "--order", "6", "--regime", "generic"], "4.7e+06 polynomial terms"),
    (["expand", "1@1+1@2+1@3+1@4+1@5+1@6", "--order", "12", "--regime", "generic"], "order"),
])
def test_unbounded_work_exits_2_with_one_line(args, needle):
    out, elapsed = _symrelu(*args)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert needle in lines[0] and "limit" in lines[0], lines[0]
    assert out.stdout == ""
    assert elapsed < 10, f"the refusal took {elapsed:.1f} s"


def test_the_refusal_says_how_to_raise_the_limit_on_the_command_line():
    out, _ = _symrelu("dc", " + ".join(f"1@{k}" for k in range(1, 401)))
    assert "symrelu --time-limit" in out.stderr and "budget.limits" not in out.stderr
    assert "about 2e+02 s" in out.stderr                   # the estimate itself


def test_a_lower_time_limit_refuses_what_the_default_allows():
    out, _ = _symrelu("--time-limit", "0.001", "dc", "1@1 + 1@100", "--digits", "15")
    assert out.returncode == 2 and "limits 0.001 s" in out.stderr
    out, _ = _symrelu("dc", "1@1 + 1@100", "--digits", "15")
    assert out.returncode == 0 and out.stderr == ""        # quick work prints no progress


def test_a_higher_memory_limit_admits_what_the_default_refuses():
    # estimated at about 9 GB with its document: refused by default, admitted by the
    # raised limit as far as the estimate goes (then refused by the lowered time limit,
    # so nothing long runs here)
    out, _ = _symrelu("--memory-limit", "40GB", "--time-limit", "1", "expand", _EIGHT,
                      "--order", "6", "--regime", "generic")
    assert out.returncode == 2
    assert "limits 1 s, 40 GB" in out.stderr and "--time-limit" in out.stderr


@pytest.mark.parametrize("args, needle", [
    (["--time-limit", "abc", "dc", "1@1"], "--time-limit"),
    (["--time-limit", "-3", "dc", "1@1"], "--time-limit"),
    (["--memory-limit", "lots", "dc", "1@1"], "--memory-limit"),
])
def test_bad_limits_exit_2(args, needle):
    out, _ = _symrelu(*args)
    assert out.returncode == 2 and needle in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_long_exact_work_shows_progress_on_stderr():
    # estimated at about 5 s: a line with the estimate at the start
    out, _ = _symrelu("dc", " + ".join(f"1@{k}" for k in range(1, 101)), "--digits", "15",
                      timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stderr.strip().splitlines()
    assert lines[0].startswith("symrelu: the DC: about") and "(estimated)" in lines[0]
    assert "exact DC" in out.stdout                        # the value still printed
