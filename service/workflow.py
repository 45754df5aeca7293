"""Suggestion rounds for a centre or the whole network: the one path the API and the CLI take.

A round plans every open item of each round kind (requests to experts, students to
placements, matcher/rounds.py) and stores the proposed pairs for staff review
(service/workflow_review.py). Before planning, the unreviewed proposals of earlier rounds
for the same items are withdrawn (their capacity is free again); approved and accepted
pairs keep holding their target's capacity, and an item with an approved pair is not open.
Pairs rejected by staff or marked not relevant are excluded from the engine's candidates,
so they never come back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from tqdm import tqdm

from matcher import Kind, Profile
from matcher.assignment import greedy_top1
from matcher.pair_features import pair_features
from matcher.profiles import ProfileId
from matcher.reranker import PairReranker
from matcher.results import Match
from matcher.rounds import (
    ROUND_TARGETS,
    RoundCandidates,
    RoundPlan,
    allocate_round,
    gather_candidates,
    units_left,
)
from service import profile_store
from service import workflow_store as store
from service.db import transaction
from service.network import Network
from service.workflow_ranking import active_reranker

PAGE = 500
CHUNK = 32  # items matched under one read lock


class RoundSettings(BaseModel):
    """What a round covers and how: staff may narrow it to one centre."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    centre: ProfileId | None = Field(default=None, description="Only this centre.")
    hours_per_request: int = Field(
        default=4, ge=1, le=1000, description="Counselling hours one request takes."
    )
    k: int = Field(default=20, ge=1, le=100, description="Engine candidates per item.")
    alternatives: int = Field(default=5, ge=0, le=20, description="Alternatives kept per item.")


class KindSummary(BaseModel):
    """What a round achieved for one kind of item, and what greedy top-1 would have."""

    items: int
    covered: int
    total_fit: float
    greedy_covered: int
    greedy_total_fit: float


class RoundSummary(BaseModel):
    round_id: int
    centre: str | None
    ranking: str
    superseded: int
    kinds: dict[str, KindSummary]


def _open_items(network: Network, kind: Kind, centre: str | None) -> Iterator[Profile]:
    """The kind's visible profiles in scope, read from the store a page at a time."""
    offset = 0
    while True:
        with network.runtime.sessions() as session:
            page, total = profile_store.page_profiles(
                session, kind=kind, offset=offset, limit=PAGE, centres=[centre] if centre else []
            )
        yield from (profile for profile in page if profile.visible)
        offset += PAGE
        if offset >= total:
            return


@dataclass
class _PairFit:
    """A round's fit for one kind: the re-ranker's score when it won, else the dense cosine;
    it keeps every candidate's features, to be stored with the pairs for training."""

    reranker: PairReranker | None
    units: int
    held: dict[str, int]
    rates: dict[str, float]
    features: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)

    def __call__(self, item: Profile, found: Match) -> float:
        tid = found.profile.id
        row = pair_features(
            item,
            found,
            capacity_left=units_left(found.profile, self.units, self.held.get(tid, 0)),
            acceptance_rate=self.rates.get(tid, 0.5),
        )
        self.features[(item.id, tid)] = row
        return row["dense"] if self.reranker is None else self.reranker.score_one(row)


Planned = tuple[RoundPlan, dict[tuple[str, str], dict[str, float]], int]


def run_round(
    network: Network, options: RoundSettings, *, show_progress: bool = False
) -> RoundSummary:
    """Plan and store one round; returns what it achieved against greedy top-1."""
    with store.WRITES:
        return _run_round(network, options, show_progress)


def _run_round(network: Network, options: RoundSettings, show_progress: bool) -> RoundSummary:
    reranker, ranking = active_reranker(network.runtime.settings)
    plans: list[Planned] = []
    superseded = 0
    for source, target in ROUND_TARGETS.items():
        units = options.hours_per_request if source == Kind.REQUEST else 1
        in_scope = list(_open_items(network, source, options.centre))
        with transaction(network.runtime.sessions) as session:
            settled = store.settled_sources(session, source_kind=source.value)
            items = [p for p in in_scope if p.id not in settled]
            superseded += store.supersede_proposed(session, source_ids=[p.id for p in items])
            held = store.held_units(session, target_kind=target.value)
            blocked = store.blocked_targets(session, source_kind=source.value)
            rates = store.acceptance_rates(session, target_kind=target.value)
        fit = _PairFit(reranker, units, held, rates)
        found = RoundCandidates()
        # The read lock is taken per chunk, not for the whole round: a write waits for one
        # chunk's matches at most, and matches queued behind it are not held up for long.
        with tqdm(total=len(items), desc=f"{source.value}s", disable=not show_progress) as bar:
            for start in range(0, len(items), CHUNK):
                chunk = items[start : start + CHUNK]
                with network.reading() as matcher:
                    gather_candidates(
                        matcher,
                        chunk,
                        found,
                        target=target,
                        units=units,
                        blocked=blocked,
                        k=options.k,
                        fit=fit,
                    )
                bar.update(len(chunk))
        plan = allocate_round(
            found,
            source=source,
            target=target,
            units=units,
            held=held,
            alternatives=options.alternatives,
        )
        plans.append((plan, fit.features, units))
    return _store_round(network, options, plans, ranking, superseded)


def _store_round(
    network: Network,
    options: RoundSettings,
    plans: list[Planned],
    ranking: str,
    superseded: int,
) -> RoundSummary:
    kinds = {}
    for plan, _, _ in plans:
        greedy = greedy_top1(plan.candidates, plan.capacity)
        kinds[plan.source.value] = KindSummary(
            items=len(plan.candidates),
            covered=len(plan.allocation.pairs),
            total_fit=round(plan.allocation.total_fit, 4),
            greedy_covered=len(greedy.pairs),
            greedy_total_fit=round(greedy.total_fit, 4),
        )
    summary = {kind: value.model_dump() for kind, value in kinds.items()}
    with transaction(network.runtime.sessions) as session:
        row = store.create_round(
            session,
            centre=options.centre,
            params={**options.model_dump(), "ranking": ranking, "superseded": superseded},
            summary=summary,
        )
        for plan, features, units in plans:
            for item, chosen in sorted(plan.allocation.pairs.items()):
                store.add_pair(
                    session,
                    round_id=row.id,
                    source_id=item,
                    target_id=chosen.target,
                    source_kind=plan.source.value,
                    target_kind=plan.target.value,
                    fit=chosen.fit,
                    units=units,
                    features=features.get((item, chosen.target), {}),
                    alternatives=_alternatives(plan, item, features),
                )
        round_id = row.id
    return RoundSummary(
        round_id=round_id,
        centre=options.centre,
        ranking=ranking,
        superseded=superseded,
        kinds=kinds,
    )


def _alternatives(
    plan: RoundPlan, item: str, features: dict[tuple[str, str], dict[str, float]]
) -> list[dict[str, Any]]:
    return [
        {"target": c.target, "fit": round(c.fit, 6), "features": features.get((item, c.target), {})}
        for c in plan.allocation.alternatives.get(item, [])
    ]
