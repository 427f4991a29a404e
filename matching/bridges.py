"""Requirements a module can close before the start: VCA in a week, an NT2 step in months.

A placement that asks for VCA or a Dutch level the candidate does not have yet is not a wall when
the catalogue has modules that close it in the time until the start: the pair stays in the
ranking, lower, with the modules named ("haalbaar met ..."). A driving licence, the hours, the
distance and the start date are never closable here.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from .types import NT2_LEVELS, Bridge, CandidateProfile, Module, PlacementProfile, nt2_rank

__all__ = ["NO_BRIDGES", "Bridges", "window_weeks"]


@dataclass(frozen=True)
class Bridges:
    """The quickest modules that close a VCA requirement and each NT2 step; build once."""

    vca: Bridge | None = None
    nt2: Mapping[tuple[int, int], Bridge] = field(default_factory=dict)  # (have, need) ranks

    @classmethod
    def from_modules(cls, modules: Iterable[Module], *, vca_ids: Iterable[str]) -> Bridges:
        """Bridges from a module catalogue.

        Parameters
        ----------
        modules : iterable of Module
            Open modules; one teaching a VCA skill closes VCA, one with ``nt2_to`` raises a
            learner from its ``min_nt2`` (or lower entry) to that level.
        vca_ids : iterable of str
            Skill ids that count as VCA.

        Returns
        -------
        Bridges
            The shortest VCA module (ties: cheaper, then input order) and, per NT2 step, the
            quickest chain of language modules.
        """
        modules = list(modules)
        vca_ids = frozenset(vca_ids)
        vca = min((m for m in modules if m.skills & vca_ids),
                  key=lambda m: (m.weeks, m.cost_eur), default=None)
        steps = [m for m in modules if nt2_rank(m.nt2_to) > 0]
        nt2 = {}
        for have in range(1, len(NT2_LEVELS) + 1):
            for need, route in _routes(have, steps).items():
                if need > have:
                    nt2[(have, need)] = route
        return cls(vca=None if vca is None else Bridge("vca", (vca.id,), float(vca.weeks),
                                                        float(vca.cost_eur)), nt2=nt2)

    def for_nt2(self, have: int, need: int) -> Bridge | None:
        """The quickest route from NT2 rank ``have`` to ``need`` (None: no module closes it)."""
        return self.nt2.get((have, need))

    def nt2_weeks(self) -> list[list[float]]:
        """Weeks per (have, need) rank, 0..6 both; inf where no route, 0 where none is needed."""
        size = len(NT2_LEVELS) + 1
        table = [[math.inf] * size for _ in range(size)]
        for have in range(size):
            for need in range(size):
                if need <= have:
                    table[have][need] = 0.0
                elif (route := self.nt2.get((have, need))) is not None:
                    table[have][need] = route.weeks
        return table


NO_BRIDGES = Bridges()


def _routes(start: int, steps: list[Module]) -> dict[int, Bridge]:
    """Dijkstra over NT2 levels: the quickest module chain from ``start`` to each level."""
    best: dict[int, Bridge] = {start: Bridge("nt2", (), 0.0, 0.0)}
    queue = [(0.0, 0, start)]
    order = 0
    while queue:
        weeks, _, level = heapq.heappop(queue)
        if weeks > best[level].weeks:
            continue
        for module in steps:
            entry, target = nt2_rank(module.min_nt2), nt2_rank(module.nt2_to)
            if entry > level or target <= level:
                continue
            here = best[level]
            route = Bridge("nt2", (*here.modules, module.id), here.weeks + float(module.weeks),
                           here.cost_eur + float(module.cost_eur))
            if target not in best or route.weeks < best[target].weeks:
                best[target] = route
                order += 1
                heapq.heappush(queue, (route.weeks, order, target))
    return best


def window_weeks(candidate: CandidateProfile, placement: PlacementProfile,
                 today: date | None) -> float:
    """Weeks from now (``today``, else the candidate's availability) to the placement's start;
    infinite when either date is unknown."""
    ref = today or candidate.available_from
    if placement.start is None or ref is None:
        return math.inf
    return (placement.start - ref).days / 7.0
