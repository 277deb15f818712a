"""Deterministic node positions for the HTML pages, computed in Python so the browser runs no physics.

Three layouts: ``spring`` (force-directed, seeded) for the whole graph while it is small,
``radial`` (rings by distance from a centre; linear time) for large graphs and focus pages, and
``ladder`` (rows by treatment step). Positions are whole pixels, so pages are byte-identical
between builds and nothing moves when a page opens.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

Point = tuple[int, int]
Pair = tuple[str, str]

SEED = 7
#: Above this many nodes networkx's spring layout takes seconds (10 s at 1,000 nodes, 130 s at
#: 5,000 on our 2-core machine), so larger graphs get the linear-time radial layout.
SPRING_LIMIT = 400
NODE_GAP = 80  # pixels between neighbouring nodes on a ring or a row
ROW_GAP = 190  # pixels between the rows of the ladder


def spring(nodes: Sequence[str], edges: Iterable[Pair]) -> dict[str, Point]:
    """Force-directed positions, seeded; falls back to ``radial`` above ``SPRING_LIMIT`` nodes."""
    if len(nodes) > SPRING_LIMIT:
        return radial(nodes, edges, packed=True)
    import networkx as nx
    import numpy as np

    graph = nx.Graph()
    graph.add_nodes_from(sorted(nodes))
    graph.add_edges_from(sorted({tuple(sorted(e)) for e in edges if e[0] != e[1]}))
    if len(nodes) < 2:
        return {n: (0, 0) for n in nodes}
    raw = nx.spring_layout(graph, seed=SEED, iterations=300, k=2.5 / math.sqrt(len(nodes)))
    order = sorted(raw)
    xy = np.array([raw[n] for n in order], dtype=float)
    gaps = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(gaps, np.inf)
    typical = float(np.median(gaps.min(axis=1))) or 1.0
    xy *= NODE_GAP * 1.2 / typical
    _spread(xy, NODE_GAP * 1.25)
    return {n: (round(float(x)), round(float(y))) for n, (x, y) in zip(order, xy, strict=True)}


def _spread(xy: Any, least: float, rounds: int = 80) -> None:
    """Push apart, in place, nodes closer than ``least`` (twice that side by side, where the labels
    are): a force layout packs the best-connected nodes too tightly to read."""
    import numpy as np

    stretch = np.array([0.5, 1.0])  # measure x at half, so side-by-side nodes keep 2 * least
    for _ in range(rounds):
        delta = xy[:, None, :] - xy[None, :, :]
        dist = np.sqrt(((delta * stretch) ** 2).sum(axis=2))
        np.fill_diagonal(dist, 1e12)
        short = dist < least
        if not short.any():
            return
        push = np.where(short, (least - np.minimum(dist, least)) / np.maximum(dist, 1e-6), 0.0)
        xy += (delta * push[:, :, None]).sum(axis=1) * 0.25


def _adjacency(nodes: Iterable[str], edges: Iterable[Pair]) -> dict[str, list[str]]:
    adj: dict[str, set[str]] = {n: set() for n in nodes}
    for a, b in edges:
        if a != b and a in adj and b in adj:
            adj[a].add(b)
            adj[b].add(a)
    return {n: sorted(near) for n, near in adj.items()}


def radial(nodes: Sequence[str], edges: Iterable[Pair], *, centre: str | None = None,
           rank: dict[str, Any] | None = None, packed: bool = False) -> dict[str, Point]:
    """Rings by breadth-first distance from a centre, one disk per connected component, disks in rows.

    The centre of each component is ``centre`` if it is there, else its best-connected node. A ring
    lists its nodes in the order of their parents, so a subtree stays together, and siblings by
    ``rank`` (then id). ``packed`` fills each ring to capacity in that order instead of giving each
    distance its own ring: far denser for big graphs. Linear time but for the sorts.
    """
    adj = _adjacency(nodes, edges)
    if rank:
        adj = {n: sorted(near, key=lambda m: (rank.get(m, ()), m)) for n, near in adj.items()}
    seen: set[str] = set()
    disks: list[tuple[int, dict[str, tuple[float, float]]]] = []
    for start in sorted(adj, key=lambda n: (n != centre, -len(adj[n]), n)):
        if start in seen:
            continue
        rings = [[start]]
        seen.add(start)
        while True:
            ring: list[str] = []
            for node in rings[-1]:
                for near in adj[node]:
                    if near not in seen:
                        seen.add(near)
                        ring.append(near)
            if not ring:
                break
            rings.append(ring)
        if packed:
            disks.append(_disk(_refill([n for ring in rings for n in ring]), NODE_GAP * 1.3, NODE_GAP * 1.3))
        else:
            disks.append(_disk(rings, ROW_GAP, NODE_GAP * 1.6))
    return _pack(disks)


def _refill(order: list[str]) -> list[list[str]]:
    """``order`` (centre first) cut into rings holding as many nodes as fit NODE_GAP apart."""
    rings = [order[:1]]
    rest = order[1:]
    radius = 0.0
    while rest:
        radius += NODE_GAP * 1.3
        take = max(1, int(2 * math.pi * radius / (NODE_GAP * 1.3)))
        rings.append(rest[:take])
        rest = rest[take:]
    return rings


def _disk(rings: list[list[str]], step: float, arc: float) -> tuple[int, dict[str, tuple[float, float]]]:
    """Concentric rings at least ``step`` apart, nodes at least ``arc`` apart along a ring."""
    placed = {rings[0][0]: (0.0, 0.0)}
    radius = 0.0
    for ring in rings[1:]:
        radius = max(radius + step, len(ring) * arc / (2 * math.pi))
        step = 2 * math.pi / len(ring)
        for i, node in enumerate(ring):
            angle = -math.pi / 2 + i * step
            placed[node] = (radius * math.cos(angle), radius * math.sin(angle))
    return math.ceil(radius) + NODE_GAP, placed


def _pack(disks: list[tuple[int, dict[str, tuple[float, float]]]]) -> dict[str, Point]:
    """Shelf-pack disks, largest first, into rows about as wide as the whole is tall."""
    disks = sorted(disks, key=lambda d: -d[0])
    width = max(2 * disks[0][0], math.sqrt(sum((2 * r) ** 2 for r, _ in disks))) if disks else 0
    out: dict[str, Point] = {}
    x = y = row_height = 0.0
    for r, placed in disks:
        if x and x + 2 * r > width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (px, py) in placed.items():
            out[node] = (round(x + r + px), round(y + r + py))
        x += 2 * r
        row_height = max(row_height, 2 * r)
    return out


def ladder(rows: dict[int, list[str]], parents: dict[str, list[str]], attached: dict[str, list[str]],
           side: list[str], side_anchors: dict[str, list[str]]) -> dict[str, Point]:
    """Rows top-down by step; each node follows the mean place of its parents on the row above.

    ``attached`` nodes (components of a treatment) sit in a small row just above it; ``side`` nodes
    (the conditions treated, then their complications) form a column on the right, each as near
    as spacing allows to the mean height of its ``side_anchors``.
    """
    out: dict[str, Point] = {}
    order: dict[str, float] = {}
    pitch = NODE_GAP * 2.1
    for level in sorted(rows):
        def key(n: str) -> tuple[float, str]:
            above = [order[p] for p in parents.get(n, []) if p in order]
            return (sum(above) / len(above) if above else 0.0, n)

        row = sorted(rows[level], key=key)
        top = (level - 1) * ROW_GAP
        for i, node in enumerate(row):
            x = round((i - (len(row) - 1) / 2) * pitch)
            out[node] = (x, top)
            order[node] = i - (len(row) - 1) / 2
            extra = sorted(attached.get(node, []))
            for j, part in enumerate(extra):
                out[part] = (round(x + (j - (len(extra) - 1) / 2) * pitch * 0.8), round(top - ROW_GAP * 0.55))
    right = max((x for x, _ in out.values()), default=0) + 1.2 * pitch
    wanted: dict[str, float] = {}
    column: dict[str, int] = {}
    for node in side:  # a side node anchored on another side node goes one column further right
        anchors = side_anchors.get(node, [])
        ys = [out[a][1] if a in out else wanted[a] for a in anchors if a in out or a in wanted]
        column[node] = 1 + max((column[a] for a in anchors if a in column), default=-1)
        wanted[node] = (sum(ys) / len(ys) if ys else 0.0) + (ROW_GAP * 0.5 if column[node] else 0)
    for col in sorted(set(column.values())):
        y_last = -math.inf
        for node in sorted((n for n in side if column[n] == col), key=lambda n: (wanted[n], n)):
            y = max(wanted[node], y_last + ROW_GAP * 0.6)
            out[node] = (round(right + col * pitch * 0.8), round(y))
            y_last = y
    return out
