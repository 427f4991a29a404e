"""The one mapping from rows to the matcher's profiles, in batches (a query per kind of link)."""

from sqlmodel import Session, col, select

import matching
from matching.types import INTENTS
from spt.db import among
from spt.models import (
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Occupation,
    Placement,
    PlacementSkill,
    Skill,
)
from spt.services import postcodes


def _coordinates(pc4: str | None) -> tuple[float | None, float | None]:
    area = postcodes.area(pc4)
    return (area.lat, area.lon) if area else (None, None)


def candidate_profiles(db: Session, candidates: list[Candidate]
                       ) -> list[matching.CandidateProfile]:
    """The matcher's view of candidates, in the given order: never gender, age or origin."""
    ids = [c.id for c in candidates]
    skills: dict[int, list] = {i: [] for i in ids}
    jobs: dict[int, list] = {i: [] for i in ids}
    for cid, slug, level in db.exec(select(CandidateSkill.candidate_id, Skill.slug,
                                           CandidateSkill.self_level).join(Skill)
                                    .where(among(db, col(CandidateSkill.candidate_id), ids))
                                    .order_by(CandidateSkill.id)):
        skills[cid].append((slug, level))
    for cid, uri, group in db.exec(select(CandidateOccupation.candidate_id, Occupation.uri,
                                          Occupation.isco_group).join(Occupation)
                                   .where(among(db, col(CandidateOccupation.candidate_id), ids))
                                   .order_by(CandidateOccupation.id)):
        jobs[cid].append((uri, group))
    return [_candidate_profile(c, skills[c.id], jobs[c.id]) for c in candidates]


def _candidate_profile(c: Candidate, skills: list, jobs: list) -> matching.CandidateProfile:
    lat, lon = _coordinates(c.pc4)
    return matching.CandidateProfile(
        key=str(c.id), lat=lat, lon=lon, max_km=c.max_km, hours_per_week=c.hours_per_week,
        available_from=c.available_from, licences=frozenset(c.driving_licences or ()),
        certificates=c.certificates, nt2=c.nt2_level, level=c.level, skills=skills,
        occupations=[uri for uri, _g in jobs], occupation_groups=[g for _u, g in jobs if g],
        themes=c.themes, kinds=c.kinds, intent=c.intent if c.intent in INTENTS
        else None, themes_only=c.themes_only, kinds_only=c.kinds_only,
        hours_strict=c.hours_strict)


def candidate_profile(db: Session, candidate: Candidate) -> matching.CandidateProfile:
    """The matcher's view of one candidate (the batch mapping with one row)."""
    return candidate_profiles(db, [candidate])[0]


def placement_profiles(db: Session, placements: list[Placement]
                       ) -> list[matching.PlacementProfile]:
    """The matcher's view of placements, in the given order."""
    ids = [p.id for p in placements]
    skills: dict[int, dict[str, list[str]]] = {i: {"essential": [], "optional": []} for i in ids}
    for placement_id, slug, relation in db.exec(
            select(PlacementSkill.placement_id, Skill.slug, PlacementSkill.relation).join(Skill)
            .where(among(db, col(PlacementSkill.placement_id), ids)).order_by(Skill.slug)):
        skills[placement_id][relation].append(slug)
    occupations = dict(db.exec(select(Occupation.id, Occupation.uri).where(among(
        db, col(Occupation.id), {p.occupation_id for p in placements if p.occupation_id}))).all())
    return [_placement_profile(p, occupations.get(p.occupation_id), skills[p.id])
            for p in placements]


def _placement_profile(p: Placement, occupation_uri, skills) -> matching.PlacementProfile:
    lat, lon = _coordinates(p.pc4)
    return matching.PlacementProfile(
        key=str(p.id), kind=p.kind, occupation=occupation_uri, lat=lat, lon=lon,
        hours_per_week=p.hours_per_week, start=p.start_date, level=p.level, min_nt2=p.min_nt2,
        requires_driving_licence=p.requires_driving_licence, requires_vca=p.requires_vca,
        required_licences=frozenset(p.required_licences or ()), theme=p.theme, seats=p.seats,
        employer_key=str(p.employer_id), essential_skills=skills["essential"],
        optional_skills=skills["optional"])
