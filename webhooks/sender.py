"""One signed POST to a webhook endpoint: no redirects, a timeout, the SSRF guard at send time.

`Checkout-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the endpoint
secret>`; `Checkout-Event-Id` lets receivers drop duplicates (delivery is at least once).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from .targets import Target, TargetRefused, target_resolve

USER_AGENT = "checkout-service-webhooks/1"
MAX_RESPONSE_BYTES = 4096  # we only need the status; a little body helps debugging


def signature_header(*, secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass(frozen=True)
class SendResult:
    status_code: int | None
    duration_ms: int
    error: str  # empty on any HTTP answer that is 2xx

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a checked address, whatever DNS says by now; Host stays the URL's host."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _post_once(target: Target, address: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target.host, target.port, address=address, timeout=timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(MAX_RESPONSE_BYTES)
        return response.status
    finally:
        connection.close()


def webhook_post(
    *, url: str, secret: str, body: bytes, event_id: str, timeout: float, allow_private: bool | None = None
) -> SendResult:
    """POST `body` once. Never raises for network trouble: the result carries the error text."""
    started = time.monotonic()

    def result(status_code: int | None, error: str) -> SendResult:
        return SendResult(status_code, int((time.monotonic() - started) * 1000), error[:500])

    try:
        target = target_resolve(url, allow_private=allow_private)
    except TargetRefused as exc:
        return result(None, f"refused: {url} {exc}")
    host_header = target.host if ":" not in target.host else f"[{target.host}]"
    default_port = 443 if target.scheme == "https" else 80
    if target.port != default_port:
        host_header += f":{target.port}"
    headers = {
        "Host": host_header,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Checkout-Event-Id": event_id,
        "Checkout-Signature": signature_header(secret=secret, body=body, timestamp=int(time.time())),
    }
    error = ""
    for address in target.addresses:
        try:
            status = _post_once(target, address, body, headers, timeout)
        except TimeoutError:
            return result(None, f"timed out after {timeout:g} s")
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            continue  # try the host's next address, as browsers do
        if 200 <= status < 300:
            return result(status, "")
        return result(status, f"HTTP {status}")
    return result(None, error or "no address to connect to")
