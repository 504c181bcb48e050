"""Error codes of checkout placement (the `details[].type` values next to carts.errors)."""

from enum import StrEnum


class CheckoutErrorCode(StrEnum):
    CART_NOT_FOUND = "cart_not_found"
    CART_CUSTOMER_MISMATCH = "cart_customer_mismatch"
    EXISTING_ORDER = "existing_order"
    SHIPPING_METHOD_NOT_FOUND = "shipping_method_not_found"
    SHIPPING_AMOUNT_MISMATCH = "shipping_amount_mismatch"
    PAYMENT_PROVIDER_UNSUPPORTED = "payment_provider_unsupported"
    TOTALS_CHANGED = "totals_changed"
    RETRYABLE = "retryable"
    RETRY_LIMIT_REACHED = "retry_limit_reached"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_KEY_IN_FLIGHT = "idempotency_key_in_flight"
