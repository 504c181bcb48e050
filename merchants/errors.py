"""Error codes of the merchants app.

`POST /oauth/token` answers RFC 6749 section 5.2 errors (`{"error", "error_description"}`)
instead of our error shape, because OAuth client libraries parse exactly that. `OAuthError` is
still an `ApiError`, so anything that only knows `ApiError` renders it sensibly; the token view
renders it in RFC 6749 form.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from checkout_project.errors import ApiError


class OAuthErrorCode(StrEnum):
    INVALID_REQUEST = "invalid_request"
    INVALID_CLIENT = "invalid_client"
    UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type"
    INVALID_SCOPE = "invalid_scope"


# RFC 6749 5.2: invalid_client is 401 with a WWW-Authenticate challenge; the rest are 400.
OAUTH_CLIENT_CHALLENGE = 'Basic realm="oauth"'


class OAuthError(ApiError):
    def __init__(self, error: OAuthErrorCode, description: str) -> None:
        status = 401 if error == OAuthErrorCode.INVALID_CLIENT else 400
        headers = {"WWW-Authenticate": OAUTH_CLIENT_CHALLENGE} if status == 401 else {}
        super().__init__(status=status, type=str(error), message=description, headers=headers)

    def oauth_body(self) -> dict[str, Any]:
        return {"error": self.type, "error_description": self.message}
