"""All settings in one validated class, read once from the environment (prefix SMARTMATCH_)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from matcher.index.auto import ANN_THRESHOLD
from service.resources import shipped


def default_state_dir() -> Path:
    """The user's data directory (`~/.local/share/smartmatch` on Linux, or under
    `$XDG_DATA_HOME`): the same wherever the service is started from."""
    return Path(platformdirs.user_data_dir("smartmatch", appauthor=False))


DEVELOPMENT_SECRET = "development only, not a secret"


class Settings(BaseSettings):
    """Every setting SMART Match reads; each is documented in the README's settings table."""

    model_config = SettingsConfigDict(env_prefix="SMARTMATCH_", extra="ignore")

    state_dir: Path = Field(
        default_factory=default_state_dir,
        description=(
            "Where the writable state lives (the store and the index) unless"
            " SMARTMATCH_DATABASE_URL or SMARTMATCH_INDEX_PATH say otherwise; created on first use."
        ),
    )
    database_url: str = Field(
        default_factory=lambda data: f"sqlite:///{data['state_dir'] / 'smartmatch.db'}",
        description="SQLAlchemy URL of the store, the single source of truth.",
    )
    index_path: Path = Field(
        default_factory=lambda data: data["state_dir"] / "index.npz",
        description="Where the vector index is saved; derived state, rebuilt when it disagrees.",
    )
    model: str = Field(
        default="all-MiniLM-L6-v2+e5",
        description=(
            "Encoder: a sentence-transformers name or path, `e5`, `hashing` (tests), or several"
            " joined by `+` (an ensemble; the default, chosen in models/README.md)."
        ),
    )
    index_backend: Literal["faiss", "exact"] = Field(
        default="faiss", description="Vector index backend."
    )
    ann_threshold: int = Field(
        default=ANN_THRESHOLD,
        ge=1,
        description=(
            "A kind with more vectors than this searches an approximate FAISS IVF index"
            " (recall@10 >= 0.95, matcher/index/ann.py), a smaller one exact FAISS;"
            " `/ready` says which. Only with the `faiss` backend."
        ),
    )
    search_threads: int = Field(
        default=1,
        ge=1,
        description=(
            "OpenMP threads one FAISS search may use, in every thread that matches. One is"
            " fastest when concurrent requests keep the cores busy (matcher/threads.py)."
        ),
    )
    encoder_threads: int = Field(
        default=1,
        ge=1,
        description=(
            "Threads one call to a model (torch, e5's engine) or to NumPy's BLAS may use. With"
            " one, an ensemble's models encode a query side by side and concurrent requests"
            " share the cores instead of fighting over them (README, Scale)."
        ),
    )
    query_batching: bool = Field(
        default=True,
        description=(
            "Encode the queries of concurrent requests together, one model call per core at"
            " most (matcher/batching.py); off, each request encodes its own."
        ),
    )
    query_side_by_side: bool = Field(
        default=True,
        description=(
            "An ensemble's models encode a query in parallel when no other query is encoding:"
            " a lone request waits for the slowest model, not their sum, but uses more than"
            " one core (README, Scale)."
        ),
    )
    esco_skills: Path = Field(
        default_factory=lambda: shipped("data", "esco", "skills.csv.gz"),
        description="The shipped ESCO skills subset used to tag profiles.",
    )
    esco_tagging: bool = Field(
        default=True, description="Tag every stored profile with ESCO skills."
    )
    fusion_model: Path = Field(
        default_factory=lambda: shipped("models", "fusion.json"),
        description=(
            "The learned fusion model that weighs the ranking signals (models/fusion.md);"
            " `smartmatch train-fusion` writes it."
        ),
    )
    demo_data: Path = Field(
        default_factory=lambda: shipped("data", "demo", "profiles.jsonl"),
        description="The demo network that `smartmatch demo` and `serve --demo` load.",
    )
    secret: str = Field(
        default="",
        description=(
            "Key of the digests under which log-in tokens are stored (at least 32 characters);"
            " required outside development. Changing it logs everyone out."
        ),
    )
    environment: Literal["development", "production"] = Field(
        default="production",
        description=(
            "`production` refuses to serve without a secret and sends Secure cookies;"
            " `development` (and `serve --demo`) use a fixed, public secret."
        ),
    )
    cors_origins: list[str] = Field(
        default_factory=list,
        description=(
            "Origins (JSON list) whose scripts may call the API with credentials; none by"
            " default, so browsers refuse every other site's scripts the answers."
        ),
    )
    session_hours: int = Field(
        default=12, ge=1, description="How long a log-in (bearer token or cookie) lasts."
    )

    def auth_secret(self) -> str:
        """The secret tokens are digested with; the public one in development."""
        return self.secret or DEVELOPMENT_SECRET

    def secret_problem(self) -> str | None:
        """Why this configuration must not serve, if it must not."""
        if self.environment == "development":
            return None
        if len(self.secret) < 32 or self.secret == DEVELOPMENT_SECRET:
            return (
                "SMARTMATCH_SECRET must be set to at least 32 random characters outside"
                " development (SMARTMATCH_ENVIRONMENT=development for a local try)"
            )
        return None


def refuse_unsafe_secret(settings: Settings) -> None:
    """Exit with status 2 and one line on stderr when `settings` must not serve."""
    problem = settings.secret_problem()
    if problem is not None:
        sys.stderr.write(f"error: {problem}\n")
        raise SystemExit(2)


def get_settings() -> Settings:
    """Read the settings from the environment; called once by each entry point."""
    return Settings()
