"""Request/response shapes of the merchants API, for the OpenAPI schema."""

from rest_framework import serializers

from .services import CLIENT_CREDENTIALS


class TokenGrantSerializer(serializers.Serializer):
    """RFC 6749 section 4.4.2, form-encoded. Client credentials go here or in HTTP Basic."""

    grant_type = serializers.ChoiceField(choices=[CLIENT_CREDENTIALS])
    client_id = serializers.CharField(required=False, help_text="The API key's accessKey (or use HTTP Basic)")
    client_secret = serializers.CharField(required=False, help_text="The API key's accessSecret (or use HTTP Basic)")
    scope = serializers.CharField(
        required=False,
        help_text="Space-separated subset of the key's scopes; empty or absent means all of them",
    )


class AccessTokenSerializer(serializers.Serializer):
    """RFC 6749 section 5.1."""

    access_token = serializers.CharField()
    token_type = serializers.ChoiceField(choices=["Bearer"])
    expires_in = serializers.IntegerField(help_text="Seconds until the token expires")
    scope = serializers.CharField(help_text="Granted scopes plus `tenant=<code>`, space separated")


class OAuthErrorSerializer(serializers.Serializer):
    """RFC 6749 section 5.2. Only `POST /oauth/token` uses this shape; every other endpoint answers
    errors as {status, type, message, moreInfo, details}."""

    error = serializers.ChoiceField(
        choices=["invalid_request", "invalid_client", "unsupported_grant_type", "invalid_scope"]
    )
    error_description = serializers.CharField()
