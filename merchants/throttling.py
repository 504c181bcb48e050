from rest_framework.throttling import SimpleRateThrottle

from .principal import Principal


class CredentialRateThrottle(SimpleRateThrottle):
    """Rate limit per credential (per client IP when unauthenticated), on the shared cache.

    Bearer tokens count against the API key they were issued for: minting more tokens does not
    buy a client more requests.
    """

    scope = "credential"

    def get_cache_key(self, request, view):
        principal = request.auth
        if isinstance(principal, Principal):
            credential = f"key:{principal.api_key_id}" if principal.api_key_id else principal.credential_id
            ident = f"{principal.tenant.pk}:{credential}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ClientIpRateThrottle(SimpleRateThrottle):
    """Rate limit per client IP for endpoints that run before any credential is known
    (`POST /oauth/token`). Rate: DEFAULT_THROTTLE_RATES["oauth_token"], else the credential rate."""

    scope = "oauth_token"

    def get_rate(self):
        return self.THROTTLE_RATES.get(self.scope) or self.THROTTLE_RATES.get(CredentialRateThrottle.scope)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
