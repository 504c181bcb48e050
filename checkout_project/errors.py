"""The one application exception and the error shape every non-success response uses.

`{"status", "type", "message", "moreInfo", "details": [{"field", "type", "message"}]}`
(DESIGN.md "Errors"). Domain code raises `ApiError`; `exceptions.api_exception_handler` and the
Django-level handlers render it. Nothing else formats errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

VALIDATION_MESSAGE = "There are validation problems, see details section for more information"


class ErrorType(StrEnum):
    VALIDATION_VIOLATION = "validation_violation"
    UNAUTHORIZED = "unauthorized"
    INSUFFICIENT_PERMISSIONS = "insufficient_permissions"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    CONFLICT = "conflict"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    TOO_MANY_REQUESTS = "too_many_requests"
    PAYMENT_DECLINED = "payment_declined"
    PAYMENT_PROVIDER_UNAVAILABLE = "payment_provider_unavailable"
    INTERNAL_ERROR = "internal_error"


class DetailType(StrEnum):
    MISSING_VALUE = "missing_value"
    INVALID_VALUE = "invalid_value"
    UNKNOWN_FIELD = "unknown_field"
    INVALID_HEADER = "invalid_header"
    INVALID_PATH_PARAMETER = "invalid_path_parameter"
    INVALID_QUERY_PARAMETER = "invalid_query_parameter"


@dataclass(frozen=True)
class ErrorDetail:
    field: str
    type: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "type": str(self.type), "message": self.message}


@dataclass
class ApiError(Exception):
    """An error a client can act on. Raised by services and views, rendered once."""

    status: int
    type: str
    message: str
    details: list[ErrorDetail] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        return error_body(self.status, self.type, self.message, self.details, self.extra)


def error_body(
    status: int,
    type_: str,
    message: str,
    details: list[ErrorDetail] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "type": str(type_), "message": message, "moreInfo": ""}
    if details:
        body["details"] = [d.as_dict() for d in details]
    if extra:
        body.update(extra)
    return body


def validation_error(details: list[ErrorDetail], message: str = VALIDATION_MESSAGE) -> ApiError:
    return ApiError(400, ErrorType.VALIDATION_VIOLATION, message, details)


def field_error(field_: str, type_: str, message: str) -> ApiError:
    return validation_error([ErrorDetail(field_, type_, message)])


def not_found(message: str = "Resource not found") -> ApiError:
    return ApiError(404, ErrorType.NOT_FOUND, message)


def conflict(message: str, details: list[ErrorDetail] | None = None) -> ApiError:
    return ApiError(409, ErrorType.CONFLICT, message, details or [])


def forbidden(message: str = "Not allowed to access this resource") -> ApiError:
    return ApiError(403, ErrorType.INSUFFICIENT_PERMISSIONS, message)
