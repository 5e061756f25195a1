"""The error hierarchy is exported whole; filter taps obey the input rules."""

import inspect

import numpy as np

import symrelu as sr
from symrelu import errors


def _defined_here():
    return [
        obj
        for name, obj in vars(errors).items()
        if inspect.isclass(obj) and obj.__module__ == errors.__name__
    ]


def test_every_error_and_warning_class_is_in_all():
    missing = [c.__name__ for c in _defined_here() if c.__name__ not in errors.__all__]
    assert missing == []


def test_filter_taps_of_every_float_width_are_read_as_their_decimal():
    # float32(0.1) is 0.100000001490116...; as an input it means the decimal it prints as
    # (the rule of symrelu._values for numpy scalars), so the taps below are 1/10 and 1/5
    taps32 = np.array([0.1, 0.2], dtype=np.float32)
    taps64 = np.array([0.1, 0.2], dtype=np.float64)
    sig = sr.MultiTone.parse("1@1")
    assert sr.filter_signal(sig, taps32, fs=8) == sr.filter_signal(sig, taps64, fs=8)
