"""Cart writes. Every change locks the cart row (`SELECT ... FOR UPDATE`), refuses a closed cart
with 409, and never touches stock: stock is taken when the order is placed.

A cart belongs to one tenant and one mode; a cart of another tenant or mode is "not found".
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from checkout_project.errors import ApiError, DetailType, ErrorDetail, conflict, not_found, validation_error
from merchants.models import Tenant

from ..errors import CartErrorCode
from ..models import Cart, CartItem, CartStatus, Coupon, Product, ShippingMethod
from ..pricing import is_known_currency
from ..selectors import cart_get, cart_price
from .coupons import coupon_problem

MAX_ITEM_QUANTITY = 10_000  # per cart line
MAX_CART_LINES = 100
MAX_CART_COUPONS = 10


def _cart_closed(cart: Cart) -> ApiError:
    return conflict(
        f"Cart {cart.pk} is closed and cannot be changed",
        [ErrorDetail("cartId", CartErrorCode.CART_CLOSED, "the cart has been checked out")],
    )


def _locked_open_cart(*, tenant: Tenant, mode: str, cart_id: str) -> Cart:
    cart = Cart.objects.select_for_update().filter(tenant=tenant, mode=mode, pk=cart_id).first()
    if cart is None:
        raise not_found(f"Cart {cart_id} not found")
    if cart.status != CartStatus.OPEN:
        raise _cart_closed(cart)
    return cart


def _touch(cart: Cart) -> None:
    cart.save(update_fields=["modified_at"])


def _open_cart(*, tenant: Tenant, mode: str, customer_id: str) -> Cart | None:
    return Cart.objects.filter(tenant=tenant, mode=mode, customer_id=customer_id, status=CartStatus.OPEN).first()


def _same_currency(cart: Cart, currency: str | None) -> Cart:
    if currency is not None and currency != cart.currency:
        raise conflict(
            f"Customer {cart.customer_id} already has open cart {cart.pk} in {cart.currency}",
            [ErrorDetail("currency", CartErrorCode.CART_OPEN_IN_OTHER_CURRENCY, f"open cart {cart.pk}")],
        )
    return cart


@transaction.atomic
def cart_get_or_create(
    *, tenant: Tenant, mode: str, customer_id: str, currency: str | None = None, site_code: str | None = None
) -> tuple[Cart, bool]:
    """The customer's open cart in this mode, created when there is none: (cart, created).

    Race-safe: the partial unique constraint `cart_one_open_per_customer` lets one concurrent
    create win; the others read the winner's cart. Asking for another currency than the open
    cart's is a 409 naming the open cart.
    """
    if currency is not None and not is_known_currency(currency):
        raise validation_error(
            [ErrorDetail("currency", DetailType.INVALID_VALUE, "must be an ISO 4217 currency code, e.g. EUR")]
        )
    existing = _open_cart(tenant=tenant, mode=mode, customer_id=customer_id)
    if existing is not None:
        return _same_currency(existing, currency), False
    cart = Cart(
        tenant=tenant,
        mode=mode,
        customer_id=customer_id,
        currency=currency or tenant.default_currency,
        site_code=site_code or Cart._meta.get_field("site_code").default,
    )
    try:
        with transaction.atomic():
            cart.save(force_insert=True)
    except IntegrityError:
        existing = _open_cart(tenant=tenant, mode=mode, customer_id=customer_id)
        if existing is None:  # not the one-open-cart constraint
            raise
        return _same_currency(existing, currency), False
    return cart, True


def _product_for_cart(*, tenant: Tenant, cart: Cart, sku: str) -> Product:
    product = Product.objects.filter(tenant=tenant, sku=sku).first()
    if product is None:
        raise validation_error([ErrorDetail("productId", CartErrorCode.PRODUCT_NOT_FOUND, f"no product {sku}")])
    if not product.active:
        raise validation_error(
            [ErrorDetail("productId", CartErrorCode.PRODUCT_INACTIVE, f"product {sku} is not for sale")]
        )
    if product.currency != cart.currency:
        raise validation_error(
            [
                ErrorDetail(
                    "productId",
                    CartErrorCode.CURRENCY_MISMATCH,
                    f"product {sku} is priced in {product.currency}, the cart is in {cart.currency}",
                )
            ]
        )
    return product


def _quantity_limit(quantity: int) -> ApiError:
    return validation_error(
        [
            ErrorDetail(
                "quantity",
                CartErrorCode.QUANTITY_LIMIT,
                f"a cart line holds at most {MAX_ITEM_QUANTITY} units; this would make {quantity}",
            )
        ]
    )


@transaction.atomic
def cart_item_add(*, tenant: Tenant, mode: str, cart_id: str, sku: str, quantity: int) -> Cart:
    """Add `quantity` of a product; a product already in the cart gets the quantity added.

    The line takes the product's current catalog price (also when it was already in the cart).
    Locks the cart. At most MAX_ITEM_QUANTITY units per line and MAX_CART_LINES lines.
    """
    cart = _locked_open_cart(tenant=tenant, mode=mode, cart_id=cart_id)
    product = _product_for_cart(tenant=tenant, cart=cart, sku=sku)
    item = CartItem.objects.filter(tenant=tenant, cart=cart, product=product).first()
    total = quantity + (item.quantity if item else 0)
    if not 1 <= total <= MAX_ITEM_QUANTITY:
        raise _quantity_limit(total)
    if item is None and CartItem.objects.filter(tenant=tenant, cart=cart).count() >= MAX_CART_LINES:
        raise validation_error(
            [ErrorDetail("productId", CartErrorCode.QUANTITY_LIMIT, f"a cart holds at most {MAX_CART_LINES} lines")]
        )
    try:
        with transaction.atomic():
            if item is None:
                CartItem.objects.create(
                    tenant=tenant, cart=cart, product=product, quantity=total, unit_price=product.unit_price
                )
            else:
                item.quantity, item.unit_price = total, product.unit_price
                item.save(update_fields=["quantity", "unit_price"])
    except IntegrityError as exc:  # the product was deleted meanwhile
        raise validation_error(
            [ErrorDetail("productId", CartErrorCode.PRODUCT_NOT_FOUND, f"no product {sku}")]
        ) from exc
    _touch(cart)
    return cart


def _item(*, tenant: Tenant, cart: Cart, item_id: int) -> CartItem:
    item = CartItem.objects.filter(tenant=tenant, cart=cart, pk=item_id).first()
    if item is None:
        raise not_found(f"Item {item_id} not found in cart {cart.pk}")
    return item


@transaction.atomic
def cart_item_set_quantity(*, tenant: Tenant, mode: str, cart_id: str, item_id: int, quantity: int) -> Cart:
    """Set a line's quantity (1..MAX_ITEM_QUANTITY), keeping the price captured when it was added."""
    cart = _locked_open_cart(tenant=tenant, mode=mode, cart_id=cart_id)
    item = _item(tenant=tenant, cart=cart, item_id=item_id)
    if not 1 <= quantity <= MAX_ITEM_QUANTITY:
        raise _quantity_limit(quantity)
    item.quantity = quantity
    item.save(update_fields=["quantity"])
    _touch(cart)
    return cart


@transaction.atomic
def cart_item_remove(*, tenant: Tenant, mode: str, cart_id: str, item_id: int) -> Cart:
    cart = _locked_open_cart(tenant=tenant, mode=mode, cart_id=cart_id)
    _item(tenant=tenant, cart=cart, item_id=item_id).delete()
    _touch(cart)
    return cart


@transaction.atomic
def cart_coupon_apply(*, tenant: Tenant, mode: str, cart_id: str, code: str) -> Cart:
    """Apply a coupon valid for the cart's current subtotal. Idempotent: a code already on the
    cart changes nothing. Coupons are checked again (dates, limit, minimum) at checkout.
    """
    cart = cart_get(tenant=tenant, mode=mode, cart_id=cart_id, for_update=True)
    if cart is None:
        raise not_found(f"Cart {cart_id} not found")
    if cart.status != CartStatus.OPEN:
        raise _cart_closed(cart)
    if code in cart.coupon_codes:
        return cart
    coupon = Coupon.objects.filter(tenant=tenant, code=code).first()
    if coupon is None:
        raise validation_error([ErrorDetail("code", CartErrorCode.COUPON_NOT_FOUND, f"no coupon {code}")])
    if len(cart.coupon_codes) >= MAX_CART_COUPONS:
        raise validation_error(
            [ErrorDetail("code", CartErrorCode.COUPON_LIMIT_REACHED, f"a cart takes at most {MAX_CART_COUPONS}")]
        )
    sub_total = cart_price(cart=cart, coupons=[]).totals.sub_total
    problem = coupon_problem(coupon=coupon, sub_total=sub_total, currency=cart.currency, now=timezone.now())
    if problem:
        raise validation_error([ErrorDetail("code", problem[0], problem[1])])
    cart.coupon_codes = [*cart.coupon_codes, code]
    cart.save(update_fields=["coupon_codes", "modified_at"])
    return cart


@transaction.atomic
def cart_coupon_remove(*, tenant: Tenant, mode: str, cart_id: str, code: str) -> Cart:
    """Take a coupon off the cart; 404 when it is not on it."""
    cart = _locked_open_cart(tenant=tenant, mode=mode, cart_id=cart_id)
    if code not in cart.coupon_codes:
        raise not_found(f"Coupon {code} is not applied to cart {cart_id}")
    cart.coupon_codes = [c for c in cart.coupon_codes if c != code]
    cart.save(update_fields=["coupon_codes", "modified_at"])
    return cart


@transaction.atomic
def cart_shipping_set(*, tenant: Tenant, mode: str, cart_id: str, method_id: str, zone_id: str) -> Cart:
    """Choose an active shipping method of the tenant, in the cart's currency."""
    cart = _locked_open_cart(tenant=tenant, mode=mode, cart_id=cart_id)
    method = ShippingMethod.objects.filter(tenant=tenant, method_id=method_id, zone_id=zone_id, active=True).first()
    if method is None:
        raise validation_error(
            [
                ErrorDetail(
                    "methodId",
                    CartErrorCode.SHIPPING_METHOD_NOT_FOUND,
                    f"no active shipping method {method_id} for zone {zone_id}",
                )
            ]
        )
    if method.currency != cart.currency:
        raise validation_error(
            [
                ErrorDetail(
                    "methodId",
                    CartErrorCode.CURRENCY_MISMATCH,
                    f"method {method_id} is priced in {method.currency}, the cart is in {cart.currency}",
                )
            ]
        )
    cart.shipping_method = method
    cart.save(update_fields=["shipping_method", "modified_at"])
    return cart
