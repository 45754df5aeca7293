"""The plot of benchmarks/results/scale.json: latency, writes, build and memory by size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

ENGINES = {"current": "current engine", "previous": "previous engine (d7ed2bc)"}
COLOUR = {"current": "tab:blue", "previous": "tab:orange"}


def series(results: dict[str, Any], engine: str, pick: Any) -> tuple[list[int], list[float]]:
    """(sizes, values) where the engine finished the step."""
    sizes, values = [], []
    for size, row in sorted(results["engine"].items(), key=lambda item: int(item[0])):
        try:
            value = pick(row[engine])
        except (KeyError, TypeError):
            continue
        sizes.append(int(size))
        values.append(value)
    return sizes, values


def plot(results: dict[str, Any], path: Path) -> None:
    panels = [
        ("steady match (ms)", lambda r: r["steady"]["p50_ms"], lambda r: r["steady"]["p99_ms"]),
        (
            "filtered match (ms)",
            lambda r: r["filtered"]["p50_ms"],
            lambda r: r["filtered"]["p99_ms"],
        ),
        ("first match after a write (ms, max)", lambda r: r["after_write"]["max_ms"], None),
        ("build (s)", lambda r: r["build"]["seconds"], None),
        ("memory per profile (KiB)", lambda r: r["build"]["memory_per_profile_bytes"] / 1024, None),
    ]
    figure, axes = plt.subplots(2, 3, figsize=(15, 8.5))
    for axis, (title, first, second) in zip(axes.flat, panels, strict=False):
        for engine, label in ENGINES.items():
            sizes, values = series(results, engine, first)
            if sizes:
                name = f"{label} p50" if second else label
                axis.plot(sizes, values, "-o", color=COLOUR[engine], label=name)
            if second is not None:
                sizes, values = series(results, engine, second)
                if sizes:
                    axis.plot(sizes, values, ":^", color=COLOUR[engine], label=f"{label} p99")
        axis.set_title(title)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("profiles")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7)
    _http_panel(axes.flat[-1], results.get("http"))
    figure.suptitle(f"SMART Match at scale · {results['date']} · commit {results['commit']}")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _http_panel(axis: Any, http: dict[str, Any] | None) -> None:
    axis.set_title(f"POST /match over HTTP ({(http or {}).get('model', 'real model')})")
    if not http or "one_client" not in http:
        axis.text(0.5, 0.5, http.get("error", "not measured") if http else "not measured")
        axis.set_axis_off()
        return
    one, many = http["one_client"], http["concurrent_clients"]
    labels = ["1 client", f"{many['workers']} clients"]
    bars = axis.bar(labels, [one["throughput_rps"], many["throughput_rps"]], color="#4c72b0")
    for bar, run in zip(bars, (one, many), strict=True):
        axis.annotate(
            f"p50 {run['p50_ms']:.0f} ms",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
        )
    axis.set_ylabel("requests / s")
    axis.set_xlabel(f"{http['profiles']} profiles, {http['distinct_texts']} distinct texts")
