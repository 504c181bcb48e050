"""OpenAPI post-processing: the one error shape, documented for every status an operation can answer.

Views declare their success responses; this hook adds the `Error` component (DESIGN.md "Errors")
and the error statuses every API operation shares, so clients (and schemathesis) know them all.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The one error shape of every non-success response.",
    "required": ["status", "type", "message", "moreInfo"],
    "properties": {
        "status": {"type": "integer", "minimum": 100, "maximum": 599, "description": "the HTTP status"},
        "type": {
            "type": "string",
            "pattern": "^[a-z]+[a-z_]*[a-z]+$",
            "description": "classification, lower case with underscores, e.g. validation_violation",
        },
        "message": {"type": "string"},
        "moreInfo": {"type": "string"},
        "details": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type"],
                "properties": {
                    "field": {"type": "string", "description": "bean notation, e.g. addresses[1].country"},
                    "type": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}

DESCRIPTIONS = {
    400: "Validation problems: `details` names each field (bean notation) or query parameter",
    401: "Missing, invalid or expired credentials (Bearer errors also carry an Emporix `fault` member)",
    402: "The payment was declined; nothing was charged",
    403: "Missing scope, or a tenant other than the credential's",
    404: "Not found (also another tenant's or mode's resource)",
    405: "Method not allowed",
    409: "Conflict with the resource's state",
    413: "Request body too large",
    414: "Request line too long: answered by the HTTP server (gunicorn: 8190 bytes) before the application",
    415: "The body is not JSON",
    422: "The Idempotency-Key was used with another request",
    429: "Too many requests (see Retry-After)",
    500: "Internal error (no details are ever exposed)",
    503: "Payment provider unavailable: retry the checkout named in `details`",
}
COMMON = (400, 401, 403, 404, 405, 429, 500)
WITH_BODY = (413, 415)


def add_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    from django.conf import settings

    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_SCHEMA)
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith(settings.API_PATH_PREFIXES) or path.startswith(("/api/schema", "/oauth/")):
            continue
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            statuses = set(COMMON) | set(operation.pop("x-error-statuses", ()))
            if "requestBody" in operation or method in ("post", "put", "patch"):
                statuses |= set(WITH_BODY)
            for status in sorted(statuses):
                response = responses.setdefault(str(status), {"description": DESCRIPTIONS[status]})
                response.setdefault("content", {"application/json": {"schema": ref}})
            # The HTTP server refuses an overlong request line itself, with its own (HTML) body.
            responses.setdefault("414", {"description": DESCRIPTIONS[414]})
    return result
