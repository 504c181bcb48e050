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
    COUPON_LIMIT_REACHED = "coupon_limit_reached"
    PRODUCT_NOT_FOUND = "product_not_found"
    PRODUCT_INACTIVE = "product_inactive"
    PRODUCT_IN_USE = "product_in_use"
    CURRENCY_MISMATCH = "currency_mismatch"
    PRICE_CHANGED = "price_changed"
    OUT_OF_STOCK = "out_of_stock"
    INSUFFICIENT_STOCK = "insufficient_stock"
    STOCK_LIMIT = "stock_limit"
    QUANTITY_LIMIT = "quantity_limit"
    CART_CLOSED = "cart_closed"
    CART_EMPTY = "cart_empty"
    CART_OPEN_IN_OTHER_CURRENCY = "cart_open_in_other_currency"
    SHIPPING_METHOD_NOT_FOUND = "shipping_method_not_found"
    DUPLICATE = "duplicate"
    IMMUTABLE = "immutable"
