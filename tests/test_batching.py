"""Query batching: concurrent callers get exactly their own vectors, fewer model calls than
callers when they come together, and the model's error when it fails."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from matcher import HashingEncoder
from matcher.batching import QueryBatcher
from matcher.encoders import Vectors


class SlowModel(HashingEncoder):
    """The hashing encoder, 20 ms per call, counting its calls and their sizes."""

    def __init__(self, *, fail: bool = False) -> None:
        super().__init__()
        self.calls: list[int] = []
        self.fail = fail
        self.running = self.most_at_once = 0
        self._lock = threading.Lock()

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        with self._lock:
            self.calls.append(len(texts))
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        time.sleep(0.02)
        with self._lock:
            self.running -= 1
        if self.fail:
            raise RuntimeError("the model failed")
        return super().encode_queries(texts)


def texts_of(caller: int) -> list[str]:
    return [f"need {caller} about olive oil", f"need {caller} piece two", "a shared piece"]


def test_concurrent_callers_get_their_own_vectors_from_fewer_calls() -> None:
    model = SlowModel()
    batcher = QueryBatcher(model, slots=2)
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(lambda n: batcher.encode_queries(texts_of(n)), range(48)))
    reference = HashingEncoder()
    for caller, vectors in enumerate(results):
        np.testing.assert_allclose(vectors, reference.encode_queries(texts_of(caller)), atol=1e-6)
    assert len(model.calls) < 48, "callers that waited together were not batched"
    assert max(model.calls) <= 64
    assert model.most_at_once == 2, "the model ran more (or fewer) calls at once than its slots"


def test_a_caller_alone_is_encoded_at_once_in_one_call() -> None:
    model = SlowModel()
    batcher = QueryBatcher(model, slots=2)
    vectors = batcher.encode_queries(["a need", "a need"])
    assert model.calls == [1] and vectors.shape == (2, model.dimension)
    assert batcher.encode_queries([]).shape == (0, model.dimension)


def test_every_caller_in_a_failed_batch_gets_the_error_and_the_batcher_goes_on() -> None:
    model = SlowModel(fail=True)
    batcher = QueryBatcher(model, slots=1)
    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(batcher.encode_queries, texts_of(n)) for n in range(6)]
        for future in futures:
            with pytest.raises(RuntimeError, match="the model failed"):
                future.result(timeout=10)
    model.fail = False
    assert batcher.encode_queries(["after the failure"]).shape == (1, model.dimension)
