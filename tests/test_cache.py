"""The compiled-registry cache: used when intact, rebuilt on a change, never trusted if corrupt."""

from __future__ import annotations

import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from npcs_review import _cache
from npcs_review.registry import Registry, default_registry


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder for this test."""
    target = tmp_path / "cache"
    monkeypatch.setenv(_cache.ENV, str(target))
    return target


class Counter:
    """A build function that counts its calls."""

    def __init__(self, value: Any) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> Any:
        self.calls += 1
        return self.value


def test_built_once_then_read_from_the_folder(folder: Path) -> None:
    """The first call builds and stores; the next reads the stored object (no build)."""
    build = Counter({"compiled": [1, 2, 3]})
    assert _cache.cached("thing", "k1", build, dict) == {"compiled": [1, 2, 3]}
    assert _cache.cached("thing", "k1", build, dict) == {"compiled": [1, 2, 3]}
    assert build.calls == 1
    [stored] = folder.iterdir()
    assert stored.name.startswith("thing-k1")
    if hasattr(os, "getuid"):
        assert stat.S_IMODE(stored.stat().st_mode) == 0o600
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_new_key_rebuilds_and_replaces_the_old_entry(folder: Path) -> None:
    """A change in what the object is built from (a new key) rebuilds; the old file goes."""
    _cache.cached("thing", "old", Counter([1]), list)
    build = Counter([2])
    assert _cache.cached("thing", "new", build, list) == [2]
    assert build.calls == 1
    assert [p.name[:9] for p in folder.iterdir()] == ["thing-new"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-7],  # truncated
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # one bit flipped in the payload
        lambda data: b"garbage",  # not a cache file at all
        lambda data: (
            data[: len(_cache._MAGIC)]  # a valid digest of a hostile payload is
            + __import__("hashlib").sha256(b"x").digest()  # still checked against the payload
            + pickle.dumps("not what was stored")
        ),
    ],
)
def test_a_corrupt_file_is_never_trusted(folder: Path, damage: object) -> None:
    """A damaged or foreign payload is rebuilt (and rewritten), never unpickled as found."""
    _cache.cached("thing", "k", Counter(["good"]), list)
    [stored] = folder.iterdir()
    stored.write_bytes(damage(stored.read_bytes()))  # type: ignore[operator]
    build = Counter(["rebuilt"])
    assert _cache.cached("thing", "k", build, list) == ["rebuilt"]
    assert build.calls == 1
    assert _cache.cached("thing", "k", Counter(["again"]), list) == ["rebuilt"]


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_file_others_may_write_is_not_trusted(folder: Path) -> None:
    """A cache file writable by group or others is ignored and rebuilt."""
    _cache.cached("thing", "k", Counter(["good"]), list)
    [stored] = folder.iterdir()
    stored.chmod(0o666)
    build = Counter(["rebuilt"])
    assert _cache.cached("thing", "k", build, list) == ["rebuilt"]
    assert build.calls == 1


def test_wrong_type_or_unwritable_folder_still_gives_the_object(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An object of another type is rebuilt; a folder that cannot be created is no failure."""
    monkeypatch.setenv(_cache.ENV, str(tmp_path / "cache"))
    _cache.cached("thing", "k", Counter([1]), list)
    build = Counter({"a": 1})
    assert _cache.cached("thing", "k", build, dict) == {"a": 1}
    assert build.calls == 1
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(_cache.ENV, str(blocker / "cache"))
    assert _cache.cached("thing", "k", Counter([1]), list) == [1]
    monkeypatch.setenv(_cache.ENV, "")
    assert _cache.cache_dir() is None
    assert _cache.cached("thing", "k", Counter([2]), list) == [2]


def test_the_key_covers_content_names_library_and_python() -> None:
    """Changing any file's content or name, or the library version, changes the key."""
    files = [("a.yaml", b"x: 1"), ("b.yaml", b"y: 2")]
    key = _cache.content_key("1.0.0", files)
    assert key == _cache.content_key("1.0.0", list(files))
    assert key != _cache.content_key("1.0.1", files)
    assert key != _cache.content_key("1.0.0", [("a.yaml", b"x: 2"), ("b.yaml", b"y: 2")])
    assert key != _cache.content_key("1.0.0", [("c.yaml", b"x: 1"), ("b.yaml", b"y: 2")])
    assert key != _cache.content_key("1.0.0", [("a.yaml", b"x: 1b.yaml"), ("", b"y: 2")])
    assert sys.version.split()[0] in repr(sys.version)  # the interpreter is part of every key


def test_the_registry_comes_from_the_cache_and_follows_the_definitions(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The packaged registry is stored once; a changed definitions file gives a new one."""
    import shutil  # noqa: PLC0415

    from npcs_review import _resources, registry  # noqa: PLC0415
    from tests.conftest import ROOT  # noqa: PLC0415

    default_registry.cache_clear()
    first = default_registry()
    [stored] = folder.glob("registry-*.pickle")
    default_registry.cache_clear()
    again = default_registry()
    assert isinstance(again, Registry)
    assert again is not first
    assert again.version == first.version
    assert sorted(again.definitions) == sorted(first.definitions)
    assert list(folder.glob("registry-*.pickle")) == [stored]

    copy = tmp_path / "definitions"
    shutil.copytree(ROOT / "definitions", copy)
    profile = copy / "jurisdictions" / "us_ky.yaml"
    text = profile.read_text(encoding="utf-8")
    assert "title: Kentucky" in text
    profile.write_text(text.replace("title: Kentucky", "title: Kentucky (edited)"), "utf-8")
    monkeypatch.setattr(_resources, "definitions_root", lambda: copy)
    monkeypatch.setattr(registry, "definitions_root", lambda: copy)
    default_registry.cache_clear()
    try:
        edited = default_registry()
    finally:
        default_registry.cache_clear()
    assert edited.profiles["us_ky"].title == "Kentucky (edited)"
    [replaced] = folder.glob("registry-*.pickle")
    assert replaced != stored
