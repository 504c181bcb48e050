"""The checkout document built by PostgreSQL equals the one built in Python (checkout_json)."""

import json

import pytest

from checkout_project.jsonutil import MoneyJSONEncoder
from checkouts.models import Checkout
from checkouts.selectors import checkout_document, checkout_documents, checkout_json

from .helpers import order_body

pytestmark = pytest.mark.django_db


def python_documents(tenant, ids):
    checkouts = {c.pk: c for c in Checkout.objects.filter(pk__in=ids).select_related("order", "payment")}
    return json.loads(
        json.dumps([checkout_json(checkouts[i], tenant_code=tenant.code) for i in ids], cls=MoneyJSONEncoder)
    )


def test_documents_match_checkout_json_in_order(api, tenant, make_cart):
    outcomes = []
    for customer, token in (("a", "tok_visa"), ("b", "tok_chargeDeclined"), ("c", "tok_processingError")):
        cart = make_cart(customer_id=customer)
        response = api.post(
            "/checkout/acme/checkouts/order",
            data=json.dumps(order_body(cart.pk, token=token)),
            content_type="application/json",
        )
        outcomes.append(response.status_code)
    assert outcomes == [200, 402, 503]
    ids = list(Checkout.objects.order_by("-created_at").values_list("pk", flat=True))
    built = json.loads(checkout_documents(tenant=tenant, mode="test", ids=ids))
    assert [d["id"] for d in built] == ids
    assert built == python_documents(tenant, ids)
    assert [json.loads(checkout_document(tenant=tenant, mode="test", checkout_id=i)) for i in ids] == built
    assert {d["status"] for d in built} == {"created", "failed", "pending"}


def test_documents_never_cross_tenants(api, tenant, other_tenant, make_cart):
    cart = make_cart()
    api.post("/checkout/acme/checkouts/order", data=json.dumps(order_body(cart.pk)), content_type="application/json")
    ids = list(Checkout.objects.values_list("pk", flat=True))
    assert checkout_documents(tenant=other_tenant, mode="test", ids=ids) == "[]"
    assert checkout_documents(tenant=tenant, mode="live", ids=ids) == "[]"
    assert checkout_documents(tenant=tenant, mode="test", ids=ids, customer_id="someone-else") == "[]"
    assert checkout_documents(tenant=tenant, mode="test", ids=ids, customer_id="123456") != "[]"
    assert checkout_documents(tenant=tenant, mode="test", ids=[]) == "[]"
    [checkout_id] = ids
    assert checkout_document(tenant=other_tenant, mode="test", checkout_id=checkout_id) is None
    assert checkout_document(tenant=tenant, mode="live", checkout_id=checkout_id) is None
    assert checkout_document(tenant=tenant, mode="test", checkout_id=checkout_id, customer_id="someone-else") is None
    assert (
        json.loads(checkout_document(tenant=tenant, mode="test", checkout_id=checkout_id, customer_id="123456"))["id"]
        == checkout_id
    )


@pytest.mark.postgres
def test_the_cart_snapshot_is_stored_as_written_json_text(tenant):
    """PostgreSQL keeps the snapshot as `json` (handed out as stored, keys in the order written),
    not `jsonb` (re-serialised on every read); it reads back as the same document."""
    from decimal import Decimal

    from django.db import connection

    from .factories import make_checkouts

    snapshot = {"id": "cart1", "totalPrice": Decimal("115.00"), "cartItems": [{"quantity": 2}], "a": None}
    [checkout_id] = make_checkouts(tenant, 1, cart_snapshot=snapshot)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_typeof(cart_snapshot)::text, cart_snapshot::text FROM checkouts_checkout WHERE id = %s",
            [checkout_id],
        )
        type_name, text = cursor.fetchone()
    assert type_name == "json"
    assert list(json.loads(text)) == ["id", "totalPrice", "cartItems", "a"]  # jsonb would sort them by length
    assert Checkout.objects.get(pk=checkout_id).cart_snapshot == {
        "id": "cart1",
        "totalPrice": 115.0,
        "cartItems": [{"quantity": 2}],
        "a": None,
    }
