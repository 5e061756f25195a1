"""A section that fails fails the paper build; --keep-going goes on and marks it everywhere."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import types

import pytest
import symrelu.derivations as derivations
import symrelu.derivations.assemble as assemble_mod
from symrelu.cli.main import main
from symrelu.derivations._common import (
    Check,
    Derivation,
    DerivationCheckError,
    DeriveConfig,
    ExperimentConfigError,
    run_experiment,
)

from symrelu.errors import SymreluError

# ---------------------------------------------------------------- run_experiment


def test_unknown_config_key_raises_naming_it_and_the_valid_ones():
    for cfg in (DeriveConfig(quick=True), DeriveConfig(quick=True, experiments=False)):
        with pytest.raises(ExperimentConfigError, match=r"unknown Config key 'inits_'") as info:
            run_experiment("vd", cfg, {"inits_": 2, "seed": 0})
        assert "valid keys: activation, crosscheck, dps, figures, inits," in str(info.value)
        assert isinstance(info.value, SymreluError) and isinstance(info.value, ValueError)


def test_unknown_key_of_the_full_size_raises_too():
    with pytest.raises(ExperimentConfigError, match=r"keys 'a', 'b'"):
        run_experiment("vd", DeriveConfig(quick=False, experiments=False), {}, {"b": 1, "a": 2})


def test_a_failing_experiment_raises_its_error(monkeypatch):
    from symrelu.numeric.experiments import vd

    def broken(config, *, progress=True):
        raise RuntimeError("the experiment broke")

    monkeypatch.setattr(vd, "run", broken)
    with pytest.raises(RuntimeError, match="the experiment broke"):
        run_experiment("vd", DeriveConfig(quick=True), {"inits": 2})


def test_an_experiment_that_runs_gets_its_config(monkeypatch):
    from symrelu.numeric.experiments import vd

    seen = {}

    def fake(config, *, progress=True):
        seen["config"] = config
        return "result"

    monkeypatch.setattr(vd, "run", fake)
    result, note = run_experiment("vd", DeriveConfig(quick=True), {"inits": 2, "seed": 5})
    assert result == "result" and seen["config"].inits == 2 and seen["config"].seed == 5
    assert seen["config"].out is None  # DeriveConfig(out=None): no files
    assert note == "Experiment vd ran at quick size (inits=2, seed=5)."


# ---------------------------------------------------------------- the paper build


def _section_module(name, *, fail=None):
    mod = types.ModuleType(name)
    mod.KEY, mod.SECTION, mod.TITLE = name, name.upper(), f"Title of {name.replace('_', ' ')}"

    def derive(config=None):
        if fail is not None:
            raise fail
        return Derivation(name, mod.SECTION, mod.TITLE, f"\\section{{{mod.TITLE}}}\n\nFine.\n",
                          [Check("one", "1 = 1")], corrections=[])

    mod.derive = derive
    return mod


@pytest.fixture
def steps(monkeypatch):
    """Three fake sections: ok, a failed check, ok (no sympy, no torch: fast)."""
    mods = {
        "fake_ok1": _section_module("fake_ok1"),
        "fake_bad": _section_module("fake_bad", fail=DerivationCheckError("bad: 1 != 2")),
        "fake_ok2": _section_module("fake_ok2"),
    }
    for name, mod in mods.items():
        monkeypatch.setitem(sys.modules, name, mod)
    table = tuple((name, name) for name in mods)
    monkeypatch.setattr(derivations, "STEPS", table)
    monkeypatch.setattr(assemble_mod, "STEPS", table)
    return table


def test_a_failing_section_fails_the_build(steps, tmp_path):
    logs = []
    with pytest.raises(DerivationCheckError, match="bad: 1 != 2"):
        assemble_mod.assemble(tmp_path, quick=True, pdf=False, experiments=False,
                              log=logs.append)
    assert "[2/3] fake_bad: FAILED (DerivationCheckError: bad: 1 != 2)" in logs
    assert not (tmp_path / "paper.tex").exists()  # no document from a failed build


def test_keep_going_continues_and_marks_the_section(steps, tmp_path):
    logs = []
    res = assemble_mod.assemble(tmp_path, quick=True, pdf=False, experiments=False,
                                keep_going=True, log=logs.append)
    assert res["steps"] == {"fake_ok1": "ran", "fake_bad": "failed", "fake_ok2": "ran"}
    assert res["failed"] == {"fake_bad": "DerivationCheckError: bad: 1 != 2"}
    # console: when it fails, and again at the end
    assert logs.count("[2/3] fake_bad: FAILED (DerivationCheckError: bad: 1 != 2)") == 1
    assert logs[-1] == "FAILED section fake_bad: DerivationCheckError: bad: 1 != 2"
    # the document: a notice at the top (before the first section) and in the section
    tex = (tmp_path / "paper.tex").read_text()
    top = tex.index("Incomplete build: 1 section FAILED")
    assert top < tex.index("\\input{sections/fake_ok1}")
    assert "\\item fake\\_bad: DerivationCheckError: bad: 1 != 2" in tex
    frag = (tmp_path / "sections" / "fake_bad.tex").read_text()
    assert frag.startswith("\\section{Section FAKE\\_BAD: Title of fake bad}")
    assert "This section FAILED to build" in frag and "bad: 1 != 2" in frag
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["steps"]["fake_bad"]["failed"] == "DerivationCheckError: bad: 1 != 2"
    # a failed step is not reused: a resumed build runs it again
    res2 = assemble_mod.assemble(tmp_path, quick=True, pdf=False, experiments=False,
                                 keep_going=True, resume=True, log=logs.append)
    assert res2["steps"] == {"fake_ok1": "reused", "fake_bad": "failed", "fake_ok2": "reused"}
    # without resume every step is recomputed
    res3 = assemble_mod.assemble(tmp_path, quick=True, pdf=False, experiments=False,
                                 keep_going=True, log=logs.append)
    assert res3["steps"] == {"fake_ok1": "ran", "fake_bad": "failed", "fake_ok2": "ran"}


def test_resume_reuses_only_steps_this_machine_finished(steps, tmp_path, monkeypatch):
    assemble_mod.assemble(tmp_path, quick=True, pdf=False, experiments=False, keep_going=True,
                          log=lambda s: None)
    res = assemble_mod.assemble(tmp_path, quick=True, pdf=False, experiments=False,
                                keep_going=True, resume=True, log=lambda s: None)
    assert res["steps"]["fake_ok1"] == "reused"
    # the same folder seen from another machine (a committed build, a fresh clone)
    monkeypatch.setattr(assemble_mod, "machine_id", lambda: "another-machine")
    res = assemble_mod.assemble(tmp_path, quick=True, pdf=False, experiments=False,
                                keep_going=True, resume=True, log=lambda s: None)
    assert res["steps"]["fake_ok1"] == "ran"


def test_a_failure_replaces_a_finished_record_so_it_is_not_reused(steps, tmp_path, monkeypatch):
    assemble_mod.assemble(tmp_path, quick=True, pdf=False, experiments=False, keep_going=True,
                          log=lambda s: None)
    # fake_ok1 now fails when rerun: its old finished record must not come back next time
    monkeypatch.setitem(sys.modules, "fake_ok1",
                        _section_module("fake_ok1", fail=ValueError("now broken")))
    res = assemble_mod.assemble(tmp_path, quick=True, pdf=False, experiments=False,
                                keep_going=True, only=["fake_ok1"],
                                log=lambda s: None)
    assert res["steps"]["fake_ok1"] == "failed"
    res = assemble_mod.assemble(tmp_path, quick=True, pdf=False, experiments=False,
                                keep_going=True, resume=True, log=lambda s: None)
    assert res["steps"]["fake_ok1"] == "failed"


def test_cli_paper_stops_or_keeps_going(steps, tmp_path, capsys):
    code = main(["paper", "--out", str(tmp_path / "a"), "--quick", "--no-pdf"])
    out, err = capsys.readouterr()
    assert code == 1  # a failed check is an internal error: the build stops with it
    assert "DerivationCheckError: bad: 1 != 2" in err and "fake_bad: FAILED" in err
    assert not (tmp_path / "a" / "paper.tex").exists()

    code = main(["paper", "--out", str(tmp_path / "b"), "--quick", "--no-pdf", "--keep-going"])
    out, err = capsys.readouterr()
    assert code == 4  # documented in symrelu paper --help
    assert "1 FAILED (fake_bad; --keep-going)" in out
    assert err.rstrip().splitlines()[-1] == \
        "FAILED section fake_bad: DerivationCheckError: bad: 1 != 2"
    assert (tmp_path / "b" / "paper.tex").exists()


def test_keep_going_is_documented(capsys):
    assert main(["paper", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--keep-going" in text and "exit code is 4" in text


@pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
                    reason="needs a TeX engine and pdftotext")
def test_keep_going_notice_is_in_the_pdf(steps, tmp_path):
    res = assemble_mod.assemble(tmp_path, quick=True, experiments=False, keep_going=True,
                                log=lambda s: None)
    text = subprocess.run(["pdftotext", str(res["pdf"]), "-"], capture_output=True, text=True,
                          check=True).stdout
    text = " ".join(text.split())
    assert "Incomplete build: 1 section FAILED" in text
    assert "This section FAILED to build" in text and "bad: 1 != 2" in text


def test_cli_paper_recomputes_unless_resume(steps, tmp_path, capsys):
    argv = ["paper", "--out", str(tmp_path / "c"), "--quick", "--no-pdf", "--keep-going",
            "--reference", "none"]
    assert main(argv) == 4
    assert "2 steps run, 0 reused" in capsys.readouterr().out
    assert main(argv) == 4  # a rerun recomputes
    assert "2 steps run, 0 reused" in capsys.readouterr().out
    assert main([*argv, "--resume"]) == 4  # reuse only when asked
    out = capsys.readouterr().out
    assert "0 steps run, 2 reused" in out and "no reference build" in out


def test_cli_paper_compares_with_a_reference(steps, tmp_path, capsys):
    ref = tmp_path / "ref"
    base = ["paper", "--quick", "--no-pdf", "--keep-going", "--reference", "none"]
    assert main([*base, "--out", str(ref)]) == 4
    capsys.readouterr()
    assert main(["paper", "--quick", "--no-pdf", "--keep-going", "--out", str(tmp_path / "new"),
                 "--reference", str(ref)]) == 4
    out = capsys.readouterr().out
    # the fake sections compute the same results every time: bitwise
    assert f"reproduction against the reference {ref}:" in out
    assert "fake_ok1: reproduces bitwise" in out and "fake_ok2: reproduces bitwise" in out
    rec = json.loads((tmp_path / "new" / "reproduction.json").read_text())
    assert {s["key"]: s["verdict"] for s in rec["sections"]} == {
        "fake_ok1": "bitwise", "fake_ok2": "bitwise"}
    assert main(["paper", "--out", str(tmp_path / "x"), "--reference", str(tmp_path)]) == 2
    assert "not a paper build" in capsys.readouterr().err
