"""Locate the packaged ``definitions/`` folder.

In a wheel the folder is installed as ``npcs_review/_definitions``; in a source checkout
(an editable install) it is the ``definitions/`` folder at the top of the repository.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = ["definitions_root"]


@cache
def definitions_root() -> Traversable:
    """Return the root of the packaged definitions."""
    packaged = files("npcs_review").joinpath("_definitions")
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "definitions"
    if checkout.is_dir():
        return checkout
    msg = "npcs_review's definitions folder is missing: reinstall the package"
    raise FileNotFoundError(msg)
