"""Self-contained HTML network maps of results and neighbourhoods."""


class VizError(Exception):
    """Base of the viz package's errors."""


# Imported after VizError: the modules below subclass it.
from viz.fold import Folding, Summary, fold_graph  # noqa: E402
from viz.maps import (MapAssetError, MapInputError, build_map, map_payload,  # noqa: E402
                      vis_network_assets, write_map)

__all__ = [
    "VizError",
    "MapInputError",
    "MapAssetError",
    "build_map",
    "write_map",
    "map_payload",
    "vis_network_assets",
    "fold_graph",
    "Folding",
    "Summary",
]
