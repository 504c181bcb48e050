"""`POST /oauth/token`: the OAuth 2.0 client-credentials grant (RFC 6749 section 4.4)."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote_plus

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions as drf
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback

from checkout_project.exceptions import api_exception_handler

from .errors import OAuthError, OAuthErrorCode
from .serializers import AccessTokenSerializer, OAuthErrorSerializer, TokenGrantSerializer
from .services import access_token_issue
from .throttling import ClientIpRateThrottle

TOKEN_PARAMETERS = ("grant_type", "client_id", "client_secret", "scope")
# RFC 6749 5.1: token responses must not be cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def oauth_exception_handler(exc: Exception, context: dict | None = None) -> Response:
    """RFC 6749 5.2 errors for OAuth failures; everything else (405, 429, 500) in our error shape."""
    if isinstance(exc, drf.UnsupportedMediaType | drf.ParseError):
        exc = OAuthError(
            OAuthErrorCode.INVALID_REQUEST, "send the parameters form-encoded (application/x-www-form-urlencoded)"
        )
    if isinstance(exc, OAuthError):
        set_rollback()
        return Response(exc.oauth_body(), status=exc.status, headers={**exc.headers, **NO_STORE})
    return api_exception_handler(exc, context)


def basic_credentials(header: str) -> tuple[str, str]:
    """(client_id, client_secret) from `Authorization: Basic`, form-decoded as RFC 6749 2.3.1 says."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        raise OAuthError(OAuthErrorCode.INVALID_CLIENT, "authenticate with HTTP Basic or client_id/client_secret")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthError(OAuthErrorCode.INVALID_CLIENT, "malformed HTTP Basic credentials") from None
    client_id, sep, client_secret = decoded.partition(":")
    if not sep:
        raise OAuthError(OAuthErrorCode.INVALID_CLIENT, "malformed HTTP Basic credentials")
    return unquote_plus(client_id), unquote_plus(client_secret)


class AccessTokenView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [FormParser]
    throttle_classes = [ClientIpRateThrottle]

    def get_exception_handler(self):
        return oauth_exception_handler

    @extend_schema(
        operation_id="oauth_token",
        summary="Get an access token (OAuth 2.0 client credentials)",
        description=(
            "RFC 6749 client-credentials grant: the API key's `accessKey` is the client id and its "
            "`accessSecret` the client secret, sent form-encoded or with HTTP Basic. The token is used as "
            "`Authorization: Bearer <token>` and carries the key's tenant, mode and (a subset of) its scopes.\n\n"
            '**Errors on this endpoint follow RFC 6749 section 5.2** (`{"error", "error_description"}`), '
            "not the service's usual error shape, because OAuth client libraries parse that form. "
            "`invalid_client` answers 401 with `WWW-Authenticate`; the other codes answer 400. "
            "Rate limiting (429) and method errors (405) use the usual error shape."
        ),
        tags=["OAuth"],
        auth=[],
        request={"application/x-www-form-urlencoded": TokenGrantSerializer},
        responses={
            200: AccessTokenSerializer,
            400: OpenApiResponse(
                OAuthErrorSerializer, description="invalid_request, unsupported_grant_type or invalid_scope"
            ),
            401: OpenApiResponse(OAuthErrorSerializer, description="invalid_client"),
        },
        examples=[
            OpenApiExample(
                "Token",
                response_only=True,
                status_codes=["200"],
                value={
                    "access_token": "at_test_…",
                    "token_type": "Bearer",
                    "expires_in": 3600,
                    "scope": "checkout.checkout_manage checkout.checkout_link tenant=acme",
                },
            ),
            OpenApiExample(
                "Wrong secret",
                response_only=True,
                status_codes=["401"],
                value={"error": "invalid_client", "error_description": "invalid client id or secret"},
            ),
        ],
    )
    def post(self, request):
        data = request.data
        if not hasattr(data, "getlist"):  # an empty body without a content type parses to {}
            raise OAuthError(
                OAuthErrorCode.INVALID_REQUEST, "send the parameters form-encoded (application/x-www-form-urlencoded)"
            )
        for name in TOKEN_PARAMETERS:
            if len(data.getlist(name)) > 1:
                raise OAuthError(OAuthErrorCode.INVALID_REQUEST, f"{name} must not be repeated")
        client_id, client_secret = data.get("client_id"), data.get("client_secret")
        header = request.headers.get("Authorization")
        if header:
            if client_secret:
                raise OAuthError(OAuthErrorCode.INVALID_REQUEST, "use one client authentication method, not two")
            basic_id, client_secret = basic_credentials(header)
            if client_id and client_id != basic_id:
                raise OAuthError(OAuthErrorCode.INVALID_REQUEST, "client_id does not match the HTTP Basic user")
            client_id = basic_id
        issued = access_token_issue(
            grant_type=data.get("grant_type"),
            client_id=client_id,
            client_secret=client_secret,
            scope=data.get("scope"),
        )
        body = {
            "access_token": issued.token,
            "token_type": "Bearer",
            "expires_in": issued.expires_in,
            "scope": issued.scope,
        }
        return Response(body, headers=NO_STORE)
