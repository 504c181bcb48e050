"""Reads of carts and the catalog, always scoped by tenant (and mode for carts).

`cart_json` builds the reference's `cart` object; the cart API, the checkout snapshot and the
hosted page all use it, so a cart looks the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from merchants.models import Tenant

from .models import Cart, CartItem, Coupon, Product, ShippingMethod
from .pricing import CartTotals, PricingCoupon, PricingLine, price_cart, tax_name_for


@dataclass(frozen=True)
class PricedCart:
    cart: Cart
    items: list[CartItem]
    coupons: list[Coupon]
    shipping_method: ShippingMethod | None
    totals: CartTotals


def cart_queryset(*, tenant: Tenant, mode: str) -> QuerySet[Cart]:
    """Carts of one tenant and mode, with what pricing and `cart_json` read (no query per row)."""
    return (
        Cart.objects.filter(tenant=tenant, mode=mode)
        .select_related("tenant", "shipping_method")
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


def carts_coupons(*, carts: list[Cart]) -> dict[str, list[Coupon]]:
    """`cart_coupons` for many carts of one tenant in one query (none when no cart has a coupon)."""
    codes = {code for cart in carts for code in cart.coupon_codes}
    if not codes:
        return {cart.pk: [] for cart in carts}
    by_code = {c.code: c for c in Coupon.objects.filter(tenant_id=carts[0].tenant_id, code__in=codes)}
    return {cart.pk: [by_code[code] for code in cart.coupon_codes if code in by_code] for cart in carts}


def cart_detail(*, tenant: Tenant, mode: str, cart_id: str) -> PricedCart | None:
    """One cart, priced (three queries: cart, items with products, coupons when there are any)."""
    cart = cart_get(tenant=tenant, mode=mode, cart_id=cart_id)
    return cart_price(cart=cart) if cart is not None else None


def carts_priced(*, carts: list[Cart]) -> list[PricedCart]:
    """Price a page of carts loaded from `cart_queryset` (one extra query for all their coupons)."""
    coupons = carts_coupons(carts=carts)
    return [cart_price(cart=cart, coupons=coupons[cart.pk]) for cart in carts]


def cart_price(*, cart: Cart, coupons: list[Coupon] | None = None, items: list[CartItem] | None = None) -> PricedCart:
    """Price a cart whose items (with products) are loaded, e.g. from `cart_queryset`, or given as `items`."""
    items = list(cart.items.all()) if items is None else items
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


def timestamp(value) -> str:
    """ISO 8601 in UTC with milliseconds, as the checkout documents show them."""
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _api_url(path: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{path}"


def cart_json(priced: PricedCart) -> dict[str, Any]:
    """The reference's `cart` object, field for field (amounts stay Decimal until rendered).

    Fields the service has no data for keep the reference's keys with empty values
    (`deliveryWindowId: null`, `mixins: {}`, `pictures: []`), so clients reading them do not break.
    """
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
                    "metadata": {"mixins": {}},
                    "mixins": {},
                    "pictures": [],
                },
                "itemPrice": line.item_price,
                "quantity": item.quantity,
                "taxCode": product.tax_code,
                "itemTaxes": [{"rate": line.tax_rate, "name": line.tax_name, "value": line.tax}],
                "unitPrice": {
                    "value": line.unit_price,
                    # One price per product in this catalog: the price id is the product's sku.
                    "priceId": product.sku,
                    "yrn": yrn(tenant_code, "price:priceId", product.sku),
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
                "links": [
                    {
                        "title": coupon.code,
                        "rel": "validate",
                        "type": "application/json",
                        "href": _api_url(f"/coupon/{tenant_code}/coupons/{coupon.code}"),
                    }
                ],
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
        "deliveryWindowId": None,
        "shipping": shipping,
        "totalUnitsCount": totals.units,
        "totalTax": totals.total_tax,
        "totalDiscount": totals.total_discount,
        "totalPrice": totals.total,
        "taxDescription": ", ".join(t.name for t in totals.tax_lines),
        "metadata": {"createdAt": timestamp(cart.created_at), "modifiedAt": timestamp(cart.modified_at), "mixins": {}},
        "mixins": {},
        "cartItems": items,
        "discounts": discounts,
        "taxAggregate": {
            "lines": [
                {"name": t.name, "rate": t.rate, "amount": t.amount, "taxable": t.taxable} for t in totals.tax_lines
            ]
        },
    }


# ---------------------------------------------------------------------------------------------
# Catalog: shared by live and test mode, always scoped by tenant.


def product_queryset(*, tenant: Tenant) -> QuerySet[Product]:
    return Product.objects.filter(tenant=tenant).select_related("tenant")


def product_get(*, tenant: Tenant, sku: str) -> Product | None:
    return product_queryset(tenant=tenant).filter(sku=sku).first()


def shipping_method_queryset(*, tenant: Tenant) -> QuerySet[ShippingMethod]:
    return ShippingMethod.objects.filter(tenant=tenant)


def shipping_method_get(*, tenant: Tenant, method_id: str, zone_id: str) -> ShippingMethod | None:
    return shipping_method_queryset(tenant=tenant).filter(method_id=method_id, zone_id=zone_id).first()


def coupon_queryset(*, tenant: Tenant) -> QuerySet[Coupon]:
    return Coupon.objects.filter(tenant=tenant)


def coupon_get(*, tenant: Tenant, code: str) -> Coupon | None:
    return coupon_queryset(tenant=tenant).filter(code=code).first()


def _metadata(row) -> dict[str, str]:
    return {"createdAt": timestamp(row.created_at), "modifiedAt": timestamp(row.modified_at)}


def product_json(product: Product) -> dict[str, Any]:
    """A catalog product; `id` is the sku, as in the reference's cart items."""
    return {
        "id": product.sku,
        "yrn": yrn(product.tenant.code, "product:product", product.sku),
        "sku": product.sku,
        "name": product.name,
        "description": product.description,
        "unitPrice": product.unit_price,
        "currency": product.currency,
        "stockOnHand": product.stock_on_hand,
        "taxCode": product.tax_code,
        "taxRate": product.tax_rate,
        "active": product.active,
        "metadata": _metadata(product),
    }


def shipping_method_json(method: ShippingMethod) -> dict[str, Any]:
    return {
        "methodId": method.method_id,
        "zoneId": method.zone_id,
        "name": method.name,
        "amount": method.amount,
        "currency": method.currency,
        "freeAbove": method.free_above,
        "active": method.active,
        "metadata": _metadata(method),
    }


def coupon_json(coupon: Coupon) -> dict[str, Any]:
    return {
        "code": coupon.code,
        "name": coupon.name,
        "discountType": coupon.discount_type,
        "value": coupon.value,
        "currency": coupon.currency or None,
        "calculationType": coupon.calculation_type,
        "validFrom": timestamp(coupon.valid_from) if coupon.valid_from else None,
        "validTo": timestamp(coupon.valid_to) if coupon.valid_to else None,
        "maxRedemptions": coupon.max_redemptions,
        "redemptions": coupon.redemptions,
        "minOrderValue": coupon.min_order_value,
        "active": coupon.active,
        "metadata": _metadata(coupon),
    }
