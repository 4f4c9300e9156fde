"""YAML typing rules shared by every reader and writer: nothing the user typed changes type.

Only ``true``/``false``, ``null``/``~``, decimal integers and plain floats are typed; ``yes``,
``no``, ``2025-03-14``, ``0x1F``, ``1:30`` stay text. The writer quotes any string that either
YAML 1.1 or these rules would read as another type.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["TrustedLoader", "YamlDumper", "install_resolvers", "load_trusted_yaml"]

_INT = r"^[-+]?(0|[1-9][0-9]*)$"
_FLOAT = r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][-+]?[0-9]+)?$"
_RULES = (
    ("tag:yaml.org,2002:bool", r"^(true|false|True|False|TRUE|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(~|null|Null|NULL|)$", None),
    ("tag:yaml.org,2002:int", _INT, "-+0123456789"),
    ("tag:yaml.org,2002:float", _FLOAT, "-+0123456789."),
)


def install_resolvers(loader: Any) -> None:
    """Give a loader class exactly our implicit types (and nothing else)."""
    loader.yaml_implicit_resolvers = {}
    for tag, pattern, first in _RULES:
        starts = ["~", "n", "N", ""] if first is None else list(first)
        loader.add_implicit_resolver(tag, re.compile(pattern), starts)


_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class TrustedLoader(_Base):  # type: ignore[misc]
    """libyaml's fast safe loader with our typing rules.

    User input is checked (aliases, tags, duplicate keys, depth) before this loads it.
    """


install_resolvers(TrustedLoader)


def load_trusted_yaml(data: bytes) -> object:
    """Parse a packaged definitions file quickly, with the same typing rules as case files.

    Only for files this project ships: it does not refuse aliases, tags or duplicate keys (the
    test suite checks every packaged file with the strict reader, which does).
    """
    return yaml.load(data, Loader=TrustedLoader)


class YamlDumper(yaml.SafeDumper):
    """Quotes every string that either YAML 1.1 or our readers would read as another type."""


for _tag, _pattern, _first in _RULES[2:]:
    YamlDumper.add_implicit_resolver(_tag, re.compile(_pattern), list(_first or ""))
