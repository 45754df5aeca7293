"""A suggestion round: candidates for every open item from the engine, then one global
allocation under the targets' capacity (matcher/assignment.py).

Each item's candidates are its engine top-k among the targets that pass the hard filters
built from the item's own constraints (shared language, a mode that suits it, overlapping
dates, capacity for one more pair), so a round costs one engine match per item and never
scans every profile in Python. The target's own constraints are checked on those k
candidates only: an on-site offer or need means both sides are in the same country.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from matcher.assignment import Allocation, Candidate, allocate
from matcher.engine import Matcher
from matcher.filters import MatchFilters
from matcher.profiles import Kind, Mode, Profile
from matcher.queries import query_for
from matcher.results import Match

# How well a pair fits, comparable across items: the fused score is normalised within each
# item's pool (its best candidate may score 0 or 1 whatever it is), so the allocation weighs
# pairs by the dense cosine of the pair, or by the learned re-ranker when it has won.
PairFit = Callable[[Profile, Match], float]


def dense_fit(_item: Profile, found: Match) -> float:
    """The encoder's cosine between the item and the target's best part."""
    return found.explanation.dense if found.explanation.dense is not None else found.score


# Which kind an item is matched to in a round, and what one pair takes from the target:
# counselling hours of an expert per request, one slot of a placement per student.
ROUND_TARGETS: dict[Kind, Kind] = {Kind.REQUEST: Kind.EXPERT, Kind.STUDENT: Kind.PLACEMENT}


@dataclass(frozen=True)
class RoundPlan:
    """What a round proposes for one kind of item: the allocation and the capacity it used."""

    source: Kind
    target: Kind
    allocation: Allocation
    candidates: dict[str, list[Candidate]]
    capacity: dict[str, int | None]


def item_filters(item: Profile, units: int) -> MatchFilters:
    """The hard filters an item's own constraints impose on its targets."""
    return MatchFilters(
        languages=item.languages,
        modes=[item.mode] if item.mode and item.mode != Mode.HYBRID else [],
        countries=[item.country] if item.mode == Mode.ON_SITE and item.country else [],
        available_from=item.start,
        available_until=item.end,
        min_capacity_left=units,
    )


def suits_target(item: Profile, target: Profile) -> bool:
    """The target's own constraints: an on-site target works with items in its country."""
    if target.mode == Mode.ON_SITE and target.country and item.country != target.country:
        return False
    return not (
        target.mode and item.mode and {target.mode, item.mode} == {Mode.ON_SITE, Mode.VIRTUAL}
    )


def units_left(target: Profile, units: int, held: int) -> int | None:
    """How many more pairs a target can take, given the units one pair takes and the units
    already held by pairs the store knows of (accepted or under review)."""
    if target.capacity is None:
        return None
    return max(target.capacity - target.capacity_used - held, 0) // max(units, 1)


@dataclass
class RoundCandidates:
    """Each item's candidates (best first by `fit`) and every target profile they name."""

    candidates: dict[str, list[Candidate]] = field(default_factory=dict)
    targets: dict[str, Profile] = field(default_factory=dict)


def gather_candidates(
    matcher: Matcher,
    items: Sequence[Profile],
    found: RoundCandidates,
    *,
    target: Kind,
    units: int = 1,
    blocked: Mapping[str, Collection[str]] | None = None,
    k: int = 20,
    fit: PairFit = dense_fit,
) -> RoundCandidates:
    """Add the items' engine top-k to `found`: one match per item, so a caller may gather a
    large round a chunk at a time (and let writes in between)."""
    blocked = blocked or {}
    for item in items:
        matches = matcher.match(
            query_for(item),
            target_kind=target,
            k=k,
            filters=item_filters(item, units),
            exclude={item.id, *blocked.get(item.id, ())},
        )
        found.candidates[item.id] = [
            Candidate(match.profile.id, fit(item, match))
            for match in matches
            if suits_target(item, match.profile)
        ]
        found.targets.update((match.profile.id, match.profile) for match in matches)
    return found


def allocate_round(
    found: RoundCandidates,
    *,
    source: Kind,
    target: Kind,
    units: int = 1,
    held: Mapping[str, int] | None = None,
    alternatives: int = 5,
) -> RoundPlan:
    """The global allocation of the gathered candidates under each target's capacity left.

    `held[target]`: units of the target's capacity taken by stored pairs."""
    held = held or {}
    capacity = {
        tid: units_left(profile, units, held.get(tid, 0)) for tid, profile in found.targets.items()
    }
    return RoundPlan(
        source=source,
        target=target,
        allocation=allocate(found.candidates, capacity, alternatives=alternatives),
        candidates=found.candidates,
        capacity=capacity,
    )


def plan_round(
    matcher: Matcher,
    items: Sequence[Profile],
    *,
    target: Kind,
    units: int = 1,
    held: Mapping[str, int] | None = None,
    blocked: Mapping[str, Collection[str]] | None = None,
    k: int = 20,
    alternatives: int = 5,
    fit: PairFit = dense_fit,
) -> RoundPlan:
    """Propose pairs for the items: engine top-k per item, then the global allocation.

    `blocked[item]`: targets never to suggest for the item again (rejected by staff, or not
    relevant). Each item's alternatives keep the order of `fit`.
    """
    found = gather_candidates(
        matcher,
        items,
        RoundCandidates(),
        target=target,
        units=units,
        blocked=blocked,
        k=k,
        fit=fit,
    )
    source = next(kind for kind, wanted in ROUND_TARGETS.items() if wanted == target)
    return allocate_round(
        found, source=source, target=target, units=units, held=held, alternatives=alternatives
    )
