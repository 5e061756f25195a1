"""The exact-values commands: convergence, coefficient, closed-form, dc --convergence."""

from __future__ import annotations

import json

import mpmath
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from symrelu.cli.main import main

PAPER = "1@5 + 1@10 + 1@20 + 1@40"


def _paper_coefficient_by_quadrature(n: int, dps: int) -> mpmath.mpc:
    """c_n of ReLU(cos t + cos 2t + cos 4t + cos 8t) (t = 2 pi 5 Hz time) by mpmath.quad.

    An oracle that shares nothing with the engine: the zeros are bracketed on a grid and
    refined by findroot, and the integral over one period is split at them.
    """
    with mpmath.workdps(dps + 10):
        def x(t):
            return mpmath.cos(t) + mpmath.cos(2 * t) + mpmath.cos(4 * t) + mpmath.cos(8 * t)

        grid = [-mpmath.pi + 2 * mpmath.pi * k / 4000 for k in range(4001)]
        zeros = [mpmath.findroot(x, (a, b), solver="anderson")
                 for a, b in zip(grid, grid[1:]) if x(a) * x(b) < 0]
        pts = [-mpmath.pi, *zeros, mpmath.pi]
        value = mpmath.quad(lambda t: max(x(t), 0) * mpmath.expj(-n * t), pts)
        return value / (2 * mpmath.pi)


def _two_unit_tones_coefficient_m1_p1() -> mpmath.mpf:
    """c_(-1, 1) of ReLU(cos t1 + cos t2) on the torus, by phase-out quadrature.

    For fixed t2 (s = cos t2) the mean over t1 of ReLU(cos t1 + s) cos t1 is, with
    a = arccos(-s), (a + sin(2a)/2 + 2 s sin a) / (2 pi) in closed form; the mean over t2
    against cos t2 is left to mpmath.quad.
    """
    with mpmath.workdps(25):
        def inner(s):
            a = mpmath.acos(-s)
            return (a + mpmath.sin(2 * a) / 2 + 2 * s * mpmath.sin(a)) / (2 * mpmath.pi)

        return mpmath.quad(lambda t: inner(mpmath.cos(t)) * mpmath.cos(t),
                           [0, mpmath.pi / 2, mpmath.pi]) / mpmath.pi


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, err = run(capsys, *argv, "--format", "json")
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("cmd", ["convergence", "coefficient", "closed-form"])
def test_help(capsys, cmd):
    code, out, _ = run(capsys, cmd, "--help")
    assert code == 0 and "usage: symrelu" in out


def test_convergence_json_schema(capsys):
    doc = run_json(capsys, "convergence", PAPER, "--orders", "4", "--digits", "25")
    assert doc["schema"] == "symrelu.convergence/1"
    assert set(doc) == {"schema", "signal", "activation", "regime", "center", "digits",
                        "exact_dc", "converges", "rows", "paper_order0"}
    assert doc["exact_dc"] == "0.574441695339480816488229"  # 25 digits, trailing 0 dropped
    assert doc["center"] == {"name": "peak", "value": "8"} and doc["converges"] is True
    assert [r["order"] for r in doc["rows"]] == [0, 1, 2, 3, 4]
    assert set(doc["rows"][0]) == {"order", "truncated", "value", "float", "error",
                                   "error_float", "relative_error", "bound", "bound_float",
                                   "bound_holds"}
    assert [r["truncated"] for r in doc["rows"][:3]] == [
        "sqrt(2)", "5*sqrt(2)/8", "549*sqrt(2)/1024"]
    for r in doc["rows"]:  # the certificate's bound is never below the error
        assert r["bound_holds"] is True and r["error_float"] <= r["bound_float"]
    # the paper's order-0 value (eq. 8, mean-square center) and its gap
    assert doc["paper_order0"]["exact"] == "sqrt(2)/2"
    assert abs(doc["paper_order0"]["relative_error"] - 0.23094) < 1e-4


def test_convergence_single_tone_shows_eq8_gap(capsys):
    code, out, _ = run(capsys, "convergence", "1@3", "--orders", "2", "--center",
                       "mean_square")
    assert code == 0
    assert "paper's order 0 (eq. 8, C = mean(x^2))" in out and "+11.07% vs exact" in out
    assert "0.31830988618379067154" in out  # 1/pi to 20 digits


def test_convergence_divergent_has_no_bound(capsys):
    doc = run_json(capsys, "convergence", "1@1 + 1@2", "--orders", "3", "--center",
                   "mean_square")
    assert doc["converges"] is False
    assert all(r["bound"] is None and r["bound_holds"] is None for r in doc["rows"])
    code, out, _ = run(capsys, "convergence", "1@1 + 1@2", "--orders", "1", "--center",
                       "mean_square")
    assert code == 0 and "DIVERGES" in out


def test_convergence_latex(capsys):
    code, out, _ = run(capsys, "convergence", "1@1", "--orders", "2", "--format", "latex")
    assert code == 0 and out.startswith("\\begin{tabular}")
    assert r"2 & $\frac{15 \sqrt{2}}{64}$" in out


def test_dc_with_convergence(capsys):
    doc = run_json(capsys, "dc", "1@3", "--digits", "15", "--convergence", "3")
    assert doc["schema"] == "symrelu.dc/1"
    conv = doc["convergence"]
    assert conv["schema"] == "symrelu.convergence/1" and len(conv["rows"]) == 4
    assert conv["exact_dc"] == doc["dc"] == mpmath.nstr(1 / mpmath.pi, 15)  # A/pi
    code, out, _ = run(capsys, "dc", "1@3", "--convergence", "2")
    assert code == 0 and "truncated Taylor DC, center peak (converges)" in out
    assert "error <= bound" in out
    doc = run_json(capsys, "dc", "1@3", "--digits", "15")
    assert "convergence" not in doc  # only on request


def test_coefficient_periodic(capsys):
    doc = run_json(capsys, "coefficient", PAPER, "15", "--digits", "20")
    assert doc["schema"] == "symrelu.coefficient/1"
    assert set(doc) == {"schema", "signal", "activation", "regime", "at", "digits", "c",
                        "amplitude", "phase"}
    assert doc["at"] == {"frequency": "15", "frequency_float": 15.0, "index": None}
    ref = _paper_coefficient_by_quadrature(3, 20)  # 15 Hz is harmonic 3 of 5 Hz
    assert doc["c"]["re"] == mpmath.nstr(ref.real, 20)
    with mpmath.workdps(30):
        assert doc["amplitude"] == mpmath.nstr(2 * abs(ref), 20)


def test_coefficient_single_tone_matches_closed_form(capsys):
    # ReLU(cos): c_2 = (2/pi)(1/3)/2 = 1/(3 pi)
    doc = run_json(capsys, "coefficient", "1@1", "2", "--digits", "15")
    assert doc["c"]["re"] == mpmath.nstr(1 / (3 * mpmath.pi), 15)
    doc = run_json(capsys, "coefficient", "1@1", "0", "--digits", "15")
    assert doc["amplitude"] == mpmath.nstr(1 / mpmath.pi, 15)  # the DC, A/pi


def test_coefficient_generic_multi_index(capsys):
    doc = run_json(capsys, "coefficient", "1@1 + 1@2", "-1,1", "--generic", "--digits", "10")
    assert doc["regime"] == "generic"
    assert doc["at"]["index"] == [-1, 1] and doc["at"]["frequency"] == "1"
    assert doc["c"]["re"] == mpmath.nstr(_two_unit_tones_coefficient_m1_p1(), 10)


def test_coefficient_negative_frequency_is_conjugate(capsys):
    pos = run_json(capsys, "coefficient", "1@1 + 0.5@2:0.7", "1", "--digits", "12")
    neg = run_json(capsys, "coefficient", "1@1 + 0.5@2:0.7", "-1", "--digits", "12")
    assert neg["c"]["re"] == pos["c"]["re"] and float(pos["c"]["im"]) != 0
    assert float(neg["c"]["im"]) == -float(pos["c"]["im"])


def test_closed_form_single_tone(capsys):
    doc = run_json(capsys, "closed-form", "A@w")
    assert doc["schema"] == "symrelu.closed_form/1"
    assert set(doc) == {"schema", "signal", "activation", "kind", "regime", "expression",
                        "latex", "dc", "note"}
    assert doc["kind"] == "fourier_series" and doc["dc"]["exact"] == "Abs(A)/pi"
    assert "Sum(" in doc["expression"] and r"\sum_{m=1}^{\infty}" in doc["latex"]
    code, out, _ = run(capsys, "closed-form", "1@3", "--latex")
    assert code == 0 and out.startswith("y(t) = ")


def test_closed_form_offset(capsys):
    doc = run_json(capsys, "closed-form", "0.5 + 1@3")
    assert doc["dc"]["exact"] == "(sqrt(3)/2 + pi/3)/pi"
    assert abs(doc["dc"]["float"] - 0.6089977810442293) < 1e-15


def test_closed_form_two_tones_generic(capsys):
    doc = run_json(capsys, "closed-form", "1@3 + 2@5", "--generic")
    assert doc["kind"] == "dc" and doc["expression"] == "6*elliptic_e(8/9)/pi**2"
    code, out, _ = run(capsys, "closed-form", "A@u + B@v", "--format", "latex")
    assert code == 0 and out.startswith(r"\overline{y} = ")


@pytest.mark.parametrize("argv,needle", [
    (["closed-form", "1@3 + 2@5"], "commensurate"),
    (["closed-form", "1@1 + 1@2 + 1@3"], "no closed form"),
    (["closed-form", "0.5 + 1@1 + 1@2", "--generic"], "zero offset"),
    (["closed-form", "1@3", "--activation", "tanh"], "tanh"),
    (["convergence", "A@w"], "numeric"),
    (["convergence", "1@5", "--orders", "-1"], "--orders"),
    (["convergence", "1@5", "--orders", "201"], "--orders"),
    (["convergence", "1@5", "--digits", "0"], "--digits"),
    (["convergence", "1@5", "--center", "banana"], ""),
    (["convergence", "1@5 +"], ""),
    (["coefficient", "1@1 + 1@2", "1,1"], "--generic"),
    (["coefficient", "1@1 + 1@2", "1.5"], "multiple of the base frequency"),
    (["coefficient", "1@1 + 1@2", "1,2,3", "--generic"], "2 integers"),
    (["coefficient", "1@1 + 1@2", "x", "--generic"], "multi-index"),
    (["coefficient", "1@1", "banana"], ""),
    (["coefficient", "1@1", "1", "--digits", "5000"], "--digits"),
    (["coefficient", "1@1"], ""),
    (["dc", "1@5", "--convergence", "-2"], "--orders"),
])
def test_bad_input_one_line_exit_2(capsys, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and "Traceback" not in err
    assert needle in err


at_text = st.text(alphabet="0123456789-,./ x", max_size=8)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(at_text, st.booleans())
def test_coefficient_at_never_tracebacks(capsys, at, generic):
    argv = ["coefficient", "1@1 + 0.5@2", at, "--digits", "8"] + (["--generic"] if generic
                                                                   else [])
    code, out, err = run(capsys, *argv)
    assert code in (0, 2), err
    if code == 0:
        assert json.loads(run(capsys, *argv, "--format", "json")[1])["schema"] == \
            "symrelu.coefficient/1"
    else:
        assert err.count("\n") == 1 and "Traceback" not in err


signal_text = st.text(alphabet="0123456789.@:+-/ Aw", max_size=14)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(signal_text, st.sampled_from(["closed-form", "convergence"]))
def test_exact_commands_never_traceback(capsys, text, cmd):
    extra = ["--orders", "2", "--digits", "8"] if cmd == "convergence" else []
    code, out, err = run(capsys, cmd, text, *extra, "--format", "json")
    assert code in (0, 2), err
    if code == 0:
        assert json.loads(out)["schema"] in ("symrelu.closed_form/1",
                                              "symrelu.convergence/1")
    else:
        assert err.count("\n") == 1 and "Traceback" not in err


def test_experiment_va_options_and_run(capsys, tmp_path):
    code, out, _ = run(capsys, "experiment", "va", "--help")
    assert code == 0 and "--convergence-order" in out and "--no-figures" in out
    code, out, err = run(capsys, "experiment", "va", "--order", "4", "--duration", "1",
                         "--convergence-order", "2", "--no-figures", "--quiet",
                         "--out", str(tmp_path / "va"))
    assert code == 0, err
    assert "rrmse_honest_percent" in out and str(tmp_path / "va" / "results.json") in out


def test_experiment_configs_keep_their_defaults():
    # every Config field is an option; an option not given keeps the Config default
    import dataclasses

    from symrelu.cli.experiment_cmd import EXPERIMENTS, load, parse_config

    for name in EXPERIMENTS:
        try:
            module = load(name)
        except Exception:  # noqa: BLE001 - an experiment missing its extras is tested elsewhere
            continue
        cfg, progress, _ = parse_config(name, [])
        assert progress is True
        for field in dataclasses.fields(module.Config):
            if field.default is not dataclasses.MISSING:
                assert getattr(cfg, field.name) == field.default, (name, field.name)
    cfg, _, _ = parse_config("vb", [])
    assert cfg.hr is None  # synthetic windows at 72 BPM, or rates estimated per window
    assert parse_config("vb", ["--hr", "80"])[0].hr == 80.0
    assert parse_config("vb", ["--hr", "none"])[0].hr is None
