"""Health checks and the Django-level error handlers (JSON under the API prefixes, HTML elsewhere)."""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views import defaults
from django.views.decorators.http import require_GET

from .errors import ErrorType, error_body


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up. No database, no cache."""
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """The database answers: one round trip."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means not ready
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def is_api_path(path: str) -> bool:
    return path.startswith(settings.API_PATH_PREFIXES)


def json_error(status: int, type_: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(status, type_, message), status=status)


def handler400(request: HttpRequest, exception=None):
    if is_api_path(request.path):
        return json_error(400, ErrorType.VALIDATION_VIOLATION, "Bad request")
    return defaults.bad_request(request, exception)


def handler403(request: HttpRequest, exception=None):
    if is_api_path(request.path):
        return json_error(403, ErrorType.INSUFFICIENT_PERMISSIONS, "Not allowed to access this resource")
    return defaults.permission_denied(request, exception)


def handler404(request: HttpRequest, exception=None):
    if is_api_path(request.path):
        return json_error(404, ErrorType.NOT_FOUND, "Resource not found")
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest):
    if is_api_path(request.path):
        return json_error(500, ErrorType.INTERNAL_ERROR, "Internal server error")
    return defaults.server_error(request)
