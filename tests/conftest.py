"""Shared test configuration."""

import os

import mpmath
import pytest
from hypothesis import settings

# Locally every run explores new random examples; CI (CI=true) replays a fixed set,
# so a submission's result does not depend on the draw.
settings.register_profile("default", deadline=None, max_examples=30)
settings.register_profile("ci", deadline=None, max_examples=30, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(autouse=True)
def reset_mp_globals():
    """Leave mpmath's working precision as every test found it."""
    dps = mpmath.mp.dps
    yield
    mpmath.mp.dps = dps


@pytest.fixture
def unit_tones_relu_dc():
    """ReLU's DC of K incommensurate unit tones, to 20 digits, independently of symrelu.

    E relu(x) = E|x| / 2 and E|x| = (2 / pi) int_0^oo (1 - J0(s)^K) / s^2 ds (the
    characteristic function of x), by mpmath.quad split at multiples of pi / 2.
    """
    def dc(K: int, panels: int) -> mpmath.mpf:
        with mpmath.workdps(20):
            def f(s):
                return (1 - mpmath.besselj(0, s) ** K) / s**2
            pts = [mpmath.pi * k / 2 for k in range(0, panels)]
            return (mpmath.quad(f, pts) + mpmath.quad(f, [pts[-1], mpmath.inf])) / mpmath.pi
    return dc
