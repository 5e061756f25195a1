"""Sections V-C and V-D with other activations (issue 17): tables, figures, the thesis' premise."""

from __future__ import annotations

import json

import mpmath
import pytest
import sympy
from symrelu.derivations._common import DeriveConfig

pytest.importorskip("torch")
pytestmark = pytest.mark.torch


def test_unit_tone_dc_against_a_quadrature():
    # the premise of the thesis: odd activations make no DC from a tone, the others do
    from symrelu.derivations.sec5c_training import ACTIVATIONS, unit_tone_dc

    import symrelu as sr

    for act in ACTIVATIONS:
        f = sr.as_activation(act)
        with mpmath.workdps(40):
            x = sympy.Symbol("x")
            g = sympy.lambdify(x, f(x), "mpmath")
            # split at the kink of relu (cos = 0 at +-pi/2); the smooth ones need no split
            q = mpmath.quad(lambda t, g=g: g(mpmath.cos(t)),
                            [-mpmath.pi, -mpmath.pi / 2, mpmath.pi / 2, mpmath.pi])
            q /= 2 * mpmath.pi
        dc = unit_tone_dc(act, dps=20)
        assert abs(dc - q) < mpmath.mpf(10) ** -18, act
    assert unit_tone_dc("tanh") == 0


def test_sec5c_reports_every_activation(tmp_path):
    from symrelu.derivations import sec5c_training as s

    d = s.derive(DeriveConfig(quick=True, out=tmp_path))
    for act in s.ACTIVATIONS:
        assert f"\n{act} &" in d.latex  # a row of the final-epoch table
    assert "The thesis against the run" in d.latex and "What the run shows" in d.latex
    assert "quick/vc/fig4.pdf" in d.latex and "quick/vc/fig4_activations.pdf" in d.latex
    assert d.results["unit_tone_dc"]["tanh"] == "0.0"
    rec = json.loads((tmp_path / "quick" / "vc" / "results.json").read_text())
    assert rec["models"] == [*s.ACTIVATIONS, "linear", "linear_dc"]
    rows = rec["finding"]["activations"]
    assert sorted(rows) == sorted(a for a in s.ACTIVATIONS if a != "relu")
    for act, row in rows.items():
        # the table states the run's verdicts
        verdict = "yes" if row["as_predicted"] else "\\textbf{no}"
        assert f"{act} & {'odd' if row['odd'] else 'no'} & {row['predicted']}" in d.latex
        assert verdict in d.latex


def test_sec5d_reports_every_activation(tmp_path):
    from symrelu.derivations import sec5d_zero_training as s

    d = s.derive(DeriveConfig(quick=True, out=tmp_path))
    for act in s.ACTIVATIONS:
        assert f"\n{act} &" in d.latex
    assert "quick/vd/fig5_activations.pdf" in d.latex
    assert "The odd activation (tanh) makes no long-window DC" in d.latex
