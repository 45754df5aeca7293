"""Saving a matcher's derived state and adopting it at start-up (beside index/storage.py).

One `.npz` holds every kind's vector index, the profile-key map and the neighbour lists
(the one derived structure that is costly to rebuild); the lexical index is rebuilt from
the texts, which is quick. The file records the model and a checksum of the profiles it
was built from: a file that disagrees with the store is refused, never trusted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from matcher.catalogue import Catalogue
from matcher.errors import IndexMismatchError
from matcher.index import VectorIndex
from matcher.index.storage import build_metadata, load_indexes, save_indexes
from matcher.kind_state import KindState
from matcher.parts import PARTS_PER_PROFILE, lexical_text, profile_parts
from matcher.profiles import Kind, Profile, profiles_checksum
from matcher.ranking import RankingConfig
from matcher.state import NetworkState

Lists = dict[str, NDArray[np.generic]]


def save_state(
    path: Path,
    catalogue: Catalogue,
    states: Mapping[Kind, KindState],
    *,
    model: str,
) -> None:
    """Write every kind's index, the key map and the neighbour lists, atomically."""
    ids = list(catalogue.profiles)  # keys of removed profiles are not saved
    extras: dict[str, NDArray[np.generic]] = {
        "profile_ids": np.array(ids, dtype=np.str_),
        "profile_keys": np.array([catalogue.keys[i] for i in ids], dtype=np.int64),
    }
    indexes = {}
    for kind, state in states.items():
        if state.index.count():
            indexes[str(kind)] = state.index
            for name, array in state.neighbours.export().items():
                extras[f"neighbours.{kind}.{name}"] = array
    some_index = next(iter(states.values())).index
    checksum = profiles_checksum(catalogue.profiles.values())
    metadata = build_metadata(some_index, model=model, checksum=checksum)
    metadata["count"] = sum(index.count() for index in indexes.values())
    save_indexes(path, indexes, metadata, extras)


def load_state(
    path: Path, profiles: Sequence[Profile], *, model: str, dimension: int
) -> tuple[dict[str, int], dict[str, VectorIndex], dict[str, Lists]]:
    """The saved keys, indexes (by kind) and neighbour lists, checked against the profiles."""
    indexes, metadata, extras = load_indexes(path, model=model, dimension=dimension)
    if metadata.get("checksum") != profiles_checksum(profiles):
        raise IndexMismatchError(f"index {path} does not match the stored profiles")
    keys = {
        pid: int(key)
        for pid, key in zip(
            extras["profile_ids"].tolist(), extras["profile_keys"].tolist(), strict=True
        )
    }
    if set(keys) != {p.id for p in profiles}:
        raise IndexMismatchError(f"index {path} lists other profiles than the store")
    lists: dict[str, Lists] = {}
    for kind in indexes:
        prefix = f"neighbours.{kind}."
        lists[kind] = {k.removeprefix(prefix): v for k, v in extras.items() if k.startswith(prefix)}
    return keys, indexes, lists


def restore_state(
    path: Path,
    profiles: Sequence[Profile],
    *,
    model: str,
    dimension: int,
    config: RankingConfig,
    new_state: Callable[[VectorIndex | None], KindState],
) -> NetworkState:
    """The network state built from a saved file, for the caller to swap in whole."""
    keys, indexes, lists = load_state(path, profiles, model=model, dimension=dimension)
    catalogue = Catalogue(list(Kind))
    catalogue.adopt_keys(keys)
    catalogue.add(profiles, [[no for no, _ in profile_parts(p, config)] for p in profiles])
    states: dict[Kind, KindState] = {}
    for kind in Kind:
        table = catalogue.kinds[kind]
        rows = np.arange(len(table), dtype=np.int64)
        index = indexes.pop(str(kind), None)
        expected = table.part_ids(rows)[0]
        found = np.zeros(0, dtype=np.int64) if index is None else index.ids()
        if not np.array_equal(np.sort(found), np.sort(expected)):
            raise IndexMismatchError(f"index {path} holds other vectors than its profiles need")
        state = states[kind] = new_state(index)
        if not len(table):
            continue
        kind_keys = table.keys()
        if state.lexical is not None:
            texts = [lexical_text(catalogue.profiles[pid], config) for pid in table.ids]
            state.lexical.add(kind_keys.tolist(), texts)
        saved = lists.get(str(kind), {})
        text_ids = kind_keys * PARTS_PER_PROFILE
        if "key" in saved and sorted(saved["key"].tolist()) == sorted(kind_keys.tolist()):
            saved_keys = np.asarray(saved["key"], dtype=np.int64)
            state.neighbours.adopt(saved, state.index.vectors(saved_keys * PARTS_PER_PROFILE))
        else:
            state.neighbours.add(kind_keys.tolist(), state.index.vectors(text_ids))
    if indexes:
        raise IndexMismatchError(f"index {path} holds kinds this matcher does not know")
    return NetworkState(catalogue, states)
