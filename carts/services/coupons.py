"""Coupon eligibility, shared by carts (when a coupon is applied) and placement (at checkout)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ..errors import CartErrorCode
from ..models import Coupon, DiscountType


def coupon_problem(*, coupon: Coupon, sub_total: Decimal, currency: str, now: datetime) -> tuple[str, str] | None:
    """Why `coupon` cannot be used on a cart with this subtotal now, as (code, message); None if it can.

    Used when a coupon is applied to a cart and again when the cart is checked out.
    """
    if not coupon.active:
        return CartErrorCode.COUPON_INACTIVE, f"coupon {coupon.code} is not active"
    if coupon.valid_from and now < coupon.valid_from:
        return (
            CartErrorCode.COUPON_NOT_YET_VALID,
            f"coupon {coupon.code} is not valid before {coupon.valid_from:%Y-%m-%d}",
        )
    if coupon.valid_to and now > coupon.valid_to:
        return CartErrorCode.COUPON_EXPIRED, f"coupon {coupon.code} expired on {coupon.valid_to:%Y-%m-%d}"
    if coupon.max_redemptions is not None and coupon.redemptions >= coupon.max_redemptions:
        return CartErrorCode.COUPON_EXHAUSTED, f"coupon {coupon.code} has been fully redeemed"
    if coupon.discount_type == DiscountType.FIXED and coupon.currency and coupon.currency != currency:
        return CartErrorCode.COUPON_CURRENCY_MISMATCH, f"coupon {coupon.code} is for {coupon.currency} carts"
    if coupon.min_order_value is not None and sub_total < coupon.min_order_value:
        return (
            CartErrorCode.COUPON_MINIMUM_NOT_MET,
            f"coupon {coupon.code} needs an order value of at least {coupon.min_order_value.normalize():f}",
        )
    return None
