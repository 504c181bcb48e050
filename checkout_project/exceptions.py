"""The single exception handler: every exception an API view raises becomes the error shape."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import set_rollback

from .errors import VALIDATION_MESSAGE, ApiError, DetailType, ErrorDetail, ErrorType, error_body

logger = logging.getLogger("checkout_project.errors")

_DRF_TYPES: dict[type[drf.APIException], tuple[str, str]] = {
    drf.NotAuthenticated: (ErrorType.UNAUTHORIZED, "Authentication credentials were not provided"),
    drf.AuthenticationFailed: (ErrorType.UNAUTHORIZED, "Invalid authentication credentials"),
    drf.PermissionDenied: (ErrorType.INSUFFICIENT_PERMISSIONS, "Not allowed to access this resource"),
    drf.NotFound: (ErrorType.NOT_FOUND, "Resource not found"),
    drf.MethodNotAllowed: (ErrorType.METHOD_NOT_ALLOWED, "Method not allowed"),
    drf.NotAcceptable: (ErrorType.NOT_ACCEPTABLE, "Not acceptable"),
    drf.UnsupportedMediaType: (ErrorType.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type, send application/json"),
    drf.Throttled: (ErrorType.TOO_MANY_REQUESTS, "Too many requests"),
}


def flatten_validation(detail: Any, prefix: str = "") -> list[ErrorDetail]:
    """Turn DRF's nested error dict/list into flat details with bean-notation fields."""
    out: list[ErrorDetail] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in ("non_field_errors", "__all__"):
                out.extend(flatten_validation(value, prefix))
            elif isinstance(key, int):  # DRF keys list-serializer errors by index
                out.extend(flatten_validation(value, f"{prefix}[{key}]"))
            else:
                out.extend(flatten_validation(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(detail, list):
        if detail and all(isinstance(item, (dict, list)) for item in detail):
            for index, item in enumerate(detail):
                out.extend(flatten_validation(item, f"{prefix}[{index}]"))
        else:
            for item in detail:
                out.extend(flatten_validation(item, prefix))
    elif detail is not None:
        code = getattr(detail, "code", None) or "invalid"
        detail_type = {
            "required": DetailType.MISSING_VALUE,
            "null": DetailType.MISSING_VALUE,
            "blank": DetailType.MISSING_VALUE,
            "unknown_field": DetailType.UNKNOWN_FIELD,
        }.get(code, DetailType.INVALID_VALUE)
        out.append(ErrorDetail(prefix, detail_type, str(detail)))
    return out


def api_exception_handler(exc: Exception, context: dict | None = None) -> Response:
    # Roll back the request's atomic blocks, as DRF's own handler does.
    set_rollback()
    return render_exception(exc)


def render_exception(exc: Exception) -> Response:
    if isinstance(exc, ApiError):
        return Response(exc.as_dict(), status=exc.status, headers=exc.headers)
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        return Response(error_body(413, ErrorType.PAYLOAD_TOO_LARGE, "Request body is too large"), status=413)

    if isinstance(exc, drf.ValidationError):
        details = flatten_validation(exc.detail)
        return Response(error_body(400, ErrorType.VALIDATION_VIOLATION, VALIDATION_MESSAGE, details), status=400)
    if isinstance(exc, drf.ParseError):
        details = [ErrorDetail("", DetailType.INVALID_VALUE, "Request body is not valid JSON")]
        return Response(error_body(400, ErrorType.VALIDATION_VIOLATION, VALIDATION_MESSAGE, details), status=400)
    if isinstance(exc, drf.APIException):
        type_, message = ErrorType.INTERNAL_ERROR, "Request failed"
        for klass, (known_type, known_message) in _DRF_TYPES.items():
            if isinstance(exc, klass):
                type_, message = known_type, known_message
                break
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None) is not None:
            headers["Retry-After"] = str(int(exc.wait) + 1)
        if isinstance(exc, drf.MethodNotAllowed):
            message = str(exc.detail)
        return Response(error_body(exc.status_code, type_, message), status=exc.status_code, headers=headers)

    logger.exception("Unhandled exception in API view", exc_info=exc)
    return Response(error_body(500, ErrorType.INTERNAL_ERROR, "Internal server error"), status=500)
