"""The errors a map can fail with, under the package's base :class:`viz.VizError`."""

from __future__ import annotations

from viz import VizError

__all__ = ["MapInputError", "MapAssetError"]


class MapInputError(VizError, ValueError):
    """The graph or a parameter given to :func:`viz.maps.build_map` cannot make a map."""


class MapAssetError(VizError):
    """vis-network or a template of this package is missing or unusable."""
