"""Seed positions for large maps, so the browser's physics only has to tidy up.

vis-network starts from random positions and needs hundreds of force
iterations to untangle a large graph; on a laptop that is many seconds for
2,000 nodes. A radial tree layout per connected component (each component
grown from its best-connected node, children spread over a wedge sized by
their subtree) puts linked nodes side by side in linear time; a bounded number
of physics iterations then relaxes the links the tree left out.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable, Mapping

__all__ = ["radial_seed"]


def _components(nbrs: Mapping[Hashable, set[Hashable]], order: list[Hashable]) -> list[list[Hashable]]:
    seen: set[Hashable] = set()
    comps = []
    for start in order:
        if start in seen:
            continue
        seen.add(start)
        comp, queue = [], deque([start])
        while queue:
            n = queue.popleft()
            comp.append(n)
            for m in nbrs[n]:
                if m not in seen:
                    seen.add(m)
                    queue.append(m)
        comps.append(comp)
    return comps


def _radial(comp: list[Hashable], nbrs: Mapping[Hashable, set[Hashable]], step: float,
            position: Mapping[Hashable, int]) -> tuple[dict[Hashable, tuple[float, float]], float]:
    root = max(comp, key=lambda n: (len(nbrs[n]), -position[n]))
    parent: dict[Hashable, Hashable | None] = {root: None}
    depth = {root: 0}
    order = [root]
    children: dict[Hashable, list[Hashable]] = {n: [] for n in comp}
    queue = deque([root])
    while queue:
        n = queue.popleft()
        for m in sorted(nbrs[n], key=position.__getitem__):
            if m not in parent:
                parent[m] = n
                depth[m] = depth[n] + 1
                children[n].append(m)
                order.append(m)
                queue.append(m)
    size = {n: 1 for n in comp}
    for n in reversed(order):
        p = parent[n]
        if p is not None:
            size[p] += size[n]
    # Each depth gets an annulus whose area fits its nodes at about one step
    # apart, so density is even: a crowded depth gets a thick annulus, filled
    # by alternating its nodes over sub-rings, instead of one huge thin ring
    # that the physics would need many iterations to pull in.
    per_depth: dict[int, int] = {}
    for n in comp:
        per_depth[depth[n]] = per_depth.get(depth[n], 0) + 1
    area = (step * 0.8) ** 2
    inner = {0: 0.0}
    outer = {0: 0.0}
    for d in range(1, max(per_depth) + 1):
        inner[d] = outer[d - 1] + step * 0.5
        outer[d] = max(inner[d] + step * 0.5,
                       math.sqrt(inner[d] ** 2 + per_depth[d] * area / math.pi))
    sub_rings = {d: max(1, round((outer[d] - inner[d]) / (step * 0.8))) for d in outer}
    seen_at_depth: dict[int, int] = {}
    pos: dict[Hashable, tuple[float, float]] = {}
    wedge: dict[Hashable, tuple[float, float]] = {root: (0.0, 2 * math.pi)}
    for n in order:
        lo, hi = wedge[n]
        d = depth[n]
        k = seen_at_depth.get(d, 0)
        seen_at_depth[d] = k + 1
        rings = sub_rings[d]
        r = inner[d] + (outer[d] - inner[d]) * ((k % rings) + 0.5) / rings if d else 0.0
        angle = (lo + hi) / 2
        pos[n] = (r * math.cos(angle), r * math.sin(angle))
        span = hi - lo
        start = lo
        for c in children[n]:
            share = span * size[c] / (size[n] - 1)
            wedge[c] = (start, start + share)
            start += share
    return pos, outer[max(per_depth)] + step


def radial_seed(
    nodes: list[Hashable],
    edges: list[tuple[Hashable, Hashable]],
    step: float = 120.0,
) -> dict[Hashable, tuple[float, float]]:
    """Starting positions: a radial tree per component, components packed in rows.

    Parameters
    ----------
    nodes : list
        Node ids, in a stable order (ties are broken by it).
    edges : list of (u, v)
        Links; direction and duplicates do not matter, unknown ends are ignored.
    step : float
        Distance between rings, about one edge length of the physics.

    Returns
    -------
    dict
        Node id -> (x, y).

    Examples
    --------
    >>> pos = radial_seed(["a", "b", "c"], [("a", "b"), ("a", "c")], step=100)
    >>> pos["a"]
    (0.0, 0.0)
    >>> round(math.dist(pos["a"], pos["b"]))  # first ring between step/2 and step
    75
    """
    position = {n: i for i, n in enumerate(nodes)}
    nbrs: dict[Hashable, set[Hashable]] = {n: set() for n in nodes}
    for u, v in edges:
        if u != v and u in nbrs and v in nbrs:
            nbrs[u].add(v)
            nbrs[v].add(u)
    comps = _components(nbrs, nodes)
    laid = [_radial(c, nbrs, step, position) for c in comps]
    laid.sort(key=lambda item: -item[1])
    # Shelf packing: biggest components first, rows about as wide as the whole is tall.
    total_area = sum((2 * r) ** 2 for _, r in laid)
    row_width = max(2 * laid[0][1], math.sqrt(total_area)) if laid else 0.0
    out: dict[Hashable, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for pos, r in laid:
        if x > 0 and x + 2 * r > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        cx, cy = x + r, y + r
        for n, (px, py) in pos.items():
            out[n] = (round(cx + px, 1), round(cy + py, 1))
        x += 2 * r
        row_height = max(row_height, 2 * r)
    # Centre on the origin, where vis-network's central gravity pulls.
    if out:
        mx = (min(p[0] for p in out.values()) + max(p[0] for p in out.values())) / 2
        my = (min(p[1] for p in out.values()) + max(p[1] for p in out.values())) / 2
        out = {n: (round(px - mx, 1), round(py - my, 1)) for n, (px, py) in out.items()}
    return out
