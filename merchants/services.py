"""Writes with business rules for tenants and credentials."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from checkout_project.errors import DetailType, ErrorDetail, validation_error

from .models import ALL_SCOPES, ApiKey, Mode, Tenant
from .validators import tenant_code_problem


def secret_hash(secret: str) -> str:
    """SHA-256 of a high-entropy secret. Fast on purpose: password hashers would cap throughput."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(secret_hash(secret), stored_hash)


def generate_saas_passphrase() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class NewApiKey:
    api_key: ApiKey
    access_secret: str  # shown once, never stored


def scopes_validate(scopes: list[str] | None) -> list[str]:
    if scopes is None:
        return list(ALL_SCOPES)
    unknown = [s for s in scopes if s not in ALL_SCOPES]
    if unknown:
        raise validation_error(
            [ErrorDetail("scopes", DetailType.INVALID_VALUE, f"unknown scope {s!r}") for s in unknown]
        )
    return list(dict.fromkeys(scopes))


@transaction.atomic
def tenant_create(*, code: str, name: str, default_currency: str = "EUR") -> Tenant:
    """Create a tenant with a fresh saas passphrase. Raises ApiError on a bad or taken code."""
    problem = tenant_code_problem(code)
    if problem:
        raise validation_error([problem])
    if Tenant.objects.filter(code=code).exists():
        raise validation_error([ErrorDetail("tenant", DetailType.INVALID_VALUE, f"tenant {code!r} already exists")])
    return Tenant.objects.create(
        code=code,
        name=name,
        default_currency=default_currency.upper(),
        saas_passphrase=generate_saas_passphrase(),
    )


def api_key_create(*, tenant: Tenant, mode: str, scopes: list[str] | None = None, name: str = "") -> NewApiKey:
    """Create a key; the returned secret is the only copy that will ever exist."""
    if mode not in Mode.values:
        raise validation_error([ErrorDetail("mode", DetailType.INVALID_VALUE, "must be live or test")])
    access_secret = f"sk_{mode}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        tenant=tenant,
        mode=mode,
        name=name,
        access_key=f"ak_{mode}_{secrets.token_urlsafe(18)}",
        secret_hash=secret_hash(access_secret),
        scopes=scopes_validate(scopes),
    )
    return NewApiKey(api_key=api_key, access_secret=access_secret)


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Revoke a key and, with it, every bearer token issued for it."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key
