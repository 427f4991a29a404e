"""Ranking: order and ties, both directions, top-k in chunks, and agreement with `score_pair`."""

import dataclasses
import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import (
    CandidateProfile,
    PlacementIndex,
    PlacementProfile,
    rank,
    rank_candidates,
    score_pair,
    top_k_pairs,
)
from tests.profiles import examples
from tests.test_matching_scoring import (
    BRIDGES,
    KNOWLEDGE,
    candidates,
    make_candidate,
    make_placement,
    placements,
)


def keyed(items, prefix):
    return [dataclasses.replace(x, key=f"{prefix}{i}") for i, x in enumerate(items)]


def test_rank_orders_by_score_with_ties_in_input_order():
    twin = make_placement(key="a")
    ps = [
        make_placement(key="weak", essential_skills=("x", "y", "z")),
        twin,
        dataclasses.replace(twin, key="b"),
        dataclasses.replace(twin, key="c"),
    ]
    ranked = rank(make_candidate(), ps)
    assert [r.placement_key for r in ranked] == ["a", "b", "c", "weak"]
    assert ranked[0].score == ranked[1].score == ranked[2].score > ranked[3].score


def test_ineligible_placements_are_left_out_unless_asked_for_and_then_come_last():
    ps = [make_placement(key="far", lat=50.85, lon=5.69), make_placement(key="ok")]
    assert [r.placement_key for r in rank(make_candidate(), ps)] == ["ok"]
    both = rank(make_candidate(), ps, include_ineligible=True)
    assert [(r.placement_key, r.eligible, r.score) for r in both][1] == ("far", False, 0.0)
    assert both[1].explanation.exclusions == ("travel_too_far",)


def test_limit_cuts_the_list_and_explanations_match_score_pair():
    ps = [make_placement(key=f"p{i}", hours_per_week=20 + i) for i in range(10)]
    ranked = rank(make_candidate(), ps, limit=3)
    assert len(ranked) == 3
    for r in ranked:
        p = next(p for p in ps if p.key == r.placement_key)
        assert r.explanation == score_pair(make_candidate(), p).explanation


def test_rank_accepts_a_prebuilt_index_and_gives_the_same_result():
    ps = [make_placement(key=f"p{i}", level=lvl) for i, lvl in enumerate(["mbo-1", "mbo-4", "ad"])]
    index = PlacementIndex.build(ps)
    assert rank(make_candidate(), index) == rank(make_candidate(), ps)


def test_rank_candidates_ranks_the_employer_direction():
    cs = [
        make_candidate(key="novice", skills={}),
        make_candidate(key="skilled"),
        make_candidate(key="no-licence", driving_licence=False),
    ]
    placement = make_placement(requires_driving_licence=True)
    ranked = rank_candidates(placement, cs)
    assert [r.candidate_key for r in ranked] == ["skilled", "novice"]


def test_empty_inputs_give_empty_rankings():
    assert rank(make_candidate(), []) == []
    assert rank_candidates(make_placement(), []) == []
    assert top_k_pairs([], PlacementIndex.build([])) == []


@settings(max_examples=examples(60))
@given(
    st.lists(candidates(), min_size=1, max_size=4),
    st.lists(placements(), max_size=12),
    st.booleans(),
)
def test_vectorised_scores_agree_with_score_pair(cands, plcs, use_knowledge):
    knowledge = KNOWLEDGE if use_knowledge else None
    kw = {"bridges": BRIDGES, "today": date(2026, 9, 1)} if use_knowledge else {}
    cands, plcs = keyed(cands, "c"), keyed(plcs, "p")
    index = PlacementIndex.build(plcs, knowledge=knowledge)
    for cand in cands:
        ranked = rank(cand, index, include_ineligible=True, **kw)
        assert len(ranked) == len(plcs)
        for r in ranked:
            p = plcs[int(r.placement_key[1:])]
            expected = score_pair(cand, p, knowledge=knowledge, **kw)
            assert r.score == pytest.approx(expected.score, abs=1e-9)
            assert r.eligible == expected.eligible
            assert r.explanation == expected.explanation
        keys = [(not r.eligible, -r.score) for r in ranked]
        assert keys == sorted(keys)
    for p in plcs:
        for r in rank_candidates(p, cands, knowledge=knowledge, include_ineligible=True, **kw):
            expected = score_pair(cands[int(r.candidate_key[1:])], p, knowledge=knowledge, **kw)
            assert r.score == pytest.approx(expected.score, abs=1e-9)
            assert r.eligible == expected.eligible


@settings(max_examples=examples(40))
@given(
    st.lists(candidates(), min_size=1, max_size=6),
    st.lists(placements(), max_size=15),
    st.integers(1, 5),
)
def test_top_k_pairs_equals_the_head_of_each_ranking(cands, plcs, k):
    cands, plcs = keyed(cands, "c"), keyed(plcs, "p")
    index = PlacementIndex.build(plcs, knowledge=KNOWLEDGE)
    tops = top_k_pairs(cands, index, k=k, chunk_size=4)
    assert len(tops) == len(cands)
    for cand, top in zip(cands, tops, strict=True):
        head = rank(cand, index, limit=k, explain=False)
        assert [(p.placement_key, p.score) for p in top] == [
            (r.placement_key, r.score) for r in head
        ]


def test_random_bulk_data_agrees_with_the_per_pair_loop():
    rng = random.Random(7)
    skills = [f"s{i}" for i in range(40)]
    plcs = [
        PlacementProfile(
            key=f"p{i}",
            kind=rng.choice(["bbl", "wep", "vacature"]),
            lat=52 + rng.random(),
            lon=4.5 + rng.random(),
            hours_per_week=rng.choice([24, 32, 40]),
            start=date(2027, rng.randint(1, 12), 1),
            level=rng.choice(["mbo-2", "mbo-3", "ad"]),
            min_nt2=rng.choice([None, "A2", "B1"]),
            theme=rng.choice(["energie", "bouw"]),
            isco_group=rng.choice(["7411", "7126", "2512"]),
            essential_skills=tuple(rng.sample(skills, 3)),
            optional_skills=tuple(rng.sample(skills, 2)),
        )
        for i in range(300)
    ]
    cand = make_candidate(
        skills={s: 2 for s in rng.sample(skills, 10)}, occupation_groups=("7412",)
    )
    for r in rank(cand, plcs, include_ineligible=True, explain=False):
        expected = score_pair(cand, plcs[int(r.placement_key[1:])])
        assert abs(r.score - expected.score) <= 1e-9 and r.eligible == expected.eligible


def test_scores_one_ulp_apart_are_a_tie_in_input_order_on_every_path():
    """A real 1-ulp tie (found in a random world): every path keeps input order."""
    cand = CandidateProfile(key="c1", hours_per_week=24, level="mbo-2",
                            skills={"s0": 2, "s2": 3, "s5": 1}, themes={"energie"},
                            kinds={"bbl"})
    first = PlacementProfile(key="first", kind="vacature", hours_per_week=24, level="mbo-2",
                             theme="bouw", essential_skills=("s2",), optional_skills=("s2",))
    second = PlacementProfile(key="second", kind="vacature", hours_per_week=24, level="mbo-2",
                              theme="energie", essential_skills=("s2", "s3"),
                              optional_skills=("s3",))
    a, b = (score_pair(cand, p).score for p in (first, second))
    assert a < b and b - a <= 4e-16  # one or two ulp apart, the second a hair higher
    index = PlacementIndex.build([first, second])
    assert [r.placement_key for r in rank(cand, index)] == ["first", "second"]
    (top,) = top_k_pairs([cand], index, k=2)
    assert [p.placement_key for p in top] == ["first", "second"]
    (top1,) = top_k_pairs([cand], index, k=1)
    assert [p.placement_key for p in top1] == ["first"]
