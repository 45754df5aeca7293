"""Saving and loading an index with the metadata that says how it was built.

One `.npz` file, written atomically (temp file, fsync, rename) and read without pickle.
A file that is damaged, truncated, or built with another model raises IndexMismatchError:
the index is derived state, and the caller rebuilds it from the store.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matcher.errors import IndexMismatchError
from matcher.index.ann import IvfIndex
from matcher.index.base import VectorIndex
from matcher.index.exact import ExactIndex
from matcher.index.faiss_backend import FaissIndex

BACKENDS: dict[str, type[ExactIndex] | type[FaissIndex] | type[IvfIndex]] = {
    "exact": ExactIndex,
    "faiss": FaissIndex,
    "ivf": IvfIndex,
}
FORMAT_VERSION = 1


def create_index(backend: str, dimension: int) -> VectorIndex:
    """A new empty index of the named backend (`faiss`, `exact` or `ivf`)."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown index backend {backend!r}; choose one of {sorted(BACKENDS)}")
    return BACKENDS[backend](dimension)


def build_metadata(index: VectorIndex, *, model: str, checksum: str) -> dict[str, Any]:
    """What a saved index records about itself (after txtai's `metadata()`)."""
    import faiss

    return {
        "format": FORMAT_VERSION,
        "backend": index.backend,
        "model": model,
        "dimension": index.dimension,
        "count": index.count(),
        "checksum": checksum,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": {"numpy": np.__version__, "faiss": faiss.__version__},
    }


def save_index(
    path: Path,
    index: VectorIndex,
    metadata: dict[str, Any],
    extras: dict[str, NDArray[np.generic]] | None = None,
) -> None:
    """Write index, metadata and extra arrays to `path` atomically."""
    arrays = {f"index_{key}": value for key, value in index.to_arrays().items()}
    arrays.update({f"extra_{key}": value for key, value in (extras or {}).items()})
    write_arrays(path, arrays, metadata)


def save_indexes(
    path: Path,
    indexes: Mapping[str, VectorIndex],
    metadata: dict[str, Any],
    extras: dict[str, NDArray[np.generic]] | None = None,
) -> None:
    """Write several named indexes (one per kind) in one file, atomically."""
    arrays = {
        f"index.{name}.{key}": value
        for name, index in indexes.items()
        for key, value in index.to_arrays().items()
    }
    arrays.update({f"extra_{key}": value for key, value in (extras or {}).items()})
    backends = {name: index.backend for name, index in indexes.items()}
    counts = {name: index.count() for name, index in indexes.items()}
    write_arrays(path, arrays, {**metadata, "backends": backends, "counts": counts})


def write_arrays(path: Path, arrays: dict[str, Any], metadata: dict[str, Any]) -> None:
    """Arrays and their metadata as one `.npz`: temp file, fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {**arrays, "metadata": np.frombuffer(json.dumps(metadata).encode(), dtype=np.uint8)}
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as temp:
            np.savez(temp, **arrays)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _read(path: Path) -> tuple[dict[str, NDArray[np.generic]], dict[str, Any]]:
    with path.open("rb") as handle, np.load(handle, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    metadata = json.loads(arrays.pop("metadata").tobytes().decode("utf-8"))
    return arrays, metadata


def _check_model(path: Path, metadata: dict[str, Any], model: str, dimension: int) -> None:
    if metadata.get("model") != model or metadata.get("dimension") != dimension:
        raise IndexMismatchError(
            f"index {path} was built with {metadata.get('model')!r} "
            f"({metadata.get('dimension')} dims), not {model!r} ({dimension} dims)"
        )


def _extras(arrays: dict[str, NDArray[np.generic]]) -> dict[str, NDArray[np.generic]]:
    return {k.removeprefix("extra_"): v for k, v in arrays.items() if k.startswith("extra_")}


DAMAGE = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, RuntimeError)


def load_index(
    path: Path, *, model: str, dimension: int
) -> tuple[VectorIndex, dict[str, Any], dict[str, NDArray[np.generic]]]:
    """Read an index saved by `save_index`; refuse one built with another model or damaged."""
    try:
        arrays, metadata = _read(path)
        backend = BACKENDS[metadata["backend"]]
        index = backend.from_arrays(
            {key.removeprefix("index_"): v for key, v in arrays.items() if key.startswith("index_")}
        )
    except FileNotFoundError:
        raise
    except DAMAGE as error:
        raise IndexMismatchError(f"index file {path} is damaged: {error}") from error
    _check_model(path, metadata, model, dimension)
    if index.count() != metadata.get("count"):
        raise IndexMismatchError(
            f"index {path} holds {index.count()} vectors, metadata says {metadata.get('count')}"
        )
    return index, metadata, _extras(arrays)


def load_indexes(
    path: Path, *, model: str, dimension: int
) -> tuple[dict[str, VectorIndex], dict[str, Any], dict[str, NDArray[np.generic]]]:
    """Read the indexes saved by `save_indexes`; refuse other models and damaged files."""
    try:
        arrays, metadata = _read(path)
        _check_model(path, metadata, model, dimension)
        indexes: dict[str, VectorIndex] = {}
        for name, backend in metadata["backends"].items():
            prefix = f"index.{name}."
            parts = {k.removeprefix(prefix): v for k, v in arrays.items() if k.startswith(prefix)}
            indexes[name] = BACKENDS[backend].from_arrays(parts)
    except FileNotFoundError:
        raise
    except DAMAGE as error:
        raise IndexMismatchError(f"index file {path} is damaged: {error}") from error
    counts = {name: index.count() for name, index in indexes.items()}
    if counts != metadata.get("counts"):
        raise IndexMismatchError(f"index {path} holds {counts} vectors, metadata says otherwise")
    return indexes, metadata, _extras(arrays)
