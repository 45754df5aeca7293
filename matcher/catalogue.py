"""The columnar catalogue: per kind, NumPy arrays of keys, parts and every filter field.

A query reads whole columns (a filter is a mask, a candidate set is an array of rows) and
touches `Profile` objects only for the few results it returns. Each write changes only the
rows of the profiles written (matcher/columns.py appends and swap-removes), so a write
never rebuilds the kind.

Keys are the stable ints of the vector index (`key * PARTS_PER_PROFILE + part_no`); rows
are positions in a kind's columns and move on removal, so everything derived from the
catalogue (lexical index, neighbour lists) remembers keys, and `rows_of` maps them back.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from matcher.columns import Columns
from matcher.filters import Mask
from matcher.languages import language_group
from matcher.parts import NAME_PART, PARTS_PER_PROFILE
from matcher.profiles import Kind, Profile

Rows = NDArray[np.int64]
MISSING = -1
NEVER = np.iinfo(np.int64).max  # an open end date, or unlimited capacity
ALWAYS = np.iinfo(np.int64).min  # an open start date
WORD = 64  # values per uint64 word of a many-valued field's bit set

SINGLE_VALUED = ("country", "centre", "mode")
MANY_VALUED = ("languages", "domains")


class FilterTable:
    """The filter fields of profiles as columns (the `FilterColumns` of matcher/filters.py).

    Single-valued text fields are codes into a per-field vocabulary (MISSING when absent);
    many-valued ones are bit sets, one bit per vocabulary entry.
    """

    def __init__(self, extra: Mapping[str, tuple[DTypeLike, tuple[int, ...]]] | None = None):
        self._columns = Columns(
            {
                **{field: (np.int32, ()) for field in SINGLE_VALUED},
                **{field: (np.uint64, (1,)) for field in MANY_VALUED},
                "start": (np.int64, ()),
                "end": (np.int64, ()),
                "capacity_left": (np.int64, ()),
                "visible": (np.bool_, ()),
                **(extra or {}),
            }
        )
        self._codes: dict[str, dict[str, int]] = {f: {} for f in (*SINGLE_VALUED, *MANY_VALUED)}

    def __len__(self) -> int:
        return len(self._columns)

    def column(self, name: str) -> NDArray[Any]:
        return self._columns[name]

    def append(
        self, profiles: Sequence[Profile], extra: Mapping[str, object] | None = None
    ) -> Rows:
        """Add one row per profile; return the new rows."""
        rows: dict[str, object] = {
            field: [self._code(field, getattr(p, field)) for p in profiles]
            for field in SINGLE_VALUED
        }
        for field in MANY_VALUED:
            codes = [[self._code(field, v) for v in getattr(p, field)] for p in profiles]
            width = max(1, -(-len(self._codes[field]) // WORD))
            self._columns.widen(field, width)
            bits = np.zeros((len(profiles), self._columns[field].shape[1]), dtype=np.uint64)
            for row, values in enumerate(codes):
                for code in values:
                    bits[row, code // WORD] |= np.uint64(1 << (code % WORD))
            rows[field] = bits
        rows["start"] = [p.start.toordinal() if p.start else ALWAYS for p in profiles]
        rows["end"] = [p.end.toordinal() if p.end else NEVER for p in profiles]
        rows["capacity_left"] = [
            NEVER if p.capacity_left is None else p.capacity_left for p in profiles
        ]
        rows["visible"] = [p.visible for p in profiles]
        rows.update(extra or {})
        return self._columns.append(rows)

    def remove(self, rows: Rows) -> tuple[Rows, Rows]:
        return self._columns.remove(rows)

    def _code(self, field: str, value: str | None) -> int:
        if value is None:
            return MISSING
        return self._codes[field].setdefault(str(value), len(self._codes[field]))

    # -- FilterColumns ----------------------------------------------------------------

    def is_in(self, field: str, values: Sequence[str]) -> Mask:
        codes = [self._codes[field][v] for v in map(str, values) if v in self._codes[field]]
        return np.isin(self._columns[field], np.array(codes, dtype=np.int32))

    def has_any(self, field: str, values: Sequence[str]) -> Mask:
        bits = self._columns[field]
        wanted = np.zeros(bits.shape[1], dtype=np.uint64)
        for value in values:
            code = self._codes[field].get(value)
            if code is not None:
                wanted[code // WORD] |= np.uint64(1 << (code % WORD))
        return np.asarray((bits & wanted).any(axis=1), dtype=np.bool_)

    def day(self, field: str) -> NDArray[np.int64]:
        return np.asarray(self._columns[field], dtype=np.int64)

    def capacity_left(self) -> NDArray[np.int64]:
        return np.asarray(self._columns["capacity_left"], dtype=np.int64)


class KindCatalogue(FilterTable):
    """One kind's profiles: filter columns plus key, id order and part layout per row.

    `rank` orders rows by profile id, so ties are broken by id (as results always were)
    without comparing strings on the request path. A profile's parts are its body parts
    0..body-1 (text, then documents) and, when `named`, its name at NAME_PART. `language`
    codes each profile's language group, which the ranking reads for a whole pool.
    """

    def __init__(self) -> None:
        super().__init__(
            {
                "key": (np.int64, ()),
                "rank": (np.int64, ()),
                "body": (np.int64, ()),
                "named": (np.bool_, ()),
                "language": (np.int32, ()),
            }
        )
        self._codes["language"] = {}
        self.ids: list[str] = []
        self._sorted_ids: list[str] = []

    def add(
        self, profiles: Sequence[Profile], keys: Sequence[int], parts: Sequence[list[int]]
    ) -> Rows:
        """Append profiles with their keys and part numbers; return their rows."""
        body = [sum(1 for no in nos if no != NAME_PART) for nos in parts]
        for nos, count in zip(parts, body, strict=True):
            if sorted(n for n in nos if n != NAME_PART) != list(range(count)):
                raise ValueError(f"parts must be 0..n-1 and the name part, not {nos}")
        rows = self.append(
            profiles,
            {
                "key": keys,
                "rank": np.zeros(len(profiles), dtype=np.int64),
                "body": body,
                "named": [NAME_PART in nos for nos in parts],
                "language": [self._code("language", language_group(p)) for p in profiles],
            },
        )
        self.ids.extend(p.id for p in profiles)
        if len(profiles) == 1 and len(self.ids) > 1:
            place = bisect.bisect_left(self._sorted_ids, profiles[0].id)
            ranks = self.ranks()
            ranks[ranks >= place] += 1
            ranks[rows[0]] = place
            self._sorted_ids.insert(place, profiles[0].id)
        else:
            self._sorted_ids = sorted(self.ids)
            order = sorted(range(len(self.ids)), key=self.ids.__getitem__)
            self.column("rank")[order] = np.arange(len(order))
        return rows

    def remove_row(self, row: int) -> tuple[Rows, Rows]:
        """Remove one row; return (sources, targets) of the rows that moved."""
        ranks = self.ranks()
        place = int(ranks[row])
        ranks[ranks > place] -= 1
        del self._sorted_ids[place]
        sources, targets = self.remove(np.array([row], dtype=np.int64))
        for source, target in zip(sources.tolist(), targets.tolist(), strict=True):
            self.ids[target] = self.ids[source]
        self.ids.pop()
        return sources, targets

    def ranks(self) -> NDArray[np.int64]:
        """Each row's place in profile-id order (a view: writes go to the column)."""
        ranks: NDArray[np.int64] = self.column("rank")
        return ranks

    def language_groups(self, rows: Rows) -> NDArray[np.str_]:
        """Each row's language group (`language_group`: "" when unknown)."""
        groups = np.array(list(self._codes["language"]) or [""], dtype=np.str_)
        found: NDArray[np.str_] = groups[self.column("language")[rows]]
        return found

    def keys(self) -> NDArray[np.int64]:
        return np.asarray(self.column("key"), dtype=np.int64)

    def by_id(self, rows: Rows) -> Rows:
        """The rows in profile-id order."""
        return rows[np.argsort(self.column("rank")[rows], kind="stable")]

    def part_ids(self, rows: Rows) -> tuple[NDArray[np.int64], Rows, NDArray[np.int64]]:
        """Every part id of these rows, the position in `rows` owning each, and its number."""
        body = np.asarray(self.column("body")[rows], dtype=np.int64)
        starts = np.cumsum(body) - body
        owners = np.repeat(np.arange(len(rows), dtype=np.int64), body)
        numbers = np.arange(len(owners), dtype=np.int64) - np.repeat(starts, body)
        named = np.flatnonzero(self.column("named")[rows])
        owners = np.concatenate([owners, named])
        numbers = np.concatenate([numbers, np.full(len(named), NAME_PART, dtype=np.int64)])
        order = np.lexsort((numbers, owners))  # each profile's parts together, in part order
        owners, numbers = owners[order], numbers[order]
        ids = self.keys()[rows][owners] * PARTS_PER_PROFILE + numbers
        return ids, owners, numbers


class Catalogue:
    """Every profile of the network: ids, stable keys, and each kind's columns."""

    def __init__(self, kinds: Sequence[Kind]) -> None:
        self.profiles: dict[str, Profile] = {}
        self.keys: dict[str, int] = {}
        self.ids_by_key: dict[int, str] = {}
        self.kinds: dict[Kind, KindCatalogue] = {kind: KindCatalogue() for kind in kinds}
        self._row_of_key = np.full(16, MISSING, dtype=np.int64)
        self._id_of_key = np.full(16, None, dtype=object)
        self._next = 0

    def __len__(self) -> int:
        return len(self.profiles)

    def key_for(self, profile_id: str) -> int:
        """The profile's key: the one it had before (an index keeps it), else a new one."""
        if profile_id not in self.keys:
            key, self._next = self._next, self._next + 1
            self.keys[profile_id], self.ids_by_key[key] = key, profile_id
        return self.keys[profile_id]

    def adopt_keys(self, keys: Mapping[str, int]) -> None:
        """Take the keys a saved index was built with (before adding the profiles)."""
        self.keys = dict(keys)
        self.ids_by_key = {key: pid for pid, key in keys.items()}
        self._next = max(self.ids_by_key, default=-1) + 1

    def add(self, profiles: Sequence[Profile], parts: Sequence[list[int]]) -> None:
        """Add profiles (ids not yet present) with the part numbers each one has."""
        by_kind: dict[Kind, list[int]] = {}
        for position, profile in enumerate(profiles):
            by_kind.setdefault(profile.kind, []).append(position)
        for kind, positions in by_kind.items():
            chosen = [profiles[i] for i in positions]
            keys = [self.key_for(p.id) for p in chosen]
            rows = self.kinds[kind].add(chosen, keys, [parts[i] for i in positions])
            self._place(np.array(keys, dtype=np.int64), rows)
            self.profiles.update((p.id, p) for p in chosen)

    def remove(self, profile_id: str) -> Profile:
        """Drop a profile from its kind's columns; its key stays reserved for it."""
        profile = self.profiles.pop(profile_id)
        kind = self.kinds[profile.kind]
        key = self.keys[profile_id]
        _, targets = kind.remove_row(int(self._row_of_key[key]))
        self._row_of_key[key] = MISSING
        moved = kind.keys()[targets]
        self._row_of_key[moved] = targets
        return profile

    def rows_of(self, keys: NDArray[np.int64]) -> Rows:
        """Each key's row in its kind (MISSING for a key no profile holds now), same shape."""
        inside = keys < len(self._row_of_key)
        rows = np.full(keys.shape, MISSING, dtype=np.int64)
        rows[inside] = self._row_of_key[keys[inside]]
        return rows

    def _place(self, keys: NDArray[np.int64], rows: Rows) -> None:
        needed = int(keys.max(initial=-1)) + 1
        if needed > len(self._row_of_key):
            grown = np.full(max(needed, 2 * len(self._row_of_key)), MISSING, dtype=np.int64)
            grown[: len(self._row_of_key)] = self._row_of_key
            self._row_of_key = grown
            names = np.full(len(grown), None, dtype=object)
            names[: len(self._id_of_key)] = self._id_of_key
            self._id_of_key = names
        self._row_of_key[keys] = rows
        self._id_of_key[keys] = [self.ids_by_key[key] for key in keys.tolist()]

    def ids_of(self, keys: NDArray[np.int64]) -> NDArray[np.object_]:
        """The profile id of each key (an array of str, same shape as `keys`)."""
        ids: NDArray[np.object_] = self._id_of_key[keys]
        return ids
