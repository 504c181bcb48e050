"""Which URLs a webhook may target (the SSRF guard), checked at registration and at every delivery.

Only http/https, no credentials in the URL, and every address the host resolves to must be public.
Loopback and private addresses are allowed only with `WEBHOOK_ALLOW_PRIVATE_TARGETS` (local
development, tests); link-local, multicast, reserved, unspecified and cloud metadata addresses
are refused always. Deliveries connect to the very address that was checked, so DNS cannot
change the answer between the check and the connection.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Instance-metadata services (AWS/GCP/Azure/OpenStack IPv4, AWS IPv6, Alibaba).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "168.63.129.16")
)


class TargetRefused(Exception):
    """The URL may not be a webhook target; the message says why, in words for the merchant."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written in the URL (Host header, TLS server name)
    port: int
    path: str  # path and query, for the request line
    addresses: tuple[str, ...]  # checked addresses to connect to, in resolver order


def address_problem(address: IPAddress, *, allow_private: bool) -> str | None:
    """Why we refuse to connect to `address`, or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address in METADATA_ADDRESSES:
        return "is a cloud metadata address"
    if address.is_link_local:
        return "is a link-local address"
    if address.is_multicast:
        return "is a multicast address"
    if address.is_unspecified:
        return "is a reserved address"
    if address.is_loopback:  # before is_reserved: ::1 lies in the reserved ::/8
        return None if allow_private else "is a loopback or private address"
    if address.is_reserved:
        return "is a reserved address"
    if address.is_private or not address.is_global:
        return None if allow_private else "is a loopback or private address"
    return None


def target_resolve(url: str, *, allow_private: bool | None = None) -> Target:
    """Parse and resolve `url`; raise `TargetRefused` unless every resolved address is allowed."""
    if allow_private is None:
        allow_private = settings.WEBHOOK_ALLOW_PRIVATE_TARGETS
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefused(f"is not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise TargetRefused("must be an http or https URL")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("must not contain credentials")
    host = parts.hostname
    if not host:
        raise TargetRefused("must name a host")
    port = port or (443 if scheme == "https" else 80)
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        candidates = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            raise TargetRefused(f"host {host!r} does not resolve") from None
        candidates = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos))
    for address in candidates:
        problem = address_problem(address, allow_private=allow_private)
        if problem:
            shown = host if literal is not None else f"{host} ({address})"
            raise TargetRefused(f"{shown} {problem}")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(
        scheme=scheme, host=host, port=port, path=path, addresses=tuple(str(address) for address in candidates)
    )
