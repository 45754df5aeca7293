"""The engine at scale: one command, JSON results and a plot.

Engine rows (in-process, the fast HashingEncoder, synthetic texts from the ESCO label words):
at each size, build time and memory per profile, each kind's first match after the build,
steady and filtered match p50/p99, and the first match after a single write; for the
current engine and for the previous one (commit d7ed2bc, run from a git worktree), each in
its own process with a time limit, past which its remaining steps "did not finish".
The current engine also times a copy of the whole matcher: what a copy-on-write snapshot
would cost per write, beside what a write costs under the read-write lock.

HTTP rows (scale_http.py): POST /match over HTTP on 127.0.0.1 with the real default model
at `--http-size` profiles built from a bounded pool of distinct texts (see that module):
p50 and throughput from 1 and from 4 concurrent clients, with the default settings and with
each variant of scale_http.VARIANTS (query batching off; an ensemble's models in turn).

    HF_HUB_OFFLINE=1 python benchmarks/scale.py                    # everything (hours)
    HF_HUB_OFFLINE=1 python benchmarks/scale.py --sizes 1000 10000 --no-http

Writes benchmarks/results/scale.json and benchmarks/results/scale.png.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import scale_http
from scale_http import VARIANTS
from scale_plot import plot

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
WORKER = REPO / "benchmarks" / "scale_engine.py"
PREVIOUS = "d7ed2bc"
STEPS = ["build", "first_match", "steady", "filtered", "after_write"]
TARGETS = {
    "engine_p50_ms_at_100k": 15,
    "engine_p99_ms_at_100k": 40,
    "first_match_after_write_vs_steady_p99": 2.0,
    "http_p50_ms_at_100k": 80,
    "throughput_4_vs_1_clients": 1.5,
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def previous_checkout(path: Path) -> Path:
    """A worktree of the previous engine's commit (made once)."""
    if not (path / "matcher").is_dir():
        log(f"git worktree add {path} {PREVIOUS}")
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(path), PREVIOUS], cwd=REPO, check=True
        )
    return path


def engine_row(checkout: Path, size: int, *, limit: float, snapshot: bool) -> dict[str, Any]:
    """Run the worker under `checkout`'s matcher; keep the steps that finished in time."""
    command = [sys.executable, str(WORKER), "--size", str(size)]
    if snapshot:
        command.append("--snapshot")
    env = {**os.environ, "PYTHONPATH": str(checkout), "HF_HUB_OFFLINE": "1"}
    with tempfile.TemporaryFile("w+") as out:
        # cwd outside both checkouts, so that only PYTHONPATH decides which matcher loads
        worker = subprocess.Popen(command, stdout=out, env=env, cwd=tempfile.gettempdir())
        try:
            worker.wait(timeout=limit)
            finished = worker.returncode == 0
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
            finished = False
        out.seek(0)
        lines = [json.loads(line) for line in out if line.startswith("{")]
    row: dict[str, Any] = {"first_match": {}}
    for line in lines:
        step = line.pop("step")
        if step == "first_match":
            row["first_match"][line["target"]] = line["ms"]
        else:
            row[step] = line
    missing = [step for step in STEPS if not row.get(step)]
    if not finished or missing:
        row["did_not_finish"] = {
            "time_limit_s": limit,
            "exit_code": worker.returncode,  # negative: killed at the time limit
            "steps": missing,
        }
    return row


def checks(engine: dict[str, Any], http: dict[str, Any] | None) -> dict[str, Any]:
    """Each target of the issue with the measured figure and whether it is met."""
    found: dict[str, Any] = {}
    largest = engine.get("100000", {}).get("current", {})
    if "steady" in largest:
        found["engine_p50_ms_at_100k"] = _check(largest["steady"]["p50_ms"], 15)
        found["engine_p99_ms_at_100k"] = _check(largest["steady"]["p99_ms"], 40)
    for size, row in engine.items():
        current = row.get("current", {})
        if "steady" in current and "after_write" in current:
            bound = 2 * current["steady"]["p99_ms"]
            found[f"first_match_after_write_at_{size}"] = _check(
                current["after_write"]["max_ms"], round(bound, 2)
            )
    variants = {"": http or {}, **{f"_{name}": (http or {}).get(name, {}) for name in VARIANTS}}
    for suffix, run in variants.items():
        if "one_client" in run:
            found[f"http_p50_ms{suffix}"] = _check(run["one_client"]["p50_ms"], 80)
            found[f"throughput_4_vs_1_clients{suffix}"] = {
                "measured": run["throughput_ratio"],
                "target": 1.5,
                "met": run["throughput_ratio"] >= 1.5,
            }
    return found


def _check(measured: float, bound: float) -> dict[str, Any]:
    return {"measured": measured, "target": bound, "met": measured <= bound}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=[1000, 10_000, 100_000],
        help="None (`--sizes` alone): keep the engine rows of the last results.",
    )
    parser.add_argument("--time-limit", type=float, default=900, help="Seconds per engine run.")
    parser.add_argument("--no-previous", action="store_true", help="Skip the previous engine.")
    parser.add_argument("--old-checkout", type=Path, default=Path("/tmp/old-engine"))
    parser.add_argument("--no-http", action="store_true", help="Skip the HTTP rows.")
    parser.add_argument("--http-size", type=int, default=100_000)
    parser.add_argument("--pool", type=int, default=4000, help="Distinct texts (HTTP rows).")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--model", default=scale_http.Settings().model)
    parser.add_argument("--folder", type=Path, help="Build (or reuse) the HTTP network here.")
    args = parser.parse_args()

    engine: dict[str, Any] = {}
    if not args.sizes:
        engine = json.loads((RESULTS / "scale.json").read_text())["engine"]
    for size in args.sizes:
        row = engine.setdefault(str(size), {})
        log(f"current engine, {size} profiles")
        row["current"] = engine_row(REPO, size, limit=args.time_limit, snapshot=True)
        if not args.no_previous:
            log(f"previous engine ({PREVIOUS}), {size} profiles")
            checkout = previous_checkout(args.old_checkout)
            row["previous"] = engine_row(checkout, size, limit=args.time_limit, snapshot=False)

    http: dict[str, Any] | None = None
    write(results_of(engine, http))  # the engine rows are kept even if the HTTP rows fail
    if not args.no_http:
        folder = args.folder or Path(tempfile.gettempdir()) / f"smartmatch-scale-{args.http_size}"
        http = {"model": args.model, "distinct_texts": args.pool, "store": str(folder)}
        try:
            http["build_seconds"] = scale_http.build(folder, args.model, args.http_size, args.pool)
            http.update(
                scale_http.measure_variants(
                    folder, args.model, requests=args.requests, workers=args.workers
                )
            )
        except (Exception, SystemExit) as error:  # recorded in the results, not lost
            log(f"the HTTP rows failed: {error!r}")
            http["error"] = repr(error)
        http["method"] = scale_http.__doc__
    results = results_of(engine, http)
    write(results)
    print(json.dumps(results["checks"], indent=2))


def results_of(engine: dict[str, Any], http: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "benchmark": "SMART Match at scale (benchmarks/scale.py)",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "previous_engine": PREVIOUS,
        "method": __doc__,
        "engine": engine,
        "http": http,
        "targets": TARGETS,
        "checks": checks(engine, http),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_1m": round(os.getloadavg()[0], 2),
        },
    }


def write(results: dict[str, Any]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(results, indent=2) + "\n")
    plot(results, RESULTS / "scale.png")


def _commit() -> str:
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    )
    return found.stdout.strip()


if __name__ == "__main__":
    main()
