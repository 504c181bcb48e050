from rest_framework.throttling import SimpleRateThrottle

from .principal import Principal


class CredentialRateThrottle(SimpleRateThrottle):
    """Rate limit per credential (per client IP when unauthenticated), on the shared cache."""

    scope = "credential"

    def get_cache_key(self, request, view):
        principal = request.auth
        if isinstance(principal, Principal):
            ident = f"{principal.tenant.pk}:{principal.credential_id}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
