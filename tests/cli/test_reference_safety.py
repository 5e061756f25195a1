"""The committed reference results survive any trial run (issue 13, requirement 2).

Each test works in a temporary copy of the layout (a ``reports/`` paper build
with ``paper.tex``, ``steps/`` and ``vd/``), never in the checkout's own reports/.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from symrelu.cli import paper_cmd
from symrelu.cli.main import main

pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[2]
VD_TINY = ["--inits", "2", "--samples-per-class", "4", "--threads", "1", "--no-figures",
           "--quiet"]


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def layout(tmp_path, monkeypatch):
    """tmp/reports: a copy of the reference build's paper.tex, steps/ and vd/; cwd = tmp."""
    ref = tmp_path / "reports"
    ref.mkdir()
    shutil.copy2(ROOT / "reports" / "paper.tex", ref / "paper.tex")
    shutil.copy2(ROOT / "reports" / "results.json", ref / "results.json")
    shutil.copy2(ROOT / "reports" / ".symrelu-outputs.json", ref / ".symrelu-outputs.json")
    shutil.copytree(ROOT / "reports" / "steps", ref / "steps")
    shutil.copytree(ROOT / "reports" / "vd", ref / "vd")
    monkeypatch.chdir(tmp_path)
    # this copy plays the checkout's reports/ (the real one is never touched by these tests)
    monkeypatch.setattr(paper_cmd, "default_reference", lambda: ref)
    return ref


def test_experiment_without_out_writes_a_new_folder_per_configuration(layout, capsys):
    before = _digests(layout)
    assert main(["experiment", "vd", *VD_TINY]) == 0
    out = capsys.readouterr().out
    assert _digests(layout) == before  # the reference is byte-identical
    runs = sorted(Path("symrelu-runs").iterdir())
    assert len(runs) == 1 and runs[0].name.startswith("vd-")
    assert (runs[0] / "results.json").is_file() and f"output folder: {runs[0]}" in out
    rec = json.loads((runs[0] / "results.json").read_text())
    assert rec["provenance"]["parameters"]["inits"] == 2
    # another configuration: another folder; the same one: the same folder again
    assert main(["experiment", "vd", *VD_TINY, "--seed", "1"]) == 0
    assert main(["experiment", "vd", *VD_TINY]) == 0
    assert len(list(Path("symrelu-runs").iterdir())) == 2
    assert _digests(layout) == before


@pytest.mark.parametrize("target", ["reports/vd", "reports", "reports/vd/sub"])
def test_experiment_refuses_a_folder_inside_a_paper_build(layout, capsys, target):
    before = _digests(layout)
    code = main(["experiment", "vd", *VD_TINY, "--out", target])
    err = capsys.readouterr().err
    assert code == 2 and "inside the paper build" in err, err
    assert _digests(layout) == before
    assert not Path("symrelu-runs").exists()


def test_paper_refuses_the_reference_folder_without_the_flag(layout, capsys):
    before = _digests(layout)
    code = main(["paper", "--out", "reports", "--quick", "--no-pdf", "--only", "sec3"])
    err = capsys.readouterr().err
    assert code == 2 and "--update-reference" in err, err
    assert _digests(layout) == before


def test_a_build_marked_as_reference_is_refused_too(layout, tmp_path, capsys):
    other = tmp_path / "my-reference"
    other.mkdir()
    (other / "results.json").write_text(json.dumps({"provenance": {"reference": True}}))
    before = _digests(other)
    code = main(["paper", "--out", str(other), "--quick", "--no-pdf", "--only", "sec3"])
    assert code == 2 and "--update-reference" in capsys.readouterr().err
    assert _digests(other) == before


def test_update_reference_writes_there_and_marks_the_build(layout, capsys):
    code = main(["paper", "--out", "reports", "--quick", "--no-pdf", "--only", "sec3",
                 "--update-reference"])
    out = capsys.readouterr().out
    assert code == 0, out
    rec = json.loads((layout / "results.json").read_text())
    assert rec["provenance"]["reference"] is True and rec["provenance"]["created"]
    # compared with the reference as it was before this build overwrote it
    assert "reproduction against the reference" in out and "sec3:" in out
