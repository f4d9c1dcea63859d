"""How the journal names a browser and a visitor's RunComfy key: hashes, never the secrets."""

from __future__ import annotations

import hashlib

__all__ = ["owner_id", "token_id"]


def owner_id(owner_key: str) -> str:
    """The journal's name for a browser: a hash of its secret key, never the key itself."""
    return hashlib.sha256(f"kling-studio-owner:{owner_key}".encode()).hexdigest()[:32]


def token_id(token: str) -> str:
    return hashlib.sha256(f"kling-studio-token:{token}".encode()).hexdigest()[:16]
