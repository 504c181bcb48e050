"""Placement under concurrency, on PostgreSQL (real row locks and guarded updates)."""

import json

import pytest
from django.test import Client

from carts.models import Product
from checkouts.models import Checkout, Order, Payment, TestGatewayCharge
from conftest import key_headers, run_concurrently

from .helpers import order_body

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
URL = "/checkout/acme/checkouts/order"


def test_forty_carts_racing_for_ten_units(api_key, make_cart, catalog):
    """40 concurrent placements, each its own cart, for a product with stock 10."""
    carts = [make_cart(customer_id=f"c{i}", coupons=()) for i in range(40)]
    headers = key_headers(api_key)

    def place(i):
        response = Client(headers=headers).post(
            URL, data=json.dumps(order_body(carts[i].pk)), content_type="application/json"
        )
        return response.status_code, response.json()

    results = run_concurrently(40, place)
    statuses = [status for status, _ in results]
    assert statuses.count(200) == 10, statuses
    assert statuses.count(400) == 30, statuses
    for status, body in results:
        if status == 400:
            [detail] = body["details"]
            assert detail["type"] == "out_of_stock"
            assert "sku3" in detail["message"]
    assert Product.objects.get(sku="sku3").stock_on_hand == 0
    assert Order.objects.filter(status="success").count() == 10
    assert Order.objects.count() == 10
    assert Payment.objects.filter(status="success").count() == 10


def test_one_cart_placed_by_ten_concurrent_requests(api_key, make_cart):
    cart = make_cart()
    headers = key_headers(api_key)

    def place(i):
        response = Client(headers=headers).post(
            URL, data=json.dumps(order_body(cart.pk)), content_type="application/json"
        )
        return response.status_code, response.json()

    results = run_concurrently(10, place)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * 9, results
    order_id = next(body["orderId"] for status, body in results if status == 200)
    assert all(body["existingOrderId"] == order_id for status, body in results if status == 409)
    assert Order.objects.count() == 1
    assert Checkout.objects.count() == 1
    assert TestGatewayCharge.objects.count() == 1
    assert Product.objects.get(sku="sku3").stock_on_hand == 9


def test_same_idempotency_key_concurrently(api_key, make_cart):
    cart = make_cart()
    headers = key_headers(api_key) | {"Idempotency-Key": "same-key"}

    def place(i):
        response = Client(headers=headers).post(
            URL, data=json.dumps(order_body(cart.pk)), content_type="application/json"
        )
        return response.status_code, response.json()

    results = run_concurrently(8, place)
    statuses = [status for status, _ in results]
    assert 200 in statuses
    assert set(statuses) <= {200, 409}, results
    assert Order.objects.count() == 1
    assert Payment.objects.filter(status="success").count() == 1


def test_concurrent_retries_charge_once(api_key, make_cart, api):
    cart = make_cart()
    response = api.post(
        URL, data=json.dumps(order_body(cart.pk, token="tok_processingError")), content_type="application/json"
    )
    assert response.status_code == 503
    checkout_id = response.json()["checkoutId"]
    headers = key_headers(api_key)

    def retry(i):
        response = Client(headers=headers).post(f"/checkout/acme/checkouts/{checkout_id}/retry")
        return response.status_code, response.json()

    results = run_concurrently(6, retry)
    assert {status for status, _ in results} == {200}
    assert len({body["orderId"] for _, body in results}) == 1
    assert Payment.objects.filter(status="success").count() == 1
    assert TestGatewayCharge.objects.get().attempts == 2
