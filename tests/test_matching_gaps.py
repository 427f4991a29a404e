"""Skill gaps to modules and career paths ranked by reachability."""

from matching import (
    CandidateProfile,
    CareerPath,
    Module,
    PathStep,
    PlacementProfile,
    SkillKnowledge,
    plan_for_placement,
    plan_modules,
    recommend_paths,
)


def make_candidate(**kw):
    base = dict(key="c1", nt2="B1", level="mbo-2", skills={"vca-basis": 2})
    return CandidateProfile(**{**base, **kw})


CATALOGUE = (
    Module("big", skills={"a", "b", "c"}, weeks=20, civil_value="wettelijk erkend", cost_eur=900),
    Module("ab", skills={"a", "b"}, weeks=4, civil_value="geen", cost_eur=200),
    Module("c", skills={"c"}, weeks=3, civil_value="landelijk erkend", cost_eur=150),
    Module("c-inst", skills={"c"}, weeks=3, civil_value="instellingsgebonden"),
    Module("d-nt2", skills={"d"}, weeks=2, min_nt2="B2"),
    Module("e-hbo", skills={"e"}, weeks=2, min_level="ad", level="ad"),
)


def test_plan_covers_missing_skills_with_fewest_weeks_and_prefers_civiele_waarde():
    plan = plan_modules(make_candidate(), ["a", "b", "c"], CATALOGUE)
    assert [m.id for m in plan.modules] == ["ab", "c"]  # c beats c-inst on civiele waarde
    assert plan.total_weeks == 7 and plan.total_cost == 350
    assert plan.covered == ("a", "b", "c") and plan.uncovered == ()


def test_modules_the_candidate_cannot_enter_are_skipped_and_reported():
    plan = plan_modules(make_candidate(), ["d", "e", "zz"], CATALOGUE)
    assert plan.modules == ()
    assert plan.skipped == (("d-nt2", "nt2_below_minimum"), ("e-hbo", "level_below_minimum"))
    assert plan.uncovered == ("d", "e", "zz")


def test_skills_the_candidate_has_are_not_planned():
    plan = plan_modules(make_candidate(skills={"a": 1, "b": 1}), ["a", "b", "c"], CATALOGUE)
    assert [m.id for m in plan.modules] == ["c"]


def test_redundant_modules_are_pruned():
    modules = (
        Module("x", skills={"a"}, weeks=1),
        Module("y", skills={"b"}, weeks=1),
        Module("xy", skills={"a", "b"}, weeks=1.5),
    )
    assert [m.id for m in plan_modules(make_candidate(), ["a", "b"], modules).modules] == ["xy"]


def test_plan_for_placement_uses_the_missing_essential_skills():
    placement = PlacementProfile("p1", essential_skills=("vca-basis", "a"), optional_skills=("c",))
    plan = plan_for_placement(make_candidate(), placement, CATALOGUE)
    assert plan.covered == ("a",)


def test_career_paths_rank_by_reachability_and_carry_their_steps():
    steps = (
        PathStep("orientation", title="meeloopdag"),
        PathStep("module", ref="ab"),
        PathStep("placement", placement_kinds=("bbl",)),
    )
    near = CareerPath(
        "near",
        title="laadpaalmonteur",
        target_occupations=("occ:laad",),
        required_skills=("vca-basis", "a"),
        steps=steps,
    )
    far = CareerPath(
        "far",
        title="BIM-modelleur",
        target_occupations=("occ:bim",),
        required_skills=("x", "y", "z"),
        levels=("bachelor",),
    )
    openings = [
        PlacementProfile("v1", occupation="occ:laad"),
        PlacementProfile("v2", occupation="occ:other"),
    ]
    recs = recommend_paths(make_candidate(), [far, near], CATALOGUE, placements=openings)
    assert [r.path.id for r in recs] == ["near", "far"]
    assert recs[0].open_placements == ("v1",)
    assert recs[0].path.steps == steps
    assert recs[0].missing_skills == ("a",) and [m.id for m in recs[0].plan.modules] == ["ab"]
    assert recs[1].plan.uncovered == ("x", "y", "z")
    assert all(0 <= r.score <= 1 for r in recs)


def test_previous_occupation_makes_a_path_more_reachable():
    knowledge = SkillKnowledge.from_links(
        [("a", "occ:prev", "essential")], groups={"occ:prev": "7411", "occ:laad": "7411"}
    )
    path = CareerPath("p", target_occupations=("occ:laad",), required_skills=("a",))
    plain = recommend_paths(make_candidate(), [path], CATALOGUE)[0]
    experienced = recommend_paths(
        make_candidate(occupations=("occ:prev",)), [path], CATALOGUE, knowledge=knowledge
    )[0]
    assert experienced.score > plain.score and experienced.missing_skills == ()
