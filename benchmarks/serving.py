"""A uvicorn server on 127.0.0.1 in a subprocess, and timed clients: shared by the HTTP
benchmarks (api_latency.py, scale_http.py). Loopback only; every loop is bounded.

The server runs as in production, with a secret of its own, and the benchmark calls it as
an admin whose bearer token it puts into the store, as the operator of the service would
(`smartmatch create-admin`, then log in): every match is authorised and audited."""

from __future__ import annotations

import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from service.account_cli import account_with_token
from service.accounts import Role
from service.config import Settings

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(
    env: Mapping[str, str], *, ready_within: float = 1800
) -> Iterator[tuple[str, float, dict[str, str]]]:
    """(base URL, seconds until /ready answered 200, an admin's Authorization header) of a
    server started with `env`, in production mode with a secret of its own."""
    port = free_port()
    env = {
        **env,
        "SMARTMATCH_ENVIRONMENT": "production",
        "SMARTMATCH_SECRET": secrets.token_urlsafe(32),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "service.api.app:app_from_environment",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=dict(env),
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        started = time.perf_counter()
        while not _ready(base_url):
            waited = time.perf_counter() - started
            if process.poll() is not None or waited > ready_within:
                raise SystemExit("the server did not become ready")
            if int(waited) % 30 == 0:
                print(f"waiting for the server: {waited:.0f} s", file=sys.stderr, flush=True)
            time.sleep(1)
        ready_seconds = time.perf_counter() - started
        yield base_url, ready_seconds, admin_header(env)
    finally:
        process.terminate()
        process.wait(timeout=120)


def admin_header(env: Mapping[str, str]) -> dict[str, str]:
    """A new admin's bearer token, put into the store of the server `env` configures (after
    the server has upgraded the store, so its account tables exist)."""
    settings = Settings(
        database_url=env["SMARTMATCH_DATABASE_URL"], secret=env["SMARTMATCH_SECRET"]
    )
    token = account_with_token(
        settings,
        email=f"benchmark-{secrets.token_hex(4)}@localhost",
        password=secrets.token_urlsafe(16),
        role=Role.ADMIN,
        lifetime=timedelta(1),
    )
    return {"Authorization": f"Bearer {token}"}


def _ready(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/ready", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def summary(latencies: list[float], wall: float) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "p50_ms": round(1000 * statistics.median(ordered), 2),
        "p90_ms": round(1000 * ordered[int(0.90 * (len(ordered) - 1))], 2),
        "p99_ms": round(1000 * ordered[int(0.99 * (len(ordered) - 1))], 2),
        "mean_ms": round(1000 * statistics.fmean(ordered), 2),
        "max_ms": round(1000 * ordered[-1], 2),
        "throughput_rps": round(len(ordered) / wall, 2),
    }


def timed_post(client: httpx.Client, path: str, body: dict[str, Any]) -> float:
    started = time.perf_counter()
    response = client.post(path, json=body)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed


def clients_run(
    base_url: str,
    body: Callable[[int], dict[str, Any]],
    *,
    requests: int,
    workers: int,
    headers: dict[str, str],
) -> dict[str, float]:
    """`requests` POST /match calls spread over `workers` concurrent clients."""
    clients = [
        httpx.Client(base_url=base_url, timeout=120, headers=headers) for _ in range(workers)
    ]
    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            latencies = list(
                pool.map(
                    lambda n: timed_post(clients[n % workers], "/match", body(n)), range(requests)
                )
            )
        return {"workers": workers, **summary(latencies, time.perf_counter() - started)}
    finally:
        for client in clients:
            client.close()
