"""Catalog rows and carts written straight to the database, for tests that need them as a given."""

from decimal import Decimal

from carts.models import CalculationType, Cart, CartItem, CartStatus, Coupon, DiscountType, Product, ShippingMethod


def make_product(tenant, sku="sku3", **overrides) -> Product:
    """The reference sample's product: sku3 at 100.00 USD, tax code A400 at 15 %."""
    fields = {
        "name": sku,
        "description": sku,
        "unit_price": Decimal("100.00"),
        "currency": "USD",
        "stock_on_hand": 10,
        "tax_code": "A400",
        "tax_rate": Decimal("15"),
    }
    return Product.objects.create(tenant=tenant, sku=sku, **{**fields, **overrides})


def make_shipping_method(tenant, method_id="UPS", zone_id="US", **overrides) -> ShippingMethod:
    fields = {"name": "UPS Standard", "amount": Decimal("10.00"), "currency": "USD"}
    return ShippingMethod.objects.create(tenant=tenant, method_id=method_id, zone_id=zone_id, **{**fields, **overrides})


def make_coupon(tenant, code="THANKSGIVING10", **overrides) -> Coupon:
    """The reference sample's coupon: 10.00 off, after tax."""
    fields = {
        "name": "Thanks giving coupon for all orders",
        "discount_type": DiscountType.FIXED,
        "value": Decimal("10.00"),
        "currency": "USD",
        "calculation_type": CalculationType.AFTER_TAX,
    }
    return Coupon.objects.create(tenant=tenant, code=code, **{**fields, **overrides})


def make_cart(tenant, customer_id="123456", *, mode="test", currency="USD", items=(), coupons=(), **overrides) -> Cart:
    """A cart with `items` as (product, quantity) pairs at the products' current prices."""
    cart = Cart.objects.create(
        tenant=tenant, mode=mode, customer_id=customer_id, currency=currency, coupon_codes=list(coupons), **overrides
    )
    CartItem.objects.bulk_create(
        CartItem(tenant=tenant, cart=cart, product=product, quantity=quantity, unit_price=product.unit_price)
        for product, quantity in items
    )
    return cart


def close_cart(cart: Cart) -> Cart:
    Cart.objects.filter(pk=cart.pk).update(status=CartStatus.CLOSED)
    cart.refresh_from_db()
    return cart
