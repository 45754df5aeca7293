"""The staff workflow in simulation: one command, JSON results and a plot.

The demo network (145 profiles) is grown to about 2,000 by variants of each profile (same
text, another id, country, centre, mode, languages and capacity). Every open request and
student gets its engine top-k; each candidate pair is then accepted or not by a hidden
preference that the unlearned ranking (the dense cosine) only partly sees:

    logit = 6 (dense - mean dense) + 1.5 same_country + 1.0 mode_fit + 0.8 shared_language
            + 1.0 esco_overlap - 1.5

Per seed, the items are split in half (by item): the re-ranker is trained on one half's
feedback and nDCG@10 is measured on the other half's, learned against unlearned (the ratio
per seed, and its 95% t-interval over seeds). The grouped cross-validation the service runs
before it adopts the re-ranker (GroupKFold by item on the training half) is reported too.
The round's allocation (global, capacity-aware) is compared with greedy top-1 on total fit,
coverage and the Gini coefficient of expert exposure (suggestions per expert, zeros kept),
and with a stronger greedy that falls back to an item's next free candidate.

    HF_HUB_OFFLINE=1 python benchmarks/workflow_simulation.py              # hashing encoder
    HF_HUB_OFFLINE=1 python benchmarks/workflow_simulation.py --model all-MiniLM-L6-v2

Writes benchmarks/results/workflow_simulation.json and workflow_simulation.png.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from matcher import Kind, Matcher, Profile, load_encoder
from matcher.assignment import Candidate, allocate, gini, greedy_top1
from matcher.pair_features import PAIR_FEATURES, pair_features
from matcher.queries import query_for
from matcher.reranker import PairReranker, compare_by_groups, ndcg_at
from matcher.rounds import ROUND_TARGETS, item_filters, suits_target, units_left

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo" / "profiles.jsonl"
RESULTS = REPO / "benchmarks" / "results"
HIDDEN = {"same_country": 1.5, "mode_fit": 1.0, "shared_language": 0.8, "esco_overlap": 1.0}
HOURS_PER_REQUEST = 4


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def grown_network(size: int, seed: int) -> list[Profile]:
    """The demo profiles and variants of them, about `size` in all."""
    rng = random.Random(seed)
    demo = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]
    centres = sorted({row["centre"] for row in demo})
    countries = {row["centre"]: row["country"] for row in demo}
    grown = [Profile.model_validate(row) for row in demo]
    copy = 0
    while len(grown) < size:
        row = dict(rng.choice(demo))
        copy += 1
        centre = rng.choice(centres)
        row.update(id=f"{row['id']}-v{copy}", centre=centre, country=countries[centre])
        row["mode"] = rng.choice(["on-site", "virtual", "hybrid"])
        row["languages"] = sorted({"en", *rng.sample(["sq", "sr", "bs", "hr"], 1)})
        if row["kind"] in ("expert", "placement"):
            row["capacity"] = rng.choice([4, 6, 8, 12]) if row["kind"] == "expert" else 2
        row.pop("owner", None)
        grown.append(Profile.model_validate(row))
    return grown


def candidate_pairs(matcher: Matcher, k: int) -> dict[str, Any]:
    """Every round item's top-k pairs with their features, per kind, as a round sees them."""
    found: dict[str, Any] = {}
    for source, target in ROUND_TARGETS.items():
        units = HOURS_PER_REQUEST if source == Kind.REQUEST else 1
        items = matcher.profiles(source)
        log(f"matching {len(items)} {source.value}s to {target.value}s")
        rows, capacity = [], {}
        for item in items:
            matches = matcher.match(
                query_for(item),
                target_kind=target,
                k=k,
                filters=item_filters(item, units),
                exclude={item.id},
            )
            for rank, match in enumerate(m for m in matches if suits_target(item, m.profile)):
                room = units_left(match.profile, units, 0)
                capacity[match.profile.id] = room
                features = pair_features(item, match, capacity_left=room, acceptance_rate=0.5)
                rows.append((item.id, match.profile.id, rank, features))
        found[source.value] = {
            "rows": rows,
            "capacity": capacity,
            "targets": len(matcher.profiles(target)),
        }
    return found


def hidden_labels(rows: list[Any], rng: np.random.Generator) -> np.ndarray:
    dense = np.array([r[3]["dense"] for r in rows])
    logit = 6 * (dense - dense.mean()) - 1.5
    for name, weight in HIDDEN.items():
        logit += weight * np.array([r[3][name] for r in rows])
    return (rng.random(len(rows)) < 1 / (1 + np.exp(-logit))).astype(np.int64)


def mean_ndcg(scores: np.ndarray, labels: np.ndarray, groups: np.ndarray) -> float:
    values = [
        ndcg_at(scores[groups == g], labels[groups == g].astype(np.float64))
        for g in np.unique(groups)
        if labels[groups == g].max() > 0
    ]
    return float(np.mean(values))


def reranking(rows: list[Any], seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    X = np.array([[r[3][name] for name in PAIR_FEATURES] for r in rows])
    y = hidden_labels(rows, rng)
    groups = np.array([r[0] for r in rows], dtype=object)
    items = np.unique(groups)
    train_items = set(rng.permutation(items)[: len(items) // 2].tolist())
    train = np.array([g in train_items for g in groups])
    model = PairReranker().fit(X[train], y[train])
    dense = PAIR_FEATURES.index("dense")
    learned = mean_ndcg(model.predict(X[~train]), y[~train], groups[~train])
    plain = mean_ndcg(X[~train, dense], y[~train], groups[~train])
    decision = compare_by_groups(X[train], y[train], groups[train])
    return {
        "learned_ndcg@10": learned,
        "unlearned_ndcg@10": plain,
        "ratio": learned / plain,
        "accept_rate": float(y.mean()),
        "service_decision": decision,
    }


def allocation(kind: dict[str, Any]) -> dict[str, Any]:
    candidates: dict[str, list[Candidate]] = {}
    for item, target, _, features in kind["rows"]:
        candidates.setdefault(item, []).append(Candidate(target, features["dense"]))
    result = {}
    methods = {
        "global": allocate(candidates, kind["capacity"]),
        "greedy_top1": greedy_top1(candidates, kind["capacity"]),
        "greedy_first_free": greedy_top1(candidates, kind["capacity"], depth=len(candidates)),
    }
    for name, chosen in methods.items():
        load = list(chosen.load().values())
        load += [0] * (kind["targets"] - len(load))
        result[name] = {
            "total_fit": round(chosen.total_fit, 3),
            "covered": len(chosen.pairs),
            "items": len(candidates),
            "gini_exposure": round(gini(load), 4),
        }
    return result


def interval(values: list[float]) -> list[float]:
    mean, sem = float(np.mean(values)), float(stats.sem(values)) if len(values) > 1 else 0.0
    half = sem * float(stats.t.ppf(0.975, len(values) - 1)) if len(values) > 1 else 0.0
    return [round(mean - half, 4), round(mean + half, 4)]


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    seeds = results["seeds"]
    left.plot(range(len(seeds)), [s["request"]["ratio"] for s in seeds], "o-", label="requests")
    left.plot(range(len(seeds)), [s["student"]["ratio"] for s in seeds], "s-", label="students")
    left.axhline(1.0, color="grey", linestyle="--")
    left.set(title="nDCG@10 learned / unlearned (held-out items)", xlabel="seed", ylabel="ratio")
    left.set_xticks(range(len(seeds)))
    left.legend()
    kinds = list(results["allocation"])
    width = 0.27
    for offset, method in ((0, "global"), (width, "greedy_top1"), (2 * width, "greedy_first_free")):
        values = [
            results["allocation"][k][method]["covered"] / results["allocation"][k][method]["items"]
            for k in kinds
        ]
        right.bar(np.arange(len(kinds)) + offset, values, width, label=method)
    right.set_xticks(np.arange(len(kinds)) + width, kinds)
    right.set(title="items paired within capacity", ylabel="coverage")
    right.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--model", default="hashing")
    parser.add_argument("--out", type=Path, default=RESULTS / "workflow_simulation.json")
    args = parser.parse_args()
    started = time.perf_counter()
    profiles = grown_network(args.size, seed=1)
    log(f"{len(profiles)} profiles; encoding with {args.model}")
    matcher = Matcher(load_encoder(args.model), backend="exact")
    matcher.add(profiles, show_progress=True)
    pairs = candidate_pairs(matcher, args.k)
    seeds = []
    for seed in range(args.seeds):
        log(f"seed {seed}: feedback from the hidden preference, train on half, test on half")
        seeds.append({kind: reranking(found["rows"], seed) for kind, found in pairs.items()})
    results = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python benchmarks/workflow_simulation.py", *sys.argv[1:]]),
        "model": args.model,
        "profiles": len(profiles),
        "k": args.k,
        "hidden_preference": HIDDEN,
        "seeds": seeds,
        "ndcg_ratio": {
            kind: {
                "mean": round(float(np.mean([s[kind]["ratio"] for s in seeds])), 4),
                "ci95": interval([s[kind]["ratio"] for s in seeds]),
            }
            for kind in pairs
        },
        "service_adopts": {
            kind: sum(s[kind]["service_decision"]["wins"] for s in seeds) for kind in pairs
        },
        "allocation": {kind: allocation(found) for kind, found in pairs.items()},
        "seconds": round(time.perf_counter() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    plot(results, args.out.with_suffix(".png"))
    log(f"wrote {args.out} and its plot")
    print(
        json.dumps(
            {k: results[k] for k in ("ndcg_ratio", "service_adopts", "allocation")}, indent=2
        )
    )


if __name__ == "__main__":
    main()
