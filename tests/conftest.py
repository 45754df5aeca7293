"""Shared fixtures: encoders (a tiny deterministic one and the real model), settings on a
temporary SQLite file, the environment that gives the CLI those settings, and a factory for
profiles."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from matcher import Encoder, HashingEncoder, SentenceTransformerEncoder
from matcher.fusion import LearnedFusion
from service.config import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
BENCH = SHARED / "data" / "bench"
DEMO_PROFILES = REPO / "data" / "demo" / "profiles.jsonl"


@pytest.fixture
def hashing_encoder() -> Encoder:
    return HashingEncoder()


@pytest.fixture(scope="session")
def real_encoder() -> Encoder:
    """The real all-MiniLM-L6-v2, loaded once per test session from its PyPI package."""
    return SentenceTransformerEncoder()


def settings_in(folder: Path, **changes: Any) -> Settings:
    """Settings whose store and index live in `folder`: the fast hashing encoder, the demo
    network, no ESCO tagging (it would encode 13,896 labels), unless `changes` say otherwise."""
    defaults: dict[str, Any] = {
        "state_dir": folder,
        "database_url": f"sqlite:///{folder / 'store.db'}",
        "index_path": folder / "index.npz",
        "model": "hashing",
        "demo_data": DEMO_PROFILES,
        "esco_tagging": False,
    }
    return Settings(**{**defaults, **changes})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_in(tmp_path)


def require_bench(name: str) -> Path:
    folder = BENCH / name
    if not folder.is_dir():
        pytest.skip(f"shared benchmark {folder} is not there (it lives beside the checkout)")
    return folder


def cli_env(settings: Settings) -> dict[str, str]:
    """The environment that gives the `smartmatch` command exactly these settings (ESCO
    tagging included: the fixture's is off, so no test loads 13,896 labels for nothing)."""
    return {
        f"SMARTMATCH_{name.upper()}": str(value).lower() if isinstance(value, bool) else str(value)
        for name, value in settings.model_dump().items()
    }


def shipped_fusion() -> LearnedFusion:
    """The fusion model the service ships (models/fusion.json, see models/fusion.md)."""
    return LearnedFusion.load(REPO / "models" / "fusion.json")
