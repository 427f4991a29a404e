"""Array forms of placements and candidates, and the vectorised twin of `scoring.score_pair`.

Every vocabulary gets one extra, always-false column at its end; a missing value points there, so
fancy indexing needs no special case.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from scipy import sparse

from .bridges import NO_BRIDGES, Bridges
from .geo import haversine_km
from .reference import SkillKnowledge
from .scoring import candidate_groups, skill_credits
from .types import (
    LICENCE_IMPLIES,
    CandidateProfile,
    PlacementProfile,
    Weights,
    level_rank,
    nt2_rank,
)

__all__ = ["CandidateBatch", "PlacementArrays", "score_matrix"]

_NAN = float("nan")
_LICENCES = {c: i for i, c in enumerate(LICENCE_IMPLIES)}
_INTENT = {None: 0, "switch": 1, "stay": 2, "grow": 3}  # unknown, away from, towards the old job
_GROW = 3


def _licence_matrix(sets: Sequence[Iterable[str]]) -> np.ndarray:
    """Boolean (rows x licence categories) matrix; unknown categories are dropped."""
    out = np.zeros((len(sets), len(_LICENCES)), dtype=bool)
    for i, values in enumerate(sets):
        out[i, [_LICENCES[v] for v in values if v in _LICENCES]] = True
    return out


def _vocab_index(values: Sequence[str | None]) -> tuple[dict[str, int], np.ndarray]:
    """Vocabulary of the non-empty values and each value's index (missing -> len(vocab))."""
    vocab: dict[str, int] = {}
    for v in values:
        if v:
            vocab.setdefault(v, len(vocab))
    idx = np.array([vocab[v] if v else len(vocab) for v in values], dtype=np.int64)
    return vocab, idx


def _membership(sets: Sequence[set[str] | frozenset[str]], vocab: dict[str, int]) -> np.ndarray:
    """Boolean (rows x len(vocab)+1) matrix: row i holds which vocabulary entries set i has."""
    out = np.zeros((len(sets), len(vocab) + 1), dtype=bool)
    for i, values in enumerate(sets):
        cols = [vocab[v] for v in values if v in vocab]
        out[i, cols] = True
    return out


def _skill_matrix(lists: Sequence[tuple[str, ...]], vocab: dict[str, int], n: int
                  ) -> sparse.csr_array:
    """CSR indicator matrix (placements x skills)."""
    rows = [i for i, skills in enumerate(lists) for _ in skills]
    cols = [vocab[s] for skills in lists for s in skills]
    data = np.ones(len(rows), dtype=float)
    return sparse.csr_matrix((data, (rows, cols)), shape=(n, len(vocab)))


def _floats(values: Iterable[float | None]) -> np.ndarray:
    """Float array with NaN for None."""
    return np.array([_NAN if v is None else float(v) for v in values], dtype=float)


@dataclass(frozen=True, slots=True, eq=False)
class PlacementArrays:
    """Column arrays of many placements."""

    skills: dict[str, int]
    essential: sparse.csr_matrix
    optional: sparse.csr_matrix
    n_essential: np.ndarray
    n_optional: np.ndarray
    asked: sparse.csr_matrix
    lat: np.ndarray
    lon: np.ndarray
    hours: np.ndarray
    start: np.ndarray
    level: np.ndarray
    min_nt2: np.ndarray
    licence: np.ndarray  # placements x licence categories required
    vca: np.ndarray
    kinds: dict[str, int]
    kind: np.ndarray
    themes: dict[str, int]
    theme: np.ndarray
    occupations: dict[str, int]
    occupation: np.ndarray
    groups: tuple[tuple[dict[str, int], np.ndarray], ...]

    @classmethod
    def build(cls, placements: Sequence[PlacementProfile], knowledge: SkillKnowledge | None
              ) -> PlacementArrays:
        """Turn placements into arrays (row i = placements[i])."""
        n = len(placements)
        skills: dict[str, int] = {}
        for p in placements:
            for s in p.essential_skills + p.optional_skills:
                skills.setdefault(s, len(skills))
        isco = [
            p.isco_group or (knowledge.group_of(p.occupation) if knowledge else None) or ""
            for p in placements
        ]
        kinds, kind = _vocab_index([p.kind for p in placements])
        themes, theme = _vocab_index([p.theme for p in placements])
        occupations, occupation = _vocab_index([p.occupation for p in placements])
        return cls(
            skills=skills,
            essential=_skill_matrix([p.essential_skills for p in placements], skills, n),
            optional=_skill_matrix([p.optional_skills for p in placements], skills, n),
            n_essential=np.array([len(p.essential_skills) for p in placements], dtype=float),
            n_optional=np.array([len(p.optional_skills) for p in placements], dtype=float),
            asked=_skill_matrix(
                [tuple(set(p.essential_skills) | set(p.optional_skills)) for p in placements],
                skills,
                n,
            ),
            lat=_floats(p.lat for p in placements),
            lon=_floats(p.lon for p in placements),
            hours=_floats(p.hours_per_week for p in placements),
            start=_floats(p.start.toordinal() if p.start else None for p in placements),
            level=np.array([level_rank(p.level) for p in placements], dtype=np.int64),
            min_nt2=np.array([nt2_rank(p.min_nt2) for p in placements], dtype=np.int64),
            licence=_licence_matrix([p.required_licences for p in placements]),
            vca=np.array([p.requires_vca for p in placements], dtype=bool),
            kinds=kinds,
            kind=kind,
            themes=themes,
            theme=theme,
            occupations=occupations,
            occupation=occupation,
            groups=tuple(
                _vocab_index([g[:k] if len(g) >= k else None for g in isco]) for k in (4, 3, 2, 1)
            ),
        )


@dataclass(frozen=True, slots=True, eq=False)
class CandidateBatch:
    """Column arrays of a few candidates, aligned with one `PlacementArrays`' vocabularies."""

    credits: np.ndarray
    declared: np.ndarray
    n_declared: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    max_km: np.ndarray
    hours: np.ndarray
    available: np.ndarray
    licence: np.ndarray
    vca: np.ndarray
    nt2: np.ndarray
    level: np.ndarray
    has_themes: np.ndarray
    themes: np.ndarray
    has_kinds: np.ndarray
    kinds: np.ndarray
    occupations: np.ndarray
    groups: tuple[np.ndarray, ...]
    intent: np.ndarray  # see _INTENT
    themes_only: np.ndarray
    kinds_only: np.ndarray
    hours_strict: np.ndarray

    @classmethod
    def build(
        cls,
        candidates: Sequence[CandidateProfile],
        arrays: PlacementArrays,
        weights: Weights,
        knowledge: SkillKnowledge | None,
    ) -> CandidateBatch:
        """Turn candidates into arrays over the vocabularies of `arrays`."""
        credits = np.zeros((len(candidates), len(arrays.skills)), dtype=float)
        declared = np.zeros_like(credits)
        for i, c in enumerate(candidates):
            cols = [arrays.skills[s] for s in c.skill_ids if s in arrays.skills]
            declared[i, cols] = 1.0
            for skill, match in skill_credits(c, weights=weights, knowledge=knowledge).items():
                col = arrays.skills.get(skill)
                if col is not None:
                    credits[i, col] = match.credit
        groups = [candidate_groups(c, knowledge) for c in candidates]
        return cls(
            credits=credits,
            declared=declared,
            n_declared=np.array([len(c.skill_ids) for c in candidates], dtype=float),
            lat=_floats(c.lat for c in candidates),
            lon=_floats(c.lon for c in candidates),
            max_km=_floats(c.max_km for c in candidates),
            hours=_floats(c.hours_per_week for c in candidates),
            available=_floats(
                c.available_from.toordinal() if c.available_from else None for c in candidates
            ),
            licence=_licence_matrix([c.licences for c in candidates]),
            vca=np.array([bool(c.skill_ids & weights.vca_ids) for c in candidates], dtype=bool),
            # no NT2 level given means no NT2 minimum applies
            nt2=np.array([99 if c.nt2 is None else nt2_rank(c.nt2) for c in candidates],
                         dtype=np.int64),
            level=np.array([level_rank(c.level) for c in candidates], dtype=np.int64),
            has_themes=np.array([bool(c.themes) for c in candidates], dtype=bool),
            themes=_membership([c.themes for c in candidates], arrays.themes),
            has_kinds=np.array([bool(c.kinds) for c in candidates], dtype=bool),
            kinds=_membership([c.kinds for c in candidates], arrays.kinds),
            occupations=_membership([set(c.occupations) for c in candidates], arrays.occupations),
            groups=tuple(
                _membership([{g[:k] for g in gs if len(g) >= k} for gs in groups], vocab)
                for k, (vocab, _) in zip((4, 3, 2, 1), arrays.groups, strict=True)
            ),
            intent=np.array([_INTENT[c.intent] for c in candidates], dtype=np.int64),
            themes_only=np.array([c.themes_only for c in candidates], dtype=bool),
            kinds_only=np.array([c.kinds_only for c in candidates], dtype=bool),
            hours_strict=np.array([c.hours_strict for c in candidates], dtype=bool),
        )


def _coverage(credits: np.ndarray, matrix: Any, n: np.ndarray, weights: Weights) -> np.ndarray:
    """Coverage (candidates x placements), as `scoring.coverage`."""
    met = np.asarray(matrix @ credits.T).T if matrix.shape[1] else np.zeros((len(credits), len(n)))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = met / n[None, :]
    return np.where(n[None, :] > 0, np.nan_to_num(share), weights.unknown)


def _occupation(b: CandidateBatch, p: PlacementArrays, weights: Weights) -> np.ndarray:
    """Occupation proximity (candidates x placements), as `scoring.occupation_fit`."""
    prox = np.zeros((len(b.lat), len(p.lat)))
    for value, member, (_, idx) in zip(weights.isco_proximity, b.groups, p.groups, strict=True):
        prox = np.maximum(prox, np.where(member[:, idx], value, 0.0))
    closeness = np.where(b.occupations[:, p.occupation], 1.0, prox)
    intent = b.intent[:, None]
    return np.where(intent == 0, weights.unknown, np.where(intent == 1, 1.0 - closeness,
                                                           closeness))  # stay and grow: close


def _level(b: CandidateBatch, p: PlacementArrays, weights: Weights) -> np.ndarray:
    """Level fit (candidates x placements), as `scoring.level_fit`."""
    learning = np.array([k in weights.learning_kinds for k in p.kinds] + [False])[p.kind]
    grow = (b.intent == _GROW)[:, None]
    target = b.level[:, None] + grow.astype(np.int64)
    gap = p.level[None, :] - target - learning[None, :].astype(np.int64)
    short = np.maximum(0.0, 1.0 - weights.level_step_penalty * gap)
    over = np.maximum(0.0, 1.0 - weights.overqualified_penalty * np.maximum(0, -gap - 1))
    below = np.maximum(0.0, 1.0 - weights.no_growth_penalty * (target - p.level[None, :]))
    fit = np.where(gap > 0, short, np.where(grow & (p.level[None, :] < target), below, over))
    unknown = (b.level[:, None] == 0) | (p.level[None, :] == 0)
    return np.where(unknown, weights.unknown, fit)


def _wish(has: np.ndarray, member: np.ndarray, idx: np.ndarray, unknown: float, *, strict: bool
          ) -> np.ndarray:
    """Fit of a wish list: 1 wanted, 0 not, unknown when the candidate (or, unless strict, the
    placement) is silent."""
    hit = member[:, idx].astype(float)
    silent = ~has[:, None] if strict else ~has[:, None] | (idx == member.shape[1] - 1)[None, :]
    return np.where(silent, unknown, hit)


def _bridges(b: CandidateBatch, p: PlacementArrays, weights: Weights, bridges: Bridges,
             today_ordinal: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """VCA and NT2 gaps (candidates x placements): those no module closes in time, and the weeks
    of the modules that close the others, as `scoring.closable`."""
    ref = np.full(len(b.lat), today_ordinal) if not np.isnan(today_ordinal) else b.available
    with np.errstate(invalid="ignore"):
        window = (p.start[None, :] - ref[:, None]) / 7.0
    window = np.where(np.isnan(window), np.inf, window)
    vca_gap = p.vca[None, :] & ~b.vca[:, None]
    vca_weeks = bridges.vca.weeks if bridges.vca is not None else np.inf
    vca_ok = vca_gap & (bridges.vca is not None) & (vca_weeks <= window)
    nt2_gap = (p.min_nt2[None, :] > 0) & (b.nt2[:, None] < p.min_nt2[None, :])
    table = np.array(bridges.nt2_weeks())
    have = np.clip(b.nt2, 0, len(table) - 1)
    nt2_weeks = table[have[:, None], p.min_nt2[None, :]]
    nt2_ok = nt2_gap & np.isfinite(nt2_weeks) & (nt2_weeks <= window)
    weeks = np.where(vca_ok, vca_weeks, 0.0) + np.where(nt2_ok, nt2_weeks, 0.0)
    fit = np.maximum(0.0, 1.0 - weeks / weights.bridge_scale_weeks)
    return vca_gap & ~vca_ok, nt2_gap & ~nt2_ok, fit


def score_matrix(b: CandidateBatch, p: PlacementArrays, weights: Weights,
                 bridges: Bridges = NO_BRIDGES, today: date | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Scores and eligibility (candidates x placements), identical to `scoring.score_pair`."""
    today_ordinal = float(today.toordinal()) if today is not None else _NAN
    vca_wall, nt2_wall, bridge = _bridges(b, p, weights, bridges, today_ordinal)
    with np.errstate(invalid="ignore"):
        dist = haversine_km(b.lat[:, None], b.lon[:, None], p.lat[None, :], p.lon[None, :])
        hours_gap = np.abs(b.hours[:, None] - p.hours[None, :])
        max_gap = np.where(b.hours_strict, weights.strict_hours_gap, weights.max_hours_gap)
        hard = (dist > b.max_km[:, None]) & ~np.isnan(dist)
        hard |= nt2_wall | vca_wall
        hard |= (p.licence.astype(np.int64) @ (~b.licence).T.astype(np.int64)).T > 0
        hard |= p.start[None, :] < b.available[:, None]
        hard |= hours_gap > max_gap[:, None]
        hard |= (b.kinds_only & b.has_kinds)[:, None] & ~b.kinds[:, p.kind]
        hard |= (b.themes_only & b.has_themes)[:, None] & ~b.themes[:, p.theme]
    theme = _wish(b.has_themes, b.themes, p.theme, weights.unknown, strict=True)
    kind = _wish(b.has_kinds, b.kinds, p.kind, weights.unknown, strict=False)
    with np.errstate(invalid="ignore", divide="ignore"):
        used = np.asarray(p.asked @ b.declared.T).T / b.n_declared[:, None]
    used = np.where(b.n_declared[:, None] > 0, np.nan_to_num(used), weights.unknown)
    values = {
        "essential": _coverage(b.credits, p.essential, p.n_essential, weights),
        "optional": _coverage(b.credits, p.optional, p.n_optional, weights),
        "skills_used": used,
        "occupation": _occupation(b, p, weights),
        "level": _level(b, p, weights),
        "distance": np.where(
            np.isnan(dist),
            weights.unknown,
            np.exp(-np.nan_to_num(dist) / weights.distance_scale_km),
        ),
        "hours": np.where(
            np.isnan(hours_gap),
            weights.unknown,
            np.maximum(0.0, 1.0 - np.nan_to_num(hours_gap) / weights.hours_scale),
        ),
        "theme": theme,
        "kind": kind,
        "bridge": bridge,
    }
    names = [*p.kinds, None]
    switch = b.intent == _INTENT["switch"]
    soft = np.zeros((len(b.lat), len(p.lat)))
    for intent, rows in (("switch", switch), (None, ~switch)):
        if not rows.any():
            continue
        per_kind = np.array([list(weights.factor_weights(k, intent).values()) for k in names])
        column_weights = per_kind[p.kind]  # placements x factors
        total = sum(column_weights[:, f][None, :] * value[rows]
                    for f, value in enumerate(values.values()))
        total_weight = column_weights.sum(axis=1)
        soft[rows] = np.divide(total, total_weight[None, :], out=np.zeros_like(total),
                               where=total_weight[None, :] > 0)
    eligible = ~hard
    return np.where(eligible, np.clip(soft, 0.0, 1.0), 0.0), eligible
