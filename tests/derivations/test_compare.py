"""symrelu.derivations.compare: the per-section reproduction verdicts of ``symrelu paper``.

The reference build is the committed reports/ (read only); the "new" builds are
copies of it, unchanged or with one value perturbed, so the expected verdict of
each case is known by construction.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from symrelu.derivations.compare import RTOL, compare_builds, compare_section, load_build

REPORTS = Path(__file__).resolve().parents[2] / "reports"
KEYS = ["sec3", "sec4", "sec5a", "sec5b", "sec5c", "sec5d"]


@pytest.fixture(scope="module")
def ref():
    return load_build(REPORTS)


def test_the_reference_reproduces_itself(ref):
    assert sorted(ref) == KEYS
    assert all(ref[k]["experiment"] is not None for k in ("sec5a", "sec5b", "sec5c", "sec5d"))
    verdicts = {c.key: c.verdict for c in compare_builds(ref, ref, KEYS)}
    assert verdicts == {"sec3": "bitwise", "sec4": "bitwise", "sec5a": "bitwise",
                        "sec5b": "bitwise", "sec5c": "statistically", "sec5d": "bitwise"}


def test_a_changed_experiment_number_is_named(ref):
    new = copy.deepcopy(ref)
    new["sec5d"]["experiment"]["checks"] = {**new["sec5d"]["experiment"]["checks"],
                                            "extra": 1}
    (c,) = compare_builds(new, ref, ["sec5d"])
    assert c.verdict == "DIFFERS" and c.reproduces is False and "checks.extra" in c.detail
    new = copy.deepcopy(ref)
    new["sec4"]["results"]["eq8_relative_error"] *= 1 + 10 * RTOL
    (c,) = compare_builds(new, ref, ["sec4"])
    assert c.verdict == "DIFFERS" and "eq8_relative_error" in c.detail
    new["sec4"]["results"]["eq8_relative_error"] = ref["sec4"]["results"][
        "eq8_relative_error"] * (1 + RTOL / 10)
    (c,) = compare_builds(new, ref, ["sec4"])
    assert c.verdict.startswith("within rtol") and c.reproduces is True


def test_vc_is_compared_statistically(ref):
    new = copy.deepcopy(ref)
    st = new["sec5c"]["experiment"]["finding"]["final_epoch"]["distance1"]["relu"]
    n = len(ref["sec5c"]["experiment"]["repetitions"])
    # two standard errors of the difference of two means (sqrt(2) sigma/sqrt(n)): still fine
    st["mean"] += 2 * (2 ** 0.5) * st["std"] / n ** 0.5
    assert compare_section("sec5c", new["sec5c"], ref["sec5c"]).verdict == "statistically"
    st["mean"] += 5 * st["std"] / n ** 0.5  # now beyond 3 standard errors
    c = compare_section("sec5c", new["sec5c"], ref["sec5c"])
    assert c.verdict == "DIFFERS" and "distance1.relu" in c.detail


def test_quick_builds_against_a_full_reference(ref):
    # a quick section that differs (smaller sizes) is not reported as a failure
    new = copy.deepcopy(ref)
    new["sec3"]["quick"] = True
    new["sec3"]["results"]["table_I"] = new["sec3"]["results"]["table_I"][:4]
    (c,) = compare_builds(new, ref, ["sec3"])
    assert c.verdict == "not compared" and c.reproduces is None
    # one computed alike at both sizes still reproduces, and says why it was compared
    new["sec4"]["quick"] = True
    (c,) = compare_builds(new, ref, ["sec4"])
    assert c.verdict == "bitwise" and "same at both sizes" in c.line()


def test_eta_of_each_full_step_from_the_reference(ref):
    import json

    from symrelu.derivations.assemble import _eta

    # V-C's committed step was a resume (seconds of the resume): its ETA is the sum of the
    # repetitions' own times in vc/timing.json, summed here independently
    per = json.loads((REPORTS / "vc" / "timing.json").read_text())["seconds_per_repetition"]
    minutes = sum(per.values()) / 60
    assert _eta(ref, "sec5c", False) == f" (ETA: about {minutes:.0f} min on the reference machine)"
    assert _eta(ref, "sec4", False) == " (ETA: about 1 s on the reference machine)"
    assert _eta(ref, "sec5c", True) == ""  # quick builds: no full-size timing applies
