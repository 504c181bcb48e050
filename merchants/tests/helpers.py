"""Small helpers shared by the merchants tests."""

import threading
from datetime import timedelta

import jwt
from django.utils import timezone

from merchants.models import AccessToken

WHOAMI = "/checkout/acme/whoami"
ERROR_KEYS = {"status", "type", "message", "moreInfo"}


def key_headers(new_key) -> dict[str, str]:
    return {"accessKey": new_key.api_key.access_key, "accessSecret": new_key.access_secret}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def expire_all_tokens() -> None:
    """Move every token's expiry into the past, as time passing would."""
    AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))


def saas_jwt(passphrase: str, *, algorithm: str = "HS256", **claims) -> str:
    """A saas-token as a merchant signs it with PyJWT. Defaults: sub=customer-1, exp in 5 minutes;
    pass a claim as None to leave it out."""
    payload = {"sub": "customer-1", "exp": int(timezone.now().timestamp()) + 300}
    payload.update(claims)
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, passphrase, algorithm=algorithm)


def assert_error(response, status: int, type_: str) -> dict:
    """The response is our error shape with this status and type."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert ERROR_KEYS <= set(body), body
    assert body["status"] == status
    assert body["type"] == type_
    return body


def wait_for_live_server_requests(timeout: float = 5.0) -> None:
    """Join the live server's request threads once the client has closed its connections.

    They close the shared in-memory SQLite connection on their way out; if one were still running
    when the session-scoped live server stops, it would fail in the background.
    """
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout)
