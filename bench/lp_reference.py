"""The assignment as a linear programme (the solver before the min-cost flow), as a reference.

Used by tests/test_matching_assign.py to check the flow's optimum and by bench_assign.py as the
baseline in the same run. Without locks and with one proposal per seat.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.optimize import linprog


def lp_optimum(pairs, placements, caps, excluded=()) -> float:
    """The same round as a linear programme (the solver before the min-cost flow): its optimum."""
    excluded = set(excluded)
    best: dict[tuple[str, str], float] = {}
    for pair in pairs:
        key = (pair.candidate_key, pair.placement_key)
        if key not in excluded and pair.score > 0:
            best[key] = max(best.get(key, 0.0), pair.score)
    if not best:
        return 0.0
    employer = {p.key: p.employer_key for p in placements}
    seats = {p.key: max(0, p.seats) for p in placements}
    rows: dict[tuple[str, str], int] = {}
    limits: list[float] = []
    ri, ci = [], []
    for e, (c, p) in enumerate(best):
        keys = [("c", c, 1), ("p", p, seats[p])]
        if employer[p] in caps:
            keys.append(("e", employer[p], caps[employer[p]]))
        for kind, key, limit in keys:
            if (kind, key) not in rows:
                rows[(kind, key)] = len(limits)
                limits.append(limit)
            ri.append(rows[(kind, key)])
            ci.append(e)
    matrix = sparse.csr_array((np.ones(len(ri)), (ri, ci)), shape=(len(limits), len(best)))
    lp = linprog(-np.array(list(best.values())), A_ub=matrix, b_ub=limits, bounds=(0, 1),
                 method="highs-ds", options={"dual_feasibility_tolerance": 1e-10})
    return -lp.fun
