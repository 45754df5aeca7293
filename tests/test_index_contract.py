"""One contract for every index backend, and FAISS checked against the exact oracle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matcher.encoders import HashingEncoder
from matcher.errors import IndexMismatchError
from matcher.index import BACKENDS, MISSING_ID, build_metadata, create_index, load_index, save_index
from matcher.index.ann import measured_recall
from matcher.index.auto import AutoIndex

DIM = 16


def unit_vectors(count: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(count, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture(params=[*sorted(BACKENDS), "auto"])
def index(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    if request.param == "auto":  # exact FAISS that turns IVF past 20 vectors
        return AutoIndex(DIM, threshold=20)
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


def test_ivf_search_among_few_allowed_ids_equals_exact_oracle() -> None:
    """A filtered search reads every cluster (only the allowed vectors): no recall lost."""
    vectors, queries = clustered_vectors(3_000, seed=4), clustered_vectors(20, seed=5)
    ids = np.arange(3_000, dtype=np.int64) * 1024
    allowed = ids[::5]
    found = {}
    for backend in ("exact", "ivf"):
        index = create_index(backend, vectors.shape[1])
        index.add(ids, vectors)
        found[backend] = index.search(queries, 50, allowed=allowed)
    assert np.array_equal(found["exact"][1], found["ivf"][1])
    assert np.allclose(found["exact"][0], found["ivf"][0], atol=1e-5)


def test_a_growing_index_turns_approximate_and_keeps_its_vectors() -> None:
    index = AutoIndex(DIM, threshold=100)
    vectors = unit_vectors(300)
    index.add(np.arange(90, dtype=np.int64), vectors[:90])
    assert index.backend == "faiss"
    index.add(np.arange(90, 300, dtype=np.int64), vectors[90:])
    assert index.backend == "ivf" and index.count() == 300
    assert np.allclose(index.vectors(np.array([5, 250])), vectors[[5, 250]], atol=1e-6)
    assert index.search(vectors[250:251], 1)[1][0, 0] == 250


def clustered_vectors(count: int, seed: int = 0) -> np.ndarray:
    """Unit vectors around 200 topics, as texts cluster around subjects."""
    rng = np.random.default_rng(seed)
    topics = rng.normal(size=(200, 32))
    vectors = topics[rng.integers(0, 200, count)] + 0.6 * rng.normal(size=(count, 32))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def test_ivf_recall_at_10_against_exact_search() -> None:
    vectors = clustered_vectors(30_000)
    assert measured_recall(vectors[100:], vectors[:100]) >= 0.95


def random_texts(count: int, seed: int = 0) -> list[str]:
    """Texts of 15-50 words drawn (Zipf) from 8,000 random words."""
    rng = np.random.default_rng(seed)
    letters = list("abcdefghijklmnopqrstuvwxyz")
    words = ["".join(rng.choice(letters, size=rng.integers(4, 10))) for _ in range(8000)]
    weights = 1 / np.arange(1, len(words) + 1)
    weights /= weights.sum()
    return [" ".join(rng.choice(words, size=rng.integers(15, 50), p=weights)) for _ in range(count)]


@pytest.mark.slow
def test_ivf_recall_at_10_on_100k_random_texts() -> None:
    encoder = HashingEncoder()
    texts = random_texts(100_200)
    vectors = encoder.encode_documents(texts)
    assert measured_recall(vectors[200:], vectors[:200]) >= 0.95
