"""Concurrency of the network: matches run side by side, writes one at a time, and a match sees
the network before a write or after it, never during. Threads, bounded in count and time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from fastapi.testclient import TestClient

from matcher import HashingEncoder, Kind, Match, Query
from matcher.encoders import Vectors
from service.api import create_app
from service.config import Settings
from service.network import Network, open_network
from tests.api_helpers import match_ids, sign_in

OLIVE = "Olive oil food safety and HACCP plans."
NEED = {"id": "req-1", "name": "HACCP for a mill", "text": "HACCP plan for our olive oil mill."}
WAIT = 10.0  # seconds before a test gives up on a thread: far above what any step needs


class GatedEncoder(HashingEncoder):
    """The hashing encoder, whose query encoding waits until the gate opens."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.gate.set()
        self.encoding = threading.Event()
        self.query_calls = 0

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        self.query_calls += 1
        self.encoding.set()
        assert self.gate.wait(WAIT)
        return super().encode_queries(texts)


@pytest.fixture
def encoder() -> GatedEncoder:
    return GatedEncoder()


@pytest.fixture
def network(settings: Settings, encoder: GatedEncoder) -> Iterator[Network]:
    with open_network(settings, encoder=encoder) as opened:
        for number in range(3):
            opened.create(
                kind=Kind.EXPERT, fields={"id": f"exp-{number}", "name": "A", "text": OLIVE}
            )
        yield opened


def olive_matches(network: Network) -> list[str]:
    found = network.match_text(Query(text="olive oil HACCP"), target=Kind.EXPERT, k=10)
    return [match.profile.id for match in found]


def in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    """Start `work` in a thread; the list receives its result (or the exception it raised)."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(work())
        except Exception as error:  # handed to the test, which asserts on it
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def hold_matches(network: Network, monkeypatch: pytest.MonkeyPatch, gate: Any) -> None:
    """Make every match wait at `gate` (a barrier or an event) inside the matcher's read lock."""
    matcher = network.runtime.matcher
    original = matcher.match

    def held(*args: Any, **kwargs: Any) -> list[Match]:
        gate.wait(WAIT)
        return original(*args, **kwargs)

    monkeypatch.setattr(matcher, "match", held)


def test_matches_run_side_by_side(network: Network, monkeypatch: pytest.MonkeyPatch) -> None:
    # Both matches must be inside the matcher at once to pass the barrier: under an exclusive
    # lock the barrier breaks after WAIT seconds.
    hold_matches(network, monkeypatch, threading.Barrier(2, timeout=WAIT))
    started = [in_thread(lambda: olive_matches(network)) for _ in range(2)]
    for thread, outcome in started:
        thread.join(WAIT + 1)
        assert outcome and outcome[0] == ["exp-0", "exp-1", "exp-2"], outcome


def test_a_write_waits_for_the_match_in_flight_which_sees_the_network_before_it(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    hold_matches(network, monkeypatch, release)
    matching, matched = in_thread(lambda: olive_matches(network))
    time.sleep(0.2)  # the match is inside the read lock, waiting for `release`
    deleting, deleted = in_thread(lambda: network.delete(kind=Kind.EXPERT, profile_id="exp-0"))
    deleting.join(0.3)
    assert deleting.is_alive() and not deleted  # the write waits for the match in flight
    release.set()
    matching.join(WAIT)
    deleting.join(WAIT)
    assert matched == [["exp-0", "exp-1", "exp-2"]] and deleted == [None]
    assert olive_matches(network) == ["exp-1", "exp-2"]


def test_query_encoding_holds_no_lock(network: Network, encoder: GatedEncoder) -> None:
    encoder.gate.clear()
    encoder.encoding.clear()
    encoder.query_calls = 0
    matching, matched = in_thread(lambda: olive_matches(network))
    assert encoder.encoding.wait(WAIT)  # the match is encoding its query, held at the gate
    deleting, deleted = in_thread(lambda: network.delete(kind=Kind.EXPERT, profile_id="exp-0"))
    deleting.join(WAIT)
    assert deleted == [None]  # the write did not wait for the encoding
    encoder.gate.set()
    matching.join(WAIT)
    assert matched == [["exp-1", "exp-2"]]  # the match began after the delete returned
    assert encoder.query_calls == 1  # the matcher found the query's vectors memoised


def test_no_match_returns_a_profile_after_its_delete_returned(
    settings: Settings, hashing_encoder: HashingEncoder
) -> None:
    """Writers create and delete experts while readers match; every match is checked against
    the deletions that had returned before it was sent."""
    deleted: set[str] = set()
    guard = threading.Lock()
    failures: list[str] = []
    writes_done = threading.Event()
    with TestClient(create_app(settings, encoder=hashing_encoder)) as client:
        sign_in(client)
        client.post("/requests", json=NEED)

        def write() -> None:
            for number in range(40):
                expert = {"id": f"exp-{number}", "name": "A", "text": OLIVE}
                assert client.post("/experts", json=expert).status_code == 201
                if number % 2 == 0:
                    assert client.delete(f"/experts/exp-{number}").status_code == 204
                    with guard:
                        deleted.add(f"exp-{number}")

        def read() -> None:
            deadline = time.monotonic() + 30
            for number in range(500):
                if writes_done.is_set() or time.monotonic() > deadline:
                    return
                with guard:
                    gone = set(deleted)
                if number % 2:
                    response = client.get("/requests/req-1/experts", params={"k": 100})
                else:
                    body = {"text": "olive oil HACCP", "target": "expert", "k": 100}
                    response = client.post("/match", json=body)
                returned = set(match_ids(response))
                if returned & gone:
                    failures.append(f"matched deleted {sorted(returned & gone)}")

        def recorded(work: Callable[[], None], *, last: bool = False) -> Callable[[], None]:
            def run() -> None:
                try:
                    work()
                except Exception as error:  # reported by the assertion below
                    failures.append(repr(error))
                finally:
                    if last:
                        writes_done.set()

            return run

        threads = [
            threading.Thread(target=recorded(write, last=True)),
            *(threading.Thread(target=recorded(read)) for _ in range(3)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not any(thread.is_alive() for thread in threads)
        assert not failures, failures[:3]
        assert sorted(
            match_ids(client.get("/requests/req-1/experts", params={"k": 100}))
        ) == sorted(f"exp-{number}" for number in range(1, 40, 2))
