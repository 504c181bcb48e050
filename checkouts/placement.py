"""Placing an order (DESIGN.md "Placing an order") and retrying one.

The API (`POST /checkout/{tenant}/checkouts/order`), the hosted page and the admin all call
`checkout_place` / `checkout_retry`. Steps, each leaving a state a retry can resume from:

1. the request is validated by the caller (API serializer or page form) into a `PlacementRequest`;
2. `_reserve` (one transaction): lock the cart, validate it (price match, inventory, coupons,
   shipping), decrement stock with guarded updates in product order, count coupon redemptions
   with a guarded update, write the `Order` and the `Checkout` with the cart snapshot;
3. `_collect_payment` (one transaction, checkout row locked): charge through the gateway with a
   key derived from checkout and order, so no retry can charge twice; then close the cart and
   complete the checkout — or, on a decline, release stock and coupons and fail the checkout, or,
   on a transient failure, keep everything held and leave the checkout `pending`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Model, Q
from django.utils import timezone

from carts.errors import CartErrorCode
from carts.models import Cart, CartItem, CartStatus, Coupon, Product, ShippingMethod
from carts.pricing import quantize
from carts.selectors import cart_coupons, cart_json, cart_price, yrn
from carts.services import coupon_problem
from checkout_project.errors import ApiError, ErrorDetail, ErrorType, validation_error
from merchants.models import Tenant
from webhooks.models import EventType
from webhooks.services import checkout_completed_emit, checkout_event_emit

from .errors import CheckoutErrorCode
from .models import (
    AttemptOutcome,
    Checkout,
    CheckoutAttempt,
    CheckoutStatus,
    Order,
    OrderStatus,
    Payment,
    PaymentStatus,
    new_checkout_id,
)
from .payments import ChargeRequest, ChargeResult, ChargeStatus, GatewayUnavailable, gateway_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlacementRequest:
    """A validated trigger-checkout request (the Emporix body, already shape-checked)."""

    cart_id: str
    customer: dict[str, Any]
    addresses: list[dict[str, Any]]
    shipping: dict[str, Any]  # methodId, zoneId, methodName, amount (Decimal)
    payment_methods: list[dict[str, Any]]  # exactly one
    currency: str | None = None


@dataclass(frozen=True)
class PlacementResult:
    """A finished placement or retry: the order exists and payment was taken or accepted."""

    checkout: Checkout
    order: Order
    payment: Payment | None
    body: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Line:
    """One line to reserve: from a cart item, or from a checkout snapshot on retry."""

    field: str  # bean-notation name of the line in error details, e.g. cartItems[0]
    sku: str
    quantity: int
    unit_price: Decimal


# ---------------------------------------------------------------------------------------------
# Public services


def checkout_place(
    *, tenant: Tenant, mode: str, request: PlacementRequest, saas_customer_id: str | None = None
) -> PlacementResult:
    """Place an order for a cart. Raises `ApiError` (400/402/409/503) when it cannot.

    Guarantees: stock never goes below zero, a cart gets at most one live order, a payment is
    charged at most once per order, and every failure leaves nothing half-written.
    """
    _check_provider(request.payment_methods[0], mode)
    checkout = _reserve(tenant=tenant, mode=mode, request=request, saas_customer_id=saas_customer_id)
    return _collect_payment(checkout_id=checkout.pk, tenant=tenant, attempt=0, reserved=checkout)


def checkout_retry(
    *, tenant: Tenant, mode: str, checkout_id: str, saas_customer_id: str | None = None
) -> PlacementResult:
    """Retry a checkout (API `POST .../checkouts/{id}/retry` and the admin action).

    A completed checkout answers its existing order and charges nothing. A pending one (transient
    payment failure) charges again with the same idempotency key. A failed one reserves stock and
    coupons again from its snapshot, with a new order. At most `MAX_RETRY_ATTEMPTS` retries.
    """
    with transaction.atomic():
        checkout = (
            Checkout.objects.select_for_update(of=("self",))
            .filter(tenant=tenant, mode=mode, pk=checkout_id)
            .select_related("order", "payment")
            .first()
        )
        if checkout is None or (saas_customer_id and checkout.customer_id != saas_customer_id):
            raise ApiError(404, ErrorType.NOT_FOUND, f"Checkout {checkout_id} not found")
        if checkout.status == CheckoutStatus.CREATED:
            return _result(checkout)
        if checkout.retry_attempts >= settings.MAX_RETRY_ATTEMPTS:
            raise ApiError(
                409,
                ErrorType.CONFLICT,
                f"Checkout {checkout.pk} reached the limit of {settings.MAX_RETRY_ATTEMPTS} retries",
                [ErrorDetail("checkoutId", CheckoutErrorCode.RETRY_LIMIT_REACHED, checkout.pk)],
            )
        checkout.retry_attempts += 1
        checkout.version += 1
        checkout.save(update_fields=["retry_attempts", "version", "modified_at"])
        attempt = checkout.retry_attempts
        if checkout.status == CheckoutStatus.FAILED:
            try:
                with transaction.atomic():
                    _reserve_again(checkout)
            except ApiError as error:
                _record_attempt(checkout, attempt, AttemptOutcome.REJECTED, error.message)
                failure = error
            else:
                failure = None
        else:
            # Pending (its order held): charge while still holding the checkout row, so that
            # concurrent retries queue here and find it completed, instead of each counting an
            # attempt (and the last one refused at the limit) while the first one is paying.
            try:
                return _collect_payment(checkout_id=checkout.pk, tenant=tenant, attempt=attempt)
            except ApiError as error:
                failure = error  # the payment step's outcome is saved (its savepoint released)
    if failure is not None:
        raise failure
    return _collect_payment(checkout_id=checkout.pk, tenant=tenant, attempt=attempt)


def reservation_release(*, checkout: Checkout) -> None:
    """Give back the stock and coupon redemptions a checkout's order holds, and fail the order.

    Called with the checkout row locked, inside a transaction: on a decline, and by the sweep of
    checkouts left pending too long. Releasing twice is impossible: only a held order releases.
    """
    order = checkout.order
    if order is None or order.status != OrderStatus.PENDING:
        return
    for line in sorted(order.snapshot["lines"], key=lambda line: line["productPk"]):
        Product.objects.filter(tenant_id=checkout.tenant_id, pk=line["productPk"]).update(
            stock_on_hand=F("stock_on_hand") + line["quantity"]
        )
    coupon_pks = order.snapshot.get("couponPks", [])
    if coupon_pks:
        Coupon.objects.filter(tenant_id=checkout.tenant_id, pk__in=coupon_pks, redemptions__gt=0).update(
            redemptions=F("redemptions") - 1
        )
    order.status = OrderStatus.FAILED
    order.save(update_fields=["status", "modified_at"])


# ---------------------------------------------------------------------------------------------
# Step 2: validate and reserve


def _check_provider(payment_method: dict[str, Any], mode: str) -> None:
    try:
        gateway_for(provider=payment_method["provider"], mode=mode)
    except GatewayUnavailable as exc:
        raise validation_error(
            [ErrorDetail("paymentMethods[0].provider", CheckoutErrorCode.PAYMENT_PROVIDER_UNSUPPORTED, str(exc))]
        ) from exc


def _reserve(*, tenant: Tenant, mode: str, request: PlacementRequest, saas_customer_id: str | None) -> Checkout:
    with transaction.atomic():
        locked = _cart_lock(tenant=tenant, mode=mode, cart_id=request.cart_id)
        if locked is None:
            raise validation_error(
                [ErrorDetail("cartId", CheckoutErrorCode.CART_NOT_FOUND, f"cart {request.cart_id} not found")]
            )
        cart, items = locked.cart, locked.items
        _refuse_second_order(cart, existing=locked.live_order_id)
        if saas_customer_id is not None and cart.customer_id != saas_customer_id:
            raise validation_error(
                [
                    ErrorDetail(
                        "cartId",
                        CheckoutErrorCode.CART_CUSTOMER_MISMATCH,
                        "the cart does not belong to the customer of the saas-token",
                    )
                ]
            )
        if not items:
            raise validation_error([ErrorDetail("cartId", CartErrorCode.CART_EMPTY, "the cart has no items")])
        details: list[ErrorDetail] = []
        if request.currency and request.currency != cart.currency:
            details.append(ErrorDetail("currency", CartErrorCode.CURRENCY_MISMATCH, f"the cart is in {cart.currency}"))
        lines = [
            _Line(f"cartItems[{i}]", item.product.sku, item.quantity, item.unit_price) for i, item in enumerate(items)
        ]
        # The items' products were read after the cart lock was taken: no second catalog query.
        products = {item.product.sku: item.product for item in items if item.product.tenant_id == tenant.pk}
        details += _line_problems(currency=cart.currency, lines=lines, products=products)

        method = _shipping_method(tenant=tenant, shipping=request.shipping, details=details)
        if method is not None and method.currency != cart.currency:
            details.append(
                ErrorDetail("shipping.methodId", CartErrorCode.CURRENCY_MISMATCH, f"method is in {method.currency}")
            )
        coupons = cart_coupons(cart=cart)
        missing = set(cart.coupon_codes) - {c.code for c in coupons}
        details += [
            ErrorDetail("coupons", CartErrorCode.COUPON_NOT_FOUND, f"coupon {code} no longer exists")
            for code in sorted(missing)
        ]
        # The open cart keeps the shipping method chosen here (it stays open after a decline).
        method_changed = method is not None and cart.shipping_method_id != method.pk
        if method is not None:
            cart.shipping_method = method
        priced = cart_price(cart=cart, coupons=coupons, items=items)
        totals = priced.totals
        now = timezone.now()
        for index, coupon in enumerate(coupons):
            problem = coupon_problem(coupon=coupon, sub_total=totals.sub_total, currency=cart.currency, now=now)
            if problem:
                details.append(ErrorDetail(f"coupons[{index}]", problem[0], problem[1]))
        if method is not None and quantize(request.shipping["amount"], cart.currency) != totals.shipping:
            details.append(
                ErrorDetail(
                    "shipping.amount",
                    CheckoutErrorCode.SHIPPING_AMOUNT_MISMATCH,
                    f"shipping costs {totals.shipping} {cart.currency} for this cart",
                )
            )
        if details:
            raise validation_error(details)

        _take_stock(tenant=tenant, lines=lines, products=products)
        _redeem_coupons(tenant=tenant, coupons=coupons)

        snapshot = cart_json(priced)
        customer_id = saas_customer_id or cart.customer_id
        # The checkout id is known before the order is written, so the order carries it from the start.
        checkout_id = new_checkout_id()
        order = Order(
            tenant=tenant,
            mode=mode,
            checkout_ref=checkout_id,
            cart_ref=cart.pk,
            customer_id=customer_id,
            customer_email=request.customer.get("email", ""),
            status=OrderStatus.PENDING,
            currency=cart.currency,
            total=totals.total,
            snapshot=_order_snapshot(snapshot, lines, products, coupons),
        )
        checkout = Checkout(
            id=checkout_id,
            tenant=tenant,
            mode=mode,
            cart_ref=cart.pk,
            cart_snapshot=snapshot,
            customer_id=customer_id,
            customer_email=request.customer.get("email", ""),
            customer=_customer_json(tenant, request.customer, customer_id, guest=saas_customer_id is None),
            addresses=request.addresses,
            payment_methods=request.payment_methods,
            shipping={
                "methodId": request.shipping["methodId"],
                "zoneId": request.shipping["zoneId"],
                "methodName": request.shipping["methodName"],
                "amount": totals.shipping,
            },
            coupons=[{"code": c.code, "status": "success"} for c in coupons],
            status=CheckoutStatus.PENDING,
            order_created=True,
            currency=cart.currency,
            total=totals.total,
            order=order,
        )
        _rows_write(
            inserts=[order, checkout],
            updates=[_RowUpdate(cart, ["shipping_method", "modified_at"])] if method_changed else [],
        )
        return checkout


# The reserve and payment steps read in plain SQL: the ORM spends several times more CPU compiling
# each of these short queries than the database spends answering them. `Model.objects.raw` keeps
# the fields' conversions (SQLite too); every query is scoped by tenant.


def _for_update() -> str:
    return " FOR UPDATE" if connection.features.has_select_for_update else ""  # SQLite locks the database


_CART_SQL = "SELECT * FROM carts_cart WHERE tenant_id = %s AND mode = %s AND id = %s"
# The cart's live order (completed, or held by a pending checkout; a failed one released it)
# rides on the items query. Not on the locking SELECT: under READ COMMITTED that statement keeps
# the snapshot it took before waiting for the lock, so it would miss the checkout of the placement
# it waited for; the items query starts after the lock is held and sees it. (`_LIVE_ORDER_SQL`
# alone for a cart without items.)
_LIVE_ORDER_SQL = """
SELECT c.order_id FROM checkouts_checkout c
WHERE c.tenant_id = %s AND c.mode = %s AND c.cart_ref = %s AND c.order_id IS NOT NULL AND c.status <> %s
ORDER BY c.id LIMIT 1
"""
_CART_ITEMS_SQL = f"""
SELECT i.*, ({_LIVE_ORDER_SQL}) AS live_order_id
FROM carts_cartitem i WHERE i.tenant_id = %s AND i.cart_id = %s ORDER BY i.id
"""  # noqa: S608 - constants only


@dataclass(frozen=True)
class _LockedCart:
    cart: Cart
    items: list[CartItem]  # with their products
    live_order_id: str | None


def _cart_lock(*, tenant: Tenant, mode: str, cart_id: str) -> _LockedCart | None:
    """The cart, row-locked, its items with their products, and its live order (three queries).

    Items, products and the live order are read after the lock is held, so they see whatever the
    placement we may have waited for committed.
    """
    cart = next(iter(Cart.objects.raw(_CART_SQL + _for_update(), [tenant.pk, mode, cart_id])), None)
    if cart is None:
        return None
    cart.tenant = tenant  # the authenticated tenant is the cart's (filtered by it): no join
    live = [tenant.pk, mode, cart.pk, CheckoutStatus.FAILED.value]
    items = list(CartItem.objects.raw(_CART_ITEMS_SQL, [*live, tenant.pk, cart.pk]))
    if not items:
        return _LockedCart(cart, items, _live_order_id(cart))
    ids = sorted({item.product_id for item in items})
    placeholders = ", ".join(["%s"] * len(ids))
    products = Product.objects.raw(
        f"SELECT * FROM carts_product WHERE tenant_id = %s AND id IN ({placeholders})",  # noqa: S608 - placeholders only
        [tenant.pk, *ids],
    )
    by_pk = {product.pk: product for product in products}
    for item in items:
        if item.product_id in by_pk:
            item.product = by_pk[item.product_id]
    return _LockedCart(cart, items, items[0].live_order_id)


def _live_order_id(cart: Cart) -> str | None:
    """The cart's live order id; read with the cart row locked, so none can commit meanwhile."""
    with connection.cursor() as cursor:
        cursor.execute(_LIVE_ORDER_SQL, [cart.tenant_id, cart.mode, cart.pk, CheckoutStatus.FAILED.value])
        row = cursor.fetchone()
    return row[0] if row else None


def _refuse_second_order(cart: Cart, *, existing: str | None) -> None:
    """A cart with a live order (completed, or held by a pending checkout) cannot be ordered again.

    `existing` is the cart's live order id (`_live_order_id`), read after the cart row was locked.
    """
    if existing:
        raise ApiError(
            409,
            ErrorType.CONFLICT,
            f"The cart {cart.pk} has already been checked out as order {existing}",
            [ErrorDetail("existingOrderId", CheckoutErrorCode.EXISTING_ORDER, existing)],
            extra={"existingOrderId": existing},
        )
    if cart.status == CartStatus.CLOSED:
        raise ApiError(
            409,
            ErrorType.CONFLICT,
            f"The cart {cart.pk} is closed",
            [ErrorDetail("cartId", CartErrorCode.CART_CLOSED, "the cart is closed")],
        )


def _check_lines(*, tenant: Tenant, currency: str, lines: list[_Line]) -> tuple[dict[str, Product], list[ErrorDetail]]:
    """Price match, active product, currency and inventory for every line; one query."""
    products = {p.sku: p for p in Product.objects.filter(tenant=tenant, sku__in=[line.sku for line in lines])}
    return products, _line_problems(currency=currency, lines=lines, products=products)


def _line_problems(*, currency: str, lines: list[_Line], products: dict[str, Product]) -> list[ErrorDetail]:
    details = []
    for line in lines:
        product = products.get(line.sku)
        if product is None:
            details.append(ErrorDetail(line.field, CartErrorCode.PRODUCT_NOT_FOUND, f"product {line.sku} not found"))
        elif not product.active:
            details.append(
                ErrorDetail(line.field, CartErrorCode.PRODUCT_INACTIVE, f"product {line.sku} is no longer sold")
            )
        elif product.currency != currency:
            details.append(
                ErrorDetail(
                    line.field, CartErrorCode.CURRENCY_MISMATCH, f"product {line.sku} is priced in {product.currency}"
                )
            )
        elif product.unit_price != line.unit_price:
            details.append(
                ErrorDetail(
                    line.field,
                    CartErrorCode.PRICE_CHANGED,
                    f"the price of product {line.sku} changed from {quantize(line.unit_price, currency)} "
                    f"to {quantize(product.unit_price, currency)}",
                )
            )
        elif product.stock_on_hand < line.quantity:
            details.append(_out_of_stock(line, product.stock_on_hand))
    return details


def _out_of_stock(line: _Line, available: int) -> ErrorDetail:
    return ErrorDetail(
        line.field,
        CartErrorCode.OUT_OF_STOCK,
        f"product {line.sku} is out of stock: {line.quantity} requested, {max(available, 0)} available",
    )


# PostgreSQL: every line's guarded decrement in one statement. The CTE locks the rows in pk order
# (LockRows sits above the Sort), so two carts sharing products cannot deadlock; the UPDATE then
# re-checks `stock_on_hand >= quantity` on the latest row version, as a per-line UPDATE would.
_TAKE_STOCK_SQL = """
WITH locked AS (
  SELECT id FROM carts_product WHERE tenant_id = %s AND id = ANY(%s::bigint[]) ORDER BY id FOR UPDATE
)
UPDATE carts_product AS p SET stock_on_hand = p.stock_on_hand - line.quantity
FROM locked JOIN (VALUES {values}) AS line(id, quantity) ON line.id = locked.id
WHERE p.id = locked.id AND p.tenant_id = %s AND p.stock_on_hand >= line.quantity
RETURNING p.id
"""


def _take_stock(*, tenant: Tenant, lines: list[_Line], products: dict[str, Product]) -> None:
    """Guarded decrements, never below zero, rows locked in product-pk order (no deadlocks between
    carts sharing products). One statement on PostgreSQL; one per line elsewhere (SQLite locks the
    whole database for a write, so order does not matter there). On a shortfall, answers the
    out-of-stock detail of the first short line in pk order; the caller's rollback undoes the rest."""
    ordered = sorted(lines, key=lambda line: products[line.sku].pk)
    if connection.vendor == "postgresql":
        pks = [products[line.sku].pk for line in ordered]
        sql = _TAKE_STOCK_SQL.format(values=", ".join(["(%s::bigint, %s::integer)"] * len(ordered)))
        params: list[Any] = [tenant.pk, pks]
        for line in ordered:
            params += [products[line.sku].pk, line.quantity]
        params.append(tenant.pk)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            taken = {row[0] for row in cursor.fetchall()}
        short = [line for line in ordered if products[line.sku].pk not in taken]
    else:
        short = []
        for line in ordered:
            updated = Product.objects.filter(
                tenant=tenant, pk=products[line.sku].pk, stock_on_hand__gte=line.quantity
            ).update(stock_on_hand=F("stock_on_hand") - line.quantity)
            if updated != 1:
                short = [line]
                break
    if short:
        line = short[0]
        available = (
            Product.objects.filter(tenant=tenant, pk=products[line.sku].pk)
            .values_list("stock_on_hand", flat=True)
            .first()
            or 0
        )
        raise validation_error([_out_of_stock(line, available)])


def _redeem_coupons(*, tenant: Tenant, coupons: Iterable[Coupon]) -> None:
    for index, coupon in enumerate(coupons):
        updated = (
            Coupon.objects.filter(tenant=tenant, pk=coupon.pk)
            .filter(Q(max_redemptions__isnull=True) | Q(redemptions__lt=F("max_redemptions")))
            .update(redemptions=F("redemptions") + 1)
        )
        if updated != 1:
            raise validation_error(
                [
                    ErrorDetail(
                        f"coupons[{index}]",
                        CartErrorCode.COUPON_EXHAUSTED,
                        f"coupon {coupon.code} has been fully redeemed",
                    )
                ]
            )


def _shipping_method(*, tenant: Tenant, shipping: dict[str, Any], details: list[ErrorDetail]) -> ShippingMethod | None:
    # Unique per tenant, method and zone.
    methods = ShippingMethod.objects.raw(
        "SELECT * FROM carts_shippingmethod WHERE tenant_id = %s AND method_id = %s AND zone_id = %s AND active = %s",
        [tenant.pk, shipping["methodId"], shipping["zoneId"], True],
    )
    method = next(iter(methods), None)
    if method is None:
        details.append(
            ErrorDetail(
                "shipping.methodId",
                CheckoutErrorCode.SHIPPING_METHOD_NOT_FOUND,
                f"no shipping method {shipping['methodId']} for zone {shipping['zoneId']}",
            )
        )
    return method


def _order_snapshot(
    cart_snapshot: dict[str, Any], lines: list[_Line], products: dict[str, Product], coupons: list[Coupon]
) -> dict[str, Any]:
    return {
        "lines": [
            {
                "productPk": products[line.sku].pk,
                "sku": line.sku,
                "quantity": line.quantity,
                "unitPrice": line.unit_price,
            }
            for line in lines
        ],
        "couponPks": [c.pk for c in coupons],
        "cart": cart_snapshot,
    }


def _reserve_again(checkout: Checkout) -> None:
    """Retry of a failed checkout: the snapshot's lines and coupons must still hold, then reserve."""
    tenant = checkout.tenant
    cart = Cart.objects.select_for_update().filter(tenant=tenant, mode=checkout.mode, pk=checkout.cart_ref).first()
    if cart is not None:
        _refuse_second_order(cart, existing=_live_order_id(cart))
    snapshot = checkout.cart_snapshot
    lines = [
        _Line(
            f"cartItems[{i}]", item["product"]["sku"], int(item["quantity"]), Decimal(str(item["unitPrice"]["value"]))
        )
        for i, item in enumerate(snapshot["cartItems"])
    ]
    products, details = _check_lines(tenant=tenant, currency=checkout.currency, lines=lines)
    codes = [c["code"] for c in checkout.coupons]
    coupons = list(Coupon.objects.filter(tenant=tenant, code__in=codes))
    now = timezone.now()
    sub_total = Decimal(str(snapshot["subTotalPrice"]))
    for index, coupon in enumerate(coupons):
        problem = coupon_problem(coupon=coupon, sub_total=sub_total, currency=checkout.currency, now=now)
        if problem:
            details.append(ErrorDetail(f"coupons[{index}]", problem[0], problem[1]))
    if len(coupons) != len(codes):
        details.append(
            ErrorDetail("coupons", CartErrorCode.COUPON_NOT_FOUND, "a coupon of this checkout no longer exists")
        )
    if details:
        raise validation_error(details)
    _take_stock(tenant=tenant, lines=lines, products=products)
    _redeem_coupons(tenant=tenant, coupons=coupons)
    order = Order.objects.create(
        tenant=tenant,
        mode=checkout.mode,
        checkout_ref=checkout.pk,
        cart_ref=checkout.cart_ref,
        customer_id=checkout.customer_id,
        customer_email=checkout.customer_email,
        status=OrderStatus.PENDING,
        currency=checkout.currency,
        total=checkout.total,
        snapshot=_order_snapshot(snapshot, lines, products, coupons),
    )
    checkout.order = order
    checkout.order_created = True
    checkout.status = CheckoutStatus.PENDING
    checkout.failure_reason = ""
    checkout.save(update_fields=["order", "order_created", "status", "failure_reason", "modified_at"])


# ---------------------------------------------------------------------------------------------
# Steps 3-5: payment, then close the cart


def _collect_payment(
    *, checkout_id: str, tenant: Tenant, attempt: int, reserved: Checkout | None = None
) -> PlacementResult:
    with transaction.atomic():
        checkout = _checkout_lock(checkout_id=checkout_id, tenant=tenant, reserved=reserved)
        if checkout.status == CheckoutStatus.CREATED:
            return _result(checkout)
        order = checkout.order
        method = checkout.payment_methods[0]
        gateway = gateway_for(provider=method["provider"], mode=checkout.mode)
        key = f"{checkout.pk}:{order.pk}"
        charge = gateway.charge(
            ChargeRequest(
                amount=order.total,
                currency=order.currency,
                idempotency_key=key,
                token=str((method.get("customAttributes") or {}).get("token", "")),
                description=f"Order {order.pk}",
            )
        )
        payment = _payment_for(checkout, order, method, charge, key)
        if charge.status in (ChargeStatus.SUCCEEDED, ChargeStatus.PENDING):
            _complete(checkout, order, payment, charge, attempt)
            return _result(checkout)
        payment.save(force_insert=True)
        if charge.status == ChargeStatus.DECLINED:
            reservation_release(checkout=checkout)
            checkout.status = CheckoutStatus.FAILED
            checkout.order_created = False
            checkout.failure_reason = charge.message or "The payment was declined"
            checkout.payment = payment
            checkout.version += 1
            checkout.save(update_fields=_PAYMENT_FIELDS)
            _record_attempt(checkout, attempt, AttemptOutcome.DECLINED, checkout.failure_reason)
            checkout_event_emit(checkout=checkout, event_type=EventType.CHECKOUT_FAILED)
            error = ApiError(
                402,
                ErrorType.PAYMENT_DECLINED,
                f"The payment was declined: {checkout.failure_reason}. Nothing was charged and the cart is still open.",
                [ErrorDetail("paymentMethods[0]", "declined", checkout.failure_reason)],
                extra={"checkoutId": checkout.pk},
            )
        else:
            checkout.failure_reason = charge.message or "The payment provider is unavailable"
            checkout.payment = payment
            checkout.version += 1
            checkout.save(update_fields=_PAYMENT_FIELDS)
            _record_attempt(checkout, attempt, AttemptOutcome.TRANSIENT, checkout.failure_reason)
            error = ApiError(
                503,
                ErrorType.PAYMENT_PROVIDER_UNAVAILABLE,
                "The payment provider is unavailable. The order is held; retry the checkout.",
                [ErrorDetail("checkoutId", CheckoutErrorCode.RETRYABLE, checkout.pk)],
                headers={"Retry-After": "5"},
                extra={"checkoutId": checkout.pk},
            )
    # Raised after the commit: the decline's release and the held order are saved.
    raise error


# What the payment step changes on a checkout (the snapshot and the request data never change).
_PAYMENT_FIELDS = [
    "status",
    "order_created",
    "checkout_completed",
    "payment",
    "failure_reason",
    "version",
    "modified_at",
]


_CHECKOUT_STATE_SQL = (
    "SELECT status, version, order_id, payment_id FROM checkouts_checkout WHERE tenant_id = %s AND id = %s"
)


def _checkout_lock(*, checkout_id: str, tenant: Tenant, reserved: Checkout | None) -> Checkout:
    """Lock the checkout row for the payment step and return it with its order and payment.

    The lock is always taken: a retry, the admin action or the pending sweep may hold or change
    the checkout between the reserve commit and now, and they take this lock too. When `reserved`
    (just written by `_reserve`) is what the locked row still says (every writer bumps `version`),
    it is used as it is, without reading the snapshot and the order back; anything else (changed,
    deleted) reloads the row as a retry does.
    """
    if reserved is not None:
        with connection.cursor() as cursor:
            cursor.execute(_CHECKOUT_STATE_SQL + _for_update(), [tenant.pk, checkout_id])
            row = cursor.fetchone()
        if row == (reserved.status, reserved.version, reserved.order_id, reserved.payment_id):
            return reserved
    return (
        Checkout.objects.select_for_update(of=("self",))
        .select_related("order", "payment", "tenant")
        .get(tenant=tenant, pk=checkout_id)
    )


def _payment_for(checkout: Checkout, order: Order, method: dict[str, Any], charge: ChargeResult, key: str) -> Payment:
    """The payment row for a charge's result, not yet written."""
    status = {
        ChargeStatus.SUCCEEDED: PaymentStatus.SUCCESS,
        ChargeStatus.PENDING: PaymentStatus.PENDING,
    }.get(charge.status, PaymentStatus.FAILED)
    return Payment(
        tenant_id=checkout.tenant_id,
        mode=checkout.mode,
        order=order,
        provider=method["provider"],
        method=charge.method or method.get("method", ""),
        status=status,
        amount=order.total,
        currency=order.currency,
        transaction_id=charge.transaction_id,
        card_last4=charge.card_last4,
        idempotency_key=key,
        failure_reason=charge.message if status == PaymentStatus.FAILED else "",
    )


def _complete(checkout: Checkout, order: Order, payment: Payment, charge: ChargeResult, attempt: int) -> None:
    """Write the payment, complete order and checkout, close the cart, record the attempt, emit."""
    # Custom payments are the merchant's to collect: the order stays pending (IN_CHECKOUT) until then.
    order.status = OrderStatus.PENDING if payment.provider == "custom" else OrderStatus.SUCCESS
    checkout.status = CheckoutStatus.CREATED
    checkout.order_created = True
    checkout.checkout_completed = True
    checkout.payment = payment
    checkout.failure_reason = ""
    checkout.version += 1
    outcome = AttemptOutcome.SUCCEEDED if charge.status == ChargeStatus.SUCCEEDED else AttemptOutcome.ACCEPTED
    _rows_write(
        inserts=[payment, _attempt_for(checkout, attempt, outcome, "")],
        updates=[
            _RowUpdate(order, ["status", "modified_at"]),
            _RowUpdate(checkout, _PAYMENT_FIELDS),
        ],
        cart_close=(checkout.tenant_id, checkout.cart_ref, timezone.now()),
    )
    # Webhooks: stored in this transaction, sent after commit (webhooks.services.events_emit).
    checkout_completed_emit(checkout=checkout, order=order)


def _attempt_for(checkout: Checkout, number: int, outcome: str, message: str) -> CheckoutAttempt:
    return CheckoutAttempt(
        tenant_id=checkout.tenant_id, checkout=checkout, number=number, outcome=outcome, message=message[:500]
    )


def _record_attempt(checkout: Checkout, number: int, outcome: str, message: str) -> None:
    _attempt_for(checkout, number, outcome, message).save(force_insert=True)


# ---------------------------------------------------------------------------------------------
# Writing the rows of a step: one statement on PostgreSQL, the ORM elsewhere


@dataclass(frozen=True)
class _RowUpdate:
    """Fields of an existing row to write, with the values the instance holds now."""

    instance: Order | Checkout | Cart
    fields: list[str]


def _rows_write(
    *,
    inserts: list[Model],
    updates: Iterable[_RowUpdate] = (),
    cart_close: tuple[int, str, datetime] | None = None,
) -> None:
    """Insert new rows, update existing ones by tenant and pk, and close a cart (tenant, id, when).

    On PostgreSQL this is one statement of data-modifying CTEs, with every value converted by its
    model field as `save()` converts it (foreign keys are checked at commit, so the order of the
    rows does not matter); elsewhere one `save()` each. Either way the instances end up as saved
    ones; an update that finds no row raises `DatabaseError`, as `save(update_fields=...)` does.
    """
    updates = list(updates)
    if connection.vendor != "postgresql":
        for instance in inserts:
            instance.save(force_insert=True)
        for update in updates:
            update.instance.save(update_fields=update.fields)
        if cart_close is not None:
            tenant_id, cart_id, now = cart_close
            Cart.objects.filter(tenant_id=tenant_id, pk=cart_id).update(status=CartStatus.CLOSED, modified_at=now)
        return
    parts: list[str] = []
    params: list[Any] = []
    for instance in inserts:
        sql, values = _insert_sql(instance)
        parts.append(sql)
        params += values
    for update in updates:
        sql, values = _update_sql(update)
        parts.append(sql)
        params += values
    if cart_close is not None:
        tenant_id, cart_id, now = cart_close
        parts.append("UPDATE carts_cart SET status = %s, modified_at = %s WHERE tenant_id = %s AND id = %s RETURNING 1")
        params += [CartStatus.CLOSED.value, now, tenant_id, cart_id]
    ctes = ", ".join(f"w{i} AS ({sql})" for i, sql in enumerate(parts))
    counts = ", ".join(f"(SELECT count(*) FROM w{i})" for i in range(len(parts)))  # noqa: S608 - no input
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {ctes} SELECT {counts}", params)  # model columns and placeholders only
        written = cursor.fetchone()
    for instance in inserts:
        instance._state.adding = False
        instance._state.db = connection.alias
    for index, update in enumerate(updates, start=len(inserts)):
        if written[index] != 1:
            raise DatabaseError(f"{update.instance._meta.label} {update.instance.pk} was not found to update")


def _insert_sql(instance: Model) -> tuple[str, list[Any]]:
    """INSERT … RETURNING of a new instance, as `save(force_insert=True)` writes it (sets auto_now fields)."""
    meta = instance._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    values = [f.get_db_prep_save(f.pre_save(instance, add=True), connection) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING 1", values  # noqa: S608


def _update_sql(update: _RowUpdate) -> tuple[str, list[Any]]:
    """UPDATE … RETURNING of the given fields by tenant and pk, as `save(update_fields=...)` writes them."""
    instance = update.instance
    meta = instance._meta
    fields = [meta.get_field(name) for name in update.fields]
    values = [f.get_db_prep_save(f.pre_save(instance, add=False), connection) for f in fields]
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    table = connection.ops.quote_name(meta.db_table)
    sql = f"UPDATE {table} SET {assignments} WHERE tenant_id = %s AND id = %s RETURNING 1"  # noqa: S608
    return sql, [*values, instance.tenant_id, instance.pk]


def _customer_json(tenant: Tenant, customer: dict[str, Any], customer_id: str, *, guest: bool) -> dict[str, Any]:
    data = dict(customer)
    data["id"] = customer_id
    data["yrn"] = yrn(tenant.code, "customer:customerId", customer_id)
    data["guest"] = guest
    if "name" not in data:
        data["name"] = " ".join(p for p in (customer.get("firstName"), customer.get("lastName")) if p)
    return data


def payment_json(payment: Payment | None) -> dict[str, Any] | None:
    if payment is None:
        return None
    return {
        "paymentId": payment.provider,
        "status": payment.status,
        "paidAmount": payment.amount if payment.status == PaymentStatus.SUCCESS else Decimal("0"),
        "currency": payment.currency,
        "transactionId": payment.transaction_id,
        "paymentMethod": payment.method,
        "lastFour": payment.card_last4,
    }


def _result(checkout: Checkout) -> PlacementResult:
    body = {"orderId": checkout.order_id, "checkoutId": checkout.pk, "paymentDetails": payment_json(checkout.payment)}
    return PlacementResult(checkout=checkout, order=checkout.order, payment=checkout.payment, body=body)
