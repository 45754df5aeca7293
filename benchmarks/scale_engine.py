"""One engine at one network size, in-process: the worker that benchmarks/scale.py runs.

Uses only the matcher's public API (the same under the previous engine), with the fast
HashingEncoder, so the figures are the engine's own and not the model's. Prints one JSON
object per finished step on stdout and progress on stderr; the caller keeps whatever
finished before its time limit.

    PYTHONPATH=<checkout> python benchmarks/scale_engine.py --size 10000
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import synthetic

from matcher import HashingEncoder, Kind, Matcher, MatchFilters, Profile, Query

STEP_SECONDS = 90.0  # a timing loop stops after this long, whatever its count


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def emit(step: str, **figures: Any) -> None:
    print(json.dumps({"step": step, **figures}), flush=True)


def rss_bytes() -> int:
    """Resident memory now (Linux), which counts FAISS's and NumPy's buffers too."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def timings(run: Callable[[int], object], count: int, label: str) -> dict[str, Any]:
    """p50 and p99 of `run(n)` over at most `count` calls and STEP_SECONDS."""
    samples: list[float] = []
    started = time.perf_counter()
    for number in range(count):
        began = time.perf_counter()
        run(number)
        samples.append(time.perf_counter() - began)
        if time.perf_counter() - started > STEP_SECONDS:
            break
        if number and number % 50 == 0:
            log(f"{label}: {number}/{count}")
    ordered = sorted(samples)
    return {
        "samples": len(ordered),
        "p50_ms": round(1000 * statistics.median(ordered), 2),
        "p99_ms": round(1000 * ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))], 2),
        "max_ms": round(1000 * ordered[-1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--writes", type=int, default=10)
    parser.add_argument("--snapshot", action="store_true", help="Also time copying the matcher.")
    args = parser.parse_args()
    import matcher

    log(f"engine at {Path(matcher.__file__).parent}; generating {args.size} profiles")
    profiles = [Profile.model_validate(row) for row in synthetic.profiles(args.size)]
    asked = synthetic.needs(args.queries)
    engine = Matcher(HashingEncoder())

    log("building")
    before, started = rss_bytes(), time.perf_counter()
    engine.add(profiles)
    build = time.perf_counter() - started
    emit(
        "build",
        seconds=round(build, 2),
        memory_per_profile_bytes=round((rss_bytes() - before) / args.size),
        vectors=engine.vector_count(),
    )
    log(f"built in {build:.1f} s")

    def match(number: int, filtered: bool = False) -> object:
        text, target = asked[number % len(asked)]
        chosen = MatchFilters(**synthetic.filters(number)) if filtered else None
        return engine.match(Query(text=text), target_kind=Kind(target), k=10, filters=chosen)

    for target in synthetic.TARGETS:  # each kind's first match, after the build
        started = time.perf_counter()
        engine.match(Query(text=asked[0][0]), target_kind=Kind(target), k=10)
        emit("first_match", target=target, ms=round(1000 * (time.perf_counter() - started), 2))
        log(f"first match on {target}s done")
    emit("steady", **timings(match, args.queries, "steady"))
    emit("filtered", **timings(lambda n: match(n, filtered=True), args.queries, "filtered"))
    emit("after_write", **after_writes(engine, Query(text=asked[0][0]), args.writes))
    if args.snapshot:
        emit("snapshot", **timings(lambda _: copy.deepcopy(engine), 3, "snapshot copy"))


def after_writes(engine: Matcher, query: Query, count: int) -> dict[str, Any]:
    """A write (an upsert of a new expert), then the next match on experts, `count` times."""
    rows = synthetic.profiles(count, seed=99)
    writes: list[float] = []
    firsts: list[float] = []
    started = time.perf_counter()
    for number, row in enumerate(rows):
        profile = Profile.model_validate({**row, "id": f"new-{number}", "kind": "expert"})
        began = time.perf_counter()
        engine.upsert(profile)
        writes.append(time.perf_counter() - began)
        began = time.perf_counter()
        engine.match(query, target_kind=Kind.EXPERT, k=10)
        firsts.append(time.perf_counter() - began)
        log(f"write {number + 1}/{count}: next match {1000 * firsts[-1]:.0f} ms")
        if time.perf_counter() - started > STEP_SECONDS:
            break
    return {
        "samples": len(firsts),
        "write_p50_ms": round(1000 * statistics.median(writes), 2),
        "p50_ms": round(1000 * statistics.median(firsts), 2),
        "max_ms": round(1000 * max(firsts), 2),
    }


if __name__ == "__main__":
    main()
