"""Self-contained HTML network maps of results and neighbourhoods."""


class VizError(Exception):
    """Base of the viz package's errors."""


# Imported after VizError: the modules below subclass it.
from viz.fold import Folding, Summary, fold_graph  # noqa: E402
from viz.maps import MapAssetError, MapInputError, build_map, write_map  # noqa: E402

__all__ = [
    "VizError",
    "MapInputError",
    "MapAssetError",
    "build_map",
    "write_map",
    "fold_graph",
    "Folding",
    "Summary",
]
