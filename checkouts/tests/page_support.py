"""Fixtures and helpers for the checkout-link and hosted-page tests (imported by test_link*/test_page*).

The shop is the reference sample in EUR: "Reference sample product" at 100.00 with 15 % tax,
UPS 10.00, coupon THANKSGIVING10 taking 10.00 after tax → total 115.00.
"""

from __future__ import annotations

import re
import time
from decimal import Decimal

from django.core import signing
from django.test import Client

from carts.models import CalculationType, Cart, CartItem, Coupon, DiscountType, Product, ShippingMethod
from checkouts.link import LINK_SALT, checkout_link_token
from merchants.models import Tenant

CUSTOMER = "customer-id-123"  # the reference sample's customer id
GOOD_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0002"
TRANSIENT_CARD = "4000 0000 0000 0119"


def shop_catalog(tenant: Tenant, *, currency: str = "EUR", zone: str = "DE") -> dict:
    """The reference sample's catalog: sku3 at 100.00 with 15 % tax, a mug, UPS 10.00 (and an
    express method), and a fixed 10.00 after-tax coupon. Placement tests use it in USD / zone CA."""
    product = Product.objects.create(
        tenant=tenant,
        sku="sku3",
        name="Reference sample product",
        description="sku3",
        unit_price=Decimal("100.00"),
        currency=currency,
        stock_on_hand=10,
        tax_code="A400",
        tax_rate=Decimal("15"),
    )
    mug = Product.objects.create(
        tenant=tenant,
        sku="mug",
        name="Enamel mug",
        unit_price=Decimal("12.50"),
        currency=currency,
        stock_on_hand=100,
        tax_code="STD",
        tax_rate=Decimal("19"),
    )
    ups = ShippingMethod.objects.create(
        tenant=tenant, method_id="UPS", zone_id=zone, name="UPS Standard", amount=Decimal("10.00"), currency=currency
    )
    express = ShippingMethod.objects.create(
        tenant=tenant, method_id="EXP", zone_id=zone, name="Express", amount=Decimal("25.00"), currency=currency
    )
    coupon = Coupon.objects.create(
        tenant=tenant,
        code="THANKSGIVING10",
        name="Thanks giving coupon for all orders",
        discount_type=DiscountType.FIXED,
        value=Decimal("10.00"),
        currency=currency,
        calculation_type=CalculationType.AFTER_TAX,
    )
    return {"sku3": product, "mug": mug, "ups": ups, "express": express, "coupon": coupon}


def shop_cart(
    tenant: Tenant,
    *,
    customer_id: str = CUSTOMER,
    items=(("sku3", 1),),
    coupons=("THANKSGIVING10",),
    mode: str = "test",
) -> Cart:
    cart = Cart.objects.create(
        tenant=tenant, mode=mode, customer_id=customer_id, currency="EUR", coupon_codes=list(coupons)
    )
    for sku, quantity in items:
        product = Product.objects.get(tenant=tenant, sku=sku)
        CartItem.objects.create(
            tenant=tenant, cart=cart, product=product, quantity=quantity, unit_price=product.unit_price
        )
    return cart


def page_path(cart: Cart) -> str:
    return f"/pay/{checkout_link_token(cart=cart)}/"


class PastSigner(signing.TimestampSigner):
    """Signs like `signing.dumps` did `seconds_ago` seconds ago: a genuine token issued in the past."""

    def __init__(self, *, seconds_ago: int, **kwargs):
        super().__init__(**kwargs)
        self.seconds_ago = seconds_ago

    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - self.seconds_ago)


def token_issued_ago(cart: Cart, seconds: int) -> str:
    return PastSigner(seconds_ago=seconds, salt=LINK_SALT).sign_object(
        {"c": cart.pk, "t": cart.tenant_id, "m": cart.mode}
    )


def tamper(token: str) -> str:
    """Change one character in the middle of the token (still a valid URL path segment)."""
    index = len(token) // 2
    replacement = "A" if token[index] != "A" else "B"
    return token[:index] + replacement + token[index + 1 :]


def pay_form(**overrides) -> dict:
    """A complete page form as a shopper fills it: card 4242…, billing same as shipping."""
    data = {
        "email": "peter@example.com",
        "first_name": "Peter",
        "last_name": "Priceless",
        "shipping_street": "Hauptstraße 1",
        "shipping_zip": "10115",
        "shipping_city": "Berlin",
        "shipping_country": "DE",
        "billing_same": "on",
        "payment_method": "card",
        "card_number": GOOD_CARD,
        "card_expiry": "12/39",
        "card_cvc": "123",
        "action": "pay",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def page_state(client: Client, path: str) -> dict:
    """GET the page and read what a browser would post back: the shipping method and the total."""
    response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    html = response.content.decode()
    method = re.search(r'name="shipping_method" value="(\d+)"[^>]*checked', html)
    total = re.search(r'name="expected_total" value="([^"]+)"', html)
    return {"shipping_method": method.group(1), "expected_total": total.group(1), "html": html}


def pay(client: Client, path: str, **overrides):
    state = page_state(client, path)
    data = pay_form(shipping_method=state["shipping_method"], expected_total=state["expected_total"])
    data.update({k: v for k, v in overrides.items()})
    return client.post(path, {k: v for k, v in data.items() if v is not None})
