"""The catalog and cart admin: pages render, stock moves only through the guarded adjustment."""

from decimal import Decimal

import pytest

from carts.models import Coupon, Product
from carts.tests.factories import make_cart, make_coupon, make_product, make_shipping_method

pytestmark = pytest.mark.django_db


def change_form_data(response) -> dict:
    """The POST body a browser would send for an unchanged admin change form."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            value = ""
        if hasattr(value, "pk"):
            value = value.pk
        data[name] = value
    return data


@pytest.fixture
def rows(tenant):
    product = make_product(tenant)
    method = make_shipping_method(tenant)
    coupon = make_coupon(tenant, redemptions=2)
    cart = make_cart(tenant, items=[(product, 2)], coupons=["THANKSGIVING10"], shipping_method=method)
    return {"product": product, "method": method, "coupon": coupon, "cart": cart}


@pytest.mark.parametrize("model", ["product", "shippingmethod", "coupon", "cart"])
def test_changelists_and_change_pages_render(admin_client, rows, model):
    assert admin_client.get(f"/admin/carts/{model}/").status_code == 200
    row = rows[{"shippingmethod": "method"}.get(model, model)]
    assert admin_client.get(f"/admin/carts/{model}/{row.pk}/change/").status_code == 200


def test_cart_is_read_only_with_its_items(admin_client, rows):
    response = admin_client.get(f"/admin/carts/cart/{rows['cart'].pk}/change/")
    assert b"sku3" in response.content
    assert admin_client.get("/admin/carts/cart/add/").status_code == 403


def edit_product(admin_client, product, **changes):
    url = f"/admin/carts/product/{product.pk}/change/"
    data = {**change_form_data(admin_client.get(url)), **changes}
    return admin_client.post(url, data)


def test_stock_is_adjusted_by_a_delta(admin_client, rows):
    response = edit_product(admin_client, rows["product"], stock_delta=-3, name="Renamed")
    assert response.status_code == 302
    product = Product.objects.get(pk=rows["product"].pk)
    assert (product.stock_on_hand, product.name) == (7, "Renamed")


def test_stock_cannot_go_below_zero_in_the_admin(admin_client, rows):
    response = edit_product(admin_client, rows["product"], stock_delta=-11)
    assert response.status_code == 200
    assert b"cannot go below zero" in response.content
    assert Product.objects.get(pk=rows["product"].pk).stock_on_hand == 10


def test_stock_on_hand_in_the_post_is_ignored(admin_client, rows):
    edit_product(admin_client, rows["product"], stock_on_hand=999)
    assert Product.objects.get(pk=rows["product"].pk).stock_on_hand == 10


def test_admin_uses_the_services_rules(admin_client, rows):
    response = edit_product(admin_client, rows["product"], unit_price="1.005", currency="USD")
    assert response.status_code == 200
    assert b"more decimals than USD allows" in response.content
    assert Product.objects.get(pk=rows["product"].pk).unit_price == Decimal("100.00")


def test_coupon_redemptions_are_not_editable_in_the_admin(admin_client, rows):
    url = f"/admin/carts/coupon/{rows['coupon'].pk}/change/"
    data = change_form_data(admin_client.get(url))
    assert "redemptions" not in data
    response = admin_client.post(url, {**data, "name": "Renamed", "redemptions": 0})
    assert response.status_code == 302
    coupon = Coupon.objects.get(pk=rows["coupon"].pk)
    assert (coupon.name, coupon.redemptions) == ("Renamed", 2)


def test_percent_coupon_over_100_is_refused(admin_client, tenant):
    response = admin_client.post(
        "/admin/carts/coupon/add/",
        {
            "tenant": tenant.pk,
            "code": "P",
            "discount_type": "PERCENT",
            "value": "150",
            "calculation_type": "ApplyDiscountBeforeTax",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert b"between 0 and 100" in response.content
    assert not Coupon.objects.filter(code="P").exists()
