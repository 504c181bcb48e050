"""Checkout links: a signed, expiring token that names one cart of one tenant and mode.

`checkout_link_create` answers `GET /api/v1/checkout-link/{customer_id}` (PayerVault contract);
`checkout_link_resolve` turns the token of `/pay/<token>/` back into the cart. The token is
`django.core.signing` output (HMAC-SHA256 with SECRET_KEY and a salt of its own, timestamped):
it cannot be guessed or edited, and a customer id alone never opens a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core import signing
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from carts.models import Cart, CartStatus
from carts.selectors import cart_queryset
from checkout_project.errors import ApiError, ErrorType
from merchants.models import Tenant

LINK_SALT = "checkouts.link.v1"
NO_PRODUCTS_MESSAGE = "No products in cart"  # the reference's 404 message, word for word


class LinkInvalid(Exception):
    """The token was not issued by us, was altered, or names a cart that no longer exists."""


class LinkExpired(Exception):
    """The token is genuine but older than settings.CHECKOUT_LINK_TTL."""

    def __init__(self, message: str, tenant: Tenant | None = None) -> None:
        super().__init__(message)
        self.tenant = tenant  # whose link it was, so the page can say whom to ask for a new one


class CheckoutLink(NamedTuple):
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class LinkTarget:
    """What a valid token opens: the cart (items and products loaded), its tenant and mode."""

    tenant: Tenant
    mode: str
    cart: Cart
    token: str


def link_ttl() -> int:
    return int(getattr(settings, "CHECKOUT_LINK_TTL", 24 * 60 * 60))


def checkout_link_token(*, cart: Cart) -> str:
    """A signed, timestamped token naming the cart, its tenant and its mode."""
    return signing.dumps({"c": cart.pk, "t": cart.tenant_id, "m": cart.mode}, salt=LINK_SALT)


# The customer's open cart, only if it has an item: one indexed query, in SQL because building it
# with the ORM cost more than running it, on an endpoint that does little else.
_OPEN_CART_WITH_ITEMS_SQL = """
SELECT c.id FROM carts_cart c
WHERE c.tenant_id = %s AND c.mode = %s AND c.customer_id = %s AND c.status = %s
  AND EXISTS (SELECT 1 FROM carts_cartitem i WHERE i.tenant_id = c.tenant_id AND i.cart_id = c.id)
LIMIT 1
"""


def checkout_link_create(*, tenant: Tenant, mode: str, customer_id: str, base_url: str) -> CheckoutLink:
    """The hosted-page link for the customer's open cart of this tenant and mode.

    Raises `ApiError` 404 "No products in cart" when the customer has no open cart or it is
    empty. Writes nothing: the link is a signature, valid until `expires_at`.
    """
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_CART_WITH_ITEMS_SQL, [tenant.pk, mode, customer_id, CartStatus.OPEN])
        row = cursor.fetchone()
    if row is None:
        raise ApiError(404, ErrorType.NOT_FOUND, NO_PRODUCTS_MESSAGE)
    token = checkout_link_token(cart=Cart(pk=row[0], tenant_id=tenant.pk, mode=mode))
    url = base_url.rstrip("/") + reverse("checkout-page", kwargs={"token": token})
    return CheckoutLink(url=url, expires_at=timezone.now() + timedelta(seconds=link_ttl()))


def checkout_link_resolve(token: str) -> LinkTarget:
    """The cart a token opens, scoped by the tenant and mode the token names.

    Raises `LinkInvalid` for a forged, altered or unknown token and `LinkExpired` for a genuine
    one past its TTL (the signature is checked before the age, so an altered token is never
    reported as merely expired).
    """
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=link_ttl())
    except signing.SignatureExpired as exc:
        expired = signing.loads(token, salt=LINK_SALT)  # genuine: the signature was checked first
        tenant = Tenant.objects.filter(pk=expired.get("t")).first() if isinstance(expired, dict) else None
        raise LinkExpired(str(exc), tenant=tenant) from exc
    except signing.BadSignature as exc:
        raise LinkInvalid(str(exc)) from exc
    if not isinstance(payload, dict) or not {"c", "t", "m"} <= payload.keys():
        raise LinkInvalid("malformed payload")
    tenant = Tenant.objects.filter(pk=payload["t"]).first()
    if tenant is None:
        raise LinkInvalid("unknown tenant")
    cart = cart_queryset(tenant=tenant, mode=payload["m"]).filter(pk=payload["c"]).first()
    if cart is None:
        raise LinkInvalid("unknown cart")
    return LinkTarget(tenant=tenant, mode=payload["m"], cart=cart, token=token)
