"""ESCO skills: tagging profiles with the EU's skills classification.

A profile is tagged from the skills it names (exact label or alternative label: confidence
1) and from its sentences (nearest ESCO skills by embedding, kept above a minimum cosine:
confidence = that cosine). Tags are language-neutral URIs, so they also connect profiles
written in different languages when the encoder is multilingual.

ESCO classification, European Commission, v1.1.1, CC BY 4.0.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matcher.embedding_cache import EmbeddingCache
from matcher.encoders import Encoder
from matcher.engine import Matcher
from matcher.profiles import Kind, Profile, SkillTag
from matcher.queries import Query
from matcher.ranking import plain_dense

ESCO_SKILL_URI = "http://data.europa.eu/esco/skill/"
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\s*\|\s*|\n+")
MAX_SENTENCES = 12

# Minimum cosine for a sentence-to-skill tag, per encoder: cosines of different models live
# on different scales (e5's are compressed near 1). Chosen on skills-jobads-dev (README).
MIN_SCORE = {
    "all-MiniLM-L6-v2": 0.45,
    "multilingual-e5-small-q4": 0.85,
    "all-MiniLM-L6-v2+multilingual-e5-small-q4": 0.65,
}
DEFAULT_MIN_SCORE = 0.45


# One vector per skill, plain cosine: the score is the confidence of a tag.
SINGLE_VECTOR = plain_dense(use_documents=False)


@dataclass(frozen=True)
class EscoSkill:
    uri: str
    label: str
    alt_labels: tuple[str, ...]
    description: str


def load_esco_skills(path: Path) -> list[EscoSkill]:
    """Read the shipped subset, `data/esco/skills.csv.gz` (see scripts/build_esco_subset.py)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return [
            EscoSkill(
                uri=ESCO_SKILL_URI + row["id"],
                label=row["label"],
                alt_labels=tuple(a for a in row["alt_labels"].split("|") if a),
                description=row["description"],
            )
            for row in csv.DictReader(handle)
        ]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCES.split(text) if len(s.strip()) > 2][:MAX_SENTENCES]


class SkillTagger:
    """Tags texts and profiles with ESCO skills, through a dense Matcher over the skills."""

    def __init__(
        self,
        skills: Sequence[EscoSkill],
        encoder: Encoder,
        *,
        cache: EmbeddingCache | None = None,
        min_score: float | None = None,
        per_sentence: int = 2,
        max_tags: int = 12,
        show_progress: bool = False,
    ) -> None:
        self.min_score = (
            min_score if min_score is not None else MIN_SCORE.get(encoder.name, DEFAULT_MIN_SCORE)
        )
        self.per_sentence = per_sentence
        self.max_tags = max_tags
        self._skills = {skill.uri: skill for skill in skills}
        self._by_label = {
            label.casefold(): skill
            for skill in skills
            for label in (*skill.alt_labels, skill.label)
        }
        self._matcher = Matcher(
            encoder,
            config=SINGLE_VECTOR,
            cache=cache,
        )
        self._matcher.add(
            [
                Profile(
                    id=skill.uri.removeprefix(ESCO_SKILL_URI),
                    kind=Kind.SKILL,
                    name=skill.label,
                    text=skill.label,  # labels alone: short to encode, and they tag best
                )
                for skill in skills
            ],
            show_progress=show_progress,
        )

    def __len__(self) -> int:
        return len(self._skills)

    def tag(self, texts: Sequence[str], named_skills: Sequence[str] = ()) -> list[SkillTag]:
        """Tags for free texts and the skill names they come with, best first."""
        found: dict[str, float] = {}
        unmatched = []
        for name in named_skills:
            skill = self._by_label.get(name.strip().casefold())
            if skill is not None:
                found[skill.uri] = 1.0
            else:
                unmatched.append(name)
        pieces = [*unmatched, *(s for text in texts for s in sentences(text))]
        if pieces:
            results = self._matcher.match_batch(
                [Query(text=piece[:2000]) for piece in pieces],
                target_kind=Kind.SKILL,
                k=self.per_sentence,
            )
            for matches in results:
                for match in matches:
                    if match.score >= self.min_score:
                        uri = ESCO_SKILL_URI + match.profile.id
                        found[uri] = max(found.get(uri, 0.0), round(match.score, 4))
        ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))[: self.max_tags]
        return [
            SkillTag(uri=uri, label=self._skills[uri].label, confidence=score)
            for uri, score in ranked
        ]

    def tag_profile(self, profile: Profile) -> Profile:
        """The profile with its ESCO tags (from its text, first documents and named skills)."""
        texts = [profile.embedded_text(), *profile.documents[:3]]
        return profile.model_copy(update={"esco_skills": self.tag(texts, profile.skills)})
