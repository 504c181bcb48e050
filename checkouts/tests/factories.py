"""Checkouts written straight to the database, for list / delete tests that need many rows."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from checkouts.models import Checkout, Order

BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)


def make_checkouts(tenant, count, *, mode="test", start=0, with_orders=True, **overrides):
    """`count` checkouts with varied statuses, customers, retries and spread-out timestamps."""
    orders, checkouts = [], []
    for i in range(start, start + count):
        status = ("created", "failed", "pending")[i % 3]
        order = None
        if with_orders and status != "failed":
            order = Order(
                tenant=tenant,
                mode=mode,
                checkout_ref="",
                cart_ref=f"cart{i}",
                status="success" if status == "created" else "pending",
                currency="EUR",
                total=Decimal("10.00"),
                snapshot={"lines": []},
            )
            orders.append(order)
        fields = {
            "tenant": tenant,
            "mode": mode,
            "cart_ref": f"cart{i}",
            "cart_snapshot": {"id": f"cart{i}", "cartItems": []},
            "customer_id": f"customer-{i % 4}",
            "customer": {"id": f"customer-{i % 4}", "email": f"c{i}@example.com"},
            "status": status,
            "order_created": status != "failed",
            "checkout_completed": status == "created",
            "retry_attempts": i % 5,
            "currency": "EUR",
            "total": Decimal("10.00"),
            "order": order,
        }
        fields.update(overrides)
        checkouts.append(Checkout(**fields))
    Order.objects.bulk_create(orders)
    created = Checkout.objects.bulk_create(checkouts)
    # created_at / modified_at are auto fields: spread them out afterwards, deterministically.
    for offset, checkout in enumerate(created):
        i = start + offset
        checkout.created_at = BASE_TIME + timedelta(hours=i)
        checkout.modified_at = BASE_TIME + timedelta(hours=i, minutes=30 * (i % 7))
    Checkout.objects.bulk_update(created, ["created_at", "modified_at"], batch_size=1000)
    return [c.pk for c in created]
