"""Suggestion rounds: capacity is never exceeded, the global allocation beats greedy top-1,
and every proposed pair keeps both sides' constraints."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import HashingEncoder, Matcher
from matcher.assignment import Candidate, allocate, gini, greedy_top1
from matcher.profiles import Kind
from matcher.rounds import item_filters, plan_round, suits_target
from tests.factories import make_profile

TARGETS = [f"t{i}" for i in range(6)]

candidate_lists = st.dictionaries(
    st.sampled_from([f"i{i}" for i in range(12)]),
    st.lists(
        st.builds(Candidate, st.sampled_from(TARGETS), st.floats(0.01, 1.0)),
        max_size=6,
    ),
    max_size=12,
)
capacities = st.fixed_dictionaries({t: st.one_of(st.none(), st.integers(0, 3)) for t in TARGETS})


@settings(max_examples=200, deadline=None)
@given(candidate_lists, capacities)
def test_capacity_is_never_exceeded_and_optimum_beats_greedy(
    candidates: dict[str, list[Candidate]], capacity: dict[str, int | None]
) -> None:
    allocation = allocate(candidates, capacity)
    for target, load in allocation.load().items():
        limit = capacity[target]
        assert limit is None or load <= limit
    for item, chosen in allocation.pairs.items():
        assert chosen.target in {c.target for c in candidates[item]}
        assert chosen.target not in {c.target for c in allocation.alternatives[item]}
    greedy = greedy_top1(candidates, capacity)
    assert allocation.total_fit >= greedy.total_fit - 1e-9


def test_global_allocation_covers_more_than_greedy_where_greedy_fails() -> None:
    # A's best is X, nearly as good Y; B can only use X. Greedy gives X to A and B nothing.
    candidates = {
        "A": [Candidate("X", 0.90), Candidate("Y", 0.80)],
        "B": [Candidate("X", 0.85)],
    }
    capacity: dict[str, int | None] = {"X": 1, "Y": 1}
    greedy = greedy_top1(candidates, capacity)
    best = allocate(candidates, capacity)
    assert greedy.pairs == {"A": Candidate("X", 0.90)}
    assert {item: c.target for item, c in best.pairs.items()} == {"A": "Y", "B": "X"}
    assert best.total_fit > greedy.total_fit
    assert len(best.pairs) > len(greedy.pairs)
    assert best.alternatives["A"] == [Candidate("X", 0.90)]


def test_unlimited_capacity_and_targets_without_capacity() -> None:
    candidates = {
        "A": [Candidate("X", 0.5)],
        "B": [Candidate("X", 0.4)],
        "C": [Candidate("Z", 0.9)],
    }
    allocation = allocate(candidates, {"X": None, "Z": 0})
    assert set(allocation.pairs) == {"A", "B"}


def test_gini_of_exposure() -> None:
    assert gini([1, 1, 1, 1]) == 0.0
    assert gini([0, 0, 0, 4]) == 0.75


def test_a_round_keeps_capacity_and_both_sides_constraints() -> None:
    text = "HACCP food safety plans for olive oil producers"
    experts = [
        make_profile(
            id="e-big", text=text, capacity=4, languages=["en"], mode="hybrid", country="AL"
        ),
        make_profile(
            id="e-onsite", text=text, capacity=8, languages=["en"], mode="on-site", country="ME"
        ),
        make_profile(id="e-sq", text=text, capacity=8, languages=["sq"], mode="virtual"),
        make_profile(id="e-none", text=text, capacity=8, capacity_used=8, languages=["en"]),
    ]
    requests = [
        make_profile(
            id=f"r{i}", kind="request", text=text, languages=["en"], mode="hybrid", country="AL"
        )
        for i in range(3)
    ]
    matcher = Matcher(HashingEncoder(), backend="exact")
    matcher.add(experts + requests)
    plan = plan_round(matcher, requests, target=Kind.EXPERT, units=4, held={"e-big": 0})
    chosen = {item: c.target for item, c in plan.allocation.pairs.items()}
    assert list(chosen.values()) == ["e-big"]  # 4 hours: one request; the others fit no one
    assert plan.capacity["e-big"] == 1
    for item, options in plan.candidates.items():
        assert not {c.target for c in options} & {"e-sq", "e-none", "e-onsite"}, item
    held = plan_round(matcher, requests, target=Kind.EXPERT, units=4, held={"e-big": 4})
    assert held.allocation.pairs == {}
    blocked = plan_round(
        matcher,
        requests,
        target=Kind.EXPERT,
        units=4,
        blocked={"r0": ["e-big"], "r1": ["e-big"], "r2": ["e-big"]},
    )
    assert blocked.allocation.pairs == {}


def test_item_filters_follow_the_items_constraints() -> None:
    item = make_profile(kind="request", mode="on-site", country="AL", languages=["sq"])
    filters = item_filters(item, 2)
    assert filters.countries == ["AL"] and filters.modes == ["on-site"]
    assert filters.min_capacity_left == 2
    assert not suits_target(
        make_profile(country="ME", mode="hybrid"), make_profile(country="AL", mode="on-site")
    )


def _dense_optimum(
    candidates: dict[str, list[Candidate]], capacity: dict[str, int | None]
) -> float:
    """The oracle: scipy's dense linear_sum_assignment on a fully copied profit matrix."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    items = sorted(candidates)
    columns = [
        t for t in TARGETS for _ in range(len(items) if capacity[t] is None else capacity[t] or 0)
    ]
    profit = np.zeros((len(items), len(columns) + 1))
    for row, item in enumerate(items):
        for c in candidates[item]:
            for col, target in enumerate(columns):
                if target == c.target:
                    profit[row, col] = max(profit[row, col], c.fit)
    rows, cols = linear_sum_assignment(profit, maximize=True)
    return float(profit[rows, cols].sum())


@settings(max_examples=150, deadline=None)
@given(candidate_lists, capacities)
def test_sparse_solver_equals_the_dense_oracle(
    candidates: dict[str, list[Candidate]], capacity: dict[str, int | None]
) -> None:
    assert (
        abs(allocate(candidates, capacity).total_fit - _dense_optimum(candidates, capacity)) < 1e-9
    )


def test_a_large_round_is_solved_quickly() -> None:
    import random
    import time

    rng = random.Random(0)
    targets = [f"t{i}" for i in range(2000)]
    candidates = {
        f"i{i}": [Candidate(t, rng.random()) for t in rng.sample(targets[: 200 + i % 1800], 20)]
        for i in range(5000)
    }
    started = time.perf_counter()
    allocation = allocate(candidates, {t: 3 for t in targets})
    assert time.perf_counter() - started < 20
    assert max(allocation.load().values()) <= 3 and len(allocation.pairs) > 4000
