"""Reads worth naming: credentials and tenants by their public identifiers."""

from __future__ import annotations

from checkout_project.errors import ApiError, ErrorType

from .models import ApiKey, Tenant


def tenant_get(*, code: str) -> Tenant:
    """The tenant with this code; ApiError(404) naming it otherwise."""
    tenant = Tenant.objects.filter(code=code).first()
    if tenant is None:
        raise ApiError(404, ErrorType.NOT_FOUND, f"unknown tenant {code!r}")
    return tenant


def api_key_get(*, access_key: str) -> ApiKey:
    """The API key with this access key (globally unique: found before the tenant is known)."""
    api_key = ApiKey.objects.select_related("tenant").filter(access_key=access_key).first()
    if api_key is None:
        raise ApiError(404, ErrorType.NOT_FOUND, f"unknown access key {access_key!r}")
    return api_key
