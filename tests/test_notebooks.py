"""The evaluation notebooks run end to end on small data, and are committed without outputs.

Each notebook is executed with nbclient in the interpreter running the tests: ipykernel's
wheel installs the `python3` kernel spec into `{sys.prefix}/share/jupyter/kernels` with
`python` as its command, which jupyter_client replaces by `sys.executable`, and inside a
virtual environment jupyter_core searches the environment's folder before the user's. The
notebooks write their figures to SMARTMATCH_NB_OUT as JSON, and the tests check those.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from tests.conftest import BENCH, REPO

NOTEBOOKS = REPO / "notebooks"
NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("*.ipynb"))
KERNEL = "python3"


def run_notebook(name: str, out: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> Path:
    """Execute notebooks/<name> in a kernel that inherits `env`; keep the executed copy."""
    spec = KernelSpecManager().get_kernel_spec(KERNEL)
    if spec.argv[0] not in {"python", "python3", sys.executable}:
        pytest.fail(f"kernel {KERNEL!r} runs {spec.argv[0]}, not this interpreter")
    for key in list(os.environ):
        if key.startswith("SMARTMATCH_NB_"):
            monkeypatch.delenv(key)  # a developer's own settings must not change the test
    settings = {"MPLBACKEND": "Agg", "HF_HUB_OFFLINE": "1", "SMARTMATCH_NB_OUT": str(out), **env}
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL,
        timeout=900,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    try:
        client.execute()
    finally:
        nbformat.write(notebook, out / name)  # the executed copy, to look at when a test fails
    return out / name


def summary(out: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / name).read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda path: path.name)
def test_notebooks_are_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, (
                f"{path.name} has outputs: clear them before committing"
            )


def test_notebook_files_exist() -> None:
    assert {path.name for path in NOTEBOOK_FILES} >= {"quality.ipynb", "exposure.ipynb"}


def test_every_notebook_setting_is_documented() -> None:
    used = set()
    for path in NOTEBOOK_FILES:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            used |= set(re.findall(r"SMARTMATCH_NB_[A-Z_]+", cell.source))
    readme = (NOTEBOOKS / "README.md").read_text(encoding="utf-8")
    assert used == set(re.findall(r"`(SMARTMATCH_NB_[A-Z_]+)`", readme))


ENGLISH_BENCHES = ("experts-dblp", "placements-esco", "skills-jobads-dev")
CROSSLINGUAL = "crosslingual-dev"
LANGUAGES = ["sq (Albanian)", "bs (Bosnian)", "hr (Croatian)", "sr (Serbian (Cyrillic))"]
LANGUAGES += ["mk (Macedonian)", "all"]


@pytest.mark.slow
def test_quality_notebook_on_a_slice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    present = [name for name in ENGLISH_BENCHES if (BENCH / name).is_dir()]
    if not present:
        pytest.skip(f"shared benchmarks {BENCH} are not there (they live beside the checkout)")
    run_notebook(
        "quality.ipynb",
        tmp_path,
        monkeypatch,
        SMARTMATCH_NB_QUERIES="20",
        SMARTMATCH_NB_DISTRACTORS="40",
    )
    found = summary(tmp_path, "quality.json")
    assert sorted(found["benchmarks"]) == sorted(present)
    for name, bench in found["benchmarks"].items():
        assert bench["queries"] == 20
        assert set(bench["metrics"]) == {"default", "tfidf", "bm25", "dense", "dense-maxsim"}
        for metrics in bench["metrics"].values():
            assert all(0.0 <= value <= 1.0 for value in metrics.values()), name
        worst = [row["nDCG@10"] for row in bench["worst"]]
        assert len(worst) == 5 and worst == sorted(worst), name
        per_query = sorted(bench["default ndcg@10 per query"].values())
        assert worst == pytest.approx(per_query[:5]), name
        assert len(bench["distributions"]["top1"]) == 20, name
    assert (tmp_path / "metrics.png").is_file() and (tmp_path / "scores.png").is_file()
    if "experts-dblp" in found["benchmarks"]:
        experts = found["benchmarks"]["experts-dblp"]["metrics"]
        assert experts["default"]["ndcg@10"] >= experts["dense"]["ndcg@10"]
    if (BENCH / CROSSLINGUAL).is_dir():
        check_crosslingual(found["crosslingual"])


def check_crosslingual(found: dict[str, Any]) -> None:
    """crosslingual-dev is evaluated whole (the slice settings leave it alone): a row per
    language and one for all, each method's nDCG@10, the default's ratio to plain e5."""
    assert (found["queries"], found["profiles"]) == (1500, 1004)
    methods = ["default", "e5 cosine", "default encoder cosine", "bm25"]
    assert list(found["seconds"]) == methods
    rows = found["languages"]
    assert [row["language"] for row in rows] == LANGUAGES
    assert [row["queries"] for row in rows] == [300] * 5 + [1500]
    for row in rows:
        assert all(0.0 <= row[method] <= 1.0 for method in methods), row
        ratio = row["default / e5 cosine"]
        assert ratio == pytest.approx(row["default"] / row["e5 cosine"]), row
        assert row[">= 0.98"] == ("yes" if ratio >= 0.98 else "**no**"), row


@pytest.mark.slow
def test_quality_notebook_without_benchmarks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    executed = run_notebook(
        "quality.ipynb", tmp_path, monkeypatch, SMARTMATCH_NB_BENCH_DIR=str(tmp_path / "nowhere")
    )
    found = summary(tmp_path, "quality.json")
    assert found["benchmarks"] == {} and found["crosslingual"] == {}
    assert found["missing"] == [*ENGLISH_BENCHES, CROSSLINGUAL]
    text = executed.read_text(encoding="utf-8")
    assert "Benchmarks not found" in text
    assert f"{CROSSLINGUAL} is not selected or not in" in text


@pytest.mark.slow
def test_exposure_notebook_on_the_demo_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_notebook("exposure.ipynb", tmp_path, monkeypatch)
    found = summary(tmp_path, "exposure.json")
    # 15 requests -> experts, 40 students -> placements, 20 placements -> students; k = 5
    assert found["shown"] == 5 * (15 + 40 + 20)
    for group in ("country", "centre"):
        rows = found[group]
        assert sum(row["exposure share"] for row in rows) == pytest.approx(1.0)
        assert sum(row["profile share"] for row in rows) == pytest.approx(1.0)
        assert sum(row["fair share"] for row in rows) == pytest.approx(1.0)
    assert {row["country"] for row in found["country"]} == {"AL", "BA", "ME"}
    assert len(found["centre"]) == 7
    assert 0.0 <= found["gini"]["all"] < 1.0
    counts = found["counts"]
    assert sum(counts.values()) == found["shown"]
    assert {row["id"] for row in found["never shown"]} == {p for p, n in counts.items() if n == 0}
