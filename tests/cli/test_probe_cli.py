"""``symrelu probe``: JSON output checked against the model itself; errors exit 2 with one line."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from symrelu.cli.main import main  # noqa: E402

pytestmark = pytest.mark.torch

NETS = '''
import torch
from torch import nn

def make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv1d(1, 4, 5, padding=4), nn.ReLU(), nn.Conv1d(4, 4, 5, padding=4),
                         nn.ReLU(), nn.AvgPool1d(2))

def make_linear():
    return nn.Sequential(nn.Linear(4, 2))

def broken():
    raise RuntimeError("no GPU here")

NOT_A_MODEL = 3
'''


@pytest.fixture
def nets(tmp_path, monkeypatch):
    name = "probe_cli_nets"
    (tmp_path / f"{name}.py").write_text(NETS)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    sys.modules.pop(name, None)
    yield name
    sys.modules.pop(name, None)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_document_matches_the_model(capsys, nets, tmp_path):
    code, out, err = run(capsys, "probe", "--model", f"{nets}:make_model", "1@3 + 0.5@7",
                         "--fs", "64", "--periods", "2", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["schema"] == "symrelu.probe/1" and doc["period_samples"] == 64
    layers = {r["name"]: r for r in doc["layers"]}
    assert layers["1"]["status"] == "predicted" and max(layers["1"]["prediction_error"]) < 1e-9
    # independent: the DC of layer 3 over its window, straight from the model
    import importlib

    model = importlib.import_module(nets).make_model().double().eval()
    w = layers["3"]["window"]
    t = np.arange(doc["input_samples"]) / 64
    x = np.cos(2 * np.pi * 3 * t) + 0.5 * np.cos(2 * np.pi * 7 * t)
    with torch.no_grad():
        y = model[:4](torch.from_numpy(x[None, None, :]))[0].numpy()
    assert np.allclose(layers["3"]["dc"], y[:, w["start"]:w["stop"]].mean(axis=1), atol=1e-14)
    # weights from a file change the answer
    m2 = importlib.import_module(nets).make_model()
    with torch.no_grad():
        for prm in m2.parameters():
            prm.mul_(2)
    torch.save(m2.state_dict(), tmp_path / "w.pt")
    code, out2, err = run(capsys, "probe", "--model", f"{nets}:make_model", "--weights",
                          str(tmp_path / "w.pt"), "1@3 + 0.5@7", "--fs", "64", "--periods", "2",
                          "--json")
    assert code == 0, err
    assert json.loads(out2)["layers"][1]["dc"] != layers["1"]["dc"]


def test_table_output(capsys, nets):
    code, out, err = run(capsys, "probe", "--model", f"{nets}:make_model", "1@3", "--fs", "64",
                         "--periods", "2")
    assert code == 0, err
    assert "activation relu  predicted" in out and "first layer 0 -> 1" in out


@pytest.mark.parametrize("argv, words", [
    (["--model", "NETS:nope", "1@3", "--fs", "64"], "has no attribute"),
    (["--model", "no_such_module_xyz:f", "1@3", "--fs", "64"], "cannot import"),
    (["--model", "NETS", "1@3", "--fs", "64"], "MODULE:FACTORY"),
    (["--model", "NETS:NOT_A_MODEL", "1@3", "--fs", "64"], "neither a torch.nn.Module"),
    (["--model", "NETS:broken", "1@3", "--fs", "64"], "raised RuntimeError"),
    (["--model", "NETS:make_linear", "1@3", "--fs", "64"], "not a 1-D signal path"),
    (["--model", "NETS:make_model", "1@33", "--fs", "64"], "Nyquist"),
    (["--model", "NETS:make_model", "1@3", "--fs", "64", "--weights", "missing.pt"],
     "no such file"),
    (["--model", "NETS:make_model", "1@3", "--fs", "64", "--periods", "0"], "--periods"),
])
def test_errors_exit_2_with_one_line(capsys, nets, argv, words):
    argv = [a.replace("NETS", nets) for a in argv]
    code, out, err = run(capsys, "probe", *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err and words in err, err
