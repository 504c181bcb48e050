"""Reads of checkouts, always scoped by tenant and mode; `checkout_json` is the reference GET shape."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from carts.selectors import yrn
from merchants.models import Tenant

from .models import Checkout
from .placement import payment_json


def checkout_queryset(*, tenant: Tenant, mode: str, customer_id: str | None = None) -> QuerySet[Checkout]:
    """Checkouts of one tenant and mode; narrowed to one customer when a saas-token was sent."""
    qs = Checkout.objects.filter(tenant=tenant, mode=mode).select_related("order", "payment")
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    return qs


def _timestamp(value) -> str:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def checkout_json(checkout: Checkout, *, tenant_code: str) -> dict[str, Any]:
    """The reference `GET /{tenant}/checkouts/{id}` example, field for field."""
    order = checkout.order
    return {
        "id": checkout.pk,
        "yrn": yrn(tenant_code, "checkout:checkoutId", checkout.pk),
        "paymentMethods": [
            {key: value for key, value in method.items() if key != "customAttributes"}
            for method in checkout.payment_methods
        ],
        "payment": payment_json(checkout.payment),
        "order": (
            {"orderId": order.pk, "status": order.status, "yrn": yrn(tenant_code, "order:order", order.pk)}
            if order is not None
            else None
        ),
        "coupons": checkout.coupons,
        "status": checkout.status,
        "retryAttempts": checkout.retry_attempts,
        "addresses": checkout.addresses,
        "customer": checkout.customer,
        "metadata": {
            "createdAt": _timestamp(checkout.created_at),
            "modifiedAt": _timestamp(checkout.modified_at),
            "version": checkout.version,
        },
        "cart": checkout.cart_snapshot,
        "orderCreated": checkout.order_created,
        "checkoutCompleted": checkout.checkout_completed,
        "failureReason": checkout.failure_reason or None,
    }
