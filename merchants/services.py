"""Writes with business rules for tenants and credentials."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from babel.numbers import is_currency
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone

from checkout_project.errors import DetailType, ErrorDetail, validation_error

from . import credential_cache
from .errors import OAuthError, OAuthErrorCode
from .models import ALL_SCOPES, AccessToken, ApiKey, Membership, Mode, Tenant
from .selectors import api_key_find
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


def currency_validate(currency: str) -> str:
    """An ISO 4217 code, upper-cased; ApiError naming `currency` otherwise."""
    code = (currency or "").upper()
    if not re.fullmatch(r"[A-Z]{3}", code) or not is_currency(code):
        raise validation_error(
            [ErrorDetail("currency", DetailType.INVALID_VALUE, f"{currency!r} is not an ISO 4217 currency code")]
        )
    return code


@transaction.atomic
def tenant_create(*, code: str, name: str, default_currency: str = "EUR") -> Tenant:
    """Create a tenant with a fresh saas passphrase. Raises ApiError on a bad or taken code."""
    problem = tenant_code_problem(code)
    if problem:
        raise validation_error([problem])
    if not (name or "").strip():
        raise validation_error([ErrorDetail("name", DetailType.MISSING_VALUE, "must not be blank")])
    currency = currency_validate(default_currency)
    if Tenant.objects.filter(code=code).exists():
        raise validation_error([ErrorDetail("tenant", DetailType.INVALID_VALUE, f"tenant {code!r} already exists")])
    return Tenant.objects.create(
        code=code,
        name=name.strip(),
        default_currency=currency,
        saas_passphrase=generate_saas_passphrase(),
    )


def tenant_rotate_saas_passphrase(*, tenant: Tenant) -> Tenant:
    """Give the tenant a new saas passphrase: saas-tokens signed with the old one stop working at once
    in this process and within CREDENTIAL_CACHE_SECONDS in the others (the tenant is remembered
    with its credentials)."""
    tenant.saas_passphrase = generate_saas_passphrase()
    tenant.save(update_fields=["saas_passphrase"])
    credential_cache.credentials_forget_all()
    return tenant


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


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Revoke a key and, with it, every bearer token issued for it. Idempotent.

    Authentication refuses a token whose key is revoked anyway; marking the tokens too keeps
    the record honest if a key is ever un-revoked by hand.
    """
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    AccessToken.objects.filter(tenant_id=api_key.tenant_id, api_key=api_key, revoked_at__isnull=True).update(
        revoked_at=api_key.revoked_at
    )
    # At once in this process; within CREDENTIAL_CACHE_SECONDS in the others.
    credential_cache.api_keys.forget(api_key.access_key)
    credential_cache.access_tokens.clear()
    return api_key


# --- OAuth 2.0 client-credentials grant (RFC 6749 section 4.4) ---------------------------------

CLIENT_CREDENTIALS = "client_credentials"
TENANT_SCOPE_PREFIX = "tenant="


@dataclass(frozen=True)
class IssuedAccessToken:
    access_token: AccessToken
    token: str  # shown once, stored only as a hash
    expires_in: int  # seconds

    @property
    def scope(self) -> str:
        """RFC 6749 `scope`: the granted scopes plus `tenant=<code>`, space separated."""
        return " ".join([*self.access_token.scopes, f"{TENANT_SCOPE_PREFIX}{self.access_token.tenant.code}"])


def _requested_scopes(api_key: ApiKey, scope: str | None) -> list[str]:
    requested = (scope or "").split()
    if not requested:
        return list(api_key.scopes)
    tenant_scope = f"{TENANT_SCOPE_PREFIX}{api_key.tenant.code}"
    unknown, granted = [], []
    for item in dict.fromkeys(requested):
        if item == tenant_scope:
            continue  # echoing back the tenant we told the client about is fine
        if item in api_key.scopes:
            granted.append(item)
        else:
            unknown.append(item)
    if unknown:
        raise OAuthError(
            OAuthErrorCode.INVALID_SCOPE,
            f"scope not granted to this client: {' '.join(unknown)}",
        )
    return granted


def access_token_issue(
    *, grant_type: str | None, client_id: str | None, client_secret: str | None, scope: str | None = None
) -> IssuedAccessToken:
    """Issue a bearer token for an API key (client id = accessKey, client secret = accessSecret).

    The token carries the key's tenant and mode and the requested subset of its scopes (all of
    them when `scope` is empty), expires after settings.ACCESS_TOKEN_TTL seconds and is stored
    only as a hash. Raises OAuthError (RFC 6749 codes) and writes nothing on any failure.
    """
    if not grant_type:
        raise OAuthError(OAuthErrorCode.INVALID_REQUEST, "grant_type is required")
    if grant_type != CLIENT_CREDENTIALS:
        raise OAuthError(OAuthErrorCode.UNSUPPORTED_GRANT_TYPE, "only grant_type=client_credentials is supported")
    if not client_id or not client_secret:
        raise OAuthError(OAuthErrorCode.INVALID_CLIENT, "client authentication is required")
    api_key = api_key_find(access_key=client_id)
    if api_key is None or not secret_matches(client_secret, api_key.secret_hash):
        raise OAuthError(OAuthErrorCode.INVALID_CLIENT, "invalid client id or secret")
    if api_key.revoked_at is not None:
        raise OAuthError(OAuthErrorCode.INVALID_CLIENT, "these client credentials have been revoked")
    scopes = _requested_scopes(api_key, scope)
    ttl = int(settings.ACCESS_TOKEN_TTL)
    token = f"at_{api_key.mode}_{secrets.token_urlsafe(32)}"
    access_token = AccessToken.objects.create(
        tenant=api_key.tenant,
        api_key=api_key,
        mode=api_key.mode,
        token_hash=secret_hash(token),
        scopes=scopes,
        expires_at=timezone.now() + timedelta(seconds=ttl),
    )
    return IssuedAccessToken(access_token=access_token, token=token, expires_in=ttl)


def access_token_revoke(*, access_token: AccessToken) -> AccessToken:
    """Revoke one bearer token. Idempotent."""
    if access_token.revoked_at is None:
        access_token.revoked_at = timezone.now()
        access_token.save(update_fields=["revoked_at"])
    credential_cache.access_tokens.forget(access_token.token_hash)
    return access_token


# --- Merchant staff (Django admin users working for one tenant) ----------------------------------

MERCHANT_STAFF_GROUP = "Merchant staff"
STAFF_APPS = ("carts", "checkouts", "merchants", "webhooks")
MODEL_ACTIONS = ("view", "add", "change", "delete")


def _is_tenant_owned(model: type[models.Model]) -> bool:
    field = next((f for f in model._meta.concrete_fields if f.name == "tenant"), None)
    return field is not None and field.is_relation and field.related_model is Tenant


def staff_permission_codenames() -> dict[type[models.Model], tuple[str, ...]]:
    """Model -> actions merchant staff may take: every tenant-owned model of our apps, and their
    own Tenant (view and change only: staff neither create nor delete merchants)."""
    granted: dict[type[models.Model], tuple[str, ...]] = {}
    for app_label in STAFF_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model is Tenant:
                granted[model] = ("view", "change")
            elif _is_tenant_owned(model):
                granted[model] = MODEL_ACTIONS
    return granted


@transaction.atomic
def staff_group_ensure() -> Group:
    """The "Merchant staff" group with exactly the permissions above. Idempotent; re-running it
    picks up tenant-owned models added since."""
    group, _ = Group.objects.get_or_create(name=MERCHANT_STAFF_GROUP)
    granted = staff_permission_codenames()
    content_types = ContentType.objects.get_for_models(*granted)
    permissions = []
    for model, actions in granted.items():
        for action in actions:
            codename = f"{action}_{model._meta.model_name}"
            permission, _ = Permission.objects.get_or_create(
                content_type=content_types[model],
                codename=codename,
                defaults={"name": f"Can {action} {model._meta.verbose_name_raw}"},
            )
            permissions.append(permission)
    group.permissions.set(permissions)
    return group


@dataclass(frozen=True)
class NewStaffUser:
    user: AbstractUser
    password: str  # generated, shown once, stored only as a Django password hash


@transaction.atomic
def merchant_staff_create(*, tenant: Tenant, email: str) -> NewStaffUser:
    """A Django staff user (never a superuser) in the "Merchant staff" group with a Membership of
    `tenant` and a generated password. Refuses an existing username; changes nothing then."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise validation_error(
            [ErrorDetail("email", DetailType.INVALID_VALUE, f"{email!r} is not an email address")]
        ) from None
    user_model = get_user_model()
    if user_model.objects.filter(username=email).exists():
        raise validation_error([ErrorDetail("email", DetailType.INVALID_VALUE, f"user {email!r} already exists")])
    password = secrets.token_urlsafe(18)
    user = user_model.objects.create_user(
        username=email, email=email, password=password, is_staff=True, is_superuser=False
    )
    user.groups.add(staff_group_ensure())
    Membership.objects.create(tenant=tenant, user=user)
    return NewStaffUser(user=user, password=password)
