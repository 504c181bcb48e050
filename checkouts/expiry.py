"""Failing checkouts left `pending` too long (DESIGN.md "Placing an order").

A transient payment failure keeps the order and its stock held and the checkout `pending` so the
client can retry. If nobody retries within `PENDING_CHECKOUT_TTL` seconds (since the checkout
last changed), the sweep fails it: stock and coupon redemptions go back through
`reservation_release` (the decline path's function) and `checkout.failed` is emitted.

Run by `manage.py expire_pending_checkouts` (cron) or the `checkout_expire_pending_task` task.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from merchants.models import Mode, Tenant
from webhooks.models import EventType
from webhooks.services import checkout_event_emit

from .models import Checkout, CheckoutStatus
from .placement import reservation_release


def checkout_expire_pending(*, now: datetime | None = None, batch_size: int = 100) -> int:
    """Fail every checkout pending for longer than the TTL; returns how many this call failed.

    Tenant by tenant, mode by mode, in batches of `batch_size`, each batch one transaction. Safe
    on several workers at once: rows are locked with `SKIP LOCKED` (a checkout another worker,
    or a payment in progress, holds is left to it) and the status is checked again under the
    lock, so each checkout is released exactly once.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.PENDING_CHECKOUT_TTL)
    reason = f"Expired: pending for more than {settings.PENDING_CHECKOUT_TTL // 60} minutes without a retry"
    expired = 0
    tenant_ids = Tenant.objects.order_by("pk").values_list("pk", flat=True)
    for tenant_id in tenant_ids:
        for mode in Mode.values:
            while True:
                failed, seen = _expire_batch(
                    tenant_id=tenant_id, mode=mode, cutoff=cutoff, reason=reason, size=batch_size
                )
                expired += failed
                if seen < batch_size or not failed:
                    break
    return expired


def _expire_batch(*, tenant_id: int, mode: str, cutoff: datetime, reason: str, size: int) -> tuple[int, int]:
    with transaction.atomic():
        batch = list(
            Checkout.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("order", "payment", "tenant")
            .filter(tenant_id=tenant_id, mode=mode, status=CheckoutStatus.PENDING, modified_at__lt=cutoff)
            .order_by("pk")[:size]
        )
        failed = 0
        for checkout in batch:
            if checkout.status != CheckoutStatus.PENDING or checkout.modified_at >= cutoff:
                continue  # changed before we got the lock
            reservation_release(checkout=checkout)
            checkout.status = CheckoutStatus.FAILED
            checkout.order_created = False
            checkout.failure_reason = reason
            checkout.version += 1
            checkout.save()
            checkout_event_emit(checkout=checkout, event_type=EventType.CHECKOUT_FAILED)
            failed += 1
    return failed, len(batch)


@task()
def checkout_expire_pending_task() -> int:
    """The sweep as a background task (enqueue it from a scheduler; cron runs the command)."""
    return checkout_expire_pending()
