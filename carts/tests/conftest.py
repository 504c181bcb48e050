"""Fixtures of the catalog and cart tests. `api` (root conftest) is tenant acme's test-mode key."""

import pytest
from django.test import Client

from carts.tests.factories import make_coupon, make_product, make_shipping_method
from carts.tests.helpers import JsonClient
from conftest import key_headers


@pytest.fixture
def japi(api):
    return JsonClient(api)


@pytest.fixture
def live_japi(tenant, make_api_key):
    """Tenant acme's live-mode key."""
    return JsonClient(Client(headers=key_headers(make_api_key(tenant, mode="live"))))


@pytest.fixture
def catalog(tenant):
    """The reference sample's catalog for acme: sku3 (100.00 USD, A400 15 %), UPS 10.00, THANKSGIVING10."""
    return {
        "sku3": make_product(tenant),
        "ups": make_shipping_method(tenant),
        "coupon": make_coupon(tenant),
    }
