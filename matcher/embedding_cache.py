"""Encoding through a cache keyed by (model, content hash): unchanged text is never re-encoded."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from matcher.encoders import Encoder, EnsembleEncoder, Vectors


class EmbeddingCache(Protocol):
    """Where vectors are kept between runs; the service keeps them in its database."""

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, Vectors]: ...

    def put_many(self, model: str, vectors: Mapping[str, Vectors]) -> None: ...


class MemoryEmbeddingCache:
    """A dictionary, for tests and one-off runs."""

    def __init__(self) -> None:
        self._vectors: dict[tuple[str, str], Vectors] = {}

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, Vectors]:
        return {key: self._vectors[(model, key)] for key in keys if (model, key) in self._vectors}

    def put_many(self, model: str, vectors: Mapping[str, Vectors]) -> None:
        self._vectors.update({(model, key): value for key, value in vectors.items()})

    def __len__(self) -> int:
        return len(self._vectors)


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode_documents_cached(
    encoder: Encoder,
    texts: Sequence[str],
    cache: EmbeddingCache | None,
    *,
    show_progress: bool = False,
) -> Vectors:
    """Encode documents, reading and filling the cache; duplicates are encoded once."""
    if isinstance(encoder, EnsembleEncoder):
        return encoder.combine(
            [
                encode_documents_cached(m, texts, cache, show_progress=show_progress)
                for m in encoder.members
            ]
        )
    if cache is None:
        return encoder.encode_documents(texts, show_progress=show_progress)
    keys = [text_key(text) for text in texts]
    known = cache.get_many(encoder.name, sorted(set(keys)))
    missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in known}
    if missing:
        fresh = encoder.encode_documents(list(missing.values()), show_progress=show_progress)
        new_vectors = dict(zip(missing, fresh, strict=True))
        cache.put_many(encoder.name, new_vectors)
        known.update(new_vectors)
    if not keys:
        return np.zeros((0, encoder.dimension), dtype=np.float32)
    return np.stack([known[key] for key in keys]).astype(np.float32)
