"""Capacity-aware assignment: optimality against greedy, capacities, locks and exclusions."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bench.lp_reference import lp_optimum
from matching import PlacementProfile, ScoredPair, assign, greedy_assign
from tests.profiles import examples


def place(key, seats=1, employer=None):
    return PlacementProfile(key=key, seats=seats, employer_key=employer)


def test_optimal_assignment_beats_greedy_where_greedy_is_suboptimal():
    # greedy takes c1-p1 (0.9) and leaves c2 with nothing; the optimum is c1-p2 + c2-p1 = 1.65
    pairs = [ScoredPair("c1", "p1", 0.9), ScoredPair("c1", "p2", 0.8), ScoredPair("c2", "p1", 0.85)]
    placements = [place("p1"), place("p2")]
    greedy = greedy_assign(pairs, placements)
    best = assign(pairs, placements)
    assert greedy.total_score == pytest.approx(0.9)
    assert best.total_score == pytest.approx(1.65)
    assert {(p.candidate_key, p.placement_key) for p in best.pairs} == {("c1", "p2"), ("c2", "p1")}
    assert best.unassigned == ()


def test_employer_mentor_capacity_binds_across_its_placements():
    pairs = [ScoredPair(f"c{i}", p, 0.5 + i / 10) for i in range(3) for p in ("p1", "p2")]
    placements = [place("p1", seats=2, employer="e1"), place("p2", seats=2, employer="e1")]
    result = assign(pairs, placements, employer_capacity={"e1": 2})
    assert len(result.pairs) == 2
    assert result.employers[0].used == 2 and result.employers[0].capacity == 2
    assert result.unassigned[0].candidate_key == "c0"
    assert result.unassigned[0].reason == "capacity_full"


def test_locked_pairs_are_forced_and_excluded_pairs_never_used():
    pairs = [ScoredPair("c1", "p1", 0.9), ScoredPair("c1", "p2", 0.2), ScoredPair("c2", "p1", 0.8)]
    result = assign(
        pairs,
        [place("p1"), place("p2")],
        locked=[("c1", "p2")],
        excluded=[("c2", "p1")],
        candidates=["c1", "c2", "c3"],
    )
    assert [(p.candidate_key, p.placement_key, p.locked) for p in result.pairs] == [
        ("c1", "p2", True)
    ]
    assert [(u.candidate_key, u.reason) for u in result.unassigned] == [
        ("c2", "excluded_by_advisor"),
        ("c3", "no_eligible_placement"),
    ]


def test_proposal_cap_limits_candidates_per_placement():
    pairs = [ScoredPair(f"c{i}", "p1", 0.5) for i in range(5)]
    result = assign(
        pairs, [place("p1", seats=2)], proposals_per_seat=3, max_proposals_per_placement=4
    )
    assert len(result.pairs) == 4 and result.placements[0].capacity == 4


def test_ineligible_and_zero_pairs_are_not_used():
    pairs = [ScoredPair("c1", "p1", 0.7, eligible=False), ScoredPair("c2", "p1", 0.0)]
    result = assign(pairs, [place("p1", seats=2)])
    assert result.pairs == ()
    assert {u.reason for u in result.unassigned} == {"no_eligible_placement"}


def test_locks_that_break_a_capacity_are_refused():
    with pytest.raises(ValueError, match="capacity"):
        assign([], [place("p1")], locked=[("c1", "p1"), ("c2", "p1")])


@st.composite
def rounds(draw):
    n_c, n_p = draw(st.integers(1, 8)), draw(st.integers(1, 6))
    placements = [
        place(f"p{j}", seats=draw(st.integers(0, 3)), employer=f"e{j % 3}") for j in range(n_p)
    ]
    pairs = [
        ScoredPair(f"c{i}", f"p{j}", draw(st.floats(0, 1)))
        for i in range(n_c)
        for j in range(n_p)
        if draw(st.booleans())
    ]
    keys = [(p.candidate_key, p.placement_key) for p in pairs]
    excluded = draw(st.lists(st.sampled_from(keys), max_size=3)) if keys else []
    caps = {f"e{k}": draw(st.integers(0, 4)) for k in range(3) if draw(st.booleans())}
    return pairs, placements, excluded, caps, [f"c{i}" for i in range(n_c)]


@settings(max_examples=examples(150))
@given(rounds())
def test_assignment_never_exceeds_capacity_nor_uses_excluded_pairs_and_beats_greedy(data):
    pairs, placements, excluded, caps, cands = data
    result = assign(pairs, placements, excluded=excluded, employer_capacity=caps, candidates=cands)
    chosen = [(p.candidate_key, p.placement_key) for p in result.pairs]
    assert not set(chosen) & set(excluded)
    assert len({c for c, _ in chosen}) == len(chosen)
    seats = {p.key: p.seats for p in placements}
    employer = {p.key: p.employer_key for p in placements}
    for key, n in _count(p for _, p in chosen).items():
        assert n <= seats[key]
    for key, n in _count(employer[p] for _, p in chosen).items():
        assert n <= caps.get(key, n)
    assert {u.candidate_key for u in result.unassigned} | {c for c, _ in chosen} == set(cands)
    greedy = greedy_assign(pairs, placements, excluded=excluded, employer_capacity=caps)
    assert result.total_score >= greedy.total_score - 1e-9


@settings(max_examples=examples(60))
@given(rounds(), st.data())
def test_a_feasible_locked_pair_is_always_assigned(data, draw):
    pairs, placements, _, _, cands = data
    open_places = [p.key for p in placements if p.seats > 0]
    assume(open_places)
    lock = (draw.draw(st.sampled_from(cands)), draw.draw(st.sampled_from(open_places)))
    result = assign(pairs, placements, locked=[lock], candidates=cands)
    assert lock in {(p.candidate_key, p.placement_key) for p in result.pairs}


def _count(items):
    out = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return out


@settings(max_examples=150, deadline=None, derandomize=True)
@given(rounds())
def test_the_flow_reaches_the_optimum_of_the_linear_programme(data):
    pairs, placements, excluded, caps, cands = data
    result = assign(pairs, placements, excluded=excluded, employer_capacity=caps, candidates=cands)
    assert result.total_score == pytest.approx(lp_optimum(pairs, placements, caps, excluded),
                                               abs=1e-9)


@settings(max_examples=120, deadline=None, derandomize=True)
@given(rounds())
def test_one_more_mentor_gains_what_a_re_solve_with_that_capacity_gains(data):
    pairs, placements, excluded, caps, cands = data
    knobs = dict(excluded=excluded, candidates=cands)
    now = assign(pairs, placements, employer_capacity=caps, mentor_gains=True, **knobs)
    predicted = {g.employer_key: g for g in now.mentor_gains}
    for employer in caps:
        more = assign(pairs, placements, employer_capacity=caps | {employer: caps[employer] + 1},
                      **knobs)
        gain = more.total_score - now.total_score
        if employer in predicted:
            assert predicted[employer].score == pytest.approx(gain, abs=1e-9)
            if predicted[employer].placed:  # a candidate who waited can start
                assert len(more.pairs) == len(now.pairs) + 1
        else:
            assert gain == pytest.approx(0.0, abs=1e-9)


def test_one_more_mentor_names_the_employer_where_a_waiting_candidate_could_start():
    pairs = [ScoredPair("c1", "p1", 0.9), ScoredPair("c2", "p1", 0.8), ScoredPair("c2", "p2", 0.3)]
    placements = [place("p1", seats=2, employer="amstel"), place("p2", employer="noord")]
    result = assign(pairs, placements, employer_capacity={"amstel": 1, "noord": 0},
                    mentor_gains=True)
    assert [(p.candidate_key, p.placement_key) for p in result.pairs] == [("c1", "p1")]
    gains = {g.employer_key: (g.placed, round(g.score, 6)) for g in result.mentor_gains}
    assert gains == {"amstel": (1, 0.8), "noord": (1, 0.3)}
    assert result.mentor_gains[0].employer_key == "amstel"  # the bigger gain first
