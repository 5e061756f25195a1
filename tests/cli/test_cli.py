"""The command line: exit codes, one-line errors, the JSON schemas, file safety."""

from __future__ import annotations

import json
import shutil

import pytest
from symrelu.cli.main import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_exits_zero(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "signal grammar" in out


@pytest.mark.parametrize("cmd", ["coeffs", "expand", "dc", "report", "paper", "experiment"])
def test_subcommand_help(capsys, cmd):
    code, out, _ = run(capsys, cmd, "--help")
    assert code == 0 and "usage: symrelu" in out


def test_coeffs_json_schema(capsys):
    code, out, _ = run(capsys, "coeffs", "8", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["schema"] == "symrelu.coeffs/1"
    assert [c["a_n"] for c in doc["coefficients"]] == [
        "1", "1/2", "-1/8", "1/16", "-5/128", "7/256", "-21/1024", "33/2048"]
    assert set(doc["coefficients"][0]) == {"n", "a_n", "float", "tail"}


def test_coeffs_latex(capsys):
    code, out, _ = run(capsys, "coeffs", "3", "--latex")
    assert code == 0 and r"2 & $- \frac{1}{8}$ & $\frac{3}{8}$ \\" in out


def test_expand_json_schema(capsys):
    code, out, _ = run(capsys, "expand", "1@5 + 1@10 + 1@20 + 1@40", "--order", "2",
                       "--format", "json")
    doc = json.loads(out)
    assert code == 0
    assert doc["schema"] == "symrelu.expand/1"
    assert set(doc) == {"schema", "signal", "activation", "order", "center", "regime",
                        "base_frequency", "reduction", "dc", "coefficients", "certificate",
                        "warnings"}
    # 5, 10, 20, 40 Hz: one base frequency, 5 (the harmonics 1, 2, 4, 8)
    assert doc["reduction"] == {"rank": 1, "basis": ["5"], "vectors": [[1], [2], [4], [8]],
                                "assumption": None}
    assert doc["dc"]["exact"] == "549*sqrt(2)/1024"
    assert doc["center"] == {"name": "peak", "value": "8"}
    row = doc["coefficients"][1]
    assert set(row) == {"frequency", "frequency_float", "index", "first_order", "c", "re",
                        "im", "amplitude"}
    assert row["frequency"] == "5" and row["first_order"] == 1
    assert doc["certificate"]["converges"] is True


def test_expand_divergent_reports_warning(capsys):
    code, out, _ = run(capsys, "expand", "1@5 + 1@10", "--center", "mean_square",
                       "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["certificate"]["converges"] is False
    assert any("diverges" in w for w in doc["warnings"])


def test_expand_table_and_latex(capsys):
    code, out, _ = run(capsys, "expand", "1@1", "--order", "2")
    assert code == 0 and "15*sqrt(2)/64" in out
    code, out, _ = run(capsys, "expand", "1@1", "--order", "2", "--format", "latex")
    assert code == 0 and r"- \frac{\sqrt{2}}{64} \cos\left(8 \pi t\right)" in out


def test_signal_with_leading_minus(capsys):
    code, out, _ = run(capsys, "expand", "-1@5", "--format", "json", "--order", "1")
    assert code == 0 and json.loads(out)["signal"] == "-1@5"


@pytest.mark.parametrize("argv", [
    ["expand", "1@5 +"],
    ["expand", "1@-5"],
    ["expand", "nan@5"],
    ["expand", "1@5", "--order", "-1"],
    ["expand", "1@5", "--center", "banana"],
    ["expand", "1@5", "--activation", "nosuch"],
    ["coeffs", "-3"],
    ["coeffs", "x"],
    ["bogus"],
    ["expand"],
    ["dc", "1@5", "--digits", "0"],
    ["report", "1@5", "-o", "out.docx"],
    ["paper", "--only", "sec9"],
])
def test_bad_input_one_line_exit_2(capsys, argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *argv)
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_dc_exact(capsys):
    code, out, err = run(capsys, "dc", "1@3", "--digits", "20", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["schema"] == "symrelu.dc/1"
    assert doc["dc"].startswith("0.3183098861837906715")  # 1/pi
    rel = doc["approximations"]["order0_mean_square"]["relative_error"]
    assert abs(rel - 0.1107207345) < 1e-9  # eq. 8 is 11% high


def test_experiment_unknown_option(capsys):
    code, _, err = run(capsys, "experiment", "vd", "--no-such-option", "1")
    assert code in (2, 3) and err.count("\n") == 1


def test_report_tex_and_guard(capsys, tmp_path):
    target = tmp_path / "r.tex"
    code, out, _ = run(capsys, "report", "1@5 + 0.6@10:0.9", "--order", "3", "-o", str(target),
                       "--no-figure")
    assert code == 0 and target.exists()
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["schema"] == "symrelu.report/1"
    # ours: rewritten without --force
    assert run(capsys, "report", "1@5", "--order", "1", "-o", str(target), "--no-figure")[0] == 0
    # edited by the user: refused, then replaced with --force
    target.write_text("my notes")
    code, _, err = run(capsys, "report", "1@5", "--order", "1", "-o", str(target), "--no-figure")
    assert code == 2 and "--force" in err
    assert target.read_text() == "my notes"
    code, _, _ = run(capsys, "report", "1@5", "--order", "1", "-o", str(target), "--no-figure",
                     "--force")
    assert code == 0 and target.read_text() != "my notes"


def test_report_without_tex_engine_says_how(capsys, tmp_path, monkeypatch):
    import symrelu.derivations.build as build

    monkeypatch.setattr(build, "tex_engine", lambda: None)
    code, _, err = run(capsys, "report", "1@5", "--order", "1", "-o",
                       str(tmp_path / "r.pdf"), "--no-figure")
    assert code == 0 and (tmp_path / "r.tex").exists() and not (tmp_path / "r.pdf").exists()
    assert err.count("\n") == 1 and "latexmk -pdf r.tex" in err


needs_tex = pytest.mark.skipif(
    shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
    reason="needs a TeX engine and poppler-utils (apt-get install latexmk "
           "texlive-latex-recommended poppler-utils)")


@needs_tex
def test_report_pdf_built_and_checked(capsys, tmp_path):
    import subprocess

    pdf = tmp_path / "report.pdf"
    code, _, err = run(capsys, "report", "1@5 + 0.6@10:0.9", "--order", "4", "-o", str(pdf))
    assert code == 0, err
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines()
                     if line.startswith("Pages:")))
    assert pages > 0
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    for heading in ("Input", "The square and g", "Expansion to order 4", "Certificate",
                    "DC: truncated series against the exact value", "Spectrum"):
        assert heading in text
    data = json.loads((tmp_path / "report.json").read_text())
    assert f"{data['dc']['exact']:.15g}"[:10] in text
