"""Great-circle distances between postcode centroids."""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

__all__ = ["EARTH_RADIUS_KM", "haversine_km"]

EARTH_RADIUS_KM = 6371.0088


@overload
def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float: ...
@overload
def haversine_km(lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike,
                 lon2: npt.ArrayLike) -> float | np.ndarray: ...
def haversine_km(lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike,
                 lon2: npt.ArrayLike) -> float | np.ndarray:
    """Great-circle distance in km; broadcasts over numpy arrays, NaN where a coordinate is NaN.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float or array_like
        Degrees. Arrays broadcast against each other.

    Returns
    -------
    float or numpy.ndarray
        Distance in kilometres (a Python float when all inputs are scalars).
    """
    p1, l1, p2, l2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return float(d) if np.ndim(d) == 0 else d
