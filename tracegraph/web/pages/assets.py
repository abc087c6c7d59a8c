"""vis-network's script and styles, served from the copy the maps inline (viz), not a second
one."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from viz import vis_network_assets

__all__ = ["routes"]


def routes(workbench) -> list:
    def script(request):
        return Response(vis_network_assets()[0], media_type="text/javascript")

    def styles(request):
        return Response(vis_network_assets()[1], media_type="text/css")

    return [Route("/assets/vis-network.min.js", script),
            Route("/assets/vis-network.css", styles)]
