"""Checkouts left `pending` past PENDING_CHECKOUT_TTL are failed and give back stock and coupons.

A transient payment failure (`tok_processingError`, DESIGN.md "Placing an order") leaves the
checkout pending with its order, stock and coupon held; nobody retries; the sweep releases them.
"""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from carts.models import Coupon, Product
from checkouts.expiry import checkout_expire_pending
from checkouts.models import Checkout, Order
from webhooks.models import Delivery, Event
from webhooks.services import webhook_endpoint_create

from .helpers import order_body

URL = "/checkout/acme/checkouts/order"


def place_pending(api, cart) -> str:
    """A checkout whose payment failed transiently: 503, order and stock held, status pending."""
    response = api.post(
        URL, data=json.dumps(order_body(cart.pk, token="tok_processingError")), content_type="application/json"
    )
    assert response.status_code == 503, response.json()
    return response.json()["checkoutId"]


def age(checkout_id: str, seconds: int) -> None:
    """Pretend the checkout last changed `seconds` ago (update() bypasses auto_now)."""
    Checkout.objects.filter(pk=checkout_id).update(modified_at=timezone.now() - timedelta(seconds=seconds))


def stock(sku="sku3") -> int:
    return Product.objects.get(sku=sku).stock_on_hand


def test_a_pending_checkout_past_its_ttl_is_failed_once_and_its_stock_returns(api, make_cart, settings):
    ttl = settings.PENDING_CHECKOUT_TTL
    assert ttl == 30 * 60  # the default
    expired_id = place_pending(api, make_cart(customer_id="c1", items=(("sku3", 2),)))
    fresh_id = place_pending(api, make_cart(customer_id="c2", coupons=()))
    completed = api.post(
        URL, data=json.dumps(order_body(make_cart(customer_id="c3", coupons=()).pk)), content_type="application/json"
    )
    assert completed.status_code == 200
    age(expired_id, ttl + 60)
    age(fresh_id, ttl - 60)
    age(completed.json()["checkoutId"], 10 * ttl)
    assert stock() == 10 - 2 - 1 - 1
    assert Coupon.objects.get().redemptions == 1
    version = Checkout.objects.get(pk=expired_id).version

    assert checkout_expire_pending() == 1

    checkout = Checkout.objects.select_related("order").get(pk=expired_id)
    assert (checkout.status, checkout.order_created) == ("failed", False)
    assert checkout.failure_reason == "Expired: pending for more than 30 minutes without a retry"
    assert checkout.version == version + 1
    assert checkout.order.status == "failed"
    assert stock() == 10 - 1 - 1  # the expired checkout's two units are back
    assert Coupon.objects.get().redemptions == 0  # and its coupon redemption
    assert Checkout.objects.get(pk=fresh_id).status == "pending"  # within the TTL: untouched
    assert Order.objects.get(checkout_ref=fresh_id).status == "pending"
    assert Checkout.objects.get(pk=completed.json()["checkoutId"]).status == "created"

    [event] = Event.objects.filter(type="checkout.failed")
    assert event.payload["data"]["checkout"]["id"] == expired_id
    assert event.payload["data"]["checkout"]["status"] == "failed"
    assert event.payload["data"]["checkout"]["failureReason"] == checkout.failure_reason

    # A second sweep finds nothing: released once, never twice.
    assert checkout_expire_pending() == 0
    assert stock() == 8
    assert Coupon.objects.get().redemptions == 0
    assert Event.objects.filter(type="checkout.failed").count() == 1

    # The expired checkout can still be retried: it reserves again from its snapshot (and this
    # token fails transiently once per new order, so it is pending again, stock held again).
    retried = api.post(f"/checkout/acme/checkouts/{expired_id}/retry")
    assert retried.status_code == 503, retried.json()
    assert Checkout.objects.get(pk=expired_id).status == "pending"
    assert stock() == 6


def test_the_ttl_is_a_setting_and_now_is_injectable(api, make_cart, settings):
    settings.PENDING_CHECKOUT_TTL = 60
    checkout_id = place_pending(api, make_cart(coupons=()))
    assert checkout_expire_pending() == 0
    assert checkout_expire_pending(now=timezone.now() + timedelta(seconds=61)) == 1
    assert (
        Checkout.objects.get(pk=checkout_id).failure_reason
        == "Expired: pending for more than 1 minutes without a retry"
    )
    assert stock() == 10


def test_both_modes_are_swept_and_batches_continue(api, make_cart, make_api_key, tenant):
    from django.test import Client

    from conftest import key_headers

    ids = [place_pending(api, make_cart(customer_id=f"c{i}", coupons=())) for i in range(3)]
    live = Client(headers=key_headers(make_api_key(tenant, mode="live")))
    # the test gateway is test-mode only: a live pending checkout is made directly
    Checkout.objects.filter(pk=ids[2]).update(mode="live")
    for checkout_id in ids:
        age(checkout_id, 3600)
    assert checkout_expire_pending(batch_size=1) == 3
    assert set(Checkout.objects.values_list("status", flat=True)) == {"failed"}
    assert live.get(f"/checkout/acme/checkouts/{ids[2]}").json()["status"] == "failed"


def test_expiry_emits_checkout_failed_to_subscribed_endpoints(api, make_cart, tenant, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    endpoint = webhook_endpoint_create(
        tenant=tenant, mode="test", url="http://127.0.0.1:9/hooks", events=["checkout.failed"]
    ).endpoint
    checkout_id = place_pending(api, make_cart())
    age(checkout_id, 3600)
    assert checkout_expire_pending() == 1
    [delivery] = Delivery.objects.all()
    assert (delivery.endpoint_id, delivery.event.type, delivery.status) == (endpoint.pk, "checkout.failed", "pending")


def test_expire_pending_checkouts_command(api, make_cart, capsys):
    age(place_pending(api, make_cart()), 3600)
    call_command("expire_pending_checkouts", "--json")
    assert json.loads(capsys.readouterr().out) == {"expired": 1}
    call_command("expire_pending_checkouts", "--json")
    assert json.loads(capsys.readouterr().out) == {"expired": 0}
    assert stock() == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_the_same_moment_release_the_stock_exactly_once(api, make_cart):
    ids = [place_pending(api, make_cart(customer_id=f"c{i}")) for i in range(8)]
    for checkout_id in ids:
        age(checkout_id, 3600)
    assert stock() == 2
    assert Coupon.objects.get().redemptions == 8
    versions = dict(Checkout.objects.values_list("pk", "version"))
    barrier = threading.Barrier(2)

    def sweep(_):
        try:
            barrier.wait()
            return checkout_expire_pending(batch_size=1)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(sweep, range(2)))

    assert sum(counts) == 8, counts
    assert stock() == 10
    assert Coupon.objects.get().redemptions == 0
    assert set(Checkout.objects.values_list("status", flat=True)) == {"failed"}
    assert set(Order.objects.values_list("status", flat=True)) == {"failed"}
    assert all(Checkout.objects.get(pk=pk).version == version + 1 for pk, version in versions.items())
    assert Event.objects.filter(type="checkout.failed").count() == 8


def test_the_sweep_runs_as_a_task(api, make_cart):
    from checkouts.expiry import checkout_expire_pending_task

    age(place_pending(api, make_cart()), 3600)
    result = checkout_expire_pending_task.enqueue()  # the test settings' immediate backend runs it now
    assert result.return_value == 1
    assert stock() == 10
