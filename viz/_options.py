"""vis-network options of a map: a bounded physics run, sized to the map, then a still picture."""

from __future__ import annotations

from typing import Any

__all__ = ["options"]

# Physics iterations of a seeded map: this many node-steps, within [_MIN_ITERATIONS, 400].
_ITERATION_BUDGET = 100_000
_MIN_ITERATIONS = 40


def options(node_count: int, edge_count: int, directed: bool, seeded: bool) -> dict[str, Any]:
    """The vis-network options of a map of this many nodes and edges.

    ``seeded`` says the nodes carry start positions (:func:`viz.layout.radial_seed`).
    """
    # Bounded stabilisation. Small maps start from vis's own improved layout and
    # may use many iterations; large ones start from radial_seed and get a budget
    # of node-iterations, so 2,000 nodes settle within a few seconds (bench/maps.py).
    if not seeded:
        iterations = 500
    else:
        iterations = max(_MIN_ITERATIONS, min(400, _ITERATION_BUDGET // max(1, node_count)))
    return {
        "autoResize": True,
        "layout": {"improvedLayout": not seeded, "randomSeed": 7},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            # theta 1.0: coarser Barnes-Hut cells, several times cheaper per step
            # at 2,000 nodes than the default 0.5, and no visible difference here.
            "forceAtlas2Based": {
                "theta": 1.5 if seeded else 0.5,
                "gravitationalConstant": -70 if seeded else -160,
                "centralGravity": 0.008,
                # small maps carry edge labels and need room for them
                "springLength": 110 if seeded else 230,
                "springConstant": 0.06,
                "damping": 0.5,
                "avoidOverlap": 0.0 if seeded else 0.5,
            },
            "maxVelocity": 60,
            "minVelocity": 1.0,
            "timestep": 0.5,
            "stabilization": {"enabled": True, "iterations": iterations,
                              "updateInterval": 10, "fit": True},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 200,
            "hideEdgesOnDrag": edge_count > 800,
            "hideEdgesOnZoom": edge_count > 2500,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "multiselect": False,
            "navigationButtons": False,
        },
        "nodes": {
            "font": {"size": 13, "face": "system-ui,sans-serif", "color": "#1f2933",
                     "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"label": {"drawThreshold": 5}},
        },
        "edges": {
            "arrows": {"to": {"enabled": directed, "scaleFactor": 0.55}},
            "smooth": {"enabled": edge_count <= 400, "type": "continuous", "roundness": 0.3},
            "font": {"size": 12, "face": "system-ui,sans-serif", "color": "#37474f",
                     "strokeWidth": 3, "strokeColor": "#ffffff", "align": "horizontal"},
            # per-edge colours set only "color"; selection and hover come from here
            "color": {"highlight": "#000000", "hover": "#000000", "inherit": False},
            "selectionWidth": 2,
            "hoverWidth": 1,
        },
    }
