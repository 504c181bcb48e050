"""Reads of carts and the catalog, always scoped by tenant (and mode for carts).

`cart_json` builds the reference's `cart` object; the cart API, the checkout snapshot and the
hosted page all use it, so a cart looks the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from merchants.models import Tenant

from .models import Cart, CartItem, Coupon, ShippingMethod
from .pricing import CartTotals, PricingCoupon, PricingLine, price_cart, tax_name_for


@dataclass(frozen=True)
class PricedCart:
    cart: Cart
    items: list[CartItem]
    coupons: list[Coupon]
    shipping_method: ShippingMethod | None
    totals: CartTotals


def cart_queryset(*, tenant: Tenant, mode: str):
    return (
        Cart.objects.filter(tenant=tenant, mode=mode)
        .select_related("shipping_method")
        .prefetch_related(Prefetch("items", queryset=CartItem.objects.select_related("product").order_by("id")))
    )


def cart_get(*, tenant: Tenant, mode: str, cart_id: str, for_update: bool = False) -> Cart | None:
    qs = cart_queryset(tenant=tenant, mode=mode)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    return qs.filter(pk=cart_id).first()


def cart_coupons(*, cart: Cart) -> list[Coupon]:
    """The cart's coupons in the order they were applied (one query, none when there are none)."""
    if not cart.coupon_codes:
        return []
    by_code = {c.code: c for c in Coupon.objects.filter(tenant_id=cart.tenant_id, code__in=cart.coupon_codes)}
    return [by_code[code] for code in cart.coupon_codes if code in by_code]


def cart_price(*, cart: Cart, coupons: list[Coupon] | None = None) -> PricedCart:
    """Price a cart whose items (with products) are loaded, e.g. from `cart_queryset`."""
    items = list(cart.items.all())
    coupons = cart_coupons(cart=cart) if coupons is None else coupons
    method = cart.shipping_method
    totals = price_cart(
        currency=cart.currency,
        lines=[
            PricingLine(
                key=str(item.pk),
                unit_price=item.unit_price,
                quantity=item.quantity,
                tax_rate=item.product.tax_rate,
                tax_name=tax_name_for(item.product.tax_code, item.product.tax_rate),
            )
            for item in items
        ],
        coupons=[
            PricingCoupon(
                code=c.code,
                discount_type=c.discount_type,
                value=c.value,
                calculation_type=c.calculation_type,
                name=c.name,
            )
            for c in coupons
        ],
        shipping=method.amount if method else None,
        shipping_free_above=method.free_above if method else None,
    )
    return PricedCart(cart=cart, items=items, coupons=coupons, shipping_method=method, totals=totals)


def yrn(tenant_code: str, kind: str, *ids: str) -> str:
    """Emporix-style resource names, e.g. urn:yaas:hybris:cart:cartId:acme;cart123."""
    return f"urn:yaas:hybris:{kind}:{tenant_code};{';'.join(ids)}"


def cart_json(priced: PricedCart) -> dict[str, Any]:
    """The reference's `cart` object, field for field (amounts stay Decimal until rendered)."""
    cart, totals = priced.cart, priced.totals
    tenant_code = cart.tenant.code
    lines = {line.key: line for line in totals.lines}
    discount_by_code = {d.code: d for d in totals.discounts}
    shipping: dict[str, Any] = {"methodId": None, "zoneId": None, "amount": totals.shipping}
    if priced.shipping_method:
        shipping.update(
            methodId=priced.shipping_method.method_id,
            zoneId=priced.shipping_method.zone_id,
            methodName=priced.shipping_method.name,
        )
    items = []
    for item in priced.items:
        line = lines[str(item.pk)]
        product = item.product
        items.append(
            {
                "id": str(item.pk),
                "yrn": yrn(tenant_code, "cart:cartId-itemId", cart.pk, str(item.pk)),
                "product": {
                    "yrn": yrn(tenant_code, "product:product", product.sku),
                    "id": product.sku,
                    "sku": product.sku,
                    "name": product.name,
                    "description": product.description,
                },
                "itemPrice": line.item_price,
                "quantity": item.quantity,
                "taxCode": product.tax_code,
                "itemTaxes": [{"rate": line.tax_rate, "name": line.tax_name, "value": line.tax}],
                "unitPrice": {
                    "value": line.unit_price,
                    "originalAmount": line.unit_price,
                    "currency": cart.currency,
                    "itemYrn": yrn(tenant_code, "product:product", product.sku),
                },
            }
        )
    discounts = []
    for sequence, coupon in enumerate(priced.coupons, start=1):
        applied = discount_by_code.get(coupon.code)
        discounts.append(
            {
                "id": coupon.code,
                "yrn": yrn(tenant_code, "cart:cartId-discountId", cart.pk, coupon.code),
                "couponYrn": yrn(tenant_code, "coupon:coupon", coupon.code),
                "code": coupon.code,
                "amount": applied.amount if applied else Decimal("0"),
                "currency": cart.currency,
                "name": coupon.name,
                "sequenceId": sequence,
                "calculationType": coupon.calculation_type,
            }
        )
    return {
        "id": cart.pk,
        "yrn": yrn(tenant_code, "cart:cartId", cart.pk),
        "customerId": cart.customer_id,
        "status": cart.status,
        "siteCode": cart.site_code,
        "currency": cart.currency,
        "subTotalPrice": totals.sub_total,
        "shipping": shipping,
        "totalUnitsCount": totals.units,
        "totalTax": totals.total_tax,
        "totalDiscount": totals.total_discount,
        "totalPrice": totals.total,
        "cartItems": items,
        "discounts": discounts,
        "taxAggregate": {
            "lines": [
                {"name": t.name, "rate": t.rate, "amount": t.amount, "taxable": t.taxable} for t in totals.tax_lines
            ]
        },
    }
