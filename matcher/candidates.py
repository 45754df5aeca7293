"""Candidate generation: which profiles of a kind a query scores exactly.

The allowed profiles are a mask over the catalogue (visibility, filters, exclusions). When
they are few, all of them are candidates; otherwise each signal nominates its best:
the profiles owning the `4 x limit` best parts for the whole query's vector (the first
`limit` distinct owners) and the `limit` best lexical scores, ties by profile id. Pool
members come back as catalogue rows in profile-id order.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from matcher.catalogue import MISSING, Catalogue, KindCatalogue, Rows
from matcher.filters import MatchFilters
from matcher.index.base import MISSING_ID, VectorIndex, Vectors
from matcher.parts import PARTS_PER_PROFILE
from matcher.profiles import Kind


def allowed_rows(
    catalogue: Catalogue, kind: Kind, filters: MatchFilters, exclude: Iterable[str]
) -> Rows:
    """Rows of the kind that are visible, pass the filters and are not excluded."""
    table = catalogue.kinds[kind]
    mask = np.asarray(table.column("visible"), dtype=np.bool_).copy()
    if not filters.is_empty():
        mask &= filters.mask(table)
    for profile_id in exclude:
        profile = catalogue.profiles.get(profile_id)
        if profile is not None and profile.kind == kind:
            mask[catalogue.rows_of(np.array([catalogue.keys[profile_id]]))[0]] = False
    return np.flatnonzero(mask).astype(np.int64)


def nominate(
    table: KindCatalogue,
    catalogue: Catalogue,
    index: VectorIndex,
    allowed: Rows,
    *,
    query_vector: Vectors | None,
    lexical: NDArray[np.float32] | None,
    limit: int,
) -> Rows:
    """The candidate rows for one query, in profile-id order."""
    if len(allowed) <= limit:
        return table.by_id(allowed)
    chosen = [np.zeros(0, dtype=np.int64)]
    if query_vector is not None:
        chosen.append(dense_nominees(table, catalogue, index, allowed, query_vector, limit))
    if lexical is not None:
        chosen.append(lexical_nominees(table, allowed, lexical, limit))
    return table.by_id(np.unique(np.concatenate(chosen)))


def dense_nominees(
    table: KindCatalogue,
    catalogue: Catalogue,
    index: VectorIndex,
    allowed: Rows,
    query_vector: Vectors,
    limit: int,
) -> Rows:
    """Owners of the best parts, first `limit` distinct, best part first.

    When few parts are disallowed (hidden profiles, the asking profile) the search is not
    restricted: it asks for that many more parts and drops them, which finds the same
    parts without handing the index a list of every allowed id.
    """
    parts = int(table.column("body")[allowed].sum() + table.column("named")[allowed].sum())
    depth = min(parts, 4 * limit)
    disallowed = index.count() - parts
    if disallowed <= depth:
        _, found = index.search(query_vector, depth + disallowed)
        owners = _owner_rows(catalogue, found[0])
        mask = np.zeros(len(table), dtype=np.bool_)
        mask[allowed] = True
        owners = owners[owners != MISSING]
        owners = owners[mask[owners]][:depth]
    else:
        _, found = index.search(query_vector, depth, allowed=table.part_ids(allowed)[0])
        owners = _owner_rows(catalogue, found[0])
        owners = owners[owners != MISSING]
    _, first = np.unique(owners, return_index=True)
    nominees: Rows = owners[np.sort(first)][:limit]
    return nominees


def _owner_rows(catalogue: Catalogue, part_ids: NDArray[np.int64]) -> Rows:
    keys = part_ids[part_ids != MISSING_ID] // PARTS_PER_PROFILE
    return catalogue.rows_of(keys)


def lexical_nominees(
    table: KindCatalogue, allowed: Rows, lexical: NDArray[np.float32], limit: int
) -> Rows:
    """The `limit` allowed rows with the best lexical scores, ties by profile id."""
    scores = lexical[allowed]
    if len(allowed) <= limit:
        return allowed
    threshold = -np.partition(-scores, limit - 1)[limit - 1]
    above = allowed[scores > threshold]
    tied = allowed[scores == threshold]
    need = limit - len(above)
    ranks = table.column("rank")[tied]
    if need < len(tied):
        tied = tied[np.argpartition(ranks, need - 1)[:need]] if need > 0 else tied[:0]
    return np.concatenate([above, tied])
