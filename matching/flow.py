"""The match round as a min-cost flow, and what one more unit of mentor capacity would add.

Nodes: source (0), sink (1), one per candidate, placement and capped employer. Arcs: source ->
candidate (1), candidate -> placement (1, cost -score), placement -> employer or sink (seats left),
employer -> sink (mentor capacity left), and source -> sink for whoever stays unassigned (cost 0).

One more unit at employer e adds an arc e -> sink; the optimum rises by minus the shortest path
from sink to e in the residual network of the optimal flow (a cycle through the new arc). That
network has no negative cycle, because the flow is optimal, so Bellman-Ford finds it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

SOURCE, SINK = 0, 1
# Scores become integer costs: 1e-12 resolution, kept small enough that cost scaling (which
# multiplies costs by the node count) cannot overflow 64 bits.
_COST_RESOLUTION = 1e12
_COST_LIMIT = 2**60


@dataclass(frozen=True, slots=True)
class Network:
    """The arcs of one round; the first ``n_pairs`` arcs are the candidate -> placement pairs."""

    tails: np.ndarray
    heads: np.ndarray
    caps: np.ndarray
    costs: np.ndarray
    n_pairs: int
    n_nodes: int
    employer_nodes: dict[str, int]
    scale: float


def build(pairs: list[tuple[str, str, float]], seats: dict[str, int],
          employer_of: dict[str, str | None], employer_cap: dict[str, int]) -> Network:
    """The network for these (candidate, placement, score) pairs and the capacities left."""
    nodes: dict[tuple[str, str | None], int] = {}

    def node(kind: str, key: str | None) -> int:
        return nodes.setdefault((kind, key), len(nodes) + 2)

    tails, heads, caps = [], [], []

    def arc(tail: int, head: int, cap: int) -> None:
        tails.append(tail)
        heads.append(head)
        caps.append(cap)

    for c, p, _score in pairs:
        arc(node("c", c), node("p", p), 1)
    for (kind, key), n in list(nodes.items()):
        if kind == "c":
            arc(SOURCE, n, 1)
        elif key is not None:  # a placement
            employer = employer_of[key]
            capped = employer is not None and employer in employer_cap
            arc(n, node("e", employer) if capped else SINK, seats[key])
    employers = {key: n for (kind, key), n in nodes.items() if kind == "e" and key is not None}
    for key, n in employers.items():
        arc(n, SINK, employer_cap[key])
    supply = sum(kind == "c" for kind, _ in nodes)
    arc(SOURCE, SINK, supply)
    scores = np.array([score for _c, _p, score in pairs], dtype=float)
    top = float(np.abs(scores).max()) if len(scores) else 1.0
    scale = min(_COST_RESOLUTION, _COST_LIMIT / ((len(nodes) + 3) * max(top, 1e-12)))
    costs = np.zeros(len(tails), dtype=np.int64)
    costs[: len(pairs)] = -np.rint(scores * scale).astype(np.int64)
    return Network(np.asarray(tails, dtype=np.int32), np.asarray(heads, dtype=np.int32),
                   np.asarray(caps, dtype=np.int64), costs, len(pairs), len(nodes) + 2,
                   employers, scale)


def solve(net: Network) -> np.ndarray:
    """The optimal flow on every arc."""
    flow = SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(net.tails, net.heads, net.caps, net.costs)
    supply = int(net.caps[-1])
    flow.set_node_supply(SOURCE, supply)
    flow.set_node_supply(SINK, -supply)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise ValueError(f"assignment could not be solved: min-cost flow status {status}")
    flows: np.ndarray = flow.flows(np.arange(len(net.tails), dtype=np.int32))
    return flows


def mentor_gains(net: Network, flows: np.ndarray) -> dict[str, tuple[int, float]]:
    """Employer -> (candidates placed more, total score gained) with one more unit of capacity."""
    if not net.employer_nodes:
        return {}
    forward = flows < net.caps
    backward = flows > 0
    tails = np.concatenate([net.tails[forward], net.heads[backward]])
    heads = np.concatenate([net.heads[forward], net.tails[backward]])
    weights = np.concatenate([net.costs[forward], -net.costs[backward]]).astype(float)
    from_sink = _distances(net.n_nodes, tails, heads, weights, SINK)
    # Through the source means an unassigned candidate starts: the path from the source that
    # does not come back through the sink.
    apart = (tails != SINK) & (heads != SINK)
    from_source = _distances(net.n_nodes, tails[apart], heads[apart], weights[apart], SOURCE)
    someone_waits = flows[-1] > 0
    out = {}
    for key, n in net.employer_nodes.items():
        if from_sink[n] < -0.5:  # costs are integers: a gain of at least one unit
            placed = int(someone_waits and from_source[n] == from_sink[n])
            out[key] = (placed, float(-from_sink[n] / net.scale))
    return out


def _distances(n_nodes: int, tails: np.ndarray, heads: np.ndarray, weights: np.ndarray,
               start: int) -> np.ndarray:
    """Shortest path lengths from ``start`` (Bellman-Ford, vectorised; no negative cycles)."""
    dist = np.full(n_nodes, np.inf)
    dist[start] = 0.0
    for _ in range(n_nodes):
        reach = dist[tails] + weights
        new = dist.copy()
        np.minimum.at(new, heads, reach)
        if np.array_equal(new, dist):
            break
        dist = new
    return dist
