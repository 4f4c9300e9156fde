"""Where the real consumer tools are, or a skip that says how to get them.

The consumer tests (``tests/test_consumer_*.py``) run the tools people use on our outputs.
`.ci/run` installs them; on a machine without one, its tests skip with a message naming the
install step. Node packages live in ``tests/js`` (``npm ci --prefix tests/js``; ``make test``
runs it when npm is present), Python ones in the ``dev`` extra, Debian ones via apt.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

JS = ROOT / "tests" / "js"
NODE_MODULES = JS / "node_modules"
_NPM_HINT = "install Node.js, then run `npm ci --prefix tests/js` (make test does this)"


def node() -> str:
    """The node executable, or skip."""
    found = shutil.which("node")
    if found is None:
        pytest.skip(f"Node.js is not installed: {_NPM_HINT}")
    return found


def node_package(path: str) -> Path:
    """A file inside ``tests/js/node_modules``, or skip."""
    node()
    found = NODE_MODULES / path
    if not found.exists():
        pytest.skip(f"{path} is not installed: {_NPM_HINT}")
    return found


def node_bin(name: str) -> Path:
    """An executable that a package in ``tests/js`` installs, or skip."""
    return node_package(f".bin/{name}")


def program(name: str, install: str) -> str:
    """A program on PATH, or skip saying how to install it."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed: {install} (.ci/run does this)")
    return found


def chromium() -> str:
    """The system Chromium (never a downloaded browser), or skip."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("no Chromium: `apt-get install chromium` enables this test (.ci/run does)")
    return found


def run(args: list[str | Path], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a tool with a time limit and text output (never raising on a non-zero exit)."""
    return subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        check=False,
        timeout=kwargs.pop("timeout", 300),
        **kwargs,
    )
