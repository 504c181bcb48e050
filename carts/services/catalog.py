"""Catalog writes: products (with guarded stock adjustments), shipping methods and coupons.

The catalog belongs to a tenant and is shared by live and test mode. Errors are `ApiError`s whose
`details[].field` are the API's field names, so the API, the admin and commands report alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from checkout_project.errors import DetailType, ErrorDetail, conflict, not_found, validation_error
from merchants.models import Tenant

from ..errors import CartErrorCode
from ..models import CalculationType, Cart, CartItem, CartStatus, Coupon, DiscountType, Product, ShippingMethod
from ..pricing import is_known_currency, quantize

ZERO = Decimal("0")
HUNDRED = Decimal("100")
# Stock is an `integer` column; adjustments keep it within 0..MAX_STOCK.
MAX_STOCK = 1_000_000_000
# sku, method and zone ids and coupon codes appear in URL paths: letters, digits and . _ -
CATALOG_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_CATALOG_ID = re.compile(CATALOG_ID_PATTERN)


def is_catalog_id(value: str) -> bool:
    return isinstance(value, str) and bool(_CATALOG_ID.fullmatch(value))


def _currency_problem(field: str, currency: str) -> ErrorDetail | None:
    if not is_known_currency(currency):
        return ErrorDetail(field, DetailType.INVALID_VALUE, "must be an ISO 4217 currency code, e.g. EUR")
    return None


def _amount_problem(field: str, amount: Decimal | None, currency: str) -> ErrorDetail | None:
    """Amounts are whole minor units of their currency (no 0.001 USD), and not negative."""
    if amount is None:
        return None
    if amount < ZERO:
        return ErrorDetail(field, DetailType.INVALID_VALUE, "must not be negative")
    if is_known_currency(currency) and quantize(amount, currency) != amount:
        return ErrorDetail(field, DetailType.INVALID_VALUE, f"has more decimals than {currency} allows")
    return None


def _raise_if(problems: list[ErrorDetail | None]) -> None:
    found = [p for p in problems if p is not None]
    if found:
        raise validation_error(found)


def _apply(row, changes: Mapping[str, Any], allowed: tuple[str, ...]) -> list[str]:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(row, name, value)
    return [*changes, "modified_at"]


def _insert(row, duplicate: ErrorDetail) -> None:
    """Insert `row`; a unique-constraint violation becomes 409 naming the duplicate field."""
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError as exc:
        raise conflict("A resource with this id already exists", [duplicate]) from exc


# ---------------------------------------------------------------------------------------------
# Products


@dataclass(frozen=True)
class ProductData:
    name: str
    unit_price: Decimal
    currency: str
    description: str = ""
    tax_code: str = ""
    tax_rate: Decimal = ZERO
    active: bool = True


PRODUCT_EDITABLE = tuple(ProductData.__dataclass_fields__)


def product_problems(product: Product) -> list[ErrorDetail]:
    """What is wrong with a product's state, with API field names (also used by the admin)."""
    problems = [
        _currency_problem("currency", product.currency),
        _amount_problem("unitPrice", product.unit_price, product.currency),
    ]
    if not ZERO <= product.tax_rate <= HUNDRED:
        problems.append(ErrorDetail("taxRate", DetailType.INVALID_VALUE, "must be between 0 and 100"))
    return [p for p in problems if p is not None]


@transaction.atomic
def product_create(*, tenant: Tenant, sku: str, data: ProductData, stock_on_hand: int = 0) -> Product:
    """Add a product; 409 when the tenant already has this sku."""
    product = Product(tenant=tenant, sku=sku, stock_on_hand=stock_on_hand, **asdict(data))
    problems = product_problems(product)
    if not is_catalog_id(sku):
        problems.insert(0, ErrorDetail("sku", DetailType.INVALID_VALUE, "letters, digits, '.', '_' and '-' only"))
    if not 0 <= stock_on_hand <= MAX_STOCK:
        problems.append(ErrorDetail("stockOnHand", DetailType.INVALID_VALUE, f"must be between 0 and {MAX_STOCK}"))
    _raise_if(problems)
    _insert(product, ErrorDetail("sku", CartErrorCode.DUPLICATE, f"product {sku} already exists"))
    return product


def _locked_product(*, tenant: Tenant, sku: str) -> Product:
    product = Product.objects.select_for_update().filter(tenant=tenant, sku=sku).first()
    if product is None:
        raise not_found(f"Product {sku} not found")
    return product


@transaction.atomic
def product_update(*, tenant: Tenant, sku: str, changes: Mapping[str, Any]) -> Product:
    """Change a product's fields (not its sku, not its stock: see `product_stock_adjust`).

    Locks the product row; writes only the changed columns, so a concurrent stock adjustment is
    never overwritten. Items already in carts keep the price captured when they were added.
    """
    product = _locked_product(tenant=tenant, sku=sku)
    fields = _apply(product, changes, PRODUCT_EDITABLE)
    _raise_if(product_problems(product))
    product.save(update_fields=fields)
    return product


@transaction.atomic
def product_stock_adjust(*, tenant: Tenant, sku: str, delta: int) -> Product:
    """Add `delta` (signed) to the stock on hand, never going below zero or above MAX_STOCK.

    One guarded `UPDATE ... SET stock = stock + delta WHERE stock + delta BETWEEN 0 AND MAX`:
    concurrent adjustments and order placements can never oversell. 409 `insufficient_stock`
    when the stock would go below zero (nothing is written).
    """
    updated = Product.objects.filter(
        tenant=tenant, sku=sku, stock_on_hand__gte=-delta, stock_on_hand__lte=MAX_STOCK - delta
    ).update(stock_on_hand=F("stock_on_hand") + delta, modified_at=timezone.now())
    if updated != 1:
        on_hand = Product.objects.filter(tenant=tenant, sku=sku).values_list("stock_on_hand", flat=True).first()
        if on_hand is None:
            raise not_found(f"Product {sku} not found")
        if on_hand + delta < 0:
            raise conflict(
                f"Stock of {sku} cannot go below zero: {on_hand} on hand, adjustment {delta}",
                [ErrorDetail("delta", CartErrorCode.INSUFFICIENT_STOCK, f"at most {on_hand} can be taken")],
            )
        raise conflict(
            f"Stock of {sku} cannot exceed {MAX_STOCK}",
            [ErrorDetail("delta", CartErrorCode.STOCK_LIMIT, f"at most {MAX_STOCK - on_hand} can be added")],
        )
    return Product.objects.select_related("tenant").get(tenant=tenant, sku=sku)


@transaction.atomic
def product_delete(*, tenant: Tenant, sku: str) -> None:
    """Delete a product that no cart has ever held; 409 `product_in_use` otherwise.

    A product in an open cart would break that cart; one in a closed cart was ordered, and its
    order and retries look it up. Retire such a product with `active: false` instead.
    """
    product = _locked_product(tenant=tenant, sku=sku)
    in_carts = CartItem.objects.filter(tenant=tenant, product=product)
    if in_carts.exists():
        open_carts = in_carts.filter(cart__status=CartStatus.OPEN).count()
        reason = f"it is in {open_carts} open cart(s)" if open_carts else "it has been ordered"
        raise conflict(
            f"Product {sku} cannot be deleted: {reason}; set active to false to retire it",
            [ErrorDetail("id", CartErrorCode.PRODUCT_IN_USE, reason)],
        )
    product.delete()


# ---------------------------------------------------------------------------------------------
# Shipping methods


@dataclass(frozen=True)
class ShippingMethodData:
    name: str
    amount: Decimal
    currency: str
    free_above: Decimal | None = None
    active: bool = True


SHIPPING_EDITABLE = tuple(ShippingMethodData.__dataclass_fields__)


def shipping_method_problems(method: ShippingMethod) -> list[ErrorDetail]:
    problems = [
        _currency_problem("currency", method.currency),
        _amount_problem("amount", method.amount, method.currency),
        _amount_problem("freeAbove", method.free_above, method.currency),
    ]
    return [p for p in problems if p is not None]


@transaction.atomic
def shipping_method_create(*, tenant: Tenant, method_id: str, zone_id: str, data: ShippingMethodData) -> ShippingMethod:
    """Add a shipping method for a zone; 409 when the tenant has this method for this zone."""
    method = ShippingMethod(tenant=tenant, method_id=method_id, zone_id=zone_id, **asdict(data))
    problems = shipping_method_problems(method)
    for field, value in (("methodId", method_id), ("zoneId", zone_id)):
        if not is_catalog_id(value):
            problems.insert(0, ErrorDetail(field, DetailType.INVALID_VALUE, "letters, digits, '.', '_' and '-' only"))
    _raise_if(problems)
    duplicate = ErrorDetail("methodId", CartErrorCode.DUPLICATE, f"method {method_id} exists for zone {zone_id}")
    _insert(method, duplicate)
    return method


def _locked_method(*, tenant: Tenant, method_id: str, zone_id: str) -> ShippingMethod:
    method = ShippingMethod.objects.select_for_update().filter(tenant=tenant, method_id=method_id, zone_id=zone_id)
    found = method.first()
    if found is None:
        raise not_found(f"Shipping method {method_id} for zone {zone_id} not found")
    return found


@transaction.atomic
def shipping_method_update(
    *, tenant: Tenant, method_id: str, zone_id: str, changes: Mapping[str, Any]
) -> ShippingMethod:
    """Change a method; carts using it are priced with the new amount from now on."""
    method = _locked_method(tenant=tenant, method_id=method_id, zone_id=zone_id)
    fields = _apply(method, changes, SHIPPING_EDITABLE)
    _raise_if(shipping_method_problems(method))
    method.save(update_fields=fields)
    return method


@transaction.atomic
def shipping_method_delete(*, tenant: Tenant, method_id: str, zone_id: str) -> None:
    """Delete a method; open carts that had chosen it have no shipping method any more."""
    _locked_method(tenant=tenant, method_id=method_id, zone_id=zone_id).delete()


# ---------------------------------------------------------------------------------------------
# Coupons


@dataclass(frozen=True)
class CouponData:
    discount_type: str
    value: Decimal
    name: str = ""
    currency: str = ""
    calculation_type: str = CalculationType.BEFORE_TAX
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    max_redemptions: int | None = None
    min_order_value: Decimal | None = None
    active: bool = True


COUPON_EDITABLE = tuple(CouponData.__dataclass_fields__)


def coupon_rule_problems(coupon: Coupon) -> list[ErrorDetail]:
    """What is wrong with a coupon's definition, with API field names (also used by the admin)."""
    problems: list[ErrorDetail | None] = []
    if coupon.discount_type == DiscountType.PERCENT:
        if not ZERO <= coupon.value <= HUNDRED:
            problems.append(ErrorDetail("value", DetailType.INVALID_VALUE, "a percentage must be between 0 and 100"))
    elif not coupon.currency:
        problems.append(ErrorDetail("currency", DetailType.MISSING_VALUE, "a FIXED coupon needs a currency"))
    if coupon.currency:
        problems.append(_currency_problem("currency", coupon.currency))
        if coupon.discount_type == DiscountType.FIXED:
            problems.append(_amount_problem("value", coupon.value, coupon.currency))
        problems.append(_amount_problem("minOrderValue", coupon.min_order_value, coupon.currency))
    elif coupon.min_order_value is not None and coupon.min_order_value < ZERO:
        problems.append(ErrorDetail("minOrderValue", DetailType.INVALID_VALUE, "must not be negative"))
    if coupon.valid_from and coupon.valid_to and coupon.valid_to <= coupon.valid_from:
        problems.append(ErrorDetail("validTo", DetailType.INVALID_VALUE, "must be after validFrom"))
    if coupon.max_redemptions is not None and coupon.max_redemptions < coupon.redemptions:
        problems.append(
            ErrorDetail("maxRedemptions", DetailType.INVALID_VALUE, f"already redeemed {coupon.redemptions} times")
        )
    return [p for p in problems if p is not None]


@transaction.atomic
def coupon_create(*, tenant: Tenant, code: str, data: CouponData) -> Coupon:
    """Add a coupon; 409 when the tenant already has this code."""
    coupon = Coupon(tenant=tenant, code=code, **asdict(data))
    problems = coupon_rule_problems(coupon)
    if not is_catalog_id(code):
        problems.insert(0, ErrorDetail("code", DetailType.INVALID_VALUE, "letters, digits, '.', '_' and '-' only"))
    _raise_if(problems)
    _insert(coupon, ErrorDetail("code", CartErrorCode.DUPLICATE, f"coupon {code} already exists"))
    return coupon


def _locked_coupon(*, tenant: Tenant, code: str) -> Coupon:
    coupon = Coupon.objects.select_for_update().filter(tenant=tenant, code=code).first()
    if coupon is None:
        raise not_found(f"Coupon {code} not found")
    return coupon


@transaction.atomic
def coupon_update(*, tenant: Tenant, code: str, changes: Mapping[str, Any]) -> Coupon:
    """Change a coupon's definition (never its redemption count). Locks the coupon row."""
    coupon = _locked_coupon(tenant=tenant, code=code)
    fields = _apply(coupon, changes, COUPON_EDITABLE)
    _raise_if(coupon_rule_problems(coupon))
    coupon.save(update_fields=fields)
    return coupon


@transaction.atomic
def coupon_delete(*, tenant: Tenant, code: str) -> None:
    """Delete a coupon and take it off every open cart of the tenant (both modes).

    Closed carts and checkouts keep their snapshots. Each affected cart is locked, so a
    concurrent coupon apply or removal on it is not lost.
    """
    coupon = _locked_coupon(tenant=tenant, code=code)
    candidates = Cart.objects.filter(tenant=tenant, status=CartStatus.OPEN).exclude(coupon_codes=[])
    if connection.features.supports_json_field_contains:
        candidates = candidates.filter(coupon_codes__contains=[code])
    affected = [pk for pk, codes in candidates.values_list("pk", "coupon_codes").iterator() if code in codes]
    for cart in Cart.objects.select_for_update().filter(pk__in=affected).order_by("pk"):
        cart.coupon_codes = [c for c in cart.coupon_codes if c != code]
        cart.save(update_fields=["coupon_codes", "modified_at"])
    coupon.delete()
