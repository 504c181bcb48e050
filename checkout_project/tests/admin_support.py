"""Helpers for the admin tests: merchant staff logged in through the real group, and a tenant's
"world" — one row of every tenant-owned model the admin shows, made the way production makes them
(checkouts, orders, payments and attempts by placing an order through the API)."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client

from carts.tests.factories import make_cart, make_coupon, make_product, make_shipping_method
from checkouts.models import Checkout
from checkouts.tests.helpers import order_body
from conftest import key_headers
from merchants.models import Membership, Tenant
from merchants.services import api_key_create, merchant_staff_create
from webhooks.models import Delivery, DeliveryAttempt, Event, WebhookEndpoint


def staff_client(tenant: Tenant, email: str, *extra_tenants: Tenant) -> Client:
    """A logged-in client of a staff user created like `manage.py create_merchant_staff` does."""
    user = merchant_staff_create(tenant=tenant, email=email).user
    for other in extra_tenants:
        Membership.objects.create(tenant=other, user=user)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def place_order(tenant: Tenant, cart_id: str, *, token: str = "tok_visa", api_key=None):
    """POST /checkout/{tenant}/checkouts/order with a test-mode key of the tenant."""
    key = api_key or api_key_create(tenant=tenant, mode="test")
    client = Client(headers=key_headers(key))
    return client.post(
        f"/checkout/{tenant.code}/checkouts/order", order_body(cart_id, token=token), content_type="application/json"
    )


def make_world(tenant: Tenant) -> dict:
    """Rows of `tenant` for every scoped admin; names carry the tenant code so pages can be searched."""
    code = tenant.code
    product = make_product(tenant, sku=f"{code}-sku", name=f"{code} product")
    shipping = make_shipping_method(tenant, zone_id="CA")
    coupon = make_coupon(tenant, code=f"{code.upper()}10")
    api_key = api_key_create(tenant=tenant, mode="test", name=f"{code} key")
    cart = make_cart(tenant, f"{code}-customer", items=[(product, 1)])
    response = place_order(tenant, cart.pk, api_key=api_key)
    assert response.status_code == 200, response.content
    checkout = Checkout.objects.select_related("order", "payment").get(tenant=tenant, cart_ref=cart.pk)
    open_cart = make_cart(tenant, f"{code}-other", items=[(product, 2)])
    endpoint = WebhookEndpoint.objects.create(
        tenant=tenant, mode="test", url=f"https://{code}.example.com/hook", secret="whsec_x", events=["order.created"]
    )
    event = Event.objects.create(tenant=tenant, mode="test", type="order.created", payload={"tenant": code})
    delivery = Delivery.objects.create(tenant=tenant, event=event, endpoint=endpoint, attempt_limit=12)
    DeliveryAttempt.objects.create(tenant=tenant, delivery=delivery, number=1, status_code=500, duration_ms=3)
    return {
        "tenant": tenant,
        "product": product,
        "shipping": shipping,
        "coupon": coupon,
        "api_key": api_key.api_key,
        "cart": open_cart,
        "checkout": checkout,
        "order": checkout.order,
        "payment": checkout.payment,
        "total": Decimal("125.00"),
    }
