"""Fixtures for placement: the reference sample cart (sku3 at 100.0, 15 % tax, UPS 10.0, a 10.0 coupon)."""

import pytest

from carts.models import Cart, CartItem, Product

from .page_support import shop_catalog


@pytest.fixture
def catalog(tenant):
    """Products, shipping and a coupon of tenant `acme`, in USD like the reference sample."""
    return shop_catalog(tenant, currency="USD", zone="CA")


@pytest.fixture
def make_cart(tenant, catalog):
    def make(customer_id="123456", items=(("sku3", 1),), coupons=("THANKSGIVING10",), mode="test", tenant_=None):
        owner = tenant_ or tenant
        cart = Cart.objects.create(
            tenant=owner, mode=mode, customer_id=customer_id, currency="USD", coupon_codes=list(coupons)
        )
        for sku, quantity in items:
            product = Product.objects.get(tenant=owner, sku=sku)
            CartItem.objects.create(
                tenant=owner, cart=cart, product=product, quantity=quantity, unit_price=product.unit_price
            )
        return cart

    return make
