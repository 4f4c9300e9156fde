"""A cache of compiled objects (the definitions registry) in the platform's cache folder.

Building the registry from ``definitions/`` costs a tenth of a second at every start; the
compiled object is kept instead, as a pickle, under a key made of everything it was built
from: the content of every definitions file, the library's version and the Python version. A
changed file or a new release gives a new key, so the object is rebuilt. The cache is never
trusted blindly: a file starts with a magic line and the SHA-256 digest of its payload, and is
used only when the digest matches, the file and its folder belong to the current user and no
one else may write them. Anything else (a missing, corrupt, truncated or foreign file, an
error while unpickling) means a rebuild, never a failure.

The folder is ``$NPCS_REVIEW_CACHE_DIR`` when set (tests use a temporary one; an empty value
turns the cache off), else the platform's cache folder: ``$XDG_CACHE_HOME/npcs-review`` or
``~/.cache/npcs-review`` on Linux, ``~/Library/Caches/npcs-review`` on macOS,
``%LOCALAPPDATA%/npcs-review/Cache`` on Windows.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar

__all__ = ["ENV", "cache_dir", "cached", "content_key", "definitions_key"]

ENV = "NPCS_REVIEW_CACHE_DIR"
_MAGIC = b"npcs-review cache 1\n"
_DIGEST = 32
T = TypeVar("T")


def cache_dir() -> Path | None:
    """The folder of the cache, or None when ``$NPCS_REVIEW_CACHE_DIR`` is set empty."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return Path(chosen) if chosen else None
    if sys.platform == "win32":  # pragma: no cover - platform-specific
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "npcs-review" / "Cache"
    if sys.platform == "darwin":  # pragma: no cover - platform-specific
        return Path.home() / "Library" / "Caches" / "npcs-review"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "npcs-review"


def content_key(version: str, files: Iterable[tuple[str, bytes]]) -> str:
    """A key for what an object is built from: names and contents, library and Python versions."""
    h = hashlib.sha256()
    interpreter = f"{sys.implementation.cache_tag} {sys.version} pickle {pickle.HIGHEST_PROTOCOL}"
    for part in (version.encode(), interpreter.encode()):
        h.update(len(part).to_bytes(8, "big") + part)
    for name, data in files:
        for part in (name.encode(), data):
            h.update(len(part).to_bytes(8, "big") + part)
    return h.hexdigest()


def _definition_files(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, bytes]]:
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            if name != "schemas":  # generated from the models, never read by the registry
                yield from _definition_files(entry, f"{name}/")
        elif entry.name.endswith((".yaml", ".yml", ".json")):
            yield name, entry.read_bytes()


def _code_files() -> Iterator[tuple[str, bytes]]:
    """Each module of the library with its size and time of change.

    A changed module gives a new key even without a new version number (a checkout).
    """
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        info = path.stat()
        yield str(path.relative_to(package)), f"{info.st_size} {info.st_mtime_ns}".encode()


def definitions_key() -> str:
    """The key of the compiled packaged definitions: their content, the library and Python."""
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    from npcs_review._resources import definitions_root  # noqa: PLC0415

    try:
        library = version("npcs-review")
    except PackageNotFoundError:  # pragma: no cover - a source tree without install
        library = "0.0.0"
    files = [*_definition_files(definitions_root()), *_code_files()]
    return content_key(library, files)


def _private(path: Path) -> bool:
    """Whether only the current user may have written ``path`` (always true on Windows)."""
    if not hasattr(os, "getuid"):  # pragma: no cover - Windows
        return True
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _load(file: Path) -> object:
    """The object stored in ``file``.

    Raises:
        ValueError: if the file is foreign, not a cache file, or its digest does not match.
        OSError: if it cannot be read.
    """
    if not (_private(file.parent) and _private(file)):
        msg = f"{file} may be written by another user"
        raise ValueError(msg)
    data = file.read_bytes()
    head = len(_MAGIC) + _DIGEST
    if not data.startswith(_MAGIC) or len(data) < head:
        msg = f"{file} is not a cache file"
        raise ValueError(msg)
    payload = data[head:]
    if hashlib.sha256(payload).digest() != data[len(_MAGIC) : head]:
        msg = f"{file} is corrupt (its digest does not match)"
        raise ValueError(msg)
    return pickle.loads(payload)  # our own file: private, digest-checked


def _store(folder: Path, name: str, value: object) -> None:
    """Write ``value`` as ``folder/name`` atomically, and drop older entries of the same kind."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
        Path(tmp).replace(folder / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    kind = name.split("-", 1)[0]
    for old in folder.glob(f"{kind}-*.pickle"):
        if old.name != name:
            old.unlink(missing_ok=True)


def cached(kind: str, key: str, build: Callable[[], T], expected: type[T]) -> T:
    """The object of ``kind`` stored under ``key``, else ``build()`` (then stored).

    The cache is an optimisation only: when it cannot be read or written, the object is built
    and returned all the same.
    """
    folder = cache_dir()
    if folder is None:
        return build()
    name = f"{kind}-{key[:40]}.pickle"
    try:
        value = _load(folder / name)
        if isinstance(value, expected):
            return value
    except Exception:  # missing, foreign, corrupt or stale: rebuild
        pass
    value = build()
    with contextlib.suppress(Exception):  # a read-only home or a full disk: no cache
        _store(folder, name, value)
    return value
