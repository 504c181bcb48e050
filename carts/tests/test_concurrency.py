"""Stock adjustments and cart creation under concurrency, on PostgreSQL (real locks and constraints)."""

import json

import pytest
from django.test import Client

from carts.models import Cart, CartItem, Product
from carts.services import cart_item_add, product_stock_adjust
from carts.tests.factories import make_cart, make_product
from checkout_project.errors import ApiError
from conftest import key_headers, run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_decrements_never_go_below_zero(tenant):
    """30 threads each take 1 of 10 units: exactly 10 succeed, the stock ends at 0."""
    make_product(tenant, stock_on_hand=10)

    def take(_):
        try:
            product_stock_adjust(tenant=tenant, sku="sku3", delta=-1)
            return "ok"
        except ApiError as exc:
            return exc.details[0].type

    results = run_concurrently(30, take)
    assert results.count("ok") == 10
    assert results.count("insufficient_stock") == 20
    assert Product.objects.get(sku="sku3").stock_on_hand == 0


def test_concurrent_mixed_adjustments_through_the_api(tenant, api_key):
    """Increments and decrements race over HTTP; the stock is exactly the sum of the accepted ones."""
    make_product(tenant, stock_on_hand=5)
    headers = key_headers(api_key)
    deltas = [-3, +2, -4, -1, +1, -2, -5, +3, -1, -2] * 2

    def adjust(i):
        response = Client(headers=headers).post(
            "/product/acme/products/sku3/stock", data=json.dumps({"delta": deltas[i]}), content_type="application/json"
        )
        return response.status_code

    statuses = run_concurrently(len(deltas), adjust)
    assert set(statuses) <= {200, 409}
    accepted = sum(d for d, s in zip(deltas, statuses, strict=True) if s == 200)
    assert Product.objects.get(sku="sku3").stock_on_hand == 5 + accepted >= 0


def test_concurrent_cart_creates_make_one_open_cart(tenant, api_key):
    """`cart_one_open_per_customer` decides the race; every caller gets the same cart."""
    headers = key_headers(api_key)

    def create(_):
        response = Client(headers=headers).post(
            "/cart/acme/carts",
            data=json.dumps({"customerId": "c1", "currency": "USD"}),
            content_type="application/json",
        )
        return response.status_code, response.json()["id"]

    results = run_concurrently(12, create)
    assert sorted(status for status, _ in results) == [200] * 11 + [201]
    assert len({cart_id for _, cart_id in results}) == 1
    assert Cart.objects.count() == 1


def test_concurrent_adds_to_one_cart_lose_no_quantity(tenant):
    """The cart row lock serialises adds: 20 adds of 1 give quantity 20 on one line."""
    make_product(tenant)
    cart = make_cart(tenant)

    def add(_):
        cart_item_add(tenant=tenant, mode="test", cart_id=cart.pk, sku="sku3", quantity=1)

    run_concurrently(20, add)
    assert CartItem.objects.get(cart=cart).quantity == 20
