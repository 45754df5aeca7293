"""The network as the matcher holds it: the catalogue and each kind's derived state.

Both change together, on write, and only here: a match reads them and changes nothing.
A restore builds a whole new `NetworkState` aside and the matcher swaps it in at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from matcher.catalogue import Catalogue
from matcher.index import VectorIndex
from matcher.index.base import Vectors
from matcher.kind_state import KindState
from matcher.profiles import Kind, Profile

NewKindState = Callable[[VectorIndex | None], KindState]


class NetworkState:
    """Every profile (the catalogue) and, per kind, its vectors, words and neighbours."""

    def __init__(self, catalogue: Catalogue, kinds: Mapping[Kind, KindState]) -> None:
        self.catalogue = catalogue
        self.kinds = dict(kinds)

    @classmethod
    def empty(cls, new_kind_state: NewKindState) -> NetworkState:
        return cls(Catalogue(list(Kind)), {kind: new_kind_state(None) for kind in Kind})

    def add(
        self,
        profiles: Sequence[Profile],
        parts: Sequence[Sequence[tuple[int, str]]],
        vectors: Vectors,
        lexical_texts: Sequence[str],
    ) -> None:
        """Add new profiles with their numbered parts and the parts' vectors, in order."""
        self.catalogue.add(profiles, [[no for no, _ in numbered] for numbered in parts])
        starts = np.cumsum([0, *(len(numbered) for numbered in parts)])
        for kind in {profile.kind for profile in profiles}:
            chosen = [i for i, profile in enumerate(profiles) if profile.kind == kind]
            self.kinds[kind].add(
                [self.catalogue.keys[profiles[i].id] for i in chosen],
                [parts[i] for i in chosen],
                vectors[np.concatenate([np.arange(starts[i], starts[i + 1]) for i in chosen])],
                [lexical_texts[i] for i in chosen],
            )

    def remove(self, profile_id: str, lexical_text: str) -> Profile:
        """Remove a profile and everything derived from it."""
        profile = self.catalogue.profiles[profile_id]
        key = self.catalogue.keys[profile_id]
        row = self.catalogue.rows_of(np.array([key]))
        part_ids = self.catalogue.kinds[profile.kind].part_ids(row)[0]
        self.kinds[profile.kind].remove(key, part_ids, lexical_text)
        return self.catalogue.remove(profile_id)

    def vector_count(self) -> int:
        return sum(state.index.count() for state in self.kinds.values())

    def index_backends(self) -> dict[str, str]:
        """Which vector index each kind that holds profiles uses (`faiss`, `ivf`, `exact`)."""
        return {str(k): s.index.backend for k, s in self.kinds.items() if s.index.count()}
