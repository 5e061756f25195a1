"""Shared test configuration."""

import mpmath
import pytest
from hypothesis import settings

settings.register_profile("default", deadline=None, max_examples=30)
settings.register_profile("ci", deadline=None, max_examples=30, derandomize=True)
settings.load_profile("default")


@pytest.fixture(autouse=True)
def reset_mp_globals():
    """Leave mpmath's working precision as every test found it."""
    dps = mpmath.mp.dps
    yield
    mpmath.mp.dps = dps
