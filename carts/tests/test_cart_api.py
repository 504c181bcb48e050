"""Carts through the API: one open cart per customer, items, coupons, shipping, errors, isolation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carts.models import Cart, CartItem, CartStatus, Product
from carts.tests.factories import close_cart, make_cart, make_coupon, make_product, make_shipping_method
from carts.tests.helpers import JsonClient, details
from conftest import key_headers

pytestmark = pytest.mark.django_db


def new_cart(japi, customer_id="123456", **body) -> dict:
    response = japi.post("/cart/acme/carts", {"customerId": customer_id, "currency": "USD", **body})
    assert response.status_code in (200, 201), response.json()
    return response.json()


def add(japi, cart_id, sku="sku3", quantity=1):
    return japi.post(f"/cart/acme/carts/{cart_id}/items", {"productId": sku, "quantity": quantity})


# -- create -----------------------------------------------------------------------------------


def test_create_then_create_again_answers_the_open_cart(japi, tenant):
    first = japi.post("/cart/acme/carts", {"customerId": "c1", "currency": "USD", "siteCode": "usa"})
    assert first.status_code == 201
    body = first.json()
    assert (body["customerId"], body["status"], body["currency"], body["siteCode"]) == ("c1", "OPEN", "USD", "usa")
    assert (body["cartItems"], body["totalPrice"]) == ([], 0.0)
    again = japi.post("/cart/acme/carts", {"customerId": "c1"})
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert Cart.objects.count() == 1


def test_currency_defaults_to_the_tenants(japi, tenant):
    assert japi.post("/cart/acme/carts", {"customerId": "c1"}).json()["currency"] == "EUR"


def test_open_cart_in_another_currency_is_409(japi, tenant):
    cart = new_cart(japi, "c1")
    response = japi.post("/cart/acme/carts", {"customerId": "c1", "currency": "EUR"})
    assert response.status_code == 409
    assert details(response) == [("currency", "cart_open_in_other_currency")]
    assert cart["id"] in response.json()["message"]
    assert Cart.objects.count() == 1


def test_a_closed_cart_makes_room_for_a_new_one(japi, tenant):
    first = new_cart(japi, "c1")
    close_cart(Cart.objects.get(pk=first["id"]))
    second = japi.post("/cart/acme/carts", {"customerId": "c1", "currency": "USD"})
    assert second.status_code == 201
    assert second.json()["id"] != first["id"]


def test_test_and_live_carts_are_separate(japi, live_japi, tenant):
    test_cart = new_cart(japi, "c1")
    live_cart = live_japi.post("/cart/acme/carts", {"customerId": "c1", "currency": "USD"})
    assert live_cart.status_code == 201
    assert live_cart.json()["id"] != test_cart["id"]
    assert japi.get(f"/cart/acme/carts/{live_cart.json()['id']}").status_code == 404
    assert live_japi.get(f"/cart/acme/carts/{test_cart['id']}").status_code == 404
    assert [c["id"] for c in japi.get("/cart/acme/carts").json()] == [test_cart["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "usd"}, "currency"),
        ({"customerId": ""}, "customerId"),
        ({"customerId": "x" * 129}, "customerId"),
        ({"basket": True}, "basket"),
    ],
)
def test_bad_create_is_400_naming_the_field(japi, tenant, body, field):
    response = japi.post("/cart/acme/carts", {"customerId": "c1", **body})
    assert response.status_code == 400
    assert [f for f, _ in details(response)] == [field]
    assert not Cart.objects.exists()


def test_missing_customer_id(japi, tenant):
    assert details(japi.post("/cart/acme/carts", {})) == [("customerId", "missing_value")]


def test_carts_need_the_cart_scope(tenant, make_api_key):
    products_only = JsonClient(Client(headers=key_headers(make_api_key(tenant, scopes=["product.product_manage"]))))
    assert products_only.post("/cart/acme/carts", {"customerId": "c1"}).status_code == 403
    assert not Cart.objects.exists()


# -- items ------------------------------------------------------------------------------------


def test_add_item_captures_the_catalog_price_and_merges(japi, tenant):
    product = make_product(tenant)
    cart = new_cart(japi)
    first = add(japi, cart["id"], quantity=2)
    assert first.status_code == 200
    assert first.json()["subTotalPrice"] == 200.0
    product.unit_price = Decimal("90.00")
    product.save()
    merged = add(japi, cart["id"], quantity=1).json()
    assert len(merged["cartItems"]) == 1
    item = merged["cartItems"][0]
    assert (item["quantity"], item["unitPrice"]["value"], item["itemPrice"]) == (3, 90.0, 270.0)
    assert CartItem.objects.get().unit_price == Decimal("90.00")


def test_quantity_change_keeps_the_captured_price(japi, tenant):
    product = make_product(tenant)
    cart = new_cart(japi)
    item_id = add(japi, cart["id"]).json()["cartItems"][0]["id"]
    product.unit_price = Decimal("1.00")
    product.save()
    response = japi.patch(f"/cart/acme/carts/{cart['id']}/items/{item_id}", {"quantity": 4})
    assert response.status_code == 200
    assert response.json()["cartItems"][0]["itemPrice"] == 400.0
    response = japi.put(f"/cart/acme/carts/{cart['id']}/items/{item_id}", {"quantity": 1})
    assert response.json()["totalUnitsCount"] == 1


def test_remove_item(japi, tenant):
    make_product(tenant)
    make_product(tenant, sku="mug", unit_price=Decimal("12.50"))
    cart = new_cart(japi)
    add(japi, cart["id"])
    items = add(japi, cart["id"], "mug", 2).json()["cartItems"]
    response = japi.delete(f"/cart/acme/carts/{cart['id']}/items/{items[0]['id']}")
    assert response.status_code == 200
    assert [i["product"]["sku"] for i in response.json()["cartItems"]] == ["mug"]
    assert response.json()["subTotalPrice"] == 25.0
    assert japi.delete(f"/cart/acme/carts/{cart['id']}/items/{items[0]['id']}").status_code == 404


def test_carts_never_touch_stock(japi, tenant):
    make_product(tenant, stock_on_hand=1)
    cart = new_cart(japi)
    assert add(japi, cart["id"], quantity=5).status_code == 200
    assert Product.objects.get(sku="sku3").stock_on_hand == 1


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "abc", "2", True, None, 10_001, 10**20])
def test_bad_quantity_is_400(japi, tenant, quantity):
    make_product(tenant)
    cart = new_cart(japi)
    response = add(japi, cart["id"], quantity=quantity)
    assert response.status_code == 400
    assert [f for f, _ in details(response)] == ["quantity"]
    assert not CartItem.objects.exists()


def test_whole_decimal_quantity_is_accepted(japi, tenant):
    """The reference shows quantities as `1.0`."""
    make_product(tenant)
    assert add(japi, new_cart(japi)["id"], quantity=1.0).json()["totalUnitsCount"] == 1


def test_merged_quantity_above_the_maximum_is_400(japi, tenant):
    make_product(tenant)
    cart = new_cart(japi)
    add(japi, cart["id"], quantity=10_000)
    response = add(japi, cart["id"], quantity=1)
    assert details(response) == [("quantity", "quantity_limit")]
    assert CartItem.objects.get().quantity == 10_000


@pytest.mark.parametrize("quantity", [0, -2, 2.5, "x", 10_001])
def test_bad_quantity_change_is_400(japi, tenant, quantity):
    make_product(tenant)
    cart = new_cart(japi)
    item_id = add(japi, cart["id"], quantity=3).json()["cartItems"][0]["id"]
    response = japi.patch(f"/cart/acme/carts/{cart['id']}/items/{item_id}", {"quantity": quantity})
    assert [f for f, _ in details(response)] == ["quantity"]
    assert CartItem.objects.get().quantity == 3


def test_item_problems_name_the_product(japi, tenant, other_tenant):
    make_product(tenant, sku="off", active=False)
    make_product(tenant, sku="euro", currency="EUR")
    make_product(other_tenant, sku="theirs")
    cart = new_cart(japi)
    assert details(add(japi, cart["id"], "nope")) == [("productId", "product_not_found")]
    assert details(add(japi, cart["id"], "theirs")) == [("productId", "product_not_found")]
    assert details(add(japi, cart["id"], "off")) == [("productId", "product_inactive")]
    assert details(add(japi, cart["id"], "euro")) == [("productId", "currency_mismatch")]
    assert details(add(japi, cart["id"], "bad sku!")) == [("productId", "invalid_value")]
    assert not CartItem.objects.exists()


def test_unknown_fields_are_refused_everywhere(japi, tenant, catalog):
    cart = new_cart(japi)
    base = f"/cart/acme/carts/{cart['id']}"
    item_id = add(japi, cart["id"]).json()["cartItems"][0]["id"]
    cases = [
        japi.post(f"{base}/items", {"productId": "sku3", "quantity": 1, "price": 1}),
        japi.patch(f"{base}/items/{item_id}", {"quantity": 2, "unitPrice": 1}),
        japi.post(f"{base}/discounts", {"code": "THANKSGIVING10", "amount": 99}),
        japi.put(f"{base}/shipping", {"methodId": "UPS", "zoneId": "US", "amount": 0}),
    ]
    assert [details(r)[-1] for r in cases] == [
        ("price", "unknown_field"),
        ("unitPrice", "unknown_field"),
        ("amount", "unknown_field"),
        ("amount", "unknown_field"),
    ]
    fresh = japi.get(base).json()
    assert (fresh["cartItems"][0]["quantity"], fresh["discounts"], fresh["shipping"]["methodId"]) == (1, [], None)


def test_malformed_ids_are_400(japi, tenant, catalog):
    cart = new_cart(japi)
    assert details(japi.get("/cart/acme/carts/bad!id")) == [("cartId", "invalid_path_parameter")]
    assert details(japi.get(f"/cart/acme/carts/{'x' * 41}")) == [("cartId", "invalid_path_parameter")]
    response = japi.patch(f"/cart/acme/carts/{cart['id']}/items/abc", {"quantity": 1})
    assert details(response) == [("itemId", "invalid_path_parameter")]
    response = japi.delete(f"/cart/acme/carts/{cart['id']}/discounts/no%20way")
    assert details(response) == [("code", "invalid_path_parameter")]


def test_unknown_cart_and_item_are_404(japi, tenant, catalog):
    cart = new_cart(japi)
    assert japi.get("/cart/acme/carts/cartdoesnotexist").status_code == 404
    assert add(japi, "cartdoesnotexist").status_code == 404
    assert japi.patch(f"/cart/acme/carts/{cart['id']}/items/999999", {"quantity": 1}).status_code == 404


def test_another_tenants_cart_is_404_not_403(japi, tenant, other_tenant):
    theirs = make_cart(other_tenant, items=[(make_product(other_tenant), 1)])
    make_product(tenant)
    item = CartItem.objects.get(cart=theirs)
    base = f"/cart/acme/carts/{theirs.pk}"
    responses = [
        japi.get(base),
        add(japi, theirs.pk),
        japi.patch(f"{base}/items/{item.pk}", {"quantity": 5}),
        japi.delete(f"{base}/items/{item.pk}"),
        japi.post(f"{base}/discounts", {"code": "X"}),
        japi.put(f"{base}/shipping", {"methodId": "UPS", "zoneId": "US"}),
    ]
    assert [r.status_code for r in responses] == [404] * 6
    assert [r.json()["type"] for r in responses] == ["not_found"] * 6
    assert CartItem.objects.get(pk=item.pk).quantity == 1


def test_another_tenants_item_id_in_our_cart_is_404(japi, tenant, other_tenant):
    theirs = make_cart(other_tenant, items=[(make_product(other_tenant), 1)])
    ours = new_cart(japi)
    item = CartItem.objects.get(cart=theirs)
    assert japi.delete(f"/cart/acme/carts/{ours['id']}/items/{item.pk}").status_code == 404
    assert CartItem.objects.filter(pk=item.pk).exists()


def test_test_key_cannot_see_or_change_a_live_cart(japi, tenant):
    live = make_cart(tenant, mode="live", items=[(make_product(tenant), 1)])
    assert japi.get(f"/cart/acme/carts/{live.pk}").status_code == 404
    assert add(japi, live.pk).status_code == 404
    assert japi.get("/cart/acme/carts").json() == []
    assert CartItem.objects.get(cart=live).quantity == 1


# -- coupons ----------------------------------------------------------------------------------


def test_coupon_apply_is_idempotent_and_removable(japi, tenant, catalog):
    cart = new_cart(japi)
    add(japi, cart["id"])
    base = f"/cart/acme/carts/{cart['id']}"
    first = japi.post(f"{base}/discounts", {"code": "THANKSGIVING10"})
    again = japi.post(f"{base}/discounts", {"code": "THANKSGIVING10"})
    assert (first.status_code, again.status_code) == (200, 200)
    assert [d["code"] for d in again.json()["discounts"]] == ["THANKSGIVING10"]
    assert again.json()["totalDiscount"] == 10.0
    removed = japi.delete(f"{base}/discounts/THANKSGIVING10")
    assert removed.status_code == 200
    assert (removed.json()["discounts"], removed.json()["totalDiscount"]) == ([], 0.0)
    assert japi.delete(f"{base}/discounts/THANKSGIVING10").status_code == 404


@pytest.mark.parametrize(
    ("coupon", "type_"),
    [
        ({"valid_to": timezone.now() - timedelta(days=1)}, "coupon_expired"),
        ({"valid_from": timezone.now() + timedelta(days=1)}, "coupon_not_yet_valid"),
        ({"max_redemptions": 2, "redemptions": 2}, "coupon_exhausted"),
        ({"active": False}, "coupon_inactive"),
        ({"min_order_value": Decimal("500")}, "coupon_minimum_not_met"),
        ({"currency": "EUR"}, "coupon_currency_mismatch"),
    ],
)
def test_unusable_coupon_is_400_naming_code(japi, tenant, coupon, type_):
    make_product(tenant)
    make_coupon(tenant, code="C", **coupon)
    cart = new_cart(japi)
    add(japi, cart["id"])
    response = japi.post(f"/cart/acme/carts/{cart['id']}/discounts", {"code": "C"})
    assert response.status_code == 400
    assert details(response) == [("code", type_)]
    assert Cart.objects.get(pk=cart["id"]).coupon_codes == []


def test_unknown_and_other_tenants_coupon_is_400(japi, tenant, other_tenant):
    make_coupon(other_tenant, code="THEIRS")
    cart = new_cart(japi)
    for code in ("NOPE", "THEIRS"):
        response = japi.post(f"/cart/acme/carts/{cart['id']}/discounts", {"code": code})
        assert details(response) == [("code", "coupon_not_found")]


def test_minimum_order_value_uses_the_current_subtotal(japi, tenant):
    make_product(tenant)
    make_coupon(tenant, code="BIG", min_order_value=Decimal("150"))
    cart = new_cart(japi)
    add(japi, cart["id"])
    assert japi.post(f"/cart/acme/carts/{cart['id']}/discounts", {"code": "BIG"}).status_code == 400
    add(japi, cart["id"])
    assert japi.post(f"/cart/acme/carts/{cart['id']}/discounts", {"code": "BIG"}).status_code == 200


# -- shipping ---------------------------------------------------------------------------------


def test_set_shipping(japi, tenant, catalog):
    cart = new_cart(japi)
    add(japi, cart["id"])
    response = japi.put(f"/cart/acme/carts/{cart['id']}/shipping", {"methodId": "UPS", "zoneId": "US"})
    assert response.status_code == 200
    assert response.json()["shipping"]["amount"] == 10.0
    assert response.json()["totalPrice"] == 125.0


def test_bad_shipping_names_method(japi, tenant, other_tenant):
    make_shipping_method(tenant, method_id="DHL", currency="EUR")
    make_shipping_method(tenant, method_id="OFF", active=False)
    make_shipping_method(other_tenant)
    cart = new_cart(japi)
    url = f"/cart/acme/carts/{cart['id']}/shipping"
    assert details(japi.put(url, {"methodId": "UPS", "zoneId": "US"})) == [("methodId", "shipping_method_not_found")]
    assert details(japi.put(url, {"methodId": "OFF", "zoneId": "US"})) == [("methodId", "shipping_method_not_found")]
    assert details(japi.put(url, {"methodId": "DHL", "zoneId": "US"})) == [("methodId", "currency_mismatch")]
    assert sorted(details(japi.put(url, {}))) == [("methodId", "missing_value"), ("zoneId", "missing_value")]
    assert Cart.objects.get(pk=cart["id"]).shipping_method is None


# -- closed carts -----------------------------------------------------------------------------


def test_closed_cart_refuses_every_change(japi, tenant, catalog):
    make_product(tenant, sku="mug", unit_price=Decimal("5"))
    cart = new_cart(japi)
    base = f"/cart/acme/carts/{cart['id']}"
    item_id = add(japi, cart["id"]).json()["cartItems"][0]["id"]
    japi.post(f"{base}/discounts", {"code": "THANKSGIVING10"})
    before = close_cart(Cart.objects.get(pk=cart["id"]))
    snapshot = japi.get(base).json()
    responses = {
        "add": add(japi, cart["id"], "mug"),
        "patch": japi.patch(f"{base}/items/{item_id}", {"quantity": 2}),
        "put": japi.put(f"{base}/items/{item_id}", {"quantity": 2}),
        "remove": japi.delete(f"{base}/items/{item_id}"),
        "apply": japi.post(f"{base}/discounts", {"code": "OTHER"}),
        "unapply": japi.delete(f"{base}/discounts/THANKSGIVING10"),
        "shipping": japi.put(f"{base}/shipping", {"methodId": "UPS", "zoneId": "US"}),
    }
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 409)
    assert {r.json()["type"] for r in responses.values()} == {"conflict"}
    assert {details(r)[0] for r in responses.values()} == {("cartId", "cart_closed")}
    assert japi.get(base).json() == snapshot
    assert Cart.objects.get(pk=cart["id"]).modified_at == before.modified_at
    assert Cart.objects.get(pk=cart["id"]).status == CartStatus.CLOSED


# -- query counts -----------------------------------------------------------------------------


def count_queries(japi, url) -> int:
    japi.get(url)  # warm: the key's `last_used_at` is written at most once a minute
    with CaptureQueriesContext(connection) as ctx:
        assert japi.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_cart_detail_query_count_does_not_grow_with_items(japi, tenant, django_assert_max_num_queries):
    products = [make_product(tenant, sku=f"p{i}", unit_price=Decimal(i + 1)) for i in range(20)]
    make_coupon(tenant)
    make_shipping_method(tenant)
    small = make_cart(tenant, "small", items=[(products[0], 1)], coupons=["THANKSGIVING10"])
    large = make_cart(tenant, "large", items=[(p, 2) for p in products], coupons=["THANKSGIVING10"])
    one = count_queries(japi, f"/cart/acme/carts/{small.pk}")
    with django_assert_max_num_queries(one):
        body = japi.get(f"/cart/acme/carts/{large.pk}").json()
    assert len(body["cartItems"]) == 20
    assert count_queries(japi, f"/cart/acme/carts/{large.pk}") == one


def test_cart_list_query_count_does_not_grow_with_carts(japi, tenant, django_assert_max_num_queries):
    products = [make_product(tenant, sku=f"p{i}") for i in range(3)]
    make_coupon(tenant)
    make_coupon(tenant, code="OTHER", discount_type="PERCENT", value=Decimal("5"), currency="")
    make_cart(tenant, "c0", items=[(p, 1) for p in products], coupons=["THANKSGIVING10"])
    one = count_queries(japi, "/cart/acme/carts?pageSize=50")
    for i in range(1, 20):
        make_cart(tenant, f"c{i}", items=[(p, i) for p in products], coupons=["OTHER", "THANKSGIVING10"][i % 2 :])
    with django_assert_max_num_queries(one):
        body = japi.get("/cart/acme/carts?pageSize=50").json()
    assert len(body) == 20
    assert all(len(cart["cartItems"]) == 3 for cart in body)
    assert count_queries(japi, "/cart/acme/carts?pageSize=50") == one
