"""Vectorised ranking: the rules of `scoring.py` over many pairs at once with numpy and scipy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from ._arrays import CandidateBatch, PlacementArrays, score_matrix
from .bridges import NO_BRIDGES, Bridges
from .reference import SkillKnowledge
from .scoring import DEFAULT_WEIGHTS, score_pair
from .types import CandidateProfile, Explanation, MatchResult, PlacementProfile, ScoredPair, Weights

__all__ = ["QUANTUM", "PlacementIndex", "order_keys", "rank", "rank_candidates", "top_k_pairs"]

#: Scores equal to this precision are ties (broken by input order): the same pair computed along
#: two paths may differ in the last bits of a float.
QUANTUM = 1e-9
_ELIGIBLE = 10**10  # above every quantised score: eligible pairs sort before ineligible ones


@dataclass(frozen=True, slots=True, eq=False)
class PlacementIndex:
    """Many placements turned into arrays once (sparse skill matrices, coordinates, levels).

    Build it when the set of open placements changes and reuse it for every candidate.
    """

    placements: tuple[PlacementProfile, ...]
    knowledge: SkillKnowledge | None
    arrays: PlacementArrays

    @classmethod
    def build(
        cls, placements: Sequence[PlacementProfile], *, knowledge: SkillKnowledge | None = None
    ) -> PlacementIndex:
        """Index placements (in input order) for `rank` and `top_k_pairs`.

        Parameters
        ----------
        placements : sequence of PlacementProfile
        knowledge : SkillKnowledge, optional
            Used to look up the ISCO group of a placement's occupation and candidates' skills.

        Returns
        -------
        PlacementIndex
        """
        placements = tuple(placements)
        return cls(placements, knowledge, PlacementArrays.build(placements, knowledge))

    def __len__(self) -> int:
        return len(self.placements)


def order_keys(scores: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """The one sort key of every ranking: eligibility first, then the score to `QUANTUM`
    (larger is better; ties are left to input order by the caller)."""
    quantised = np.rint(np.asarray(scores) / QUANTUM).astype(np.int64)
    return np.where(eligible, quantised + _ELIGIBLE, quantised)


def _order(scores: np.ndarray, eligible: np.ndarray, include_ineligible: bool) -> np.ndarray:
    """Indices: eligible first, score descending, ties in input order."""
    idx = np.arange(len(scores))
    if not include_ineligible:
        idx = idx[eligible]
    keys = order_keys(scores[idx], eligible[idx])
    return idx[np.lexsort((idx, -keys))]


def _results(order: np.ndarray, scores: np.ndarray, eligible: np.ndarray,
             explain_one: Callable[[int], MatchResult], limit: int | None) -> list[MatchResult]:
    """Turn ordered indices into MatchResults, explaining only those returned."""
    if limit is not None:
        order = order[:limit]
    out = []
    for j in order.tolist():
        base = explain_one(j)
        out.append(
            MatchResult(
                candidate_key=base.candidate_key,
                placement_key=base.placement_key,
                score=float(scores[j]),
                eligible=bool(eligible[j]),
                explanation=base.explanation,
            )
        )
    return out


def rank(
    candidate: CandidateProfile,
    placements: Sequence[PlacementProfile] | PlacementIndex,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    knowledge: SkillKnowledge | None = None,
    limit: int | None = None,
    include_ineligible: bool = False,
    explain: bool = True,
    bridges: Bridges = NO_BRIDGES,
    today: date | None = None,
) -> list[MatchResult]:
    """Rank placements for one candidate.

    Parameters
    ----------
    candidate : CandidateProfile
    placements : sequence of PlacementProfile or PlacementIndex
        Pass a prebuilt `PlacementIndex` to rank many candidates against the same placements.
    weights : Weights, optional
    knowledge : SkillKnowledge, optional
        Ignored when `placements` is an index (the index's knowledge is used).
    limit : int, optional
        Return at most this many results; only those are explained.
    include_ineligible : bool, default False
        Also return pairs that break a hard constraint (score 0), after all eligible ones.
    explain : bool, default True
        Build the structured explanation of each returned pair.
    bridges, today
        Modules that close VCA and NT2 gaps before the start, and from when (see `score_pair`).

    Returns
    -------
    list of MatchResult
        Scores in [0, 1]; eligible pairs first, score descending (equal to `QUANTUM`: a tie),
        ties in input order.
    """
    index = (
        placements
        if isinstance(placements, PlacementIndex)
        else PlacementIndex.build(placements, knowledge=knowledge)
    )
    batch = CandidateBatch.build([candidate], index.arrays, weights, index.knowledge)
    scores, eligible = score_matrix(batch, index.arrays, weights, bridges, today)
    scores, eligible = scores[0], eligible[0]
    order = _order(scores, eligible, include_ineligible)

    def explain_one(j: int) -> MatchResult:
        if explain:
            return score_pair(
                candidate, index.placements[j], weights=weights, knowledge=index.knowledge,
                bridges=bridges, today=today,
            )
        return MatchResult(candidate.key, index.placements[j].key, 0.0, True, Explanation())

    return _results(order, scores, eligible, explain_one, limit)


def rank_candidates(
    placement: PlacementProfile,
    candidates: Sequence[CandidateProfile],
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    knowledge: SkillKnowledge | None = None,
    limit: int | None = None,
    include_ineligible: bool = False,
    explain: bool = True,
    bridges: Bridges = NO_BRIDGES,
    today: date | None = None,
) -> list[MatchResult]:
    """Rank candidates for one placement (the employer's direction), same rules as `rank`.

    Parameters
    ----------
    placement : PlacementProfile
    candidates : sequence of CandidateProfile
    weights, knowledge, limit, include_ineligible, explain, bridges, today
        As for `rank`.

    Returns
    -------
    list of MatchResult
        Scores in [0, 1]; eligible pairs first, score descending, ties in input order.
    """
    candidates = tuple(candidates)
    arrays = PlacementArrays.build((placement,), knowledge)
    batch = CandidateBatch.build(candidates, arrays, weights, knowledge)
    scores, eligible = score_matrix(batch, arrays, weights, bridges, today)
    scores, eligible = scores[:, 0], eligible[:, 0]
    order = _order(scores, eligible, include_ineligible)

    def explain_one(i: int) -> MatchResult:
        if explain:
            return score_pair(candidates[i], placement, weights=weights, knowledge=knowledge,
                              bridges=bridges, today=today)
        return MatchResult(candidates[i].key, placement.key, 0.0, True, Explanation())

    return _results(order, scores, eligible, explain_one, limit)


def _top_row(key: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest keys (negative = dropped), ties in input order."""
    valid = np.flatnonzero(key >= 0)
    if len(valid) > k:
        part = np.argpartition(-key[valid], k - 1)[:k]
        threshold = key[valid][part].min()
        above = valid[key[valid] > threshold]
        tied = valid[key[valid] == threshold][: k - len(above)]
        valid = np.concatenate([above, tied])
    return valid[np.lexsort((valid, -key[valid]))]


def top_k_pairs(
    candidates: Sequence[CandidateProfile],
    index: PlacementIndex,
    *,
    k: int = 20,
    weights: Weights = DEFAULT_WEIGHTS,
    include_ineligible: bool = False,
    chunk_size: int = 256,
    bridges: Bridges = NO_BRIDGES,
    today: date | None = None,
) -> list[tuple[ScoredPair, ...]]:
    """The k best placements for every candidate, computed in chunks of candidates.

    Parameters
    ----------
    candidates : sequence of CandidateProfile
    index : PlacementIndex
    k : int, default 20
    weights : Weights, optional
    include_ineligible : bool, default False
        Keep pairs that break a hard constraint (score 0) after the eligible ones.
    chunk_size : int, default 256
        Candidates scored per block; memory grows with chunk_size x len(index).
    bridges, today
        As for `rank`.

    Returns
    -------
    list of tuple of ScoredPair
        One tuple per candidate, in input order; within it the order of `rank` (eligible first,
        score descending to `QUANTUM`, ties in placement input order). Feed them to `assign`.
    """
    candidates = tuple(candidates)
    keys = [p.key for p in index.placements]
    out: list[tuple[ScoredPair, ...]] = []
    for start in range(0, len(candidates), chunk_size):
        chunk = candidates[start : start + chunk_size]
        batch = CandidateBatch.build(chunk, index.arrays, weights, index.knowledge)
        scores, eligible = score_matrix(batch, index.arrays, weights, bridges, today)
        # the key `rank` sorts on; ineligible pairs are dropped (-1) unless asked for
        sort_key = order_keys(scores, eligible)
        if not include_ineligible:
            sort_key = np.where(eligible, sort_key, -1)
        for row, cand in enumerate(chunk):
            top = _top_row(sort_key[row], k)
            out.append(
                tuple(
                    ScoredPair(cand.key, keys[j], float(scores[row, j]), bool(eligible[row, j]))
                    for j in top.tolist()
                )
            )
    return out
