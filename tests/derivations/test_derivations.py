"""Each derivation's numeric checks (they assert inside derive()), and the paper assembly."""

from __future__ import annotations

import importlib
import json
import shutil

import pytest
from symrelu.derivations import STEPS
from symrelu.derivations._common import DerivationCheckError, DeriveConfig, check


@pytest.mark.parametrize("key,module", STEPS)
def test_derivation_checks_pass(key, module):
    # experiments=False: the torch experiments have their own tests (tests/numeric)
    d = importlib.import_module(module).derive(DeriveConfig(quick=True, experiments=False))
    assert d.key == key and d.checks
    assert d.latex.startswith("\\section{")
    json.dumps(d.to_dict(), default=str)


def test_failed_check_raises():
    with pytest.raises(DerivationCheckError, match="wrong"):
        check([], "wrong", False, "1 != 2")


def test_corrections_are_stated():
    from symrelu.derivations import sec3_frequency_domain, sec4_dc_feature, sec5a_taylor_example

    cfg = DeriveConfig(quick=True, experiments=False)
    d3 = sec3_frequency_domain.derive(cfg)
    assert d3.results["mean_square_g_max"] == "7" and "Correction" in d3.latex
    d4 = sec4_dc_feature.derive(cfg)
    assert abs(d4.results["eq8_relative_error"] - 0.1107207345) < 1e-9
    d5 = sec5a_taylor_example.derive(cfg)
    assert d5.results["rrmse_vs_input_percent"] > 10 * d5.results["rrmse_vs_relu_percent"]


def test_assemble_writes_and_reuses(tmp_path):
    from symrelu.derivations.assemble import assemble

    logs = []
    res = assemble(tmp_path, quick=True, only=["sec3", "sec4"], pdf=False, experiments=False,
                   log=logs.append)
    assert res["steps"]["sec3"] == "ran" and res["steps"]["sec5a"] == "skipped"
    tex = (tmp_path / "paper.tex").read_text()
    assert "\\input{sections/sec3}" in tex and "Corrections to the paper" in tex
    # --only: the steps named are recomputed, the others reused from this machine's run
    res2 = assemble(tmp_path, quick=True, only=["sec3"], pdf=False, experiments=False,
                    log=logs.append)
    assert res2["steps"]["sec3"] == "ran" and res2["steps"]["sec4"] == "reused"
    assert any("reused" in line for line in logs)
    results = json.loads((tmp_path / "results.json").read_text())
    assert set(results["steps"]) == {"sec3", "sec4"}


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs a TeX engine "
                    "(apt-get install latexmk texlive-latex-recommended)")
def test_paper_pdf_builds(tmp_path):
    from symrelu.derivations.assemble import assemble

    res = assemble(tmp_path, quick=True, only=["sec3", "sec4"], experiments=False,
                   log=lambda s: None)
    assert res["pdf"] is not None and res["pdf"].read_bytes().startswith(b"%PDF")


def test_report_dc_section_uses_convergence_table():
    from symrelu.derivations.report import build_report

    import symrelu as sr

    rep = build_report(sr.MultiTone.parse("1@3"), order=4, center="mean_square", figure=False)
    rows = rep.data["dc"]["by_order"]
    assert [r["N"] for r in rows] == [0, 1, 2, 3, 4]  # every order 0..N
    assert all(r["bound_holds"] and r["error"] <= r["bound"] for r in rows)
    assert rows[0]["dc"] == "sqrt(2)/4" and abs(rep.data["dc"]["exact"] - 1 / 3.141592653589793) \
        < 1e-15
    assert "symrelu.convergence_table" in rep.data["dc"]["exact_source"]
    assert r"error $\le$ bound" in rep.tex and "+11.07" in rep.tex  # eq. 8's gap
    # a divergent center: no bound, and the document says so
    with pytest.warns(sr.DivergenceWarning):
        rep = build_report(sr.MultiTone.parse("1@1 + 1@2"), order=2, center="mean_square",
                           figure=False)
    assert all(r["bound"] is None for r in rep.data["dc"]["by_order"])
    assert "diverges for this center" in rep.tex


def test_report_symbolic_signal_has_no_dc_table():
    from symrelu.derivations.report import build_report

    import symrelu as sr

    rep = build_report(sr.MultiTone.parse("A@w"), order=2, figure=False)
    assert rep.data["dc"]["by_order"] == [] and rep.data["dc"]["exact"] is None


def test_sec5a_runs_experiment_va_and_agrees():
    from symrelu.derivations import sec5a_taylor_example

    d = sec5a_taylor_example.derive(DeriveConfig(quick=True, experiments=True))
    names = [c.name for c in d.checks]
    assert "experiment va: honest RRMSE = derivation's" in names
    assert "experiment va: difference chain stage 1 = filtered expansion" in names
    assert d.results["experiment_numbers"]["n_frequencies"] == d.results["n_frequencies"]
    assert "Experiment va ran at quick size" in d.latex


def test_sec5a_includes_experiment_figures(tmp_path):
    from symrelu.derivations import sec5a_taylor_example

    d = sec5a_taylor_example.derive(DeriveConfig(quick=True, out=tmp_path, experiments=True))
    # quick runs go to <out>/quick/<name>, beside (never over) full-size results
    assert [p.as_posix() for p in d.figures] == ["quick/va/fig1.pdf", "quick/va/fig2.pdf",
                                                  "quick/va/convergence.pdf"]
    assert all((tmp_path / p).exists() for p in d.figures)
    assert "keepaspectratio]{quick/va/fig2.pdf}" in d.latex
    assert (tmp_path / "quick" / "va" / "results.json").exists()
    assert not (tmp_path / "va").exists()


def test_a_long_exact_bound_is_shown_as_a_decimal():
    # order 50: the certificate's bound is c sqrt(2) with c a fraction of 30-digit integers
    from symrelu.derivations.sec5a_taylor_example import _certificate_tex

    import symrelu as sr

    cert = sr.expand(sr.MultiTone.parse("1@5 + 1@10 + 1@20 + 1@40"), order=50).certificate
    tex = _certificate_tex(cert)
    assert "12611418068195524166851562157" in sr.latex(cert)
    assert "\\le 0.1126" in tex and "frac" not in tex.split("\\le")[-1]
    # a short exact bound keeps its exact form
    short = sr.expand(sr.MultiTone.parse("1@5"), order=2).certificate
    assert _certificate_tex(short) == sr.latex(short)
