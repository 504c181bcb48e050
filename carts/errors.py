"""Error codes of the catalog and carts (the `details[].type` values)."""

from enum import StrEnum


class CartErrorCode(StrEnum):
    COUPON_NOT_FOUND = "coupon_not_found"
    COUPON_INACTIVE = "coupon_inactive"
    COUPON_NOT_YET_VALID = "coupon_not_yet_valid"
    COUPON_EXPIRED = "coupon_expired"
    COUPON_EXHAUSTED = "coupon_exhausted"
    COUPON_MINIMUM_NOT_MET = "coupon_minimum_not_met"
    COUPON_CURRENCY_MISMATCH = "coupon_currency_mismatch"
    PRODUCT_NOT_FOUND = "product_not_found"
    PRODUCT_INACTIVE = "product_inactive"
    CURRENCY_MISMATCH = "currency_mismatch"
    PRICE_CHANGED = "price_changed"
    OUT_OF_STOCK = "out_of_stock"
    CART_CLOSED = "cart_closed"
    CART_EMPTY = "cart_empty"
