import time

from rest_framework.throttling import SimpleRateThrottle

from .principal import Principal


class FixedWindowThrottle(SimpleRateThrottle):
    """DRF's rate syntax (`6000/min`) counted in fixed windows with one atomic `incr`.

    DRF's own throttle keeps every request time of the window in one cache value and rewrites it
    on each request (thousands of floats at high rates, and lost updates between workers);
    a counter per window is one round trip (`incr`) and exact across workers sharing the cache.
    """

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        key = f"{self.key}:{window}"
        try:
            count = self.cache.incr(key)  # one round trip once the window exists
        except ValueError:  # the window's first request (or it just expired)
            count = 1 if self.cache.add(key, 1, timeout=self.duration + 1) else self.cache.incr(key)
        self.window_ends = (window + 1) * self.duration
        self.now = now
        return count <= self.num_requests

    def wait(self):
        return max(0.0, self.window_ends - self.now)


class CredentialRateThrottle(FixedWindowThrottle):
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


class ClientIpRateThrottle(FixedWindowThrottle):
    """Rate limit per client IP for endpoints that run before any credential is known
    (`POST /oauth/token`). Rate: DEFAULT_THROTTLE_RATES["oauth_token"], else the credential rate."""

    scope = "oauth_token"

    def get_rate(self):
        return self.THROTTLE_RATES.get(self.scope) or self.THROTTLE_RATES.get(CredentialRateThrottle.scope)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
