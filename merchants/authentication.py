"""DRF authentication: `accessKey`/`accessSecret` headers and `Authorization: Bearer`.

Both yield a `Principal` as `request.user` and `request.auth`. The credential's record comes from
this process's memo (`credential_cache`, a few seconds) or one indexed query; the secret and the
expiry are checked on every request. When the request also carries a `saas-token` header, it is
verified against the credential's tenant (no query: the tenant came with the credential) and its
customer id is set on the Principal; a bad saas-token fails the whole request with 401.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework.authentication import BaseAuthentication

from checkout_project.errors import ApiError, ErrorType

from . import credential_cache
from .models import AccessToken, ApiKey
from .principal import Principal
from .saas import SAAS_TOKEN_HEADER, saas_customer_id
from .selectors import api_key_find
from .services import secret_hash, secret_matches

# last_used_at is refreshed at most this often, so authentication stays one read.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def request_customer_id(request, tenant) -> str | None:
    """The customer id of the request's saas-token for `tenant`, None without one."""
    token = request.headers.get(SAAS_TOKEN_HEADER)
    if token is None:
        return None
    return saas_customer_id(tenant=tenant, token=token)


def unauthorized(message: str, fault: dict | None = None, scheme: str = "accessKey") -> ApiError:
    return ApiError(
        401,
        ErrorType.UNAUTHORIZED,
        message,
        headers={"WWW-Authenticate": scheme},
        extra={"fault": fault} if fault else {},
    )


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        access_key = request.headers.get("accessKey")
        access_secret = request.headers.get("accessSecret")
        if access_key is None and access_secret is None:
            return None
        if not access_key or not access_secret:
            raise unauthorized("Both accessKey and accessSecret headers are required")
        api_key = credential_cache.api_keys.get(access_key, lambda: api_key_find(access_key=access_key))
        if api_key is None or not secret_matches(access_secret, api_key.secret_hash):
            # Same answer for an unknown key and a wrong secret: no key enumeration.
            raise unauthorized("Invalid access key or secret")
        if api_key.revoked_at is not None:
            raise unauthorized("This access key has been revoked")
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
            api_key.last_used_at = now  # the remembered record too, so the next request does not write
        principal = Principal(
            tenant=api_key.tenant,
            mode=api_key.mode,
            scopes=frozenset(api_key.scopes),
            credential_id=f"key:{api_key.pk}",
            customer_id=request_customer_id(request, api_key.tenant),
            api_key_id=api_key.pk,
        )
        return principal, principal

    def authenticate_header(self, request):
        return "accessKey"


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        token = token.strip()
        if not token:
            raise self.invalid()
        token_hash = secret_hash(token)
        access_token = credential_cache.access_tokens.get(
            token_hash,
            lambda: AccessToken.objects.select_related("tenant", "api_key").filter(token_hash=token_hash).first(),
        )
        if access_token is None or access_token.revoked_at or access_token.api_key.revoked_at:
            raise self.invalid()
        if access_token.expires_at <= timezone.now():
            raise unauthorized(
                "Access token expired",
                {
                    "faultstring": "Access Token expired",
                    "detail": {"errorcode": "keymanagement.service.access_token_expired"},
                },
                scheme=self.keyword,
            )
        principal = Principal(
            tenant=access_token.tenant,
            mode=access_token.mode,
            scopes=frozenset(access_token.scopes),
            credential_id=f"token:{access_token.pk}",
            customer_id=request_customer_id(request, access_token.tenant),
            api_key_id=access_token.api_key_id,
        )
        return principal, principal

    def invalid(self) -> ApiError:
        return unauthorized(
            "Invalid access token",
            {"faultstring": "Invalid access token", "detail": {"errorcode": "oauth.v2.InvalidAccessToken"}},
            scheme=self.keyword,
        )

    def authenticate_header(self, request):
        return self.keyword
