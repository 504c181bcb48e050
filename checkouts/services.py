"""Writes on checkouts other than placement: deleting them. Orders and payments always stay."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet

from checkout_project.errors import not_found
from merchants.models import Tenant

from .models import Checkout, CheckoutAttempt


def _delete_ids(*, tenant: Tenant, ids: list[str]) -> int:
    """Set-based delete of one batch: attempts first, then the checkouts (no per-row ORM collection)."""
    with transaction.atomic():
        CheckoutAttempt.objects.filter(tenant=tenant, checkout_id__in=ids)._raw_delete(CheckoutAttempt.objects.db)
        return Checkout.objects.filter(tenant=tenant, pk__in=ids)._raw_delete(Checkout.objects.db)


def checkout_delete(*, tenant: Tenant, mode: str, checkout_id: str, customer_id: str | None = None) -> None:
    """Delete one checkout of this tenant and mode; its order and payment stay. 404 if unknown."""
    qs = Checkout.objects.filter(tenant=tenant, mode=mode, pk=checkout_id)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if not _delete_ids(tenant=tenant, ids=list(qs.values_list("pk", flat=True))):
        raise not_found(f"Checkout {checkout_id} not found")


def checkout_delete_matching(
    *, tenant: Tenant, mode: str, queryset: QuerySet[Checkout], batch_size: int | None = None
) -> int:
    """Delete every checkout of `queryset` (re-scoped to this tenant and mode) in batches.

    Batches walk the `(tenant, mode, created_at, id)` index from the oldest checkout, each one
    starting after the last row the previous one deleted: no batch re-reads the dead rows of the
    batches before it, and, since rows are stored roughly in creation order, each batch rewrites
    few table pages. Each batch is its own short transaction holding at most `batch_size` ids, so
    memory stays flat and locks stay short however many rows match. Returns the number deleted.
    """
    batch_size = batch_size or settings.CHECKOUT_DELETE_BATCH_SIZE
    scoped = queryset.filter(tenant=tenant, mode=mode).order_by()
    after: tuple[datetime, str] = (datetime.min.replace(tzinfo=UTC), "")
    deleted = 0
    while True:
        count, last = _delete_batch(tenant=tenant, scoped=scoped, after=after, size=batch_size)
        if not count:
            return deleted
        deleted += count
        after = last


# One batch on PostgreSQL, in one statement: the next ids in (created_at, id) order after the last
# deleted row (a row comparison, so the index scan starts there), their attempts, then them.
_PG_DELETE_BATCH_SQL = """
WITH batch AS (
  SELECT s.id, s.created_at FROM ({scoped}) AS s
  WHERE (s.created_at, s.id) > (%s, %s)
  ORDER BY s.created_at, s.id
  LIMIT %s
), attempts AS (
  DELETE FROM checkouts_checkoutattempt a USING batch WHERE a.checkout_id = batch.id AND a.tenant_id = %s
), gone AS (
  DELETE FROM checkouts_checkout c USING batch WHERE c.id = batch.id AND c.tenant_id = %s
  RETURNING c.id, c.created_at
)
SELECT (SELECT count(*) FROM gone), g.created_at, g.id FROM gone AS g ORDER BY g.created_at DESC, g.id DESC LIMIT 1
"""


def _delete_batch(
    *, tenant: Tenant, scoped: QuerySet[Checkout], after: tuple[datetime, str], size: int
) -> tuple[int, tuple[datetime, str]]:
    """Delete the next `size` checkouts of `scoped` after `after`; (number deleted, last row's key)."""
    if connection.vendor == "postgresql":
        scoped_sql, scoped_params = scoped.values("id", "created_at").query.sql_with_params()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                _PG_DELETE_BATCH_SQL.format(scoped=scoped_sql), [*scoped_params, *after, size, tenant.pk, tenant.pk]
            )
            row = cursor.fetchone()
        return (0, after) if row is None else (row[0], (row[1], row[2]))
    created, pk = after
    rows = list(
        scoped.filter(Q(created_at__gt=created) | Q(created_at=created, pk__gt=pk))
        .order_by("created_at", "pk")
        .values_list("pk", "created_at")[:size]
    )
    if not rows:
        return 0, after
    return _delete_ids(tenant=tenant, ids=[pk for pk, _ in rows]), (rows[-1][1], rows[-1][0])
