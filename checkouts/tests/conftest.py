"""Fixtures for placement: the reference sample cart (sku3 at 100.0, 15 % tax, UPS 10.0, a 10.0 coupon)."""

from decimal import Decimal

import pytest

from carts.models import CalculationType, Cart, CartItem, Coupon, DiscountType, Product, ShippingMethod


@pytest.fixture
def catalog(tenant):
    """Products, shipping and a coupon of tenant `acme`, in USD like the reference sample."""
    sku3 = Product.objects.create(
        tenant=tenant,
        sku="sku3",
        name="sku3",
        description="sku3",
        unit_price=Decimal("100.00"),
        currency="USD",
        stock_on_hand=10,
        tax_code="A400",
        tax_rate=Decimal("15"),
    )
    mug = Product.objects.create(
        tenant=tenant,
        sku="mug",
        name="Mug",
        unit_price=Decimal("12.50"),
        currency="USD",
        stock_on_hand=100,
        tax_code="STD",
        tax_rate=Decimal("19"),
    )
    ups = ShippingMethod.objects.create(
        tenant=tenant, method_id="UPS", zone_id="CA", name="UPS Standard", amount=Decimal("10.00"), currency="USD"
    )
    coupon = Coupon.objects.create(
        tenant=tenant,
        code="THANKSGIVING10",
        name="Thanks giving coupon for all orders",
        discount_type=DiscountType.FIXED,
        value=Decimal("10.00"),
        currency="USD",
        calculation_type=CalculationType.AFTER_TAX,
    )
    return {"sku3": sku3, "mug": mug, "ups": ups, "coupon": coupon}


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
