"""Keyed pseudonyms: HMAC-SHA256 under a key only the jurisdiction holds (RFC 2104).

A case number lives in a small space, so an unkeyed hash of it is reversed by trying every
number (a full table of a million SHA-256 digests takes about a second). A keyed hash is not:
without the key nobody can compute, or check a guess at, a pseudonym. So there is no unkeyed
mode. The same case gets the same pseudonym in every submission under the same key, so that a
resubmission updates a case rather than adding it twice; another key gives other pseudonyms.

Pseudonym = ``"k1:" + hex(HMAC-SHA256(key, "npcs|<entity>|<jurisdiction>|<normalized id>"))[:32]``
(128 bits, RFC 2104 section 5). The entity (``case``) keeps pseudonyms of different kinds of
record from matching by value; ids are normalized (trimmed, upper-cased, separators removed) so
that ``2025-0001`` and ``20250001`` stay one case. The key is read from its file and never
written anywhere else; a submission records only the key's fingerprint (itself keyed).
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
import stat
from hashlib import sha256
from pathlib import Path

import attrs

from npcs_review.errors import NpcsReviewError, Problem

__all__ = ["KEY_BYTES", "KeyFileError", "Pseudonymizer", "generate_key", "normalize_id", "read_key"]

#: Length of a generated key: RFC 2104 discourages keys shorter than the hash output (32 bytes).
KEY_BYTES = 32
_HEADER = "npcs-review pseudonym key v1"
_SEPARATORS = re.compile(r"[\s\-_.:/]+")


class KeyFileError(NpcsReviewError):
    """A key file is missing, unreadable, malformed, or readable by others.

    Attributes:
        problems: the problem, with its code and the file.
    """

    def __init__(self, problem: Problem) -> None:
        self.problems = [problem]
        super().__init__(str(problem))


def normalize_id(value: str) -> str:
    """Trim, upper-case and drop separators, so that one case keeps one pseudonym."""
    return _SEPARATORS.sub("", value.strip().upper())


@attrs.frozen
class Pseudonymizer:
    """Computes pseudonyms under one key for one jurisdiction."""

    key: bytes = attrs.field(repr=False)
    jurisdiction: str

    @property
    def key_id(self) -> str:
        """The key's fingerprint: keyed too, so it reveals nothing about the key."""
        return hmac.new(self.key, b"npcs|key-id", sha256).hexdigest()[:16]

    def __call__(self, entity: str, value: str) -> str:
        """The pseudonym of ``value`` (e.g. a case id) as a record of kind ``entity``."""
        message = f"npcs|{entity}|{self.jurisdiction}|{normalize_id(value)}".encode()
        return "k1:" + hmac.new(self.key, message, sha256).hexdigest()[:32]


def generate_key(path: str | os.PathLike[str]) -> str:
    """Write a new random key to ``path`` (mode 0600), refusing to overwrite any file.

    Returns:
        The key's fingerprint.

    Raises:
        KeyFileError: if the file exists or cannot be written.
    """
    target = Path(path)
    key = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyFileError(
            Problem(
                "NPR-P301",
                "a file already exists here; a key is never overwritten (the pseudonyms made "
                "with it would be lost). Choose another file name",
                file=str(target),
            )
        ) from None
    except OSError as exc:
        raise KeyFileError(
            Problem("NPR-P301", f"cannot write the key: {exc.strerror or exc}", file=str(target))
        ) from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(f"{_HEADER}\n{key.hex()}\n")
    return Pseudonymizer(key, "").key_id


def read_key(path: str | os.PathLike[str], jurisdiction: str) -> Pseudonymizer:
    """Read a key written by :func:`generate_key`.

    Raises:
        KeyFileError: if the file is missing, malformed, too short, or readable by others.
    """
    source = Path(path)
    name = str(source)
    try:
        info = source.stat()
        if not stat.S_ISREG(info.st_mode):
            raise KeyFileError(Problem("NPR-P302", "the key must be a regular file", file=name))
        text = source.read_bytes()[:4096].decode("ascii")
    except FileNotFoundError:
        raise KeyFileError(
            Problem(
                "NPR-P302",
                "no key file here. Create one with 'npcs-review share keygen FILE' and keep it "
                "safe: without it no submission can be made, and with another key every "
                "pseudonym changes",
                file=name,
            )
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(Problem("NPR-P302", f"cannot read the key: {exc}", file=name)) from None
    if os.name == "posix" and info.st_mode & 0o077:
        raise KeyFileError(
            Problem(
                "NPR-P303",
                f"the key file can be read by other users (mode {stat.S_IMODE(info.st_mode):o});"
                f" restrict it with 'chmod 600 {name}'",
                file=name,
            )
        )
    lines = text.split()
    if len(lines) < 2 or " ".join(lines[:-1]) != _HEADER:
        raise KeyFileError(
            Problem("NPR-P302", "this is not an npcs-review pseudonym key file", file=name)
        )
    try:
        key = bytes.fromhex(lines[-1])
    except ValueError:
        raise KeyFileError(Problem("NPR-P302", "the key is not hexadecimal", file=name)) from None
    if len(key) < KEY_BYTES:
        raise KeyFileError(
            Problem(
                "NPR-P302",
                f"the key has {len(key)} bytes; at least {KEY_BYTES} are needed (RFC 2104)",
                file=name,
            )
        )
    return Pseudonymizer(key, jurisdiction)
