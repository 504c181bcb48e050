"""Writes on checkouts other than placement: deleting them. Orders and payments always stay."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from checkout_project.errors import not_found
from merchants.models import Tenant

from .models import Checkout, CheckoutAttempt


def _delete_ids(ids: list[str]) -> int:
    """Set-based delete of one batch: attempts first, then the checkouts (no per-row ORM collection)."""
    with transaction.atomic():
        CheckoutAttempt.objects.filter(checkout_id__in=ids)._raw_delete(CheckoutAttempt.objects.db)
        return Checkout.objects.filter(pk__in=ids)._raw_delete(Checkout.objects.db)


def checkout_delete(*, tenant: Tenant, mode: str, checkout_id: str, customer_id: str | None = None) -> None:
    """Delete one checkout of this tenant and mode; its order and payment stay. 404 if unknown."""
    qs = Checkout.objects.filter(tenant=tenant, mode=mode, pk=checkout_id)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if not _delete_ids(list(qs.values_list("pk", flat=True))):
        raise not_found(f"Checkout {checkout_id} not found")


def checkout_delete_matching(
    *, tenant: Tenant, mode: str, queryset: QuerySet[Checkout], batch_size: int | None = None
) -> int:
    """Delete every checkout of `queryset` (re-scoped to this tenant and mode) in batches.

    Each batch is its own short transaction, holding at most `batch_size` ids in memory, so
    memory stays flat and locks stay short however many rows match. Returns the number deleted.
    """
    batch_size = batch_size or settings.CHECKOUT_DELETE_BATCH_SIZE
    scoped = queryset.filter(tenant=tenant, mode=mode).order_by().values_list("pk", flat=True)
    deleted = 0
    while True:
        ids = list(scoped[:batch_size])
        if not ids:
            return deleted
        deleted += _delete_ids(ids)
