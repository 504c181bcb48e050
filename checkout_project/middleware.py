"""One structured log line per request, and a request id on every response.

Never logs headers, bodies or query strings: secrets, tokens, saas-tokens and card numbers
live there. Checkout-link tokens in `/pay/<token>/` paths are redacted.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from django.http import HttpResponseBadRequest, JsonResponse

logger = logging.getLogger("checkout.requests")

REQUEST_ID_HEADER = "X-Request-ID"
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_PAY_TOKEN = re.compile(r"^/pay/[^/]+")


def redact_path(path: str) -> str:
    return _PAY_TOKEN.sub("/pay/[redacted]", path)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 2)
        response[REQUEST_ID_HEADER] = request.request_id
        if not logger.isEnabledFor(logging.INFO):
            return response  # REQUEST_LOG_LEVEL=WARNING: no line to build
        principal = getattr(request, "auth", None)
        tenant = getattr(getattr(principal, "tenant", None), "code", None)
        logger.info(
            json.dumps(
                {
                    "event": "request",
                    "request_id": request.request_id,
                    "method": request.method,
                    "path": redact_path(request.path),
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "tenant": tenant,
                    "mode": getattr(principal, "mode", None),
                    "credential": getattr(principal, "credential_id", None),
                },
                separators=(",", ":"),
            )
        )
        return response


class RejectNulMiddleware:
    """A NUL byte in the path or query string is never valid here, and PostgreSQL refuses it in
    text: answer 400 before any view turns it into a database error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query.lower() or "\x00" in query:
            from .errors import DetailType, ErrorDetail, ErrorType, error_body
            from .views import is_api_path

            if is_api_path(request.path):
                detail = ErrorDetail("", DetailType.INVALID_VALUE, "NUL characters are not allowed in URLs")
                body = error_body(400, ErrorType.VALIDATION_VIOLATION, "Bad request", [detail])
                return JsonResponse(body, status=400)
            return HttpResponseBadRequest("NUL characters are not allowed in URLs")
        return self.get_response(request)


# JSON answers load nothing and are never framed: one fixed policy, set as a constant (django-csp,
# which builds the pages' policy on every response, skips the API paths; settings.CONTENT_SECURITY_POLICY).
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"


class ApiContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.prefixes = settings.API_PATH_PREFIXES
        self.exempt = settings.CONTENT_SECURITY_POLICY_API_EXEMPT

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path
        if path.startswith(self.prefixes) and not path.startswith(self.exempt):
            response.headers.setdefault("Content-Security-Policy", API_CONTENT_SECURITY_POLICY)
        return response
