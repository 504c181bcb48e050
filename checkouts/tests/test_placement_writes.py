"""How placement writes its rows: one statement per step on PostgreSQL, the ORM elsewhere.

Both must leave the database equal to the objects placement hands back (the API answer, the
webhook payloads and the callers read those objects, not the rows).
"""

from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from carts.models import Cart
from checkouts.models import Checkout, CheckoutAttempt, Order, Payment, TestGatewayCharge
from checkouts.payments import ChargeRequest, ChargeStatus
from checkouts.payments.test_gateway import TestGateway
from checkouts.placement import PlacementRequest, _rows_write, _RowUpdate, checkout_place

from .helpers import order_body

pytestmark = pytest.mark.django_db


def _request(cart_id: str, provider: str = "payment-gateway") -> PlacementRequest:
    body = order_body(cart_id, provider=provider)
    return PlacementRequest(
        cart_id=body["cartId"],
        customer=body["customer"],
        addresses=body["addresses"],
        shipping=body["shipping"] | {"amount": Decimal("10.00")},
        payment_methods=body["paymentMethods"],
    )


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.mark.parametrize(("provider", "order_status"), [("payment-gateway", "success"), ("custom", "pending")])
def test_placed_objects_equal_the_rows_written(tenant, make_cart, provider, order_status):
    """The reference placement: checkout, order and payment in memory are the rows, field for field."""
    cart = make_cart()
    result = checkout_place(tenant=tenant, mode="test", request=_request(cart.pk, provider), saas_customer_id=None)

    assert _fields(result.checkout) == _fields(Checkout.objects.get(pk=result.checkout.pk))
    assert _fields(result.order) == _fields(Order.objects.get(pk=result.order.pk))
    assert _fields(result.payment) == _fields(Payment.objects.get(pk=result.payment.pk))
    assert not any(obj._state.adding for obj in (result.checkout, result.order, result.payment))
    assert (result.checkout.status, result.checkout.version, result.order.status) == ("created", 2, order_status)
    assert result.checkout.payment_id == result.payment.pk
    assert Cart.objects.get(pk=cart.pk).status == "CLOSED"
    attempt = CheckoutAttempt.objects.get()
    assert (attempt.tenant_id, attempt.checkout_id, attempt.number, attempt.outcome, attempt.message) == (
        tenant.pk,
        result.checkout.pk,
        0,
        "succeeded" if provider == "payment-gateway" else "accepted",
        "",
    )


def test_an_update_that_finds_no_row_raises_and_writes_nothing(tenant, make_cart):
    """As `save(update_fields=...)` does: a missing row is an error, and the step rolls back."""
    cart = make_cart()
    result = checkout_place(tenant=tenant, mode="test", request=_request(cart.pk))
    order = result.order
    order.pk = "ord_missing"
    attempts = CheckoutAttempt.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic():
        _rows_write(
            inserts=[CheckoutAttempt(tenant_id=tenant.pk, checkout=result.checkout, number=9, outcome="succeeded")],
            updates=[_RowUpdate(order, ["status", "modified_at"])],
        )
    assert CheckoutAttempt.objects.count() == attempts


def _charge(key: str, token: str = "tok_visa"):
    return TestGateway().charge(
        ChargeRequest(amount=Decimal("115.00"), currency="USD", idempotency_key=key, token=token)
    )


def test_gateway_replays_a_second_charge_with_the_same_key():
    """The ledger's unique key (PostgreSQL: INSERT … ON CONFLICT DO NOTHING) charges once per key."""
    with transaction.atomic():
        first = _charge("chk1:ord1")
        again = _charge("chk1:ord1")
    assert first.status == again.status == ChargeStatus.SUCCEEDED
    assert again.transaction_id == first.transaction_id
    ledger = TestGatewayCharge.objects.get()
    assert (ledger.idempotency_key, ledger.transaction_id, ledger.attempts) == ("chk1:ord1", first.transaction_id, 1)
    assert (ledger.amount, ledger.currency, ledger.token) == (Decimal("115.00"), "USD", "tok_visa")


def test_gateway_transient_failure_passes_on_the_next_attempt_with_the_key():
    """tok_processingError: the first attempt per key fails transiently, the next one (a replay) succeeds."""
    with transaction.atomic():
        first = _charge("chk2:ord2", token="tok_processingError")
        second = _charge("chk2:ord2", token="tok_processingError")
        third = _charge("chk2:ord2", token="tok_processingError")
    assert (first.status, first.transaction_id) == (ChargeStatus.TRANSIENT, "")
    assert second.status == third.status == ChargeStatus.SUCCEEDED
    assert third.transaction_id == second.transaction_id != ""
    assert TestGatewayCharge.objects.get().attempts == 2
