"""The tenant-code rule, shared by the `{tenant}` path segment, the model and the commands."""

import re

from checkout_project.errors import DetailType, ErrorDetail

TENANT_CODE_PATTERN = r"^[a-z][a-z0-9]+$"
TENANT_CODE_MIN, TENANT_CODE_MAX = 3, 16
_TENANT_CODE_RE = re.compile(TENANT_CODE_PATTERN)


def tenant_code_problem(code: str | None) -> ErrorDetail | None:
    """None when `code` is a valid tenant code, else the detail the API answers with."""
    code = code or ""
    if not TENANT_CODE_MIN <= len(code) <= TENANT_CODE_MAX:
        # Reproduces the reference example exactly (Emporix calls the tenant a header).
        return ErrorDetail(
            "tenant", DetailType.INVALID_HEADER, f"size must be between {TENANT_CODE_MIN} and {TENANT_CODE_MAX}"
        )
    if not _TENANT_CODE_RE.fullmatch(code):
        return ErrorDetail(
            "tenant",
            DetailType.INVALID_PATH_PARAMETER,
            "must be lowercase letters and digits, starting with a letter",
        )
    return None


def validate_tenant_code(code: str) -> None:
    """Django field validator using the same rule."""
    from django.core.exceptions import ValidationError

    problem = tenant_code_problem(code)
    if problem:
        raise ValidationError(f"Tenant code {problem.message}")
