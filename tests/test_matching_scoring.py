"""Pair scoring: hard constraints, soft factors, explanations, and properties of the score."""

import dataclasses
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import (
    EXCLUSION_CODES,
    CandidateProfile,
    PlacementProfile,
    SkillKnowledge,
    Weights,
    score_pair,
)

AMSTERDAM = (52.37, 4.90)
HAARLEM = (52.38, 4.64)
UTRECHT = (52.09, 5.12)


def make_candidate(**kw) -> CandidateProfile:
    base = dict(
        key="c1",
        lat=AMSTERDAM[0],
        lon=AMSTERDAM[1],
        max_km=25,
        hours_per_week=32,
        available_from=date(2027, 1, 11),
        driving_licence=True,
        nt2="B1",
        level="mbo-2",
        skills={"vca-basis": 2, "storingen-zoeken": 3},
        themes={"energie"},
        kinds={"bbl"},
    )
    return CandidateProfile(**{**base, **kw})


def make_placement(**kw) -> PlacementProfile:
    base = dict(
        key="p1",
        kind="bbl",
        lat=HAARLEM[0],
        lon=HAARLEM[1],
        hours_per_week=32,
        start=date(2027, 2, 1),
        level="mbo-2",
        min_nt2="A2",
        theme="energie",
        essential_skills=("storingen-zoeken", "zonnepanelen-monteren"),
        optional_skills=("vca-basis",),
    )
    return PlacementProfile(**{**base, **kw})


def factor(result, name):
    return next(f.value for f in result.explanation.factors if f.name == name)


def test_eligible_pair_scores_between_zero_and_one_with_every_factor_explained():
    result = score_pair(make_candidate(), make_placement())
    assert result.eligible and 0 < result.score < 1
    names = [f.name for f in result.explanation.factors]
    assert names == list(Weights().factor_weights())
    assert result.explanation.missing_essential == ("zonnepanelen-monteren",)
    assert {(m.requirement, m.source) for m in result.explanation.matched} == {
        ("storingen-zoeken", "declared"),
        ("vca-basis", "declared"),
    }


@pytest.mark.parametrize(
    ("candidate_kw", "placement_kw", "code"),
    [
        ({"max_km": 10}, {"lat": UTRECHT[0], "lon": UTRECHT[1]}, "travel_too_far"),
        ({"nt2": "A2"}, {"min_nt2": "B2"}, "nt2_below_minimum"),
        ({"driving_licence": False}, {"requires_driving_licence": True}, "licence_missing"),
        ({"skills": {"storingen-zoeken": 3}}, {"requires_vca": True}, "vca_missing"),
        (
            {"available_from": date(2027, 3, 1)},
            {"start": date(2027, 2, 1)},
            "starts_before_available",
        ),
        ({"hours_per_week": 16}, {"hours_per_week": 40}, "hours_mismatch"),
    ],
)
def test_each_hard_constraint_excludes_the_pair_with_its_code(candidate_kw, placement_kw, code):
    result = score_pair(make_candidate(**candidate_kw), make_placement(**placement_kw))
    assert not result.eligible
    assert result.score == 0.0
    assert result.explanation.exclusions == (code,)


def test_exclusions_are_listed_in_a_fixed_order():
    result = score_pair(
        make_candidate(nt2="A1", driving_licence=False, max_km=5),
        make_placement(lat=UTRECHT[0], lon=UTRECHT[1], requires_driving_licence=True),
    )
    assert result.explanation.exclusions == (
        "travel_too_far",
        "nt2_below_minimum",
        "licence_missing",
    )
    assert set(result.explanation.exclusions) <= set(EXCLUSION_CODES)


def test_a_candidate_without_an_nt2_level_meets_any_nt2_minimum():
    assert score_pair(make_candidate(nt2=None), make_placement(min_nt2="C1")).eligible


def test_unknown_location_neither_excludes_nor_rewards():
    result = score_pair(make_candidate(lat=None, lon=None), make_placement())
    assert result.eligible
    assert result.explanation.distance_km is None
    assert factor(result, "distance") == Weights().unknown


def test_closer_placement_scores_higher_all_else_equal():
    near = score_pair(make_candidate(), make_placement(lat=52.36, lon=4.91))
    far = score_pair(make_candidate(), make_placement())
    assert near.score > far.score


def test_level_fit_penalises_each_level_short_and_allows_one_below_for_bbl():
    cand = make_candidate(level="mbo-2")
    assert factor(score_pair(cand, make_placement(kind="bbl", level="mbo-3")), "level") == 1.0
    vacancy = score_pair(cand, make_placement(kind="vacature", level="mbo-4"))
    assert factor(vacancy, "level") == pytest.approx(1 - 2 * Weights().level_step_penalty)


def test_previous_occupation_brings_inferred_skills_and_isco_proximity():
    knowledge = SkillKnowledge.from_links(
        [("zonnepanelen-monteren", "occ:dakdekker", "essential")],
        groups={"occ:dakdekker": "7121", "occ:zonnepaneelmonteur": "7127"},
    )
    cand = make_candidate(occupations=("occ:dakdekker",))
    placement = make_placement(occupation="occ:zonnepaneelmonteur")
    with_knowledge = score_pair(cand, placement, knowledge=knowledge)
    without = score_pair(cand, placement)
    assert with_knowledge.score > without.score
    assert factor(with_knowledge, "occupation") == Weights().isco_proximity[1]  # same 3 digits
    inferred = [m for m in with_knowledge.explanation.matched if m.source == "occupation"]
    assert [(m.requirement, m.via) for m in inferred] == [
        ("zonnepanelen-monteren", "occ:dakdekker")
    ]
    assert inferred[0].credit < 1.0
    assert with_knowledge.explanation.missing_essential == ()


def test_wishes_count_theme_and_kind_and_a_themeless_placement_meets_no_theme_wish():
    wanted = score_pair(make_candidate(), make_placement())
    other = score_pair(make_candidate(), make_placement(kind="vacature", theme=None))
    assert (factor(wanted, "theme"), factor(wanted, "kind")) == (1.0, 1.0)
    assert (factor(other, "theme"), factor(other, "kind")) == (0.0, 0.0)
    silent = score_pair(make_candidate(themes=(), kinds=()), make_placement())
    assert factor(silent, "theme") == factor(silent, "kind") == Weights().unknown


def test_essential_skills_weigh_less_on_learning_placements():
    bbl = score_pair(make_candidate(), make_placement(kind="bbl"))
    vacancy = score_pair(make_candidate(), make_placement(kind="vacature"))
    weight = {
        r: next(f.weight for f in r.explanation.factors if f.name == "essential")
        for r in (bbl, vacancy)
    }
    assert weight[bbl] == Weights().essential * Weights().learning_essential_share
    assert weight[vacancy] == Weights().essential


def test_skills_used_is_the_share_of_the_candidates_skills_the_placement_asks_for():
    result = score_pair(make_candidate(), make_placement(optional_skills=()))
    assert factor(result, "skills_used") == 0.5


def test_weights_are_keyword_only_and_change_the_score():
    with pytest.raises(TypeError):
        Weights(1.0)  # type: ignore[misc]
    skills_only = Weights(
        optional=0, skills_used=0, occupation=0, level=0, distance=0, hours=0, theme=0, kind=0
    )
    result = score_pair(make_candidate(), make_placement(kind="vacature"), weights=skills_only)
    assert result.score == pytest.approx((1 + 0.5) / (2 + 1))


# ---- properties -----------------------------------------------------------------------------

SKILLS = [f"s{i}" for i in range(8)]
LEVELS = [None, "mbo-1", "mbo-2", "mbo-3", "mbo-4", "ad", "bachelor", "master"]
NT2 = [None, "A1", "A2", "B1", "B2", "C1", "C2"]
THEMES = ["bouw", "installatie", "energie", "mobiliteit", "ict"]
KINDS = ["vacature", "wep", "bbl", "stage", "proefplaatsing"]
coords = st.one_of(st.none(), st.tuples(st.floats(50.7, 53.5), st.floats(3.3, 7.2)))
maybe_day = st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2028, 1, 1)))


@st.composite
def candidates(draw, key="c"):
    ll = draw(coords)
    return CandidateProfile(
        key=key,
        lat=ll and ll[0],
        lon=ll and ll[1],
        max_km=draw(st.one_of(st.none(), st.floats(1, 200))),
        hours_per_week=draw(st.one_of(st.none(), st.integers(8, 40))),
        available_from=draw(maybe_day),
        driving_licence=draw(st.booleans()),
        certificates=frozenset(
            draw(st.lists(st.sampled_from(["vca-basis", "nen-3140"]), max_size=2))
        ),
        nt2=draw(st.sampled_from(NT2)),
        level=draw(st.sampled_from(LEVELS)),
        skills={s: draw(st.integers(1, 3)) for s in draw(st.lists(st.sampled_from(SKILLS)))},
        occupations=tuple(draw(st.lists(st.sampled_from(["o1", "o2", "o3"]), max_size=2))),
        occupation_groups=tuple(
            draw(st.lists(st.sampled_from(["7411", "7412", "7126", "83"]), max_size=2))
        ),
        themes=frozenset(draw(st.lists(st.sampled_from(THEMES), max_size=2))),
        kinds=frozenset(draw(st.lists(st.sampled_from(KINDS), max_size=2))),
    )


@st.composite
def placements(draw, key="p"):
    ll = draw(coords)
    return PlacementProfile(
        key=key,
        kind=draw(st.sampled_from(KINDS)),
        occupation=draw(st.sampled_from([None, "o1", "o2", "o4"])),
        isco_group=draw(st.sampled_from([None, "7411", "7413", "7126", "2512"])),
        lat=ll and ll[0],
        lon=ll and ll[1],
        hours_per_week=draw(st.one_of(st.none(), st.integers(8, 40))),
        start=draw(maybe_day),
        level=draw(st.sampled_from(LEVELS)),
        min_nt2=draw(st.sampled_from(NT2)),
        requires_driving_licence=draw(st.booleans()),
        requires_vca=draw(st.booleans()),
        theme=draw(st.sampled_from([None, *THEMES])),
        seats=draw(st.integers(1, 3)),
        essential_skills=tuple(draw(st.lists(st.sampled_from(SKILLS), max_size=4))),
        optional_skills=tuple(draw(st.lists(st.sampled_from(SKILLS), max_size=4))),
    )


KNOWLEDGE = SkillKnowledge.from_links(
    [("s1", "o1", "essential"), ("s2", "o1", "optional"), ("s3", "o2", "essential")],
    groups={"o1": "7411", "o2": "7126", "o3": "8332", "o4": "7412"},
)


@settings(max_examples=300, deadline=None)
@given(candidates(), placements(), st.booleans())
def test_score_is_always_between_zero_and_one(candidate, placement, use_knowledge):
    result = score_pair(candidate, placement, knowledge=KNOWLEDGE if use_knowledge else None)
    assert 0.0 <= result.score <= 1.0
    assert all(0.0 <= f.value <= 1.0 for f in result.explanation.factors)
    assert result.eligible == (not result.explanation.exclusions)


@settings(max_examples=300, deadline=None)
@given(
    candidates(), placements(), st.sampled_from(["essential_skills", "optional_skills"]), st.data()
)
def test_adding_a_required_skill_the_candidate_declared_never_lowers_the_score(
    candidate, placement, field, data
):
    """Property: for any pair, appending to the placement's essential (or optional) skills a skill
    the candidate declared (or holds as a certificate) leaves eligibility unchanged and never
    lowers the score (with or without occupation knowledge)."""
    held = sorted(candidate.skill_ids)
    if not held:
        return
    skill = data.draw(st.sampled_from(held))
    bigger = dataclasses.replace(placement, **{field: getattr(placement, field) + (skill,)})
    before = score_pair(candidate, placement, knowledge=KNOWLEDGE)
    after = score_pair(candidate, bigger, knowledge=KNOWLEDGE)
    assert after.eligible == before.eligible
    assert after.score >= before.score - 1e-12


@settings(max_examples=100, deadline=None)
@given(candidates(), placements())
def test_scoring_ignores_anything_but_the_profile_fields(candidate, placement):
    fields = {f.name for f in dataclasses.fields(CandidateProfile)}
    assert not fields & {"gender", "age", "birth_date", "origin", "nationality"}
    assert score_pair(candidate, placement) == score_pair(candidate, placement)
