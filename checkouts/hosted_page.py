"""Services and reads behind the hosted checkout page (`/pay/<token>/`).

The page is one more client of the domain: it prices the cart with `carts.selectors.cart_price`
(so `carts.pricing` does every rounding) and places the order with `checkouts.placement`, the
same `checkout_place` / `checkout_retry` the API calls. Card numbers never get here: the form
turns a test card number into its gateway token and only the token is passed on.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from carts.models import Coupon, ShippingMethod
from carts.pricing import shipping_amount
from carts.selectors import PricedCart, cart_coupons, cart_price
from carts.services import cart_coupon_apply, cart_coupon_remove
from checkout_project.errors import ApiError, ErrorDetail, validation_error
from merchants.models import Mode

from .errors import CheckoutErrorCode
from .link import LinkTarget
from .models import Checkout, CheckoutStatus
from .placement import PlacementRequest, PlacementResult, checkout_place, checkout_retry

CARD_PROVIDER = "payment-gateway"
INVOICE_PROVIDER = "none"


@dataclass(frozen=True)
class PageAddress:
    contact_name: str
    street: str
    zip_code: str
    city: str
    country: str  # ISO 3166-1 alpha-2

    def as_placement(self, address_type: str) -> dict[str, str]:
        return {
            "contactName": self.contact_name,
            "street": self.street,
            "zipCode": self.zip_code,
            "city": self.city,
            "country": self.country,
            "type": address_type,
        }


@dataclass(frozen=True)
class PageOrder:
    """What the shopper entered, validated by the page form. No card number: only its token."""

    email: str
    first_name: str
    last_name: str
    shipping_address: PageAddress
    billing_address: PageAddress
    shipping_method_pk: int
    provider: str  # CARD_PROVIDER or INVOICE_PROVIDER
    card_token: str = ""
    expected_total: Decimal | None = None  # the total the shopper saw when pressing Pay


def page_payment_providers(*, target: LinkTarget) -> list[str]:
    """Payment options the page offers: test cards in test mode, invoice when the tenant allows it.

    Live card payments need a provider-hosted card field (client-side tokenization), which the
    service does not ship; live mode offers invoice only.
    """
    providers = []
    if target.mode == Mode.TEST:
        providers.append(CARD_PROVIDER)
    if target.tenant.allow_invoice:
        providers.append(INVOICE_PROVIDER)
    return providers


def page_shipping_methods(*, target: LinkTarget) -> list[ShippingMethod]:
    """The tenant's active shipping methods in the cart's currency, cheapest first."""
    return list(
        ShippingMethod.objects.filter(tenant=target.tenant, currency=target.cart.currency, active=True).order_by(
            "amount", "method_id", "zone_id"
        )
    )


def page_cart_coupons(*, target: LinkTarget) -> list[Coupon]:
    return cart_coupons(cart=target.cart)


def page_cart_price(
    *, target: LinkTarget, method: ShippingMethod | None, coupons: list[Coupon] | None = None
) -> PricedCart:
    """Price the cart with the shipping method the shopper picked (not saved on the cart)."""
    cart = target.cart
    cart.shipping_method = method
    return cart_price(cart=cart, coupons=coupons)


def page_shipping_amount(*, method: ShippingMethod, priced: PricedCart) -> Decimal:
    """What `method` would cost for this cart (free above its threshold), rounded by carts.pricing."""
    return shipping_amount(
        amount=method.amount,
        free_above=method.free_above,
        sub_total=priced.totals.sub_total,
        currency=priced.cart.currency,
    )


def page_checkout_for_cart(*, target: LinkTarget) -> Checkout | None:
    """The cart's live checkout (completed, or pending with its order held), newest first."""
    return (
        Checkout.objects.filter(tenant=target.tenant, mode=target.mode, cart_ref=target.cart.pk)
        .exclude(status=CheckoutStatus.FAILED)
        .select_related("order", "payment")
        .order_by("-created_at")
        .first()
    )


def hosted_checkout_pay(*, target: LinkTarget, order: PageOrder) -> PlacementResult:
    """Place the order for the link's cart, or retry its held checkout.

    A checkout left `pending` by a transient payment failure is retried with `checkout_retry`
    (same idempotency key: never charged twice); otherwise `checkout_place` runs, which refuses a
    second order for the cart with 409. Raises `ApiError` as those services do, and 400
    `totals_changed` when the total is no longer the one the shopper saw.
    """
    held = page_checkout_for_cart(target=target)
    if held is not None and held.status == CheckoutStatus.PENDING:
        return checkout_retry(tenant=target.tenant, mode=target.mode, checkout_id=held.pk)

    method = next((m for m in page_shipping_methods(target=target) if m.pk == order.shipping_method_pk), None)
    if method is None:
        raise validation_error(
            [
                ErrorDetail(
                    "shipping.methodId",
                    CheckoutErrorCode.SHIPPING_METHOD_NOT_FOUND,
                    "the shipping method is not available",
                )
            ]
        )
    priced = page_cart_price(target=target, method=method)
    if order.expected_total is not None and order.expected_total != priced.totals.total:
        raise validation_error(
            [ErrorDetail("totalPrice", CheckoutErrorCode.TOTALS_CHANGED, f"the total is now {priced.totals.total}")]
        )
    payment_method: dict = {"provider": order.provider}
    if order.provider == CARD_PROVIDER:
        payment_method |= {"method": "creditcard", "customAttributes": {"token": order.card_token}}
    else:
        payment_method |= {"method": "invoice"}
    request = PlacementRequest(
        cart_id=target.cart.pk,
        customer={"email": order.email, "firstName": order.first_name, "lastName": order.last_name},
        addresses=[
            order.shipping_address.as_placement("SHIPPING"),
            order.billing_address.as_placement("BILLING"),
        ],
        shipping={
            "methodId": method.method_id,
            "zoneId": method.zone_id,
            "methodName": method.name,
            "amount": priced.totals.shipping,
        },
        payment_methods=[payment_method],
        currency=target.cart.currency,
    )
    return checkout_place(tenant=target.tenant, mode=target.mode, request=request)


# Coupons: the carts services the cart API uses, on the link's cart.


def page_coupon_apply(*, target: LinkTarget, code: str) -> None:
    """Apply a coupon to the link's cart (`carts.services.cart_coupon_apply`: locked, idempotent)."""
    cart_coupon_apply(tenant=target.tenant, mode=target.mode, cart_id=target.cart.pk, code=code.strip())


def page_coupon_remove(*, target: LinkTarget, code: str) -> None:
    """Take a coupon off the link's cart; one that is not on it any more (a second click) is fine."""
    try:
        cart_coupon_remove(tenant=target.tenant, mode=target.mode, cart_id=target.cart.pk, code=code)
    except ApiError as error:
        if error.status != 404:
            raise
