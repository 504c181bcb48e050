"""OpenAPI (drf-spectacular) descriptions of our credentials, loaded by MerchantsConfig.ready().

Views that accept a `saas-token` add `SAAS_TOKEN_PARAMETER` to their `extend_schema(parameters=...)`.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from .models import Scope
from .permissions import IsMerchant
from .saas import SAAS_TOKEN_HEADER

SAAS_TOKEN_PARAMETER = OpenApiParameter(
    SAAS_TOKEN_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "A logged-in customer: an HS256 JWT signed with the tenant's saas passphrase, `sub` = customer id, "
        "`exp` required. Invalid, expired or foreign tokens answer 401."
    ),
)


def view_scopes(auto_schema) -> list[str]:
    """The scopes the view's permission classes require (HasScope)."""
    scopes: list[str] = []
    for permission in getattr(auto_schema.view, "permission_classes", []):
        if isinstance(permission, type) and issubclass(permission, IsMerchant):
            scopes.extend(permission.required_scopes)
    return scopes


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "merchants.authentication.ApiKeyAuthentication"
    name = ["accessKey", "accessSecret"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": "accessKey", "description": "API key id"},
            {"type": "apiKey", "in": "header", "name": "accessSecret", "description": "API key secret"},
        ]


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "merchants.authentication.BearerTokenAuthentication"
    name = "oauth2"

    def get_security_requirement(self, auto_schema):
        return {self.name: view_scopes(auto_schema)}

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "description": "Client-credentials grant at POST /oauth/token with the API key as client id/secret.",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/oauth/token",
                    "scopes": {scope.value: scope.label or scope.value for scope in Scope},
                }
            },
        }
