"""A per-process memo of credential lookups, so an authenticated request costs no query for its key.

Merchant backends send the same API key (or bearer token) on every request; looking it up in the
database each time cost about as much as the work the request came for. Each worker process keeps
what it looked up for `CREDENTIAL_CACHE_SECONDS` (default 5; 0 turns the memo off):

- the secret is still checked on every request (constant-time, against the remembered hash), and a
  token's expiry too; only the *record* is remembered, never a decision;
- revoking a key or a token, or rotating a tenant's saas passphrase, takes effect at once in the
  process that did it and within `CREDENTIAL_CACHE_SECONDS` everywhere else (README "Configuration");
- unknown keys are never remembered, so guessing cannot fill the memo; it holds at most
  `MAX_ENTRIES` records and starts again empty when full.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings

T = TypeVar("T")

MAX_ENTRIES = 10_000
_clock = time.monotonic  # the tests move it


class CredentialCache:
    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, object]] = {}

    def get(self, key: str, load: Callable[[], T | None]) -> T | None:
        """The remembered record for `key`, else `load()` (remembered when not None)."""
        ttl = settings.CREDENTIAL_CACHE_SECONDS
        if ttl <= 0:
            return load()
        now = _clock()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]  # type: ignore[return-value]
        value = load()
        if value is None:
            self._entries.pop(key, None)
            return None
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (now + ttl, value)
        return value

    def forget(self, key: str) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


# API keys by access key, bearer tokens by token hash: one memo each per process.
api_keys = CredentialCache()
access_tokens = CredentialCache()


def credentials_forget_all() -> None:
    """Drop everything remembered in this process (a tenant changed, or between tests)."""
    api_keys.clear()
    access_tokens.clear()
