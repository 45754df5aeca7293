"""Thread limits reach every thread that searches or encodes, not only the one that set them.

OpenMP keeps its thread count per thread, so a limit set at start-up in the main thread
would leave a server's request threads using every core (matcher/threads.py).
"""

from __future__ import annotations

import threading

import faiss
import numpy as np

from matcher import HashingEncoder, Matcher
from matcher.encoders import EnsembleEncoder
from matcher.threads import in_this_thread, limit_threads


def in_new_thread(read: object) -> object:
    found: list[object] = []
    worker = threading.Thread(target=lambda: found.append(read()))  # type: ignore[operator]
    worker.start()
    worker.join()
    return found[0]


def test_a_search_limit_reaches_a_thread_started_later() -> None:
    Matcher(HashingEncoder(), search_threads=1)
    assert faiss.omp_get_max_threads() == 1

    def limited() -> int:
        in_this_thread()
        return int(faiss.omp_get_max_threads())

    assert in_new_thread(limited) == 1
    limit_threads(search=2)
    assert in_new_thread(limited) == 2
    limit_threads(search=1)


def test_an_ensemble_encodes_the_same_with_its_members_side_by_side() -> None:
    small, large = HashingEncoder(64), HashingEncoder(128)
    ensemble = EnsembleEncoder([small, large])
    texts = ["olive oil food safety", "solar panels"]
    expected = ensemble.combine([small.encode_queries(texts), large.encode_queries(texts)])
    assert np.array_equal(ensemble.encode_queries(texts), expected)
    assert np.array_equal(in_new_thread(lambda: ensemble.encode_documents(texts)), expected)


def test_an_ensemble_encodes_the_same_with_its_members_one_after_the_other() -> None:
    small, large = HashingEncoder(64), HashingEncoder(128)
    texts = ["olive oil food safety", "solar panels"]
    side_by_side = EnsembleEncoder([small, large]).encode_queries(texts)
    in_turn = EnsembleEncoder([small, large], queries_side_by_side=False)
    assert np.array_equal(in_turn.encode_queries(texts), side_by_side)
