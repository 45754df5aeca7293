"""POST /match over HTTP at scale, with the real default model: the HTTP rows of scale.py.

Encoding 100,000 distinct profiles with the real ensemble takes hours on 2 cores, so the
network reuses a bounded pool of distinct synthetic texts (`--pool`, 4,000 by default)
across its profiles: the embedding cache encodes each text once. What a query costs is still
real: its ESCO tagging and encoding by both models, the search over every profile's vectors
and the scoring; every request sends a need of its own, so no query vector is memoised.
Profiles are stored without ESCO tags (tagging 100,000 of them is a build cost, not a
query's); the server tags each query as in production.

The network is built through `service.network` (the path of the API and the CLI) in a
folder that a later run can reuse (`--folder`); the server is uvicorn on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import synthetic
from serving import clients_run, server, timed_post

from service.config import Settings
from service.network import open_network


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def environment(
    folder: Path, model: str, *, esco_tagging: bool, overrides: dict[str, str] | None = None
) -> dict[str, str]:
    """The server's environment: the folder's store and index, the model, ESCO tagging, and
    any other settings a variant overrides."""
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "SMARTMATCH_DATABASE_URL": f"sqlite:///{folder / 'store.db'}",
        "SMARTMATCH_INDEX_PATH": str(folder / "index.npz"),
        "SMARTMATCH_MODEL": model,
        "SMARTMATCH_ESCO_TAGGING": str(esco_tagging).lower(),
        **(overrides or {}),
    }


def build(folder: Path, model: str, size: int, pool: int) -> float | None:
    """Import `size` profiles into the folder's store (once); the seconds it took."""
    if (folder / "built").exists():
        log(f"reusing the network in {folder}")
        return None
    folder.mkdir(parents=True, exist_ok=True)
    log(f"writing {size} profiles from {pool} distinct texts")
    rows = synthetic.profiles(size, pool=synthetic.text_pool(pool))
    text = "".join(json.dumps(row) + "\n" for row in rows)
    settings = Settings(
        database_url=f"sqlite:///{folder / 'store.db'}",
        index_path=folder / "index.npz",
        model=model,
        esco_tagging=False,
    )
    started = time.perf_counter()
    log("importing through service.network (the model encodes each distinct text once)")
    with open_network(settings, show_progress=True) as network:
        report = network.import_text(text, fmt="jsonl", show_progress=True)
    assert not report.errors, report.errors[:3]
    seconds = time.perf_counter() - started
    (folder / "built").write_text(f"{size} profiles, {seconds:.0f} s\n")
    log(f"imported {size} profiles in {seconds:.0f} s")
    return round(seconds, 1)


def match_bodies(count: int) -> list[dict[str, Any]]:
    """`count` distinct needs as /match bodies: no request finds its query encoded already
    (the server memoises query vectors), so each one pays for tagging and encoding."""
    return [{"text": text, "target": target, "k": 10} for text, target in synthetic.needs(count)]


# Settings measured beside the defaults in the same run (README, Scale).
VARIANTS = {
    "without_batching": {"SMARTMATCH_QUERY_BATCHING": "false"},
    "models_in_turn": {"SMARTMATCH_QUERY_SIDE_BY_SIDE": "false"},
}


def measure_variants(folder: Path, model: str, *, requests: int, workers: int) -> dict[str, Any]:
    """`measure` with the default settings, and with each of VARIANTS beside it."""
    found = {
        name: measure(folder, model, requests=requests, workers=workers, overrides=overrides)
        for name, overrides in VARIANTS.items()
    }
    return {**measure(folder, model, requests=requests, workers=workers), **found}


def measure(
    folder: Path,
    model: str,
    *,
    requests: int,
    workers: int,
    overrides: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Start the server with ESCO tagging on, warm every kind, then time the clients, each
    run with needs of its own."""
    bodies = match_bodies(len(synthetic.TARGETS) + 2 * requests)
    warm_up, one_client, many_clients = (
        bodies[: len(synthetic.TARGETS)],
        bodies[len(synthetic.TARGETS) : -requests],
        bodies[-requests:],
    )
    env = environment(folder, model, esco_tagging=True, overrides=overrides)
    log(f"starting the server with {overrides or 'the default settings'}")
    with server(env) as (base_url, ready_seconds, headers):
        log(f"ready after {ready_seconds:.0f} s; warming each kind")
        with httpx.Client(base_url=base_url, timeout=1800, headers=headers) as client:
            warm = {}
            for body in warm_up:
                target = body["target"]
                warm[target] = round(timed_post(client, "/match", body), 2)
                log(f"first /match on {target}s: {warm[target]} s")
            ready = client.get("/ready").json()
        log(f"timing {requests} requests from 1 client, then from {workers}")
        one = clients_run(
            base_url, one_client.__getitem__, requests=requests, workers=1, headers=headers
        )
        log(f"1 client: p50 {one['p50_ms']} ms, {one['throughput_rps']} requests/s")
        many = clients_run(
            base_url, many_clients.__getitem__, requests=requests, workers=workers, headers=headers
        )
        log(f"{workers} clients: p50 {many['p50_ms']} ms, {many['throughput_rps']} requests/s")
    return {
        "settings": overrides or {},
        "profiles": ready["profiles"],
        "indexes": ready["indexes"],
        "server_ready_seconds": round(ready_seconds, 1),
        "first_match_per_kind_seconds": warm,
        "one_client": one,
        "concurrent_clients": many,
        "throughput_ratio": round(many["throughput_rps"] / one["throughput_rps"], 2),
    }
