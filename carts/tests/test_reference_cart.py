"""The reference sample cart, rebuilt through the catalog and cart API."""

import pytest

pytestmark = pytest.mark.django_db

# The `cart` object of the reference GET /{tenant}/checkouts/{id} example (response 200).
REFERENCE_CART = {
    "id": "cart134598",
    "yrn": "urn:yaas:hybris:cart:cartId:myShop;cart134598",
    "siteCode": "usa",
    "currency": "USD",
    "subTotalPrice": 100.0,
    "deliveryWindowId": "5b5572a31cf31a000f31eee2",
    "shipping": {"methodId": "UPS", "amount": 10.0},
    "totalUnitsCount": 1.0,
    "totalTax": 15.0,
    "totalDiscount": 10.0,
    "totalPrice": 115.0,
    "taxDescription": "blabla",
    "metadata": {
        "mixins": {"cartComment": "https://res.cloudinary.com/saas-ag/raw/upload/schemata/CAAS/cartComment.json"}
    },
    "mixins": {"cartComment": {"comment": "Some cart comment."}},
    "cartItems": [
        {
            "id": "0",
            "yrn": "urn:yaas:hybris:cart:cartId-itemId:myShop;cart134598;0",
            "product": {
                "yrn": "urn:yaas:hybris:product:product:myShop;sku3",
                "description": "sku3",
                "id": "sku3",
                "sku": "sku3",
                "name": "sku3",
                "metadata": {"mixins": {"productComment": "https://res.cloudinary.com/.../productComment.json"}},
                "mixins": {"productComment": {"comment": "Some product comment."}},
                "pictures": [{"id": "img0001", "url": "http://status.emporix.io"}],
            },
            "itemPrice": 100.0,
            "quantity": 1.0,
            "taxCode": "A400",
            "itemTaxes": [{"rate": 15.0, "name": "tax override off 15%", "value": 15.0}],
            "unitPrice": {
                "value": 100.0,
                "priceId": "558c3db209eeea511e089251",
                "yrn": "urn:yaas:hybris:price:priceId:myShop;558c3db209eeea511e089251",
                "itemYrn": "urn:yaas:hybris:product:product:myShop;sku1",
                "originalAmount": 100.0,
                "currency": "USD",
            },
        }
    ],
    "discounts": [
        {
            "id": "abc",
            "yrn": "urn:yaas:hybris:cart:cartId-discountId:myShop;cart134598;abc",
            "couponYrn": "urn:yaas:hybris:coupon:coupon:myShop;abc",
            "code": "THANKSGIVING10",
            "amount": 10.0,
            "currency": "CAD",
            "name": "Thanks giving coupon for all orders",
            "sequenceId": 1,
            "calculationType": "ApplyDiscountBeforeTax",
            "links": [
                {"title": "THANKSGIVING10", "rel": "validate", "type": "application/json", "href": "https://..."}
            ],
        }
    ],
    "taxAggregate": {"lines": [{"name": "tax override off 15%", "rate": 15.0, "amount": 15.0, "taxable": 100.0}]},
}


def keys(obj) -> set[str]:
    return set(obj)


def build_reference_cart(japi, calculation_type: str) -> dict:
    """Catalog, cart, item, coupon and shipping of the reference sample, each through the API."""
    assert (
        japi.post(
            "/product/acme/products",
            {
                "sku": "sku3",
                "name": "sku3",
                "description": "sku3",
                "unitPrice": 100.0,
                "currency": "USD",
                "stockOnHand": 5,
                "taxCode": "A400",
                "taxRate": 15.0,
            },
        ).status_code
        == 201
    )
    assert (
        japi.post(
            "/shipping/acme/methods",
            {"methodId": "UPS", "zoneId": "US", "name": "UPS Standard", "amount": 10.0, "currency": "USD"},
        ).status_code
        == 201
    )
    assert (
        japi.post(
            "/coupon/acme/coupons",
            {
                "code": "THANKSGIVING10",
                "name": "Thanks giving coupon for all orders",
                "discountType": "FIXED",
                "value": 10.0,
                "currency": "USD",
                "calculationType": calculation_type,
            },
        ).status_code
        == 201
    )
    created = japi.post("/cart/acme/carts", {"customerId": "123456", "currency": "USD", "siteCode": "usa"})
    assert created.status_code == 201, created.json()
    cart_id = created.json()["id"]
    base = f"/cart/acme/carts/{cart_id}"
    assert japi.post(f"{base}/items", {"productId": "sku3", "quantity": 1}).status_code == 200
    assert japi.post(f"{base}/discounts", {"code": "THANKSGIVING10"}).status_code == 200
    shipped = japi.put(f"{base}/shipping", {"methodId": "UPS", "zoneId": "US"})
    assert shipped.status_code == 200, shipped.json()
    fetched = japi.get(base)
    assert fetched.status_code == 200
    assert fetched.json() == shipped.json()
    return fetched.json()


def test_reference_cart_after_tax_has_the_reference_figures_and_shape(japi, tenant):
    """Reference GET /{tenant}/checkouts/{id} example, `cart`: 100 + 15 tax + 10 shipping - 10 = 115."""
    cart = build_reference_cart(japi, "ApplyDiscountAfterTax")
    assert (cart["subTotalPrice"], cart["totalTax"], cart["totalDiscount"], cart["totalPrice"]) == (
        100.0,
        15.0,
        10.0,
        115.0,
    )
    assert cart["shipping"] == {"methodId": "UPS", "zoneId": "US", "methodName": "UPS Standard", "amount": 10.0}
    assert cart["totalUnitsCount"] == 1
    assert cart["currency"] == "USD"
    assert cart["siteCode"] == "usa"

    assert keys(REFERENCE_CART) <= keys(cart)
    item, reference_item = cart["cartItems"][0], REFERENCE_CART["cartItems"][0]
    assert keys(reference_item) <= keys(item)
    assert keys(reference_item["product"]) <= keys(item["product"])
    assert keys(reference_item["unitPrice"]) <= keys(item["unitPrice"])
    assert keys(reference_item["itemTaxes"][0]) <= keys(item["itemTaxes"][0])
    assert keys(REFERENCE_CART["discounts"][0]) <= keys(cart["discounts"][0])
    assert keys(REFERENCE_CART["discounts"][0]["links"][0]) <= keys(cart["discounts"][0]["links"][0])
    assert keys(REFERENCE_CART["taxAggregate"]["lines"][0]) <= keys(cart["taxAggregate"]["lines"][0])

    assert item["product"]["id"] == item["product"]["sku"] == "sku3"
    assert (item["itemPrice"], item["quantity"], item["taxCode"]) == (100.0, 1, "A400")
    assert item["itemTaxes"] == [{"rate": 15.0, "name": "A400 15%", "value": 15.0}]
    assert (item["unitPrice"]["value"], item["unitPrice"]["originalAmount"], item["unitPrice"]["currency"]) == (
        100.0,
        100.0,
        "USD",
    )
    discount = cart["discounts"][0]
    assert (discount["code"], discount["amount"], discount["sequenceId"], discount["calculationType"]) == (
        "THANKSGIVING10",
        10.0,
        1,
        "ApplyDiscountAfterTax",
    )
    assert cart["taxAggregate"]["lines"] == [{"name": "A400 15%", "rate": 15.0, "amount": 15.0, "taxable": 100.0}]
    assert cart["yrn"] == f"urn:yaas:hybris:cart:cartId:acme;{cart['id']}"


def test_reference_cart_before_tax_taxes_the_discounted_amount(japi, tenant):
    """DESIGN.md "Money": the same cart before tax is 100 - 10 + 13.5 + 10 = 113.5."""
    cart = build_reference_cart(japi, "ApplyDiscountBeforeTax")
    assert (cart["subTotalPrice"], cart["totalTax"], cart["totalDiscount"], cart["totalPrice"]) == (
        100.0,
        13.5,
        10.0,
        113.5,
    )
    assert cart["taxAggregate"]["lines"] == [{"name": "A400 15%", "rate": 15.0, "amount": 13.5, "taxable": 90.0}]


def test_amounts_are_json_numbers_not_strings(japi, tenant):
    response = japi.get(f"/cart/acme/carts/{build_reference_cart(japi, 'ApplyDiscountAfterTax')['id']}")
    assert b'"totalPrice":115.0' in response.content
    assert b'"value":100.0' in response.content
