"""The files SMART Match reads at run time and ships inside its package.

The repository's `data/` (the ESCO subset, the demo network) and `models/` (the fusion
model and the model cards) are installed as the packages `service.data` and
`service.models` (pyproject.toml maps them without moving them). They are found through
`importlib.resources`, so an installed wheel finds them from any working directory, and an
editable install reads them where they are in the checkout.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Literal


def shipped(folder: Literal["data", "models"], *parts: str) -> Path:
    """The path of a file shipped in `data/` or `models/`, e.g. `shipped("data", "esco",
    "skills.csv.gz")`. A real path, because the settings hold paths an operator may change."""
    try:
        resource = files(f"service.{folder}").joinpath(*parts)
    except ModuleNotFoundError:  # a checkout whose editable install predates the mapping
        resource = Path(__file__).resolve().parents[1].joinpath(folder, *parts)
    if not isinstance(resource, Path):  # only a zipped install (zipimport) gets here
        raise RuntimeError(f"SMART Match must be installed unpacked to read {resource}")
    return resource
