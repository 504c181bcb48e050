from __future__ import annotations

from dataclasses import dataclass

from .models import Tenant


@dataclass(frozen=True)
class Principal:
    """Who is calling: the same shape whichever credential proved it."""

    tenant: Tenant
    mode: str
    scopes: frozenset[str]
    credential_id: str  # "key:<pk>" or "token:<pk>", for logs
    customer_id: str | None = None  # set when a valid saas-token came with the request
    api_key_id: int | None = None  # the API key behind the credential (a token's key), for throttling

    is_authenticated = True

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
