"""Back-office figures for the admin index: checkouts per day and today's revenue, per tenant and mode."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from merchants.models import Mode, Tenant

from .models import Checkout, CheckoutStatus, Order, OrderStatus

DASHBOARD_DAYS = 14


@dataclass(frozen=True)
class DayCount:
    day: date
    completed: int = 0
    failed: int = 0
    pending: int = 0

    @property
    def total(self) -> int:
        return self.completed + self.failed + self.pending


@dataclass(frozen=True)
class TenantModeStats:
    tenant: Tenant
    mode: str
    days: list[DayCount]  # oldest first, one entry per day of the window, days without checkouts included
    revenue_today: dict[str, Decimal]  # currency -> sum of today's successful orders

    @property
    def checkouts(self) -> int:
        return sum(day.total for day in self.days)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def checkout_daily_stats(
    *, tenants: Sequence[Tenant], today: date | None = None, days: int = DASHBOARD_DAYS
) -> list[TenantModeStats]:
    """Checkouts per day (completed / failed / pending) over the last `days` days up to `today`, and
    today's revenue per currency, for each of `tenants`, in the current time zone.

    Two queries however many tenants and days: checkouts `GROUP BY tenant, mode, day, status`,
    successful orders of today `GROUP BY tenant, mode, currency`. Live mode is always listed; test
    mode only when it has checkouts in the window or revenue today.
    """
    if not tenants:
        return []
    today = today or timezone.localdate()
    first_day = today - timedelta(days=days - 1)
    window = (_day_start(first_day), _day_start(today + timedelta(days=1)))
    tenant_ids = [tenant.pk for tenant in tenants]

    counts: dict[tuple[int, str, date], dict[str, int]] = defaultdict(dict)
    rows = (
        Checkout.objects.filter(tenant_id__in=tenant_ids, created_at__gte=window[0], created_at__lt=window[1])
        .annotate(day=TruncDate("created_at"))
        .values_list("tenant_id", "mode", "day", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for tenant_id, mode, day, status, n in rows:
        counts[(tenant_id, mode, day)][status] = n

    revenue: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(dict)
    orders = (
        Order.objects.filter(
            tenant_id__in=tenant_ids,
            status=OrderStatus.SUCCESS,
            created_at__gte=_day_start(today),
            created_at__lt=window[1],
        )
        .values_list("tenant_id", "mode", "currency")
        .annotate(total=Sum("total"))
        .order_by()
    )
    for tenant_id, mode, currency, total in orders:
        revenue[(tenant_id, mode)][currency] = total

    window_days = [first_day + timedelta(days=offset) for offset in range(days)]
    result = []
    for tenant in sorted(tenants, key=lambda t: t.code):
        for mode in (Mode.LIVE, Mode.TEST):
            series = [
                DayCount(
                    day=day,
                    completed=counts[(tenant.pk, mode, day)].get(CheckoutStatus.CREATED, 0),
                    failed=counts[(tenant.pk, mode, day)].get(CheckoutStatus.FAILED, 0),
                    pending=counts[(tenant.pk, mode, day)].get(CheckoutStatus.PENDING, 0),
                )
                for day in window_days
            ]
            stats = TenantModeStats(
                tenant=tenant,
                mode=str(mode),
                days=series,
                revenue_today=dict(sorted(revenue[(tenant.pk, mode)].items())),
            )
            if mode == Mode.LIVE or stats.checkouts or stats.revenue_today:
                result.append(stats)
    return result
