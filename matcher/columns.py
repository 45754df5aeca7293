"""A growable table of NumPy columns: amortised appends and swap-removes.

The catalogue and the lexical index keep one row per profile (or per part) in arrays, so a
query is a handful of vectorised operations over the whole kind. Appending doubles the
capacity when full (amortised O(1) per row); removing moves the last rows into the holes
(O(rows removed)), so no write copies the whole table. Rows therefore move: callers that
remember rows by position read `remove`'s answer (which old row went where).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

Array = NDArray[Any]


class Columns:
    """Named columns of equal length; a column may have trailing dimensions (a matrix)."""

    def __init__(self, schema: Mapping[str, tuple[DTypeLike, tuple[int, ...]]]) -> None:
        self._data: dict[str, Array] = {
            name: np.zeros((4, *shape), dtype=dtype) for name, (dtype, shape) in schema.items()
        }
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, name: str) -> Array:
        """The live rows of a column (a view: valid until the next write)."""
        return self._data[name][: self._size]

    def names(self) -> list[str]:
        return list(self._data)

    def append(self, rows: Mapping[str, object]) -> NDArray[np.int64]:
        """Append rows (one array per column, same length); return their positions."""
        count = len(np.asarray(next(iter(rows.values()))))
        needed = self._size + count
        if needed > len(next(iter(self._data.values()))):
            capacity = max(needed, 2 * len(next(iter(self._data.values()))))
            for name, column in self._data.items():
                grown = np.zeros((capacity, *column.shape[1:]), dtype=column.dtype)
                grown[: self._size] = column[: self._size]
                self._data[name] = grown
        for name, column in self._data.items():
            column[self._size : needed] = np.asarray(rows[name], dtype=column.dtype)
        positions = np.arange(self._size, needed, dtype=np.int64)
        self._size = needed
        return positions

    def set(self, name: str, positions: NDArray[np.int64], values: object) -> None:
        self._data[name][positions] = values

    def widen(self, name: str, width: int) -> None:
        """Give a matrix column at least `width` columns (new ones zero)."""
        column = self._data[name]
        if column.shape[1] < width:
            grown = np.zeros((len(column), width), dtype=column.dtype)
            grown[:, : column.shape[1]] = column
            self._data[name] = grown

    def remove(self, positions: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Remove rows by moving the last live rows into their holes.

        Returns (sources, targets): the row that was at `sources[i]` is now at `targets[i]`.
        """
        holes = np.unique(np.asarray(positions, dtype=np.int64))
        if len(holes) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        end = self._size - len(holes)
        targets = holes[holes < end]
        tail = np.arange(end, self._size, dtype=np.int64)
        sources = tail[~np.isin(tail, holes)]
        for column in self._data.values():
            column[targets] = column[sources]
        self._size = end
        return sources, targets

    def clear(self) -> None:
        self._size = 0
