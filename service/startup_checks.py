"""Start-up checks: every setting the service depends on, checked before a model is loaded.

A wrong setting stops the start at once with one line that names it and says what is wrong
(`smartmatch` exits with status 2), instead of a traceback after minutes of loading:

- a data file (SMARTMATCH_ESCO_SKILLS, SMARTMATCH_FUSION_MODEL, SMARTMATCH_DEMO_DATA) that
  is missing, unreadable or not what it should be;
- a state directory (SMARTMATCH_STATE_DIR, or the folder of SMARTMATCH_INDEX_PATH or of an
  SQLite SMARTMATCH_DATABASE_URL) that cannot be created or written to;
- a database URL that cannot be opened;
- a model name (SMARTMATCH_MODEL) that names no model this machine has.

The checks create the state directories on first use, and log where.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import typer
from pydantic import ValidationError
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from matcher import MatcherError
from matcher.encoders import DEFAULT_MODEL, E5_NAMES
from matcher.fusion import LearnedFusion
from matcher.skills import load_esco_skills
from service import __version__
from service.config import Settings, get_settings
from service.schema import current_revision, known_revisions

log = logging.getLogger("smartmatch.startup")


@dataclass(frozen=True)
class Problem:
    """What is wrong with one setting, said in one line."""

    setting: str
    message: str

    def __str__(self) -> str:
        return f"SMARTMATCH_{self.setting.upper()}: {self.message}"


def checked_settings(*, demo: bool = False) -> Settings:
    """The settings, read and checked: on any problem, one line per bad setting on stderr
    and exit status 2 (`typer.Exit`), before anything slow is loaded."""
    try:
        settings = get_settings()
    except ValidationError as error:
        problems = [Problem("_".join(map(str, e["loc"])), e["msg"].lower()) for e in error.errors()]
    else:
        problems = check_settings(settings, demo=demo)
    if problems:
        for problem in problems:
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(code=2)
    return settings


def log_start(settings: Settings) -> None:
    """Log the version and what this process will read and write, for the service's journal."""
    log.info("SMART Match %s, model %s", __version__, settings.model)
    log.info("store: %s", make_url(settings.database_url).render_as_string(hide_password=True))
    log.info("index: %s", settings.index_path.absolute())
    esco = settings.esco_skills.absolute() if settings.esco_tagging else "off"
    log.info("ESCO skills: %s; fusion model: %s", esco, settings.fusion_model.absolute())


def check_settings(settings: Settings, *, demo: bool = False) -> list[Problem]:
    """Every problem with the settings, in the order they are read; none means start.
    `demo` says whether the demo network will be loaded (then its file must be there)."""
    problems = [*_check_data(settings, demo=demo), *_check_model(settings.model)]
    return problems + _check_state(settings)


# -- data files ----------------------------------------------------------------------------


def _check_data(settings: Settings, *, demo: bool) -> Iterator[Problem]:
    if settings.esco_tagging:
        yield from _check_file("esco_skills", settings.esco_skills, _read_esco)
    yield from _check_file("fusion_model", settings.fusion_model, LearnedFusion.load)
    if demo:
        yield from _check_file("demo_data", settings.demo_data, Path.read_bytes)


def _check_file(setting: str, path: Path, read: Callable[[Path], object]) -> Iterator[Problem]:
    if not path.exists():
        yield Problem(setting, f"{path} does not exist")
    elif not path.is_file():
        yield Problem(setting, f"{path} is not a file")
    else:
        try:
            read(path)
        except (OSError, ValueError, KeyError, TypeError, EOFError, MatcherError) as error:
            yield Problem(setting, f"cannot read {path}: {_one_line(error)}")


def _read_esco(path: Path) -> None:
    if not load_esco_skills(path):
        raise ValueError("it lists no skills")


# -- the model -----------------------------------------------------------------------------


def _check_model(model: str) -> Iterator[Problem]:
    for name in model.split("+"):
        if not _model_is_available(name):
            yield Problem(
                "model",
                f"unknown model {name!r}: not one that ships with SMART Match"
                f" ({DEFAULT_MODEL}, e5, hashing), a local folder or a model in the"
                " Hugging Face cache (models are never downloaded)",
            )


def _model_is_available(name: str) -> bool:
    """Whether `matcher.load_encoder` can load this name offline, without loading it."""
    if name.startswith("hashing") or name in E5_NAMES:
        return True
    if name.lower().removeprefix("sentence-transformers/") == DEFAULT_MODEL.lower():
        return True
    if not name.strip():
        return False
    return Path(name).exists() or _in_hugging_face_cache(name)


def _in_hugging_face_cache(name: str) -> bool:
    from huggingface_hub import try_to_load_from_cache

    for repo_id in (name, f"sentence-transformers/{name}"):
        try:
            if isinstance(try_to_load_from_cache(repo_id, "config.json"), str):
                return True
        except ValueError:  # not a valid repository id
            continue
    return False


# -- writable state ------------------------------------------------------------------------


def _check_state(settings: Settings) -> list[Problem]:
    """The store and the index folders exist (created on first use) and can be written to,
    and the database opens. A default path is blamed on SMARTMATCH_STATE_DIR."""
    explicit = settings.model_fields_set
    store = "database_url" if "database_url" in explicit else "state_dir"
    index = "index_path" if "index_path" in explicit else "state_dir"
    problems = []
    if wrong := _check_store(settings.database_url):
        problems.append(Problem(store, wrong))
    if wrong := _check_index(settings.index_path):
        problems.append(Problem(index, wrong))
    return [p for i, p in enumerate(problems) if p not in problems[:i]]


def _check_store(url: str) -> str | None:
    database = sqlite_file(url)
    if database is not None and (wrong := _prepare_folder(database.parent)):
        return wrong
    return _open_database(url)


def _check_index(path: Path) -> str | None:
    if wrong := _prepare_folder(path.parent):
        return wrong
    return f"{path} is a folder, not a file" if path.is_dir() else None


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL (None for other databases, in-memory ones or a bad URL)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _prepare_folder(folder: Path) -> str | None:
    """Create the folder if it is missing, then write a scratch file in it; what went wrong."""
    if folder.exists() and not folder.is_dir():
        return f"{folder} is a file, not a folder"
    if not folder.exists():
        try:
            folder.mkdir(parents=True)
        except OSError as error:
            return f"cannot create the folder {folder}: {error.strerror or error}"
        log.info("created the state folder %s", folder.absolute())
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        return f"cannot write in {folder}: {error.strerror or error}"
    return None


def _open_database(url: str) -> str | None:
    """Open the store and read its schema's revision, changing nothing: a store is upgraded
    only once every setting is right (service/schema.py)."""
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return f"{url!r} is not a database URL (e.g. sqlite:////var/lib/smartmatch/store.db)"
    try:
        engine = create_engine(url)
    except (SQLAlchemyError, ImportError) as error:
        return f"cannot open {shown}: {_one_line(error)}"
    try:
        revision = current_revision(engine)
    except (SQLAlchemyError, OSError) as error:
        return f"cannot open {shown}: {_one_line(error)}"
    finally:
        engine.dispose()
    if revision is not None and revision not in known_revisions():
        return (
            f"the store {shown} is at schema revision {revision}, which this version"
            f" ({__version__}) does not know: it was made by a newer release"
        )
    return None


def _one_line(error: BaseException) -> str:
    """The error's own words on one line (SQLAlchemy adds a link and the driver's wrapper)."""
    original = getattr(error, "orig", None)
    text = str(original if isinstance(original, BaseException) else error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__
