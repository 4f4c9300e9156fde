"""The wheel installs into a fresh environment and works outside the source tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel and install it (without dependencies) into a fresh venv.

    The dependencies come from this environment's site-packages through a plain path entry,
    so nothing is downloaded; the source tree itself is not importable there.
    """
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(work),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = work.glob("npcs_review-*.whl")
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    return env_dir


def test_installed_wheel_validates_an_example(installed: Path, tmp_path: Path) -> None:
    """From outside the source tree the installed command validates a shipped example."""
    example = tmp_path / "case.yaml"
    shutil.copy(EXAMPLES / "near-fatality-abusive-head-trauma.yaml", example)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [str(installed / "bin" / "npcs-review"), "validate", str(example)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 valid" in done.stdout
    where = subprocess.run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "import npcs_review, npcs_review._resources as r; "
            "print(npcs_review.__file__); print(r.definitions_root())",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout.split()
    assert all(str(installed) in line for line in where), where
