"""Synthetic networks for the scale benchmarks: profiles and needs written from a vocabulary.

The vocabulary is the words of the shipped ESCO skill labels, drawn with Zipf-like weights,
so texts share frequent words and differ in rare ones as real profiles do. Only the standard
library is used: the benchmark runs this module under the previous engine's checkout too.
"""

from __future__ import annotations

import csv
import gzip
import random
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
ESCO_LABELS = REPO / "data" / "esco" / "skills.csv.gz"

# Kinds in the proportions of the API benchmark; matches target the four matched kinds.
KINDS = {"expert": 0.3, "business": 0.2, "student": 0.25, "placement": 0.15, "request": 0.1}
TARGETS = ["expert", "placement", "business", "student"]
COUNTRIES = ["AL", "BA", "ME"]
LANGUAGES = ["en", "sq", "bs", "sr", "hr"]
CENTRES = [f"centre-{n}" for n in range(1, 8)]
DOMAINS = ["agrifood", "energy", "digital", "tourism", "manufacturing", "health", "finance"]
MODES = ["on-site", "virtual", "hybrid"]


@cache
def vocabulary() -> tuple[list[str], list[float]]:
    """ESCO label words, most frequent first, with weights 1/rank (Zipf)."""
    with gzip.open(ESCO_LABELS, "rt", encoding="utf-8", newline="") as handle:
        words = Counter(
            word
            for row in csv.DictReader(handle)
            for word in re.findall(r"[a-z]{3,}", row["label"].lower())
        )
    ranked = [word for word, _ in words.most_common()]
    return ranked, [1.0 / rank for rank in range(1, len(ranked) + 1)]


def sentence(rng: random.Random, words: int) -> str:
    vocab, weights = vocabulary()
    return " ".join(rng.choices(vocab, weights=weights, k=words)).capitalize() + "."


def text(rng: random.Random) -> str:
    """Two or three sentences of 6 to 14 words."""
    return " ".join(sentence(rng, rng.randint(6, 14)) for _ in range(rng.randint(2, 3)))


def need(rng: random.Random) -> str:
    """A free-text need: one or two sentences."""
    return " ".join(sentence(rng, rng.randint(5, 12)) for _ in range(rng.randint(1, 2)))


def profiles(count: int, *, seed: int = 7, pool: list[str] | None = None) -> list[dict[str, Any]]:
    """`count` valid profiles as dictionaries. With a `pool`, texts and names are drawn from
    it (so a real model encodes each distinct text once); else every text is new."""
    rng = random.Random(seed)
    kinds = rng.choices(list(KINDS), weights=list(KINDS.values()), k=count)
    vocab, _ = vocabulary()
    found = []
    for number, kind in enumerate(kinds):
        body = rng.choice(pool) if pool else text(rng)
        # With a pool the name follows from the text: "name. text" stays one text per pool entry.
        name = " ".join(body.split()[:4]) if pool else " ".join(rng.sample(vocab[:2000], 3)).title()
        found.append(
            {
                "id": f"{kind[:3]}-{number:06d}",
                "kind": kind,
                "name": name,
                "text": body,
                "skills": rng.sample(vocab[:3000], 2),
                "country": rng.choice(COUNTRIES),
                "languages": rng.sample(LANGUAGES, 2),
                "language": "en",  # given, so that importing skips language detection
                "centre": rng.choice(CENTRES),
                "domains": [rng.choice(DOMAINS)],
                "mode": rng.choice(MODES),
            }
        )
    return found


def text_pool(size: int, *, seed: int = 11) -> list[str]:
    """`size` distinct texts."""
    rng = random.Random(seed)
    return list(dict.fromkeys(text(rng) for _ in range(size)))


def needs(count: int, *, seed: int = 3) -> list[tuple[str, str]]:
    """(need, target kind) pairs, the targets in turn."""
    rng = random.Random(seed)
    return [(need(rng), TARGETS[number % len(TARGETS)]) for number in range(count)]


def filters(number: int) -> dict[str, Any]:
    """The filters of the `number`th filtered match, in MatchFilters' names."""
    return {
        "countries": [COUNTRIES[number % len(COUNTRIES)]],
        "languages": [LANGUAGES[number % len(LANGUAGES)]],
    }
