"""Top-10 ids per benchmark query from whichever `matcher` package is on the path.

Run as a script by tests/test_engine_oracle.py, once with this checkout and once with the
engine before the catalogue split (a git worktree), so both answer from the same code
path: exact backend, fast hashing encoder, and the same fixed fusion weights (those of
`hand_weights` then), so that later changes to the fusion model do not move the oracle.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from matcher import HashingEncoder, Matcher
from matcher.benchmarks import load_benchmark
from matcher.fusion import fixed_weights

WEIGHTS = {"dense": 0.45, "dense_english": 0.45, "neighbours": 0.3, "lexical": 0.1, "skills": 0.2}


def top10(folder: Path, queries: int) -> dict[str, list[str]]:
    benchmark = load_benchmark(folder)
    matcher = Matcher(HashingEncoder(), backend="exact", fusion=fixed_weights(**WEIGHTS))
    matcher.add(benchmark.profiles)
    return {
        item.id: [m.profile.id for m in matcher.match(item.query, target_kind=item.target_kind)]
        for item in benchmark.queries[:queries]
    }


if __name__ == "__main__":
    json.dump(top10(Path(sys.argv[1]), int(sys.argv[2])), sys.stdout)
