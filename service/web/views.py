"""Matches as a person reads them: a bar instead of a raw score, the best sentence marked in
its passage, skills with their ESCO links, what else the profile offers, the skill gap."""

from __future__ import annotations

import math
from dataclasses import dataclass

from matcher import Match, Profile

BANDS = ((0.8, "strong"), (0.5, "good"), (0.0, "fair"))


@dataclass(frozen=True)
class Skill:
    label: str
    uri: str | None


@dataclass(frozen=True)
class MatchView:
    """One ranked match, with everything its card shows."""

    rank: int
    profile: Profile
    percent: int  # the bar's length: closeness to the best match shown, 1..100
    band: str  # strong, good or fair (translated in the template)
    document: int  # 0 for the profile's own text, else the document's number (1-based)
    before: str  # the passage around the best sentence: before it, the sentence, after it
    sentence: str
    after: str
    shared_skills: list[str]
    shared_esco: list[Skill]
    skill_gap: list[Skill]
    also_offers: list[str]


def closeness(score: float, best: float) -> float:
    """How close a fused score is to the best one shown, in (0, 1]: exp of the difference.

    Fused scores are sums of z-scores, so a difference of 1 is a large one; the bar shows
    the ratio a softmax over the shown matches would give the two, which a person reads
    as "nearly as good" or "much weaker" without seeing a raw number."""
    return math.exp(min(0.0, score - best))


def band_of(share: float) -> str:
    return next(name for floor, name in BANDS if share >= floor)


def esco_links(labels: list[str], profile: Profile) -> list[Skill]:
    """ESCO labels of an explanation with the URIs the profile's tags carry."""
    uris = {tag.label: tag.uri for tag in profile.esco_skills}
    return [Skill(label=label, uri=uris.get(label)) for label in labels]


def split_passage(passage: str, sentence: str) -> tuple[str, str, str]:
    """The passage cut around its best sentence (the sentence alone if it was shortened)."""
    head, found, tail = passage.partition(sentence.removesuffix("…"))
    if not found:
        return "", sentence, ""
    return head, found, tail


def match_views(matches: list[Match]) -> list[MatchView]:
    """The cards for ranked matches, best first."""
    if not matches:
        return []
    best = matches[0].score
    views = []
    for rank, found in enumerate(matches, 1):
        profile, why = found.profile, found.explanation
        document = 0 if why.best_part == "text" else int(why.best_part.split()[-1])
        before, sentence, after = split_passage(profile.parts()[document], why.snippet)
        share = closeness(found.score, best)
        shared = {skill.casefold() for skill in why.shared_skills}
        views.append(
            MatchView(
                rank=rank,
                profile=profile,
                percent=max(1, round(100 * share)),
                band=band_of(share),
                document=document,
                before=before,
                sentence=sentence,
                after=after,
                shared_skills=why.shared_skills,
                shared_esco=esco_links(why.shared_esco_skills, profile),
                skill_gap=esco_links(why.missing_skills, profile),
                also_offers=[s for s in profile.skills if s.casefold() not in shared],
            )
        )
    return views
