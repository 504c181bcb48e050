"""Editing price and stock in the product list (issue 9): a stock edit is the difference to the value
the user saw, applied with the guarded `product_stock_adjust` — never an overwrite that could undo
stock taken by checkouts meanwhile."""

from __future__ import annotations

from decimal import Decimal

import pytest

from carts.models import Product
from carts.services import product_stock_adjust
from carts.tests.factories import make_product
from checkout_project.tests.admin_support import staff_client

pytestmark = pytest.mark.django_db

LIST = "/admin/carts/product/"


@pytest.fixture
def staff(tenant):
    return staff_client(tenant, "ann@acme.example")


@pytest.fixture
def product(tenant):
    return make_product(tenant)  # sku3, 100.00 USD, 10 on hand


def list_post(product, *, seen_stock, stock, price="100.00", **extra):
    """What the browser posts from the list page: the edited columns and the stock it showed."""
    return {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(product.pk),
        "form-0-unit_price": price,
        "form-0-stock_on_hand": str(stock),
        "initial-form-0-stock_on_hand": str(seen_stock),
        "form-0-active": "on",
        "_save": "Save",
        **extra,
    }


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_list_sends_the_stock_it_showed(staff, product):
    html = staff.get(LIST).content.decode()
    assert 'name="form-0-stock_on_hand" value="10"' in html
    assert 'name="initial-form-0-stock_on_hand" value="10"' in html


def test_a_stock_edit_is_a_delta_on_top_of_what_checkouts_took_meanwhile(staff, tenant, product):
    product_stock_adjust(tenant=tenant, sku="sku3", delta=-2)  # an order took 2 after the page was shown
    response = staff.post(LIST, list_post(product, seen_stock=10, stock=15), follow=True)
    assert response.status_code == 200
    assert Product.objects.get(pk=product.pk).stock_on_hand == 13  # 8 + (15 - 10), not 15


def test_a_stock_edit_that_would_go_below_zero_is_refused_and_nothing_is_saved(staff, tenant, product):
    product_stock_adjust(tenant=tenant, sku="sku3", delta=-2)
    response = staff.post(LIST, list_post(product, seen_stock=10, stock=0, price="90.00"), follow=True)
    assert messages_of(response) == [
        "Stock of sku3 cannot go below zero: 8 on hand, adjustment -10 (delta: at most 8 can be taken)"
    ]
    saved = Product.objects.get(pk=product.pk)
    assert (saved.stock_on_hand, saved.unit_price) == (8, Decimal("100.00"))  # the price edit rolled back too


def test_price_edit_goes_through_the_service_rules(staff, product):
    ok = staff.post(LIST, list_post(product, seen_stock=10, stock=10, price="99.50"), follow=True)
    assert ok.status_code == 200
    assert Product.objects.get(pk=product.pk).unit_price == Decimal("99.50")
    bad = staff.post(LIST, list_post(product, seen_stock=10, stock=10, price="1.005"))
    assert bad.status_code == 200
    assert "more decimals than USD allows" in bad.content.decode()
    assert Product.objects.get(pk=product.pk).unit_price == Decimal("99.50")


def test_an_unchanged_stock_column_adjusts_nothing(staff, tenant, product):
    product_stock_adjust(tenant=tenant, sku="sku3", delta=-2)
    staff.post(LIST, list_post(product, seen_stock=10, stock=10, price="95.00"), follow=True)
    saved = Product.objects.get(pk=product.pk)
    assert (saved.stock_on_hand, saved.unit_price) == (8, Decimal("95.00"))


def test_another_tenants_product_cannot_be_edited_from_the_list(staff, other_tenant):
    theirs = make_product(other_tenant, sku="their-sku")
    response = staff.post(LIST, list_post(theirs, seen_stock=10, stock=500, price="1.00"))
    assert response.status_code == 200  # the list again, with the form's error
    saved = Product.objects.get(pk=theirs.pk)
    assert (saved.stock_on_hand, saved.unit_price) == (10, Decimal("100.00"))
