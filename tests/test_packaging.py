"""What the wheel carries: every code package, the shipped data found through the package,
and docs assets served by the service itself (the wheel itself: tests/test_wheel.py)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service import __version__
from service.api import create_app
from service.cli import app as cli
from service.config import Settings
from service.resources import shipped
from tests.conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_code_package_is_in_the_wheel() -> None:
    """pyproject.toml lists the packages by hand (it maps data/ and models/ into `service`):
    a new folder of code must be added there, or an installed wheel would lack it."""
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    code = {
        ".".join(init.parent.relative_to(REPO).parts)
        for top in ("matcher", "service")
        for init in (REPO / top).rglob("__init__.py")
    }
    assert code <= listed, f"add {sorted(code - listed)} to [tool.setuptools] packages"
    assert listed - code == {
        "service.data",
        "service.data.demo",
        "service.data.esco",
        "service.models",
    }


def test_defaults_are_the_shipped_files() -> None:
    settings = Settings()
    assert settings.esco_skills == shipped("data", "esco", "skills.csv.gz")
    assert settings.fusion_model == shipped("models", "fusion.json")
    assert settings.demo_data == shipped("data", "demo", "profiles.jsonl")
    for path in (settings.esco_skills, settings.fusion_model, settings.demo_data):
        assert path.is_file() and path.is_absolute(), path


def test_state_follows_the_state_dir() -> None:
    settings = Settings(state_dir=Path("/srv/smartmatch"))
    assert settings.database_url == "sqlite:////srv/smartmatch/smartmatch.db"
    assert str(settings.index_path) == "/srv/smartmatch/index.npz"


def test_version_is_printed() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"smartmatch {__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", __version__)


def test_docs_page_loads_only_assets_the_service_serves(settings: Settings) -> None:
    with TestClient(create_app(settings, encoder=None)) as client:
        page = client.get("/docs")
        assert page.status_code == 200
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sources and all(s.startswith("/docs/assets/") for s in sources), sources
        assert "cdn" not in page.text
        for source in sources:
            asset = client.get(source)
            assert asset.status_code == 200 and len(asset.content) > 500, source
        assert client.get("/redoc").status_code == 404
        assert client.get("/openapi.json").json()["info"]["version"] == __version__
