"""Schema compatibility: find the changes that would break documents or consumers.

A change is *breaking* when a document valid under the old schema may be invalid under the new
one: a property removed (with ``additionalProperties: false``), a new required property, a
type, ``const`` or ``pattern`` changed, an ``enum`` value removed, a bound tightened. Released
schemas are kept in ``definitions/schemas/released/``; the test suite fails when the current
schema breaks one of them without a new major version (for 0.x versions, a new minor).

One ``$id``, one schema, forever: a version is *released* once its snapshot is committed under
``definitions/schemas/released/`` (``make release-schemas``, done when a package version is
released). From then on any change to that schema's content needs a new version;
``changed_under_released_id`` finds the schemas that break this rule.
"""

from __future__ import annotations

from typing import Any

__all__ = ["breaking_changes", "changed_under_released_id", "needs_new_major", "version_key"]

_TIGHTER = {
    "minimum": 1,
    "exclusiveMinimum": 1,
    "minLength": 1,
    "minItems": 1,
    "maximum": -1,
    "exclusiveMaximum": -1,
    "maxLength": -1,
    "maxItems": -1,
}


def _resolve(schema: dict[str, Any], node: Any) -> Any:
    while (
        isinstance(node, dict)
        and isinstance(node.get("$ref"), str)
        and node["$ref"].startswith("#/$defs/")
    ):
        node = {
            **schema["$defs"][node["$ref"].split("/")[-1]],
            **{k: v for k, v in node.items() if k != "$ref"},
        }
    return node


def _types(node: dict[str, Any]) -> set[str]:
    """The JSON types a node admits by its ``type`` keyword (all of them when absent)."""
    given = node.get("type", ["array", "boolean", "null", "number", "object", "string"])
    types = {given} if isinstance(given, str) else set(given)
    return types | {"integer"} if "number" in types else types


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """List the breaking changes from ``old`` to ``new`` (empty when compatible)."""
    found: list[str] = []
    _compare(old, new, old, new, "", found, set())
    return sorted(set(found))


def _compare(
    old_root: dict[str, Any],
    new_root: dict[str, Any],
    old: Any,
    new: Any,
    path: str,
    found: list[str],
    seen: set[tuple[int, int]],
) -> None:
    key = (id(old), id(new))  # the nodes as they stand in the two schemas: stable ids
    if key in seen:
        return
    seen.add(key)
    old, new = _resolve(old_root, old), _resolve(new_root, new)
    if not isinstance(old, dict) or not isinstance(new, dict):
        return
    where = path or "/"
    if "type" in new and not _types(old) <= _types(new):
        found.append(f"{where}: type changed from {old.get('type')!r} to {new['type']!r}")
    for word in ("const", "pattern"):
        if word in new and old.get(word) != new[word]:
            found.append(f"{where}: {word} changed from {old.get(word)!r} to {new[word]!r}")
    if "enum" in new:
        removed = set(map(repr, old.get("enum", []))) - set(map(repr, new["enum"]))
        if "enum" not in old or removed:
            found.append(f"{where}: enum values removed: {', '.join(sorted(removed)) or 'all'}")
    for word, sign in _TIGHTER.items():
        if word in new and (word not in old or (new[word] - old[word]) * sign > 0):
            found.append(f"{where}: {word} tightened to {new[word]}")
    if new.get("additionalProperties") is False and old.get("additionalProperties") is not False:
        found.append(f"{where}: additional properties no longer allowed")
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name in sorted(set(new.get("required", [])) - set(old.get("required", []))):
        found.append(f"{where}: property {name!r} is newly required")
    for name in sorted(set(old_props) - set(new_props)):
        if new.get("additionalProperties") is False:
            found.append(f"{where}: property {name!r} removed")
    for name in sorted(set(old_props) & set(new_props)):
        _compare(
            old_root,
            new_root,
            old_props[name],
            new_props[name],
            f"{path}/properties/{name}",
            found,
            seen,
        )
    for word in ("items", "additionalProperties"):
        if isinstance(old.get(word), dict) and isinstance(new.get(word), dict):
            _compare(old_root, new_root, old[word], new[word], f"{path}/{word}", found, seen)
    for word in ("anyOf", "oneOf"):
        if isinstance(old.get(word), list) and isinstance(new.get(word), list):
            if len(new[word]) < len(old[word]):
                found.append(f"{where}: {word} lost alternatives")
            for i, (a, b) in enumerate(zip(old[word], new[word], strict=False)):
                _compare(old_root, new_root, a, b, f"{path}/{word}/{i}", found, seen)


def needs_new_major(old_version: str, new_version: str) -> bool:
    """True when ``new_version`` does not start a new major (for 0.x: a new minor)."""
    old_parts, new_parts = version_key(old_version), version_key(new_version)
    position = 0 if old_parts[0] > 0 else 1
    return new_parts[: position + 1] <= old_parts[: position + 1]


def version_key(version: str) -> tuple[int, ...]:
    """``"0.10"`` → ``(0, 10)``: versions compare by number, not as text."""
    return tuple(int(p) for p in version.split("."))


def changed_under_released_id(
    released: dict[str, Any], current: dict[str, dict[str, Any]]
) -> list[str]:
    """Say how ``current`` (schemas by name) breaks "one ``$id``, one schema" for one snapshot.

    The snapshot's content must equal the current schema with the same ``$id``, and no current
    schema may carry an older version than a released one. Empty when the rule holds.
    """
    released_id = str(released.get("$id", ""))
    name, _, version = released_id.removeprefix("urn:npcs-review:schema:").rpartition(":")
    schema = current.get(name)
    if schema is None:
        return [f"{released_id}: no current schema named {name!r}"]
    current_version = str(schema["$id"]).rpartition(":")[2]
    if schema["$id"] == released_id:
        if schema != released:
            return [
                f"{released_id} is released and its content changed: give the current "
                f"{name} schema a new version (docs/schemas.md, 'Versions')"
            ]
    elif version_key(current_version) < version_key(version):
        return [f"{name}: current version {current_version} is older than released {version}"]
    return []
