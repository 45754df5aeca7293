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

import faiss
import numpy as np
from numpy.typing import NDArray

from matcher.embedding_cache import EmbeddingCache, encode_documents_cached
from matcher.encoders import Encoder
from matcher.profiles import Profile, SkillTag

ESCO_SKILL_URI = "http://data.europa.eu/esco/skill/"
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\s*\|\s*|\n+")
MAX_SENTENCES = 12
MAX_PIECE_CHARS = 2000
TIE_MARGIN = 16

# Minimum cosine for a sentence-to-skill tag, per encoder: cosines of different models live
# on different scales (e5's are compressed near 1). Chosen on skills-jobads-dev (README).
MIN_SCORE = {
    "all-MiniLM-L6-v2": 0.45,
    "multilingual-e5-small-q4": 0.85,
    "all-MiniLM-L6-v2+multilingual-e5-small-q4": 0.65,
}
DEFAULT_MIN_SCORE = 0.45


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
    """Tags texts and profiles with ESCO skills by searching the skills' label vectors.

    The labels are encoded once into a plain inner-product index (exact: 13,896 vectors),
    so tagging a text costs encoding its sentences and one search.
    """

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
        self.encoder = encoder
        self._skills = {skill.uri: skill for skill in skills}
        self._by_label = {
            label.casefold(): skill
            for skill in skills
            for label in (*skill.alt_labels, skill.label)
        }
        # In URI order, so that equal cosines rank by URI as they always have.
        self._uris = sorted(self._skills)
        vectors = encode_documents_cached(
            encoder,
            [self._skills[uri].label for uri in self._uris],  # labels alone: they tag best
            cache,
            show_progress=show_progress,
        )
        self._labels = faiss.IndexFlatIP(encoder.dimension)
        self._labels.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def __len__(self) -> int:
        return len(self._skills)

    def pieces(self, texts: Sequence[str], named_skills: Sequence[str] = ()) -> list[str]:
        """What `tag` encodes: the named skills no label matches, then each sentence."""
        unmatched = [n for n in named_skills if n.strip().casefold() not in self._by_label]
        return [
            p[:MAX_PIECE_CHARS] for p in (*unmatched, *(s for t in texts for s in sentences(t)))
        ]

    def tag(
        self,
        texts: Sequence[str],
        named_skills: Sequence[str] = (),
        *,
        vectors: NDArray[np.float32] | None = None,
    ) -> list[SkillTag]:
        """Tags for free texts and the skill names they come with, best first.

        `vectors`: the query vectors of `pieces(texts, named_skills)`, when the caller
        has already encoded them; otherwise they are encoded here.
        """
        found: dict[str, float] = {}
        for name in named_skills:
            skill = self._by_label.get(name.strip().casefold())
            if skill is not None:
                found[skill.uri] = 1.0
        pieces = self.pieces(texts, named_skills)
        if pieces and len(self._uris):
            if vectors is None:
                vectors = self.encoder.encode_queries(pieces)
            if len(vectors) != len(pieces):
                raise ValueError(f"{len(vectors)} vectors for {len(pieces)} pieces")
            for row, score in self._nearest(np.ascontiguousarray(vectors, dtype=np.float32)):
                if score >= self.min_score:
                    uri = self._uris[row]
                    found[uri] = max(found.get(uri, 0.0), round(score, 4))
        ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))[: self.max_tags]
        return [
            SkillTag(uri=uri, label=self._skills[uri].label, confidence=score)
            for uri, score in ranked
        ]

    def _nearest(self, vectors: NDArray[np.float32]) -> list[tuple[int, float]]:
        """Each piece's `per_sentence` nearest labels, equal cosines by URI.

        The index finds a few more than needed; their cosines are recomputed from the
        vectors so that ties are seen as ties and broken the same way every time.
        """
        depth = min(self.per_sentence + TIE_MARGIN, len(self._uris))
        _, found = self._labels.search(vectors, depth)
        nearest = []
        for vector, rows in zip(vectors, found, strict=True):
            rows = rows[rows >= 0]
            cosines = self._labels.reconstruct_batch(rows) @ vector
            for i in np.lexsort((rows, -cosines))[: self.per_sentence].tolist():
                nearest.append((int(rows[i]), float(cosines[i])))
        return nearest

    def tag_profile(self, profile: Profile) -> Profile:
        """The profile with its ESCO tags (from its text, first documents and named skills)."""
        texts = [profile.embedded_text(), *profile.documents[:3]]
        return profile.model_copy(update={"esco_skills": self.tag(texts, profile.skills)})
