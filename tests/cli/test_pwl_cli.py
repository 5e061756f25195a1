"""--activation with every piecewise-linear name on the command line.

Expected values are independent of the engine: mpmath.quad of relu6 over one period,
split at the crossings of 0 and 6 (the signal 3/10 + cos(10 pi t) + 3/5 cos(14 pi t) stays
below 6, so relu6 = relu there and only the crossings of 0 matter).
"""

from __future__ import annotations

import json

import mpmath
import pytest
from symrelu.cli.main import main

SIG = "0.3 + 1@5 + 0.6@7"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _relu6_dc_by_quadrature() -> mpmath.mpf:
    with mpmath.workdps(40):
        def x(t):
            return mpmath.mpf("0.3") + mpmath.cos(5 * t) + mpmath.mpf("0.6") * mpmath.cos(7 * t)

        grid = [2 * mpmath.pi * k / 3000 for k in range(3001)]
        zeros = [mpmath.findroot(x, (a, b), solver="anderson")
                 for a, b in zip(grid, grid[1:]) if x(a) * x(b) < 0]
        pts = [grid[0], *zeros, grid[-1]]
        return mpmath.quad(lambda t: min(max(x(t), 0), 6), pts) / (2 * mpmath.pi)


def test_dc_with_relu6(capsys):
    code, out, err = run(capsys, "dc", SIG, "--activation", "relu6", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["activation"] == "relu6"
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(doc["dc"]) - _relu6_dc_by_quadrature()) < mpmath.mpf(10) ** -28


@pytest.mark.parametrize("name", ["hardtanh", "hardtanh:-1/2:2", "clip:0:1", "deadzone",
                                  "hardsigmoid", "sign", "relay", "heaviside", "step",
                                  "linear", "identity", "leaky_relu:0.2"])
def test_every_name_is_accepted_and_reported_canonically(capsys, name):
    code, out, err = run(capsys, "coefficient", SIG, "5", "--activation", name,
                         "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    canonical = {"hardtanh": "hardtanh:-1:1", "deadzone": "deadzone:-1:1", "relay": "sign",
                 "step": "heaviside", "identity": "linear", "leaky_relu:0.2": "leaky:1/5"}
    assert doc["activation"] == canonical.get(name, name)
    code, out, err = run(capsys, "coefficient", SIG, "5", "--activation", doc["activation"],
                         "--format", "json")
    assert code == 0 and json.loads(out)["activation"] == doc["activation"]


def test_expand_with_a_kink_per_expansion(capsys):
    code, out, err = run(capsys, "expand", SIG, "--activation", "hardtanh", "--order", "3",
                         "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    kinks = doc["certificate"]["kinks"]
    assert [k["t"] for k in kinks] == ["-1", "1"] and doc["certificate"]["converges"] is True
    assert doc["center"]["value"].count(",") == 1          # one center per kink
    code, out, _ = run(capsys, "expand", SIG, "--activation", "hardtanh", "--order", "3")
    assert code == 0 and out.count("certificate") >= 2


@pytest.mark.parametrize("argv", [
    ["dc", SIG, "--activation", "nosuch"],
    ["dc", SIG, "--activation", "hardtanh:1:-1"],
    ["dc", SIG, "--activation", "clip:0"],
    ["expand", SIG, "--activation", "sign"],
    ["coefficient", SIG, "5", "--activation", "pwl:1:2"],
])
def test_bad_activation_exit_2_one_line(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("symrelu: error:")
