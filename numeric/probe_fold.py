r"""The spectrum of activation(trigonometric interpolant), in band and folded onto the grid.

A layer of a sampled network applies its activation f to samples. If the
pre-activation :math:`v[n]` is periodic with period N, it is sampled from its
trigonometric interpolant

.. math:: s(\tau) = \sum_{|k| \le K} s_k e^{ik\tau}, \qquad v[n] = s(2\pi n/N),

(:math:`s_k` the DFT of one period, the Nyquist coefficient of an even N split
evenly between :math:`\pm N/2`), so the layer's output is the sampled
:math:`f(s(\tau))` and its DFT is the fold of the continuous-time coefficients
:math:`c_m` of :math:`f(s(\tau))`:

.. math:: F[m] = \sum_{l \in \mathbb{Z}} c_{m + lN}.

This module computes both, in float64 and vectorised over channels: the *in-band*
coefficients :math:`c_m`, :math:`|m| \le N/2` (the two coefficients at
:math:`\pm N/2` go to the Nyquist bin, so a linear activation has no aliased
part), and the *fold* :math:`F`. The aliased part is :math:`F` minus the in-band
part, both computed from the same continuous-time spectrum.

Piecewise-linear activations
----------------------------
:math:`f(x) = a + b x + \sum_j c_j |x - t_j|`. For one kink t, with the
crossings :math:`\tau_r` of :math:`s = t` (found on a 16x oversampled grid,
then refined by safeguarded Newton steps), :math:`\sigma_r` the sign of
:math:`s - t` just after :math:`\tau_r`, :math:`\mu` the mean of
:math:`\operatorname{sign}(s - t)` and :math:`s'_k = s_k - t\,\delta_{k0}`,
integrating :math:`\operatorname{sign}(s-t)(s-t)e^{-im\tau}` piece by piece gives

.. math:: c_m = \mu s'_m + \sum_r \frac{i\sigma_r}{\pi} e^{-im\tau_r}
          \sum_{k \ne m} \frac{s'_k e^{ik\tau_r}}{k - m}.

The fold needs :math:`\sum_l e^{-ilN\tau}/(j - lN)`, :math:`j = k - m`, which
has the closed form

.. math:: \sum_{l \in \mathbb{Z}} \frac{e^{il\theta}}{l + z}
          = \frac{\pi e^{i(\pi - \theta) z}}{\sin \pi z}, \qquad 0 < \theta < 2\pi,

(the Fourier series of :math:`e^{-iz x}` on :math:`(0, 2\pi)`), and, for
:math:`z = n_0` an integer with the singular term left out,
:math:`e^{-in_0\theta}\, i(\pi - \theta)`. With :math:`\theta_r = N\tau_r
\bmod 2\pi` the kernel factors as a fixed Toeplitz matrix times phases, so the
whole fold (every bin, every channel, every crossing) is one matrix product:
exact to float rounding, no truncation. At :math:`\theta = 0` (a crossing on a
sample) the two one-sided limits differ by a multiple of
:math:`s(\tau_r) - t = 0`, so either may be used. The 1/m terms of the
crossings cancel (:math:`\sum_r \sigma_r (s(\tau_r) - t) = 0`), so the
symmetric partial sums the closed form gives are the absolutely convergent fold.

Smooth activations
------------------
:math:`f(s(\tau))` is analytic, its coefficients decay geometrically: the
in-band part is the FFT of :math:`f(s)` on a dense grid of M points, M = 8N
doubled until the top half of the dense spectrum is at float rounding (4e-16
of the channel's largest coefficient; the neglected aliases of the dense grid
decay at least as fast), at most ``max_dense`` points. An activation that is
analytic on each side of a break only (ELU, SELU at 0: its coefficients decay
algebraically) is integrated piece by piece instead, by Gauss-Legendre rules
between the crossings of its breaks; the fold is the dense
spectrum folded onto the N bins (the sampled DFT, to rounding).

Examples
--------
>>> import numpy as np
>>> v = np.cos(2 * np.pi * np.arange(8) / 8)[None, :]      # one tone, N = 8
>>> inband, total = pwl_spectra(v, 0.0, 0.5, [(0.0, 0.5)])  # ReLU
>>> bool(abs(inband[0, 0] - 1 / np.pi) < 1e-15)   # c_0 = 1/pi
True
>>> bool(np.allclose(total, np.fft.fft(np.maximum(v, 0)) / 8, atol=1e-15))
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["interpolant", "crossings", "pwl_spectra", "smooth_spectra", "to_bins",
           "GRID_OVERSAMPLING"]

#: crossings of a kink are bracketed on a grid of this many points per sample
GRID_OVERSAMPLING = 16
_NEWTON_STEPS = 40
#: the dense grid is fine enough when the top half of its spectrum is at the FFT's rounding
#: floor relative to the largest coefficient
_FLOOR = 4e-16
#: two Gauss-Legendre rules agree to float rounding of a sum of ~N terms
_QUAD_FLOOR = 2e-14


def interpolant(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients ``s_k``, ``k = -K..K`` of the real trigonometric interpolant of each row.

    Returns ``(k, s)``: the integer frequencies and the coefficients, shape
    ``(channels, 2K + 1)``; an even N splits its Nyquist coefficient evenly
    between ``-N/2`` and ``N/2``.

    Examples
    --------
    >>> k, s = interpolant(np.array([[1.0, -1.0]]))      # cos(pi n): N = 2
    >>> k.tolist(), s.real.round(12).tolist()
    ([-1, 0, 1], [[0.5, 0.0, 0.5]])
    """
    v = np.atleast_2d(np.asarray(v, dtype=float))
    n = v.shape[-1]
    big = np.fft.fft(v, axis=-1) / n
    kk = n // 2
    k = np.arange(-kk, kk + 1)
    s = big[:, k % n].copy()
    if n % 2 == 0:
        s[:, 0] *= 0.5
        s[:, -1] *= 0.5
    return k, s


def _evaluate(s: np.ndarray, k: np.ndarray, tau: np.ndarray, owner: np.ndarray):
    """Values and derivatives of the interpolants ``s[owner]`` at ``tau`` (Horner in e^{i tau})."""
    z = np.exp(1j * tau)
    rows = s[owner]
    val = np.zeros(tau.shape, dtype=complex)
    der = np.zeros(tau.shape, dtype=complex)
    for j in range(k.size - 1, -1, -1):  # p(z) = sum_j rows[:, j] z^j, s = z^k[0] p(z)
        der = der * z + val
        val = val * z + rows[:, j]
    lead = z ** int(k[0]) if k.size else np.ones_like(z)
    # d/dtau [z^k0 p(z)] = i z (k0 z^(k0-1) p + z^k0 p') = i z^k0 (k0 p + z p')
    return (lead * val).real, (1j * lead * (k[0] * val + z * der)).real


def crossings(s: np.ndarray, k: np.ndarray, t: float, n: int):
    """The crossings of ``s(tau) = t`` in ``[0, 2 pi)`` of every channel.

    Returns ``(owner, tau, sign_after, mean_sign)``: per crossing its channel,
    position and the sign of ``s - t`` just after it; per channel the mean of
    ``sign(s - t)`` over a period. A grid value equal to t counts as positive
    (a touch without a sign change adds nothing to the spectrum).
    """
    c = s.shape[0]
    m = GRID_OVERSAMPLING * n
    pad = np.zeros((c, m), dtype=complex)
    pad[:, k % m] = s
    grid = np.fft.ifft(pad, axis=-1).real * m - t
    sgn = np.where(grid >= 0, 1.0, -1.0)
    nxt = np.roll(sgn, -1, axis=-1)
    owner, cell = np.nonzero(sgn != nxt)
    h = 2 * np.pi / m
    lo = cell * h
    hi = lo + h
    shifted = s.copy()
    if k.size:
        shifted[:, k.size // 2] -= t
    flo = grid[owner, cell]
    fhi = grid[owner, (cell + 1) % m]
    tau = np.where(flo == fhi, lo, lo + h * flo / np.where(flo == fhi, 1.0, flo - fhi))
    scale = np.abs(s).sum(axis=-1) + abs(t)
    active = np.arange(owner.size)
    for _ in range(_NEWTON_STEPS):
        if active.size == 0:
            break
        ta, own = tau[active], owner[active]
        val, der = _evaluate(shifted, k, ta, own)
        up = np.sign(val) == np.sign(fhi[active])
        hi[active] = np.where(up, ta, hi[active])
        lo[active] = np.where(up, lo[active], ta)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = ta - val / der
        bad = ~np.isfinite(step) | (step <= lo[active]) | (step >= hi[active])
        new = np.where(bad, 0.5 * (lo[active] + hi[active]), step)
        tiny = np.abs(val) <= 4 * np.finfo(float).eps * scale[own]
        tau[active] = np.where(tiny, ta, new)
        done = tiny | (np.abs(new - ta) <= 2e-16 * (1 + np.abs(ta)))
        active = active[~done]
    # tau stays in its grid cell, [cell h, (cell + 1) h] (2 pi itself for the last cell):
    # crossings that coincide (a touch of t on a grid point is found from both sides) keep
    # the order of their cells, so the zero-length interval between them gets its sign
    after = sgn[owner, (cell + 1) % m]
    mean = np.empty(c)
    for ch in range(c):
        sel = owner == ch
        if not sel.any():
            mean[ch] = sgn[ch, 0]
            continue
        order = np.lexsort((tau[sel], cell[sel]))
        tr, ar = tau[sel][order], after[sel][order]
        lengths = np.diff(np.append(tr, tr[0] + 2 * np.pi))
        mean[ch] = float(np.sum(ar * lengths)) / (2 * np.pi)
    return owner, tau, after, mean


def _kernels(k: np.ndarray, n: int):
    """Toeplitz kernels of the in-band sum (1/(k-m)) and of the fold, and the bins used."""
    kk = k.size // 2
    m_in = k  # in-band coefficients -K..K
    j_in = k[None, :] - m_in[:, None]
    with np.errstate(divide="ignore"):
        h_in = np.where(j_in == 0, 0.0, 1.0 / np.where(j_in == 0, 1, j_in))
    m_f = np.arange(n) - (n - 1) // 2  # N representatives of the bins
    if n % 2 == 0:
        m_f = np.arange(-kk + 1, kk + 1)
    j_f = k[None, :] - m_f[:, None]
    z = j_f / n
    integer = (j_f % n) == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(integer, 1j * np.pi,
                     np.pi * np.exp(1j * np.pi * z) / np.sin(np.pi * np.where(integer, 0.5, z)))
    a = a / n
    return m_in, h_in, m_f, a, integer.astype(float) / n


def to_bins(m: np.ndarray, coef: np.ndarray, n: int) -> np.ndarray:
    """Add coefficients ``coef[..., i]`` at frequencies ``m[i]`` into the N DFT bins."""
    coef = np.atleast_2d(coef)
    out = np.zeros((coef.shape[0], n), dtype=complex)
    np.add.at(out, (slice(None), np.mod(m, n)), coef)
    return out


def pwl_spectra(
    v: np.ndarray, intercept: float, linear: float, kinks: Sequence[tuple[float, float]],
) -> tuple[np.ndarray, np.ndarray]:
    r"""In-band and folded spectra of ``a + b v + sum_j c_j |v - t_j|`` on one period.

    Parameters
    ----------
    v : numpy.ndarray
        ``(channels, N)``: one period of each channel's pre-activation.
    intercept, linear : float
        a and b.
    kinks : sequence of (t, c)
        Kink positions and weights.

    Returns
    -------
    inband, total : numpy.ndarray
        ``(channels, N)`` complex, on the DFT bins (normalised by 1/N, so bin 0
        is the mean): ``inband`` holds :math:`c_m`, :math:`|m| \le N/2`;
        ``total`` the fold :math:`\sum_l c_{m + lN}`.
    """
    v = np.atleast_2d(np.asarray(v, dtype=float))
    c, n = v.shape
    k, s = interpolant(v)
    dft = np.fft.fft(v, axis=-1) / n
    inband = linear * dft.copy()
    inband[:, 0] += intercept
    total = inband.copy()
    if not kinks:
        return inband, total
    m_in, h_in, m_f, a_f, d_f = _kernels(k, n)
    for t, weight in kinks:
        owner, tau, after, mean = crossings(s, k, float(t), n)
        sp = s.copy()
        sp[:, k.size // 2] -= t
        # mu s'_m: in band on -K..K; folded, the DFT of (v - t)
        lin_in = mean[:, None] * sp
        dft_t = dft.copy()
        dft_t[:, 0] -= t
        lin_f = mean[:, None] * dft_t
        inb = to_bins(m_in, lin_in, n)
        tot = lin_f
        if owner.size:
            u = sp[owner] * np.exp(1j * np.outer(tau, k))  # (R, 2K+1)
            w = 1j * after / np.pi  # (R,)
            # in band: sum_{k != m} u_k / (k - m), phase exp(-i m tau_r)
            t_in = u @ h_in.T  # (R, 2K+1) over m_in
            contrib_in = (w[:, None] * np.exp(-1j * np.outer(tau, m_in))) * t_in
            per_ch_in = np.zeros((c, m_in.size), dtype=complex)
            np.add.at(per_ch_in, owner, contrib_in)
            inb = inb + to_bins(m_in, per_ch_in, n)
            # fold: theta = N tau mod 2 pi, q = floor(N tau / 2 pi)
            x = n * tau / (2 * np.pi)
            q = np.floor(x)
            theta = 2 * np.pi * (x - q)
            ut = u * np.exp(-1j * np.outer(theta / n, k))
            t_f = ut @ a_f.T - (1j * theta)[:, None] * (ut @ d_f.T)
            phase = np.exp(-2j * np.pi * np.outer(q, m_f) / n)
            contrib_f = (w[:, None] * phase) * t_f
            per_ch_f = np.zeros((c, m_f.size), dtype=complex)
            np.add.at(per_ch_f, owner, contrib_f)
            tot = tot + to_bins(m_f, per_ch_f, n)
        inband = inband + weight * inb
        total = total + weight * tot
    return inband, total


def smooth_spectra(
    v: np.ndarray, function: Callable[[np.ndarray], np.ndarray], *, max_dense: int = 1 << 16,
    breaks: Sequence[float] = (),
) -> tuple[np.ndarray, np.ndarray, int, float]:
    """In-band and folded spectra of ``function(s(tau))`` for a smooth (analytic) activation.

    Parameters
    ----------
    v : numpy.ndarray
        ``(channels, N)``: one period of each channel's pre-activation.
    function : callable
        The activation on float64 arrays.
    max_dense : int
        Largest dense grid.
    breaks : sequence of float
        Points where the activation is analytic on each side only (ELU, SELU: 0).
        With breaks the in-band coefficients are integrated piece by piece between
        the crossings of the breaks, by Gauss-Legendre quadrature (nodes doubled
        from 32 until two rules agree to 2e-14 of the largest coefficient), since the dense grid
        converges only algebraically there.

    Returns
    -------
    inband, total : numpy.ndarray
        As in :func:`pwl_spectra`.
    dense_points : int
        The dense grid size M (the fold is the dense spectrum folded onto the N
        bins: the sampled DFT to rounding, whatever M).
    tail : float
        Without breaks: the largest coefficient in the top half of the dense
        spectrum relative to the channel's largest (the neglected aliasing of the
        dense grid is below it, geometrically). With breaks: the largest change
        of an in-band coefficient between the last two quadrature rules,
        relative to the channel's largest.
    """
    v = np.atleast_2d(np.asarray(v, dtype=float))
    c, n = v.shape
    k, s = interpolant(v)
    m = 8 * n
    while True:
        pad = np.zeros((c, m), dtype=complex)
        pad[:, k % m] = s
        dense = np.fft.ifft(pad, axis=-1).real * m
        spec = np.fft.fft(function(dense), axis=-1) / m
        top = np.abs(spec[:, m // 4 : 3 * m // 4 + 1]).max(axis=-1)
        scale = np.maximum(np.abs(spec).max(axis=-1), np.finfo(float).tiny)
        tail = float(np.max(top / scale))
        if tail < _FLOOR or 2 * m > max_dense or breaks:
            break
        m *= 2
    kk = n // 2
    mm = np.arange(-kk, kk + 1)
    total = spec.reshape(c, m // n, n).sum(axis=1)
    if not breaks:
        return to_bins(mm, spec[:, mm % m], n), total, m, tail
    coef, change = _piecewise_coefficients(s, k, function, [float(b) for b in breaks], n)
    return to_bins(mm, coef, n), total, m, change


def _piecewise_coefficients(s, k, function, breaks, n):
    """c_m, m = -K..K, of function(s(tau)) by Gauss-Legendre between the crossings of breaks."""
    c = s.shape[0]
    bounds = []
    for t in breaks:
        owner, tau, _, _ = crossings(s, k, t, n)
        bounds.append((owner, tau))
    owner = np.concatenate([o for o, _ in bounds])
    tau = np.concatenate([t for _, t in bounds])
    segments = []  # (channel, a, b)
    for ch in range(c):
        pts = np.sort(np.mod(tau[owner == ch], 2 * np.pi))
        if pts.size == 0:
            segments.append((ch, 0.0, 2 * np.pi))
            continue
        ends = np.append(pts[1:], pts[0] + 2 * np.pi)
        segments += [(ch, a, b) for a, b in zip(pts, ends) if b > a]
    seg = np.array(segments, dtype=float)
    chan = seg[:, 0].astype(int)
    prev, change = None, np.inf
    for nodes in (32, 64, 128, 256):
        x, w = np.polynomial.legendre.leggauss(nodes)
        half = 0.5 * (seg[:, 2] - seg[:, 1])
        taus = seg[:, 1, None] + half[:, None] * (x[None, :] + 1)  # (segments, nodes)
        vals = np.einsum("sk,snk->sn", s[chan], np.exp(1j * taus[..., None] * k)).real
        fw = function(vals) * w[None, :] * half[:, None] / (2 * np.pi)
        part = np.einsum("sn,snm->sm", fw, np.exp(-1j * taus[..., None] * k))
        coef = np.zeros((c, k.size), dtype=complex)
        np.add.at(coef, chan, part)
        if prev is not None:
            scale = np.maximum(np.abs(coef).max(axis=-1), np.finfo(float).tiny)
            change = float(np.max(np.abs(coef - prev).max(axis=-1) / scale))
            if change < _QUAD_FLOOR:
                break
        prev = coef
    return coef, change
