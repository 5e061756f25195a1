"""Each derivation's numeric checks (they assert inside derive()), and the paper assembly."""

from __future__ import annotations

import importlib
import json
import shutil

import pytest

from derivations import STEPS
from derivations._common import DerivationCheckError, DeriveConfig, check


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
    from derivations import sec3_frequency_domain, sec4_dc_feature, sec5a_taylor_example

    cfg = DeriveConfig(quick=True, experiments=False)
    d3 = sec3_frequency_domain.derive(cfg)
    assert d3.results["mean_square_g_max"] == "7" and "Correction" in d3.latex
    d4 = sec4_dc_feature.derive(cfg)
    assert abs(d4.results["eq8_relative_error"] - 0.1107207345) < 1e-9
    d5 = sec5a_taylor_example.derive(cfg)
    assert d5.results["rrmse_vs_input_percent"] > 10 * d5.results["rrmse_vs_relu_percent"]


def test_assemble_writes_and_reuses(tmp_path):
    from derivations.assemble import assemble

    logs = []
    res = assemble(tmp_path, quick=True, only=["sec3", "sec4"], pdf=False, experiments=False,
                   log=logs.append)
    assert res["steps"]["sec3"] == "ran" and res["steps"]["sec5a"] == "skipped"
    tex = (tmp_path / "paper.tex").read_text()
    assert "\\input{sections/sec3}" in tex and "Corrections to the paper" in tex
    res2 = assemble(tmp_path, quick=True, only=["sec3", "sec4"], pdf=False, experiments=False,
                    log=logs.append)
    assert res2["steps"]["sec3"] == "reused"
    assert any("reused" in line for line in logs)
    results = json.loads((tmp_path / "results.json").read_text())
    assert set(results["steps"]) == {"sec3", "sec4"}


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs a TeX engine "
                    "(apt-get install latexmk texlive-latex-recommended)")
def test_paper_pdf_builds(tmp_path):
    from derivations.assemble import assemble

    res = assemble(tmp_path, quick=True, only=["sec3", "sec4"], experiments=False,
                   log=lambda s: None)
    assert res["pdf"] is not None and res["pdf"].read_bytes().startswith(b"%PDF")
