"""One contract for every index backend, and FAISS checked against the exact oracle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matcher.errors import IndexMismatchError
from matcher.index import BACKENDS, MISSING_ID, build_metadata, create_index, load_index, save_index

DIM = 16


def unit_vectors(count: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(count, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture(params=sorted(BACKENDS))
def index(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    return create_index(request.param, DIM)


def test_add_search_finds_each_vector_first(index) -> None:  # type: ignore[no-untyped-def]
    vectors = unit_vectors(50)
    ids = np.arange(1000, 1050, dtype=np.int64)
    index.add(ids, vectors)
    assert index.count() == 50
    scores, found = index.search(vectors[:5], 3)
    assert found[:, 0].tolist() == ids[:5].tolist()
    assert np.allclose(scores[:, 0], 1.0, atol=1e-5)
    assert (np.diff(scores, axis=1) <= 1e-6).all()


def test_delete_removes_only_named_ids(index) -> None:  # type: ignore[no-untyped-def]
    index.add(np.arange(10, dtype=np.int64), unit_vectors(10))
    assert index.delete(np.array([3, 4, 99], dtype=np.int64)) == 2
    assert index.count() == 8
    _, found = index.search(unit_vectors(10)[3:4], 10)
    assert 3 not in found and 4 not in found


def test_vectors_are_returned_by_id(index) -> None:  # type: ignore[no-untyped-def]
    vectors = unit_vectors(6)
    index.add(np.array([50, 10, 30, 20, 40, 60], dtype=np.int64), vectors)
    assert np.allclose(index.vectors(np.array([30, 50])), vectors[[2, 0]])
    with pytest.raises(KeyError):
        index.vectors(np.array([31]))


def test_duplicate_ids_are_refused(index) -> None:  # type: ignore[no-untyped-def]
    index.add(np.arange(3, dtype=np.int64), unit_vectors(3))
    with pytest.raises(ValueError, match="new and unique"):
        index.add(np.array([2], dtype=np.int64), unit_vectors(1, seed=1))


def test_search_within_allowed_ids_and_padding(index) -> None:  # type: ignore[no-untyped-def]
    index.add(np.arange(20, dtype=np.int64), unit_vectors(20))
    scores, found = index.search(unit_vectors(1, seed=5), 5, allowed=np.array([2, 7, 11]))
    assert sorted(found[0, :3].tolist()) == [2, 7, 11]
    assert found[0, 3:].tolist() == [MISSING_ID, MISSING_ID]
    assert np.isneginf(scores[0, 3:]).all()


def test_save_load_round_trip(index, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vectors = unit_vectors(30)
    index.add(np.arange(100, 130, dtype=np.int64), vectors)
    index.delete(np.array([105], dtype=np.int64))
    path = tmp_path / "index.npz"
    save_index(path, index, build_metadata(index, model="m", checksum="c"))
    loaded, metadata, _ = load_index(path, model="m", dimension=DIM)
    assert loaded.count() == 29 and metadata["checksum"] == "c"
    assert sorted(loaded.ids().tolist()) == sorted(index.ids().tolist())
    assert np.array_equal(loaded.search(vectors[:4], 5)[1], index.search(vectors[:4], 5)[1])
    loaded.add(np.array([7], dtype=np.int64), unit_vectors(1, seed=9))
    assert loaded.count() == 30


def test_load_refuses_other_model_and_damaged_file(index, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    index.add(np.arange(5, dtype=np.int64), unit_vectors(5))
    path = tmp_path / "index.npz"
    save_index(path, index, build_metadata(index, model="m", checksum="c"))
    with pytest.raises(IndexMismatchError, match="built with"):
        load_index(path, model="other", dimension=DIM)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(IndexMismatchError, match="damaged"):
        load_index(path, model="m", dimension=DIM)


def test_faiss_equals_exact_oracle() -> None:
    vectors, queries = unit_vectors(500, seed=1), unit_vectors(20, seed=2)
    ids = np.random.default_rng(3).permutation(10_000)[:500].astype(np.int64)
    allowed = ids[::3]
    results = {}
    for backend in ("exact", "faiss"):
        index = create_index(backend, DIM)
        index.add(ids, vectors)
        results[backend] = (index.search(queries, 10), index.search(queries, 10, allowed=allowed))
    for (exact_scores, exact_ids), (faiss_scores, faiss_ids) in zip(
        results["exact"], results["faiss"], strict=True
    ):
        assert np.array_equal(exact_ids, faiss_ids)
        assert np.allclose(exact_scores, faiss_scores, atol=1e-5)
