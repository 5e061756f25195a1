r"""Torch functions for symrelu's activations (the convolutional layers of V-C).

:func:`torch_activation` resolves an activation spec the way the exact
engine does (:func:`symrelu.as_activation`: ``"relu"``, ``"leaky:1/10"``,
``"hardtanh:-1:1"``, ``"gelu"``, an :class:`symrelu.Activation`, ...) and
returns a :class:`TorchActivation` whose ``function`` applies the same
function to a torch tensor. Torch is imported lazily, when the function is
first called or built.

Which torch function
--------------------
Where torch has the function it is used, so a network trained here is the
network a torch user trains (and the gradients at kinks are torch's):

=================  ====================================================
canonical name     torch
=================  ====================================================
relu               ``F.relu`` (gradient 0 at 0)
leaky:A            ``F.leaky_relu(x, A)``
abs                ``torch.abs`` (gradient 0 at 0)
relu6              ``F.relu6``
hardtanh:lo:hi     ``F.hardtanh(x, lo, hi)``
clip:lo:hi         ``torch.clamp(x, lo, hi)``
deadzone:lo:hi     ``x - torch.clamp(x, lo, hi)`` (0 on [lo, hi])
hardsigmoid        ``F.hardsigmoid`` (torch's relu6(x + 3) / 6)
sign               ``torch.sign``: sign(0) = 0, and its gradient is 0
                   everywhere, so nothing before it learns (V-C's
                   convolutional weights never move)
heaviside          ``(torch.sign(x) + 1) / 2``: H(0) = 1/2 as in symrelu;
                   gradient 0 everywhere, as for sign (torch.heaviside
                   has no derivative)
linear             the identity
gelu               ``F.gelu(x, approximate="none")`` (the erf form)
gelu_tanh          ``F.gelu(x, approximate="tanh")``
silu               ``F.silu`` (swish is the same function)
tanh, sigmoid      ``torch.tanh``, ``torch.sigmoid``
softplus           ``F.softplus`` (beta 1; torch returns x itself where
                   x > 20, an error below 2e-9)
elu:A              ``F.elu(x, A)``
selu               ``F.selu``
mish               ``F.mish``
=================  ====================================================

Another piecewise-linear activation (built from breakpoints and slopes, or
from its terms) is computed from its decomposition
:math:`a + b x + \sum_j c_j |x - t_j| + \sum_j h_j \operatorname{sign}(x - t_j)`
(its gradient at a kink is then the mean of the two slopes). A user's smooth
expression has no torch function here: :class:`symrelu.errors.ActivationError`.

Examples
--------
>>> act = torch_activation("softplus")
>>> act.name, act.zero_at_zero
('softplus', False)
>>> import torch
>>> torch_activation("relu6").function(torch.tensor([-1.0, 3.0, 7.0])).tolist()
[0.0, 3.0, 6.0]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from symrelu.errors import ActivationError

__all__ = ["TorchActivation", "torch_activation", "TORCH_NAMES"]

#: the canonical names (their part before the first ``:``) with a torch function of their own
TORCH_NAMES = ("relu", "leaky", "abs", "relu6", "hardtanh", "clip", "deadzone", "hardsigmoid",
               "sign", "heaviside", "linear", "gelu", "gelu_tanh", "silu", "tanh", "sigmoid",
               "softplus", "elu", "selu", "mish")


@dataclass(frozen=True)
class TorchActivation:
    """An activation's canonical name and its torch function.

    Attributes
    ----------
    name : str
        The canonical name (``symrelu.as_activation(spec).name``).
    function : callable
        Tensor -> tensor, elementwise.
    zero_at_zero : bool
        Whether ``function(0) == 0`` (V-C's fast path pads the input once only then).
    """

    name: str
    function: Callable[[Any], Any]
    zero_at_zero: bool

    def __call__(self, x: Any) -> Any:
        return self.function(x)


def _float(text: str, what: str) -> float:
    from symrelu._values import to_exact

    value = to_exact(text, what)
    if not value.is_real or not value.is_finite:
        raise ActivationError(f"{what} must be a finite real number (got {text!r})")
    return float(value)


def _params(name: str, count: int, defaults: tuple[float, ...] | None) -> tuple[float, ...]:
    head, *rest = name.split(":")
    if not rest and defaults is not None:
        return defaults
    if len(rest) != count:
        raise ActivationError(f"activation {name!r}: expected {count} parameter(s) after "
                              f"{head!r}")
    return tuple(_float(p, f"parameter {i + 1} of {head}") for i, p in enumerate(rest))


def _from_terms(act: Any) -> Callable[[Any], Any]:
    """The torch function of a piecewise-linear activation from its |x - t| and sign terms."""
    a, b = float(act.intercept), float(act.linear)
    kinks = [(float(t), float(c)) for t, c in act.kinks]
    jumps = [(float(t), float(h)) for t, h in getattr(act, "jumps", ())]

    def function(x):
        import torch

        y = a + b * x
        for t, c in kinks:
            y = y + c * torch.abs(x - t)
        for t, h in jumps:
            y = y + h * torch.sign(x - t)
        return y

    return function


def _named(name: str, act: Any) -> Callable[[Any], Any] | None:
    """The torch function of a canonical name with one of its own (None otherwise)."""
    import torch
    from torch.nn import functional as F

    head = name.split(":")[0]
    if head == "leaky":
        alpha = float(act.alpha)
        return lambda x: F.leaky_relu(x, alpha)
    if head in ("hardtanh", "clip", "deadzone"):
        lo, hi = _params(name, 2, (-1.0, 1.0) if head != "clip" else None)
        if head == "hardtanh":
            return lambda x: F.hardtanh(x, lo, hi)
        if head == "clip":
            return lambda x: torch.clamp(x, lo, hi)
        return lambda x: x - torch.clamp(x, lo, hi)
    if head == "elu":
        alpha = _params(name, 1, (1.0,))[0]
        return lambda x: F.elu(x, alpha)
    if head == "gelu":
        return lambda x: F.gelu(x, approximate="none")
    if head == "gelu_tanh":
        return lambda x: F.gelu(x, approximate="tanh")
    fixed = {
        "relu": F.relu, "abs": torch.abs, "relu6": F.relu6, "hardsigmoid": F.hardsigmoid,
        "sign": torch.sign, "heaviside": lambda x: (torch.sign(x) + 1) / 2,
        "linear": lambda x: x, "silu": F.silu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
        "softplus": F.softplus, "selu": F.selu, "mish": F.mish,
    }
    return fixed.get(head)


def torch_activation(spec: Any) -> TorchActivation:
    """The torch function of an activation spec (any name :func:`symrelu.as_activation` takes).

    Parameters
    ----------
    spec : str or symrelu.Activation
        ``"relu"``, ``"leaky:1/10"``, ``"tanh"``, ... or an activation object.

    Returns
    -------
    TorchActivation

    Raises
    ------
    ActivationError
        Unknown name, or an activation without a torch function (a user's smooth
        expression).

    Examples
    --------
    >>> import torch
    >>> t = torch_activation("deadzone:-1:1")
    >>> t.name, t.function(torch.tensor([-3.0, 0.5, 2.0])).tolist()
    ('deadzone:-1:1', [-2.0, 0.0, 1.0])
    >>> torch_activation("swish").name
    'silu'
    """
    from symrelu import as_activation

    act = as_activation(spec)
    name = act.name
    function = _named(name, act) if isinstance(name, str) else None
    if function is None:
        if getattr(act, "kind", None) == "piecewise_linear" and hasattr(act, "kinks"):
            function = _from_terms(act)
        else:
            raise ActivationError(
                f"activation {name!r} has no torch function for V-C (a user's smooth "
                f"expression); use one of the named activations ({', '.join(TORCH_NAMES)}) "
                "or a piecewise-linear one")
    import torch

    with torch.no_grad():
        at_zero = float(function(torch.zeros(1))[0])
    if math.isnan(at_zero):
        raise ActivationError(f"activation {name!r} is not defined at 0 in torch")
    return TorchActivation(name, function, at_zero == 0.0)
