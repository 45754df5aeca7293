"""What the re-ranker knows about a proposed pair, computed when the pair is proposed.

Everything is read from the match the engine returned (its explanation holds the dense
and lexical scores and the shared ESCO skills) and from the two profiles, so features cost
no model call; the target's capacity left and past acceptance rate come from the store.
"""

from __future__ import annotations

from matcher.profiles import Mode, Profile
from matcher.results import Match

PAIR_FEATURES: tuple[str, ...] = (
    "dense",
    "lexical",
    "esco_overlap",
    "skill_overlap",
    "same_country",
    "shared_language",
    "mode_fit",
    "capacity_left",
    "acceptance_rate",
)


def mode_fit(item: Profile, target: Profile) -> float:
    """1 when the modes agree or either side is hybrid, 0.5 when one is unknown, else 0."""
    if item.mode is None or target.mode is None:
        return 0.5
    if Mode.HYBRID in (item.mode, target.mode) or item.mode == target.mode:
        return 1.0
    return 0.0


def pair_features(
    item: Profile,
    found: Match,
    *,
    capacity_left: int | None,
    acceptance_rate: float,
) -> dict[str, float]:
    """The features of one pair, by name (PAIR_FEATURES is their order).

    `capacity_left` is in pairs (None: unlimited, shown as 1); `acceptance_rate` is the
    target's share of past suggestions that its counterpart accepted (a prior of 0.5 when
    it has none)."""
    target = found.profile
    explanation = found.explanation
    asked = max(len(item.esco_skills), 1)
    wanted = max(len(item.skills), 1)
    return {
        "dense": float(explanation.dense if explanation.dense is not None else found.score),
        "lexical": float(explanation.lexical or 0.0),
        "esco_overlap": len(explanation.shared_esco_skills) / asked,
        "skill_overlap": min(len(explanation.shared_skills) / wanted, 1.0),
        "same_country": float(bool(item.country) and item.country == target.country),
        "shared_language": float(bool(set(item.languages) & set(target.languages))),
        "mode_fit": mode_fit(item, target),
        "capacity_left": 1.0 if capacity_left is None else min(capacity_left, 10) / 10,
        "acceptance_rate": acceptance_rate,
    }
