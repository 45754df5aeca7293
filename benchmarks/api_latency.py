"""Latency and throughput of POST /match over HTTP, against a real server on 10,000 profiles.

Builds a temporary SQLite store with synthetic, varied profiles through the import path (the
real model encodes every profile: a few minutes on 2 cores), starts uvicorn on 127.0.0.1 in a
subprocess, then times a bounded number of requests: sequentially, and from a few concurrent
workers. Writes benchmarks/results/api_latency.json and prints it.

    HF_HUB_OFFLINE=1 python benchmarks/api_latency.py [--profiles 10000] [--requests 300]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "api_latency.json"
sys.path.insert(0, str(REPO))

from serving import clients_run, server, timed_post  # noqa: E402

from service.cli import import_file  # noqa: E402
from service.config import Settings  # noqa: E402

KINDS = {"expert": 0.3, "business": 0.2, "student": 0.25, "placement": 0.15, "request": 0.1}
COUNTRIES = ["AL", "BA", "ME"]
LANGUAGES = ["en", "sq", "bs", "sr", "hr"]
CENTRES = [f"centre-{n}" for n in range(1, 8)]
TOPICS = {
    "agrifood": ["HACCP plans", "olive oil quality", "dairy processing", "wine laboratories"],
    "energy": [
        "solar photovoltaic systems",
        "energy audits of hotels",
        "heat pumps",
        "smart grids",
    ],
    "digital": ["React web applications", "data analytics with SQL", "cyber security", "Flutter"],
    "tourism": ["revenue management", "digital marketing for hotels", "cultural heritage tours"],
    "manufacturing": ["lean production", "quality management ISO 9001", "CNC machining"],
    "environment": ["waste recycling", "water quality monitoring", "composting", "aquaculture"],
    "health": ["clinical laboratory techniques", "medical devices", "health informatics"],
    "finance": ["accounting for SMEs", "financial analysis", "EU funding applications"],
}
OPENINGS = {
    "expert": ["Professor working on {a} and {b}.", "Researcher in {a}; consults on {b}."],
    "business": ["A small company that needs {a}.", "Family firm improving {a} and {b}."],
    "student": ["Student learning {a}, interested in {b}.", "Graduate with projects in {a}."],
    "placement": ["Internship in {a} with mentoring in {b}.", "Trainee position: {a}."],
    "request": ["We need help with {a} and advice on {b}.", "Looking for an expert in {a}."],
}
NEEDS = [
    "We need a HACCP plan for our olive oil mill and help with ISO 22000.",
    "Our hotel wants an energy audit and advice on solar panels.",
    "Looking for a React developer to build a booking dashboard.",
    "Help us set up lean production and reduce scrap in our CNC workshop.",
    "Advice on recycling and composting for a municipal waste company.",
    "We want to analyse sales data with SQL and Power BI.",
    "Digital marketing for a small family hotel on the coast.",
    "Support writing an EU funding application for a dairy cooperative.",
]


def synthetic_profiles(count: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    kinds = rng.choices(list(KINDS), weights=list(KINDS.values()), k=count)
    profiles = []
    for number, kind in enumerate(kinds):
        domain = rng.choice(list(TOPICS))
        a, b = rng.sample(TOPICS[domain], 2) if len(TOPICS[domain]) > 1 else TOPICS[domain] * 2
        other = rng.choice(TOPICS[rng.choice(list(TOPICS))])
        text = rng.choice(OPENINGS[kind]).format(a=a, b=b) + f" Also {other}, case {number}."
        profiles.append(
            {
                "id": f"{kind[:3]}-{number:05d}",
                "kind": kind,
                "name": f"{kind.title()} {number}",
                "text": text,
                "skills": [a, b],
                "country": rng.choice(COUNTRIES),
                "languages": rng.sample(LANGUAGES, 2),
                "centre": rng.choice(CENTRES),
                "domains": [domain],
            }
        )
    return profiles


def match_body(number: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "text": NEEDS[number % len(NEEDS)],
        "target": ["expert", "placement", "business", "student"][number % 4],
        "k": 10,
    }
    if number % 3 == 0:
        body["filters"] = {"countries": [COUNTRIES[number % 3]]}
    return body


def run(base_url: str, requests: int, workers: int, headers: dict[str, str]) -> dict[str, Any]:
    with httpx.Client(base_url=base_url, timeout=60, headers=headers) as client:
        for number in range(10):
            timed_post(client, "/match", match_body(number))  # warm-up
    return {
        "sequential": clients_run(
            base_url, match_body, requests=requests, workers=1, headers=headers
        ),
        "concurrent": clients_run(
            base_url, match_body, requests=requests, workers=workers, headers=headers
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--model", default=Settings().model)
    parser.add_argument("--esco-tagging", action="store_true", help="Tag profiles and queries.")
    parser.add_argument(
        "--torch-threads",
        type=int,
        help="OMP_NUM_THREADS for the server (1 avoids thread spin on a busy 2-core machine).",
    )
    parser.add_argument(
        "--folder", type=Path, help="Reuse the store a previous run left in this folder."
    )
    args = parser.parse_args()

    folder = args.folder or Path(tempfile.mkdtemp(prefix="smartmatch-bench-"))
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "SMARTMATCH_DATABASE_URL": f"sqlite:///{folder / 'store.db'}",
        "SMARTMATCH_INDEX_PATH": str(folder / "index.npz"),
        "SMARTMATCH_MODEL": args.model,
        "SMARTMATCH_ESCO_TAGGING": str(args.esco_tagging).lower(),
    }
    os.environ.update(env)
    if args.torch_threads:
        env["OMP_NUM_THREADS"] = str(args.torch_threads)
    settings = Settings()
    import_seconds = None
    if args.folder is None:
        data = folder / "profiles.jsonl"
        data.write_text("".join(json.dumps(p) + "\n" for p in synthetic_profiles(args.profiles)))
        started = time.perf_counter()
        report = import_file(settings, data)
        import_seconds = round(time.perf_counter() - started, 1)
        assert len(report.imported) == args.profiles, report.errors[:3]
        print(f"imported {args.profiles} profiles into {folder} in {import_seconds} s", flush=True)

    with server(env, ready_within=600) as (base_url, startup_seconds, headers):
        timings = run(base_url, args.requests, args.workers, headers)
        profiles = httpx.get(f"{base_url}/ready").json()["profiles"]

    results = {
        "benchmark": "POST /match over HTTP (uvicorn, 1 process, 127.0.0.1)",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "profiles": profiles,
        "model": args.model,
        "index_backend": settings.index_backend,
        "esco_tagging": args.esco_tagging,
        "server_torch_threads": args.torch_threads or "default",
        "k": 10,
        "import_seconds": import_seconds,
        "store": str(folder),
        "server_ready_seconds": round(startup_seconds, 1),
        **timings,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_1m": round(os.getloadavg()[0], 2),
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
