"""symrelu.numeric.results.provenance: what produced a result, and only symrelu's own git revision."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import pytest
from symrelu.numeric import results
from symrelu.numeric.results import provenance

import symrelu

ROOT = Path(__file__).resolve().parents[2]


def _git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)


def test_record_fields():
    before = datetime.now(timezone.utc).replace(microsecond=0)
    rec = provenance({"n": 1}, seed=3, threads=2)
    assert rec["seed"] == 3 and rec["threads"] == 2 and rec["parameters"] == {"n": 1}
    assert rec["symrelu"] == metadata.version("symrelu") == symrelu.__version__
    created = datetime.fromisoformat(rec["created"])
    assert created.utcoffset().total_seconds() == 0 and created >= before
    # the command line of this process, program name without its directory
    assert rec["command"].split()[0] == Path(sys.argv[0]).name
    assert "created" not in provenance(timestamp=False)


def test_git_revision_of_symrelus_own_checkout():
    if not (ROOT / ".git").exists():
        pytest.skip("symrelu is not running from a git checkout here")  # e.g. an sdist
    head = _git("rev-parse", "HEAD", cwd=ROOT).stdout.strip()
    rev = provenance()["git_revision"]
    assert re.fullmatch(r"[0-9a-f]{40}(\+dirty)?", rev) and rev.startswith(head)


def test_no_revision_from_a_users_repository_around_an_install(tmp_path, monkeypatch):
    # a user's project (a git repository) with symrelu installed inside it, e.g. .venv/
    _git("init", "-q", cwd=tmp_path)
    site = tmp_path / ".venv" / "lib" / "site-packages" / "symrelu"
    site.mkdir(parents=True)
    (site / "__init__.py").write_text("")
    (tmp_path / "notes.txt").write_text("the user's own")
    _git("add", "notes.txt", cwd=tmp_path)
    _git("-c", "user.email=u@example.org", "-c", "user.name=u", "commit", "-q", "-m", "mine",
         cwd=tmp_path)
    monkeypatch.setattr(symrelu, "__file__", str(site / "__init__.py"))
    assert results._git_revision() is None
    assert provenance()["git_revision"] is None
