"""Pair scoring: hard constraints, soft factors, explanations, and properties of the score."""

import dataclasses
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from matching import (
    EXCLUSION_CODES,
    Bridges,
    CandidateProfile,
    Module,
    PlacementProfile,
    SkillKnowledge,
    Weights,
    score_pair,
)
from tests.profiles import examples

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
    cand = make_candidate(occupations=("occ:dakdekker",), intent="grow")
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


def test_a_switcher_is_steered_away_from_the_old_job_and_keeps_its_skills():
    knowledge = SkillKnowledge.from_links(
        [("laden-lossen", "occ:chauffeur", "essential")],
        groups={"occ:chauffeur": "8332", "occ:koerier": "8322", "occ:monteur": "7411"},
    )
    switcher = make_candidate(occupations=("occ:chauffeur",), intent="switch", skills={})
    stayer = dataclasses.replace(switcher, intent="stay")
    old_job = make_placement(occupation="occ:chauffeur", essential_skills=("laden-lossen",))
    new_job = make_placement(occupation="occ:monteur", essential_skills=("laden-lossen",))
    away = {p.occupation: score_pair(switcher, p, knowledge=knowledge) for p in (old_job, new_job)}
    assert factor(away["occ:chauffeur"], "occupation") == 0.0
    assert factor(away["occ:monteur"], "occupation") == 1.0
    assert away["occ:monteur"].score > away["occ:chauffeur"].score
    # the skill of the old job still counts for the new one
    assert factor(away["occ:monteur"], "essential") == Weights().inferred_essential_credit
    assert away["occ:monteur"].explanation.intent == "switch"
    assert factor(score_pair(stayer, old_job, knowledge=knowledge), "occupation") == 1.0
    unknown = dataclasses.replace(switcher, intent=None)
    assert factor(score_pair(unknown, old_job, knowledge=knowledge), "occupation") == \
        Weights().unknown


def test_a_switcher_is_not_scored_on_using_the_skills_of_the_old_work():
    switcher = make_candidate(intent="switch")
    result = score_pair(switcher, make_placement())
    assert next(f.weight for f in result.explanation.factors if f.name == "skills_used") == 0.0


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
    skills_only = Weights(optional=0, skills_used=0, occupation=0, level=0, distance=0, hours=0,
                          theme=0, kind=0, bridge=0)
    candidate = make_candidate()
    placement = make_placement(kind="vacature")
    result = score_pair(candidate, placement, weights=skills_only)
    # storingen-zoeken held at level 3 (full credit), zonnepanelen-monteren not held: 1 of 2
    assert result.score == pytest.approx(0.5)
    assert score_pair(candidate, placement).score != pytest.approx(0.5)


@pytest.mark.parametrize(
    ("held", "required", "eligible"),
    [
        (("CE",), ("C",), True),  # a CE holder may drive a C
        (("B",), ("C",), False),
        (("C",), ("B", "C"), True),
        ((), ("B",), False),
        (("D",), ("BE",), False),
    ],
)
def test_a_required_licence_category_is_a_hard_limit_with_what_each_category_includes(
        held, required, eligible):
    cand = make_candidate(driving_licence=False, licences=held)
    result = score_pair(cand, make_placement(required_licences=required))
    assert result.eligible is eligible
    assert ("licence_missing" in result.explanation.exclusions) is not eligible


def test_a_wish_said_with_alleen_is_a_hard_limit_and_otherwise_a_preference():
    wep = make_placement(kind="wep", theme="ict")
    soft = score_pair(make_candidate(kinds={"bbl"}, themes={"energie"}), wep)
    assert soft.eligible and factor(soft, "kind") == 0.0 and factor(soft, "theme") == 0.0
    hard = score_pair(make_candidate(kinds={"bbl"}, kinds_only=True, themes={"energie"},
                                     themes_only=True), wep)
    assert hard.explanation.exclusions == ("kind_not_wanted", "theme_not_wanted")


def test_hours_apart_exclude_beyond_the_gap_and_strictly_when_asked():
    twenty = make_placement(hours_per_week=20)
    assert "hours_mismatch" in score_pair(make_candidate(hours_per_week=36), twenty
                                          ).explanation.exclusions
    near = make_placement(hours_per_week=26)
    assert score_pair(make_candidate(hours_per_week=32), near).eligible
    strict = make_candidate(hours_per_week=32, hours_strict=True)
    assert score_pair(strict, near).explanation.exclusions == ("hours_mismatch",)


def test_vca_missing_is_closable_by_a_one_week_course_before_the_start():
    cand = make_candidate(skills={"storingen-zoeken": 3})
    placement = make_placement(requires_vca=True, start=date(2027, 3, 1))
    wall = score_pair(cand, placement)
    assert wall.explanation.exclusions == ("vca_missing",)
    bridged = score_pair(cand, placement, bridges=BRIDGES)
    assert bridged.eligible
    assert [b.modules for b in bridged.explanation.bridges] == [("vca",)]
    assert factor(bridged, "bridge") == pytest.approx(1 - 1 / Weights().bridge_scale_weeks)
    with_vca = score_pair(make_candidate(skills={"storingen-zoeken": 3, "vca-basis": 3}),
                          placement, bridges=BRIDGES)
    assert with_vca.score > bridged.score  # closable costs a little


def test_an_nt2_gap_is_closable_only_when_the_modules_end_before_the_start():
    cand = make_candidate(nt2="A1", available_from=date(2027, 1, 4))
    soon = make_placement(min_nt2="B1", start=date(2027, 3, 1))  # 8 weeks: not enough
    later = make_placement(min_nt2="B1", start=date(2027, 12, 6))  # 48 weeks: 16 + 20 fits
    assert score_pair(cand, soon, bridges=BRIDGES).explanation.exclusions == (
        "nt2_below_minimum",)
    bridged = score_pair(cand, later, bridges=BRIDGES)
    assert bridged.eligible
    (route,) = bridged.explanation.bridges
    assert (route.modules, route.weeks) == (("nt2-a2", "nt2-b1"), 36.0)
    today = score_pair(cand, soon, bridges=BRIDGES, today=date(2026, 6, 1))
    assert today.eligible  # following the modules from today, they end in time


def test_coverage_is_the_plain_share_of_requirements_met():
    cand = make_candidate(skills={"a": 3})
    none_met = score_pair(cand, make_placement(essential_skills=("x", "y")))
    assert factor(none_met, "essential") == 0.0  # "0 van 2": no hidden prior
    half = score_pair(cand, make_placement(essential_skills=("a", "y")))
    assert factor(half, "essential") == 0.5
    silent = score_pair(cand, make_placement(essential_skills=()))
    assert factor(silent, "essential") == Weights().unknown


def test_a_self_rated_level_counts_in_the_credit():
    levels = [factor(score_pair(make_candidate(skills={"a": lvl}),
                                make_placement(essential_skills=("a",))), "essential")
              for lvl in (1, 2, 3)]
    assert levels == list(Weights().self_level_credit)
    assert 0.0 < levels[0] < levels[1] < levels[2] == 1.0  # a higher level never counts less


# ---- properties -----------------------------------------------------------------------------

SKILLS = [f"s{i}" for i in range(8)]
LEVELS = [None, "mbo-1", "mbo-2", "mbo-3", "mbo-4", "ad", "bachelor", "master"]
NT2 = [None, "A1", "A2", "B1", "B2", "C1", "C2"]
THEMES = ["bouw", "installatie", "energie", "mobiliteit", "ict"]
KINDS = ["vacature", "wep", "bbl", "stage", "proefplaatsing"]
LICENCES = ["B", "BE", "C", "CE", "D"]
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
        licences=frozenset(draw(st.lists(st.sampled_from(LICENCES), max_size=2))),
        intent=draw(st.sampled_from([None, "switch", "stay", "grow"])),
        themes_only=draw(st.booleans()),
        kinds_only=draw(st.booleans()),
        hours_strict=draw(st.booleans()),
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
        required_licences=frozenset(draw(st.lists(st.sampled_from(LICENCES), max_size=2))),
    )


# A VCA course of one week and two NT2 steps (A1 -> A2: 16 weeks, A2 -> B1: 20 weeks).
BRIDGES = Bridges.from_modules([
    Module("vca", skills=frozenset({"vca-basis"}), weeks=1, cost_eur=195),
    Module("nt2-a2", weeks=16, min_nt2="A1", nt2_to="A2"),
    Module("nt2-b1", weeks=20, min_nt2="A2", nt2_to="B1"),
], vca_ids=Weights().vca_ids)

KNOWLEDGE = SkillKnowledge.from_links(
    [("s1", "o1", "essential"), ("s2", "o1", "optional"), ("s3", "o2", "essential")],
    groups={"o1": "7411", "o2": "7126", "o3": "8332", "o4": "7412"},
)


@settings(max_examples=examples(300))
@given(candidates(), placements(), st.booleans())
def test_score_is_always_between_zero_and_one(candidate, placement, use_knowledge):
    result = score_pair(candidate, placement, knowledge=KNOWLEDGE if use_knowledge else None)
    assert 0.0 <= result.score <= 1.0
    assert all(0.0 <= f.value <= 1.0 for f in result.explanation.factors)
    assert result.eligible == (not result.explanation.exclusions)


@settings(max_examples=examples(300))
@given(
    candidates(), placements(), st.sampled_from(["essential_skills", "optional_skills"]), st.data()
)
def test_adding_a_required_skill_the_candidate_declared_never_lowers_the_score(
    candidate, placement, field, data
):
    """Property: for any pair, appending to the placement's essential (or optional) skills a skill
    the candidate declared at expert level (or holds as a certificate) leaves eligibility
    unchanged and never lowers the score (with or without occupation knowledge): a full credit
    never lowers a mean."""
    held = sorted({s for s, level in candidate.skills if level == 3} | candidate.certificates)
    assume(held)
    skill = data.draw(st.sampled_from(held))
    bigger = dataclasses.replace(placement, **{field: getattr(placement, field) + (skill,)})
    before = score_pair(candidate, placement, knowledge=KNOWLEDGE)
    after = score_pair(candidate, bigger, knowledge=KNOWLEDGE)
    assert after.eligible == before.eligible
    assert after.score >= before.score - 1e-12


def test_a_profile_has_no_field_for_gender_age_or_origin():
    fields = {f.name for f in dataclasses.fields(CandidateProfile)}
    assert not fields & {"gender", "age", "birth_date", "origin", "nationality"}


@settings(max_examples=examples(100))
@given(candidates(), placements(), st.text(min_size=1, max_size=8))
def test_the_candidates_key_never_changes_the_score_or_its_explanation(candidate, placement, key):
    """The key only joins results back to rows: renaming a candidate changes nothing else."""
    renamed = dataclasses.replace(candidate, key=key)
    before, after = score_pair(candidate, placement), score_pair(renamed, placement)
    assert (after.score, after.eligible, after.explanation) == (
        before.score, before.eligible, before.explanation)
