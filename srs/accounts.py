"""Accounts of `srs serve`: checking a user's name, hashing and checking a password.

A password is hashed with scrypt (``hashlib.scrypt``, memory-hard: 16 MiB per hash with the
parameters below) and a random 16-byte salt of its own; the stored text carries the
parameters, so they can be raised later without breaking the hashes already stored:
``scrypt$N$r$p$salt$hash`` (salt and hash in URL-safe base64). The password itself is
never stored, printed or logged.

A user's name is the ``learner`` whose history they sign in to: the same name as
``srs --learner NAME`` in a terminal. It is untrusted text shown in pages, terminals and
CSV files, so it is kept plain: no control or invisible characters, at most 64 characters,
one script (srs.scripts), no leading or trailing space.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata

from srs.errors import UserError
from srs.scripts import mixed_scripts_message

#: scrypt's cost: N (CPU and memory), r (block size), p (parallelism); 128 * N * r bytes
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MAX_NAME = 64
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # characters: a longer one is refused before hashing (no work for a huge body)


def check_name(name: str) -> str:
    """``name`` as an account name, or a user error saying what is wrong with it."""
    if not name or name != name.strip():
        raise UserError("a user name must not be empty or start or end with a space")
    if len(name) > MAX_NAME:
        raise UserError(f"a user name has at most {MAX_NAME} characters")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn")
                                  for c in name):
        raise UserError("a user name must not hold control or invisible characters")
    if any(c.isspace() and c != " " for c in name):
        raise UserError("a user name's only space is the plain space")
    message = mixed_scripts_message("user name", name)
    if message is not None:
        raise UserError(message)
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password has at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"a password has at most {MAX_PASSWORD} characters")
    return password


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8", "surrogatepass"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * n * r * p + 1024 * 1024, dklen=32)


def hash_password(password: str) -> str:
    """The text to store for ``password``: scrypt with a new random salt, and its parameters."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


#: checked against when there is no such user, so that an unknown name costs the same time
_DUMMY = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(b'0' * 16)}${_b64(b'0' * 32)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (None: no such user, checked
    against a dummy hash all the same). Compared in constant time."""
    if len(password) > MAX_PASSWORD:
        return False
    try:
        kind, n, r, p, salt, digest = (stored or _DUMMY).split("$")
        if kind != "scrypt":
            return False
        found = _scrypt(password, _unb64(salt), int(n), int(r), int(p))
    except (ValueError, MemoryError):  # a damaged hash matches nothing
        return False
    return hmac.compare_digest(found, _unb64(digest)) and stored is not None


__all__ = ["MAX_NAME", "MIN_PASSWORD", "check_name", "check_password", "hash_password", "verify_password"]
