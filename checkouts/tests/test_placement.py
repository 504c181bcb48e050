"""POST /checkout/{tenant}/checkouts/order and retry (DESIGN.md "Placing an order")."""

import json
from decimal import Decimal

import pytest

from carts.models import Cart, Coupon, Product
from checkouts.models import Checkout, CheckoutStatus, Order, Payment, TestGatewayCharge

from .helpers import order_body

pytestmark = pytest.mark.django_db
URL = "/checkout/acme/checkouts/order"

REFERENCE_CHECKOUT_KEYS = {
    "id",
    "yrn",
    "paymentMethods",
    "payment",
    "order",
    "coupons",
    "status",
    "retryAttempts",
    "addresses",
    "customer",
    "metadata",
    "cart",
}
REFERENCE_CART_KEYS = {
    "id",
    "yrn",
    "siteCode",
    "currency",
    "subTotalPrice",
    "shipping",
    "totalUnitsCount",
    "totalTax",
    "totalDiscount",
    "totalPrice",
    "cartItems",
    "discounts",
    "taxAggregate",
}


def place(api, body, **headers):
    return api.post(URL, data=json.dumps(body), content_type="application/json", headers=headers)


def stock(sku="sku3"):
    return Product.objects.get(sku=sku).stock_on_hand


def test_reference_request_places_an_order_and_stores_the_reference_shape(api, make_cart, catalog):
    """Reference POST /{tenant}/checkouts/order, then GET /{tenant}/checkouts/{id} shape and figures."""
    cart = make_cart()
    response = place(api, order_body(cart.pk))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"orderId", "checkoutId", "paymentDetails"}
    assert body["paymentDetails"]["status"] == "success"

    order = Order.objects.get()
    assert body["orderId"] == order.pk
    assert order.status == "success"
    assert order.total == Decimal("115.00")
    assert stock() == 9
    assert Coupon.objects.get().redemptions == 1
    cart.refresh_from_db()
    assert cart.status == "CLOSED"
    assert Payment.objects.filter(status="success").count() == 1
    assert TestGatewayCharge.objects.filter(status="succeeded").count() == 1

    detail = api.get(f"/checkout/acme/checkouts/{body['checkoutId']}").json()
    assert REFERENCE_CHECKOUT_KEYS <= set(detail)
    assert detail["status"] == "created"
    assert detail["retryAttempts"] == 0
    assert detail["order"] == {
        "orderId": order.pk,
        "status": "success",
        "yrn": f"urn:yaas:hybris:order:order:acme;{order.pk}",
    }
    assert detail["payment"]["status"] == "success"
    assert detail["payment"]["paidAmount"] == 115.0
    assert detail["payment"]["currency"] == "USD"
    assert detail["coupons"] == [{"code": "THANKSGIVING10", "status": "success"}]
    assert [a["type"] for a in detail["addresses"]] == ["BILLING", "SHIPPING"]
    assert detail["customer"]["email"] == "user@example.com"
    assert detail["customer"]["guest"] is True
    assert set(detail["metadata"]) == {"createdAt", "modifiedAt", "version"}
    snapshot = detail["cart"]
    assert REFERENCE_CART_KEYS <= set(snapshot)
    assert (snapshot["subTotalPrice"], snapshot["totalTax"], snapshot["totalDiscount"], snapshot["totalPrice"]) == (
        100.0,
        15.0,
        10.0,
        115.0,
    )
    assert snapshot["shipping"]["methodId"] == "UPS"
    assert snapshot["shipping"]["amount"] == 10.0
    assert snapshot["cartItems"][0]["product"]["sku"] == "sku3"
    assert snapshot["cartItems"][0]["itemTaxes"][0]["value"] == 15.0
    assert "customAttributes" not in detail["paymentMethods"][0]


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda b: b.pop("cartId"), "cartId"),
        (lambda b: b["customer"].pop("email"), "customer.email"),
        (lambda b: b["customer"].update(email="not-an-email"), "customer.email"),
        (lambda b: b["customer"].update(firstName="", lastName=""), "customer.firstName"),
        (lambda b: b["addresses"].pop(), "addresses"),
        (lambda b: b["addresses"][1].update(type="BILLING"), "addresses"),
        (lambda b: b["addresses"][1].update(country="XX"), "addresses[1].country"),
        (lambda b: b["addresses"][0].pop("zipCode"), "addresses[0].zipCode"),
        (lambda b: b["shipping"].pop("zoneId"), "shipping.zoneId"),
        (lambda b: b["shipping"].update(amount="ten"), "shipping.amount"),
        (lambda b: b["paymentMethods"].append({"provider": "none"}), "paymentMethods"),
        (lambda b: b.update(paymentMethods=[]), "paymentMethods"),
        (lambda b: b["paymentMethods"][0].update(provider="bitcoin"), "paymentMethods[0].provider"),
        (lambda b: b.update(giftWrap=True), "giftWrap"),
        (lambda b: b["customer"].update(shoeSize=42), "customer.shoeSize"),
    ],
)
def test_request_validation_names_each_field(api, make_cart, mutate, field):
    cart = make_cart()
    body = order_body(cart.pk)
    mutate(body)
    response = place(api, body)
    assert response.status_code == 400, response.json()
    error = response.json()
    assert error["type"] == "validation_violation"
    assert field in [d["field"] for d in error["details"]], error
    assert Order.objects.count() == 0
    assert stock() == 10


def test_unknown_field_detail_type(api, make_cart):
    body = order_body(make_cart().pk) | {"giftWrap": True}
    detail = next(d for d in place(api, body).json()["details"] if d["field"] == "giftWrap")
    assert detail["type"] == "unknown_field"


def test_price_changed_names_the_item_and_writes_nothing(api, make_cart, catalog):
    cart = make_cart(items=(("mug", 1), ("sku3", 1)))
    Product.objects.filter(sku="sku3").update(unit_price=Decimal("120.00"))
    response = place(api, order_body(cart.pk))
    assert response.status_code == 400
    details = response.json()["details"]
    assert details == [
        {
            "field": "cartItems[1]",
            "type": "price_changed",
            "message": "the price of product sku3 changed from 100.00 to 120.00",
        }
    ]
    assert (Order.objects.count(), Checkout.objects.count(), Payment.objects.count()) == (0, 0, 0)
    assert stock("mug") == 100
    assert Coupon.objects.get().redemptions == 0


def test_out_of_stock_names_the_item_and_writes_nothing(api, make_cart):
    cart = make_cart(items=(("mug", 2), ("sku3", 11)))
    response = place(api, order_body(cart.pk))
    assert response.status_code == 400
    [detail] = response.json()["details"]
    assert detail["field"] == "cartItems[1]"
    assert detail["type"] == "out_of_stock"
    assert "sku3" in detail["message"]
    assert (Order.objects.count(), stock(), stock("mug")) == (0, 10, 100)


def test_inactive_product_and_exhausted_coupon_are_all_reported(api, make_cart, catalog):
    cart = make_cart(items=(("mug", 1),))
    Product.objects.filter(sku="mug").update(active=False)
    Coupon.objects.update(max_redemptions=1, redemptions=1)
    response = place(api, order_body(cart.pk))
    assert response.status_code == 400
    types = {d["field"]: d["type"] for d in response.json()["details"]}
    assert types == {"cartItems[0]": "product_inactive", "coupons[0]": "coupon_exhausted"}


def test_shipping_must_match(api, make_cart):
    cart = make_cart()
    response = place(api, order_body(cart.pk, amount=5.0))
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "shipping.amount"
    body = order_body(cart.pk)
    body["shipping"]["methodId"] = "FEDEX"
    response = place(api, body)
    assert response.json()["details"][0]["field"] == "shipping.methodId"


def test_unknown_empty_and_live_carts_are_refused(api, make_cart):
    assert place(api, order_body("cart-does-not-exist")).json()["details"][0]["type"] == "cart_not_found"
    empty = make_cart(items=())
    assert place(api, order_body(empty.pk)).json()["details"][0]["type"] == "cart_empty"
    live = make_cart(customer_id="other", mode="live")
    # A test-mode key never sees a live cart.
    assert place(api, order_body(live.pk)).json()["details"][0]["type"] == "cart_not_found"


def test_decline_releases_stock_and_coupon_and_keeps_the_cart_open(api, make_cart):
    cart = make_cart(items=(("sku3", 2),))
    response = place(api, order_body(cart.pk, token="tok_chargeDeclined"))
    assert response.status_code == 402
    error = response.json()
    assert error["type"] == "payment_declined"
    assert "declined" in error["message"]
    assert stock() == 10
    assert Coupon.objects.get().redemptions == 0
    cart.refresh_from_db()
    assert cart.status == "OPEN"
    # The open cart remembers the shipping method the shopper chose (it had none before).
    body = order_body(cart.pk)
    assert cart.shipping_method is not None
    assert (cart.shipping_method.method_id, cart.shipping_method.zone_id) == (
        body["shipping"]["methodId"],
        body["shipping"]["zoneId"],
    )
    checkout = Checkout.objects.get()
    assert checkout.status == CheckoutStatus.FAILED
    assert not checkout.order_created
    assert Order.objects.get().status == "failed"
    assert not Order.objects.filter(status="success").exists()
    assert Payment.objects.filter(status="success").count() == 0

    # The shopper can pay again with another card: the cart was kept.
    response = place(api, order_body(cart.pk, token="tok_visa"))
    assert response.status_code == 200
    assert stock() == 8


def test_transient_failure_is_retryable_and_retry_charges_once(api, make_cart):
    cart = make_cart()
    response = place(api, order_body(cart.pk, token="tok_processingError"))
    assert response.status_code == 503
    error = response.json()
    assert error["type"] == "payment_provider_unavailable"
    checkout = Checkout.objects.get()
    assert error["details"] == [{"field": "checkoutId", "type": "retryable", "message": checkout.pk}]
    assert checkout.status == CheckoutStatus.PENDING
    assert stock() == 9  # held for the retry
    cart.refresh_from_db()
    assert cart.status == "OPEN"

    # Placing the same cart again while the order is held: 409 naming it.
    again = place(api, order_body(cart.pk, token="tok_visa"))
    assert again.status_code == 409
    assert again.json()["existingOrderId"] == checkout.order_id

    retry = api.post(f"/checkout/acme/checkouts/{checkout.pk}/retry")
    assert retry.status_code == 200, retry.json()
    assert retry.json() == {"orderId": checkout.order_id}
    checkout.refresh_from_db()
    assert checkout.status == CheckoutStatus.CREATED
    assert checkout.retry_attempts == 1
    assert Payment.objects.filter(status="success").count() == 1
    assert TestGatewayCharge.objects.get().status == "succeeded"
    assert stock() == 9

    # Retrying a completed checkout answers the same order and charges nothing.
    payments = Payment.objects.count()
    retry = api.post(f"/checkout/acme/checkouts/{checkout.pk}/retry")
    assert retry.json() == {"orderId": checkout.order_id}
    assert Payment.objects.count() == payments
    assert Order.objects.count() == 1


def test_retry_of_a_declined_checkout_fails_again_and_is_bounded(api, make_cart, settings):
    settings.MAX_RETRY_ATTEMPTS = 2
    cart = make_cart()
    place(api, order_body(cart.pk, token="tok_chargeDeclined"))
    checkout = Checkout.objects.get()
    for attempt in (1, 2):
        response = api.post(f"/checkout/acme/checkouts/{checkout.pk}/retry")
        assert response.status_code == 402
        checkout.refresh_from_db()
        assert checkout.retry_attempts == attempt
        assert stock() == 10
    response = api.post(f"/checkout/acme/checkouts/{checkout.pk}/retry")
    assert response.status_code == 409
    assert response.json()["details"][0]["type"] == "retry_limit_reached"
    assert Payment.objects.filter(status="success").count() == 0


def test_retry_unknown_checkout_is_404(api):
    response = api.post("/checkout/acme/checkouts/chknope/retry")
    assert response.status_code == 404
    assert response.json()["type"] == "not_found"


def test_invoice_creates_the_order_with_payment_pending(api, make_cart):
    cart = make_cart()
    response = place(api, order_body(cart.pk, provider="none"))
    assert response.status_code == 200
    assert response.json()["paymentDetails"]["status"] == "pending"
    checkout = Checkout.objects.get()
    assert (checkout.status, checkout.checkout_completed, checkout.order.status) == ("created", True, "success")
    assert TestGatewayCharge.objects.count() == 0


def test_custom_provider_leaves_the_order_pending(api, make_cart):
    cart = make_cart()
    assert place(api, order_body(cart.pk, provider="custom")).status_code == 200
    assert Order.objects.get().status == "pending"
    assert Cart.objects.get().status == "CLOSED"


def test_idempotency_key_replays_the_first_answer(api, make_cart):
    cart = make_cart()
    first = place(api, order_body(cart.pk), **{"Idempotency-Key": "k-1"})
    second = place(api, order_body(cart.pk), **{"Idempotency-Key": "k-1"})
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1
    assert TestGatewayCharge.objects.count() == 1

    other = place(api, order_body(cart.pk, token="tok_chargeDeclined"), **{"Idempotency-Key": "k-1"})
    assert other.status_code == 422
    assert other.json()["details"][0]["field"] == "Idempotency-Key"


def test_idempotency_key_replays_errors_too(api, make_cart):
    cart = make_cart()
    first = place(api, order_body(cart.pk, token="tok_chargeDeclined"), **{"Idempotency-Key": "k-2"})
    second = place(api, order_body(cart.pk, token="tok_chargeDeclined"), **{"Idempotency-Key": "k-2"})
    assert first.status_code == second.status_code == 402
    assert first.json() == second.json()
    assert Checkout.objects.count() == 1


def test_without_a_key_a_second_request_for_the_cart_is_409(api, make_cart):
    cart = make_cart()
    first = place(api, order_body(cart.pk))
    second = place(api, order_body(cart.pk))
    assert second.status_code == 409
    error = second.json()
    assert error["existingOrderId"] == first.json()["orderId"]
    assert error["details"] == [
        {"field": "existingOrderId", "type": "existing_order", "message": first.json()["orderId"]}
    ]
    assert Order.objects.count() == 1


def test_idempotency_keys_are_per_tenant(api, make_cart, other_tenant, make_api_key):
    from django.test import Client

    from carts.models import Product as P
    from conftest import key_headers

    cart = make_cart()
    assert place(api, order_body(cart.pk), **{"Idempotency-Key": "shared"}).status_code == 200
    P.objects.create(tenant=other_tenant, sku="sku3", name="x", unit_price=1, currency="USD", stock_on_hand=1)
    other = Client(headers=key_headers(make_api_key(other_tenant)))
    response = other.post(
        "/checkout/globex/checkouts/order",
        data=json.dumps(order_body(cart.pk)),
        content_type="application/json",
        headers={"Idempotency-Key": "shared"},
    )
    # Not a replay of acme's answer: globex cannot see acme's cart.
    assert response.status_code == 400
    assert response.json()["details"][0]["type"] == "cart_not_found"


# The hot path's query budget (DESIGN.md "Placing an order", steps 2-5). The reference cart: one
# line and one coupon. Reserve: savepoint, cart lock, items (with the live-order check), products,
# shipping method, coupons, stock, coupon redemption, order and checkout, release. Payment:
# savepoint, checkout lock, gateway ledger, payment + order + cart + checkout + attempt, the two
# events with the endpoints, release. Plus two to authenticate the key (each test starts with an
# empty credential cache). On PostgreSQL each step's rows are one statement (data-modifying CTEs)
# and the ledger needs no savepoint; elsewhere one ORM save each. 33 before the placement was
# trimmed, then 27 on both.
# The cart also records the shipping method it was placed with: in the reserve statement on
# PostgreSQL, one more save elsewhere.
PLACEMENT_MAX_QUERIES = {"postgresql": 18, "sqlite": 28}


def test_a_placement_stays_within_its_query_budget(api, make_cart, django_assert_max_num_queries):
    """The reference request (`test_reference_request_places_an_order...`) within its query budget."""
    from django.db import connection

    cart = make_cart()
    with django_assert_max_num_queries(PLACEMENT_MAX_QUERIES[connection.vendor]):
        response = place(api, order_body(cart.pk))
    assert response.status_code == 200, response.json()
    assert (Order.objects.get().status, stock(), Coupon.objects.get().redemptions) == ("success", 9, 1)


def test_stock_shortfall_found_by_the_guarded_update_names_the_line_and_takes_nothing(make_cart, tenant):
    """A concurrent sale between the check and the decrement: the guarded update refuses, for the line short."""
    from django.db import transaction

    from checkout_project.errors import ApiError
    from checkouts.placement import _Line, _take_stock

    mug, sku3 = Product.objects.get(sku="mug"), Product.objects.get(sku="sku3")
    lines = [_Line("cartItems[0]", "sku3", 11, sku3.unit_price), _Line("cartItems[1]", "mug", 2, mug.unit_price)]
    with pytest.raises(ApiError) as raised, transaction.atomic():
        _take_stock(tenant=tenant, lines=lines, products={"mug": mug, "sku3": sku3})
    [detail] = raised.value.as_dict()["details"]
    assert (detail["field"], detail["type"]) == ("cartItems[0]", "out_of_stock")
    assert detail["message"] == "product sku3 is out of stock: 11 requested, 10 available"
    assert (stock(), stock("mug")) == (10, 100)

    lines[0] = _Line("cartItems[0]", "sku3", 10, sku3.unit_price)
    with transaction.atomic():
        _take_stock(tenant=tenant, lines=lines, products={"mug": mug, "sku3": sku3})
    assert (stock(), stock("mug")) == (0, 98)


def test_payment_step_reloads_a_checkout_changed_after_the_reservation(api, make_cart, monkeypatch):
    """If anything wrote the checkout between the two transactions, the payment step reads it again."""
    from checkouts import placement

    reserve = placement._reserve

    def reserve_then_touch(**kwargs):
        checkout = reserve(**kwargs)
        Checkout.objects.filter(pk=checkout.pk).update(version=7)  # e.g. a retry bumped it meanwhile
        return checkout

    monkeypatch.setattr(placement, "_reserve", reserve_then_touch)
    response = place(api, order_body(make_cart().pk))
    assert response.status_code == 200, response.json()
    checkout = Checkout.objects.get()
    assert (checkout.status, checkout.version, checkout.order.status) == ("created", 8, "success")
    assert Payment.objects.filter(status="success").count() == 1
