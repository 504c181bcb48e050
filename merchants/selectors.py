"""Reads worth naming: credentials and tenants by their public identifiers."""

from __future__ import annotations

import re

from checkout_project.errors import ApiError, ErrorType

from .models import ApiKey, Tenant


def tenant_get(*, code: str) -> Tenant:
    """The tenant with this code; ApiError(404) naming it otherwise."""
    tenant = Tenant.objects.filter(code=code).first()
    if tenant is None:
        raise ApiError(404, ErrorType.NOT_FOUND, f"unknown tenant {code!r}")
    return tenant


_ACCESS_KEY = re.compile(r"^ak_(?:live|test)_[A-Za-z0-9_-]{1,64}$")


def api_key_find(*, access_key: str | None) -> ApiKey | None:
    """The API key (with its tenant) for this access key, or None; one indexed query at most.

    Access keys are globally unique because they are looked up before the tenant is known. A
    value that cannot be an access key (wrong shape, NUL bytes...) never reaches the database.
    """
    if not access_key or not _ACCESS_KEY.fullmatch(access_key):
        return None
    return ApiKey.objects.select_related("tenant").filter(access_key=access_key).first()


def api_key_get(*, access_key: str) -> ApiKey:
    """The API key with this access key; ApiError(404) naming it otherwise."""
    api_key = api_key_find(access_key=access_key)
    if api_key is None:
        raise ApiError(404, ErrorType.NOT_FOUND, f"unknown access key {access_key!r}")
    return api_key
