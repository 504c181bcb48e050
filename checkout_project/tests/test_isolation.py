"""Tenant isolation across every route of the URLconf and every credential kind (issue: hardening).

Two tenants hold identical data (same SKUs, coupon codes, shipping methods and customer ids).
With tenant A's credentials — an API key and a Bearer token — no route may read, count, change or
delete tenant B's objects: not with B in the path (403), not with B's ids in the path or the body
(404 / 400), not through filters, sort or `Link` URLs. Routes are discovered from the URLconf, so
a new route is covered without editing this file; one whose parameters are unknown fails here.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from carts.models import CalculationType, Cart, CartItem, Coupon, DiscountType, Product, ShippingMethod
from checkouts.models import Checkout, Order, Payment
from checkouts.tests.helpers import order_body
from merchants.models import AccessToken, Scope
from merchants.services import api_key_create, secret_hash, tenant_create

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
# Bodies that are valid apart from the ids under test, so a 404 cannot hide behind a 400.
BODIES = {
    "items": {"productId": "sku3", "quantity": 1},
    "discounts": {"code": "THANKSGIVING10"},
    "shipping": {"methodId": "UPS", "zoneId": "CA"},
    "stock": {"delta": 1},
}


def build_tenant(code: str) -> dict:
    tenant = tenant_create(code=code, name=f"{code} shop")
    for sku, price, stock in (("sku3", "100.00", 50), ("mug", "12.50", 50)):
        Product.objects.create(
            tenant=tenant, sku=sku, name=sku, unit_price=Decimal(price), currency="USD", stock_on_hand=stock,
            tax_code="A400", tax_rate=Decimal("15"),
        )  # fmt: skip
    ShippingMethod.objects.create(
        tenant=tenant, method_id="UPS", zone_id="CA", name="UPS", amount=Decimal("10.00"), currency="USD"
    )
    Coupon.objects.create(
        tenant=tenant, code="THANKSGIVING10", discount_type=DiscountType.FIXED, value=Decimal("10"),
        currency="USD", calculation_type=CalculationType.AFTER_TAX,
    )  # fmt: skip
    key = api_key_create(tenant=tenant, mode="test")
    token = "tok_" + secrets.token_urlsafe(24)
    AccessToken.objects.create(
        tenant=tenant, api_key=key.api_key, mode="test", token_hash=secret_hash(token), scopes=list(Scope.values),
        expires_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    key_client = Client(headers={"accessKey": key.api_key.access_key, "accessSecret": key.access_secret})
    # One completed checkout (through the API) and one open cart with an item, per tenant.
    done = Cart.objects.create(tenant=tenant, mode="test", customer_id="123456", currency="USD")
    CartItem.objects.create(
        tenant=tenant, cart=done, product=Product.objects.get(tenant=tenant, sku="sku3"), quantity=1,
        unit_price=Decimal("100.00"),
    )  # fmt: skip
    placed = key_client.post(
        f"/checkout/{code}/checkouts/order", data=json.dumps(order_body(done.pk)), content_type="application/json"
    )
    assert placed.status_code == 200, placed.content
    cart = Cart.objects.create(tenant=tenant, mode="test", customer_id="123456", currency="USD")
    item = CartItem.objects.create(
        tenant=tenant, cart=cart, product=Product.objects.get(tenant=tenant, sku="mug"), quantity=2,
        unit_price=Decimal("12.50"),
    )  # fmt: skip
    endpoint_id = None
    try:
        from webhooks.models import WebhookEndpoint
    except ImportError:  # pragma: no cover - the webhooks app is optional in this suite
        WebhookEndpoint = None  # noqa: N806
    if WebhookEndpoint is not None:
        endpoint = WebhookEndpoint.objects.create(
            tenant=tenant, mode="test", url="https://hooks.example.com/" + code, secret="whsec_" + code,
            events=["checkout.completed"],
        )  # fmt: skip
        endpoint_id = str(endpoint.pk)
    checkout = Checkout.objects.get(tenant=tenant)
    return {
        "tenant": tenant,
        "clients": {
            "api-key": key_client,
            "bearer": Client(headers={"Authorization": f"Bearer {token}"}),
        },
        "ids": {
            "cart_id": cart.pk,
            "item_id": str(item.pk),
            "checkout_id": checkout.pk,
            "endpoint_id": endpoint_id,
            "order_id": checkout.order_id,
            "payment_id": checkout.payment_id,
            "done_cart_id": done.pk,
        },
    }


@pytest.fixture
def world(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    return build_tenant("acme"), build_tenant("globex")


def tenant_routes(patterns=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from tenant_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and "<str:tenant>" in route:
            view = getattr(pattern.callback, "view_class", None)
            methods = [m for m in METHODS if view is not None and hasattr(view, m)]
            yield route, methods


def fill(route: str, tenant_code: str, ids: dict) -> str:
    shared = {"product_id": "sku3", "code": "THANKSGIVING10", "method_id": "UPS", "zone_id": "CA"}

    def value(match):
        name = match.group(1)
        if name == "tenant":
            return tenant_code
        if name in shared:
            return shared[name]
        if ids.get(name) is None:
            pytest.fail(f"isolation suite does not know how to fill <{name}> in {route}: add it to build_tenant")
        return ids[name]

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route)


def body_for(route: str) -> str:
    last = route.rstrip("/").rsplit("/", 1)[-1]
    if last == "<str:item_id>":
        return json.dumps({"quantity": 2})
    if last == "<str:endpoint_id>":  # a public IP literal: no DNS lookup needed by the SSRF guard
        return json.dumps({"url": "https://93.184.216.34/hook", "events": ["checkout.completed"], "active": True})
    return json.dumps(BODIES.get(last, {}))


def snapshot(tenant) -> dict:
    """Everything of a tenant that a leak could change."""
    return {
        "products": sorted(
            Product.objects.filter(tenant=tenant).values_list("sku", "stock_on_hand", "unit_price", "name")
        ),
        "coupons": sorted(Coupon.objects.filter(tenant=tenant).values_list("code", "redemptions", "value", "active")),
        "shipping": sorted(ShippingMethod.objects.filter(tenant=tenant).values_list("method_id", "amount", "active")),
        "carts": sorted(Cart.objects.filter(tenant=tenant).values_list("pk", "status", "coupon_codes", "modified_at")),
        "items": sorted(CartItem.objects.filter(tenant=tenant).values_list("pk", "quantity")),
        "checkouts": sorted(Checkout.objects.filter(tenant=tenant).values_list("pk", "status", "version")),
        "orders": sorted(Order.objects.filter(tenant=tenant).values_list("pk", "status")),
        "payments": sorted(Payment.objects.filter(tenant=tenant).values_list("pk", "status")),
    }


def b_markers(b: dict) -> list[str]:
    return [v for v in b["ids"].values() if v and len(v) > 6]


def request(client: Client, method: str, path: str, route: str):
    if method in ("get", "delete"):
        return getattr(client, method)(path)
    return getattr(client, method)(path, data=body_for(route), content_type="application/json")


def test_routes_are_discovered(world):
    routes = dict(tenant_routes())
    assert "checkout/<str:tenant>/checkouts" in routes
    assert "cart/<str:tenant>/carts/<str:cart_id>" in routes
    assert len(routes) >= 10


@pytest.mark.parametrize("kind", ["api-key", "bearer"])
def test_other_tenant_in_the_path_is_403_everywhere(world, kind):
    a, b = world
    before = snapshot(b["tenant"])
    client = a["clients"][kind]
    for route, methods in tenant_routes():
        path = fill(route, "globex", b["ids"])
        for method in methods:
            response = request(client, method, path, route)
            assert response.status_code == 403, (method, path, response.status_code)
            assert response.json()["type"] == "insufficient_permissions"
    assert snapshot(b["tenant"]) == before


@pytest.mark.parametrize("kind", ["api-key", "bearer"])
def test_other_tenants_ids_under_my_tenant_are_404(world, kind):
    a, b = world
    before = snapshot(b["tenant"])
    client = a["clients"][kind]
    checked = 0
    for route, methods in tenant_routes():
        if not re.search(r"<(?:\w+:)?(cart_id|item_id|checkout_id|endpoint_id)>", route):
            continue
        path = fill(route, "acme", b["ids"])
        for method in methods:
            response = request(client, method, path, route)
            assert response.status_code == 404, (method, path, response.status_code, response.content[:300])
            text = response.content.decode()
            # The error may echo the id the client sent; nothing else of B may appear.
            assert not any(marker in text for marker in b_markers(b) if marker not in path), (method, path)
            checked += 1
    assert checked >= 8
    assert snapshot(b["tenant"]) == before


@pytest.mark.parametrize("kind", ["api-key", "bearer"])
def test_lists_filters_sort_and_links_never_show_the_other_tenant(world, kind):
    a, b = world
    client = a["clients"][kind]
    queries = ["", "?customerId=123456", "?sort=id:desc&pageSize=1", "?pageSize=1&pageNumber=2", "?status=OPEN"]
    for route, methods in tenant_routes():
        if "get" not in methods or re.search(r"<(?!str:tenant>)", route):
            continue  # list routes only: the tenant is their one parameter
        for query in queries:
            path = fill(route, "acme", a["ids"]) + query
            response = client.get(path)
            if response.status_code == 400:
                continue  # a filter this list does not take
            assert response.status_code == 200, (path, response.content[:300])
            text = response.content.decode() + response.get("Link", "")
            assert not any(marker in text for marker in b_markers(b)), path
            assert "globex" not in text, path
            for url in re.findall(r"<([^>]+)>", response.get("Link", "")):
                assert "/acme/" in url
            if "X-Total-Count" in response and "checkouts" in route and not query:
                assert response["X-Total-Count"] == str(Checkout.objects.filter(tenant=a["tenant"]).count())


def test_other_tenants_ids_in_bodies_are_refused(world):
    a, b = world
    client = a["clients"]["api-key"]
    before = snapshot(b["tenant"])
    response = client.post(
        "/checkout/acme/checkouts/order",
        data=json.dumps(order_body(b["ids"]["cart_id"])),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["type"] == "cart_not_found"
    assert snapshot(b["tenant"]) == before


def test_checkout_link_finds_only_my_tenants_cart(world):
    a, b = world
    response = a["clients"]["api-key"].get("/api/v1/checkout-link/123456")
    assert response.status_code == 200
    page = Client().get(response.json()["url"].split("//", 1)[1].split("/", 1)[1].join(["/", ""]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "acme shop" in text
    assert "globex" not in text
    assert not any(marker in text for marker in b_markers(b))
