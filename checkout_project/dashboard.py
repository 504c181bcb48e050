"""The admin index dashboard: per tenant and mode, checkouts per day as an inline SVG bar chart
(server-rendered, no script; bar colours are SVG presentation attributes, allowed by the CSP) and
today's revenue per currency. The figures come from `checkouts.stats` in two queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from checkouts.stats import DASHBOARD_DAYS, DayCount, TenantModeStats, checkout_daily_stats
from checkouts.templatetags.checkout_page import format_money

from .admin import visible_tenants

# Geometry of the chart, in SVG user units (the viewBox scales it to the page).
BAR_WIDTH = 16
BAR_GAP = 6
PLOT_TOP = 14
PLOT_HEIGHT = 90
AXIS_LEFT = 28
LABEL_HEIGHT = 16
COLOURS = {"completed": "#2e7d32", "failed": "#c62828", "pending": "#9e9e9e"}


@dataclass(frozen=True)
class Segment:
    kind: str  # completed, failed or pending
    count: int
    y: float
    height: float
    fill: str


@dataclass(frozen=True)
class Bar:
    day: DayCount
    x: float
    label_x: float
    segments: list[Segment]

    @property
    def summary(self) -> str:
        d = self.day
        return f"{d.day.isoformat()}: {d.completed} completed, {d.failed} failed, {d.pending} pending"


@dataclass(frozen=True)
class Chart:
    stats: TenantModeStats
    dom_id: str
    bars: list[Bar]
    max_count: int
    width: int
    height: int
    axis_bottom: int
    revenue: list[str]

    @property
    def title(self) -> str:
        return f"Checkouts per day, last {len(self.bars)} days, {self.stats.tenant.code} ({self.stats.mode})"

    @property
    def description(self) -> str:
        active = [bar.summary for bar in self.bars if bar.day.total]
        if not active:
            return "No checkouts in this period."
        return "; ".join(active) + "."


def chart(stats: TenantModeStats) -> Chart:
    """Stacked bars (completed at the bottom, then failed, then pending), one per day."""
    max_count = max((day.total for day in stats.days), default=0) or 1
    scale = PLOT_HEIGHT / max_count
    axis_bottom = PLOT_TOP + PLOT_HEIGHT
    bars = []
    for index, day in enumerate(stats.days):
        x = AXIS_LEFT + BAR_GAP + index * (BAR_WIDTH + BAR_GAP)
        segments, top = [], float(axis_bottom)
        for kind in ("completed", "failed", "pending"):
            count = getattr(day, kind)
            if not count:
                continue
            height = round(count * scale, 2)
            top = round(top - height, 2)
            segments.append(Segment(kind=kind, count=count, y=top, height=height, fill=COLOURS[kind]))
        bars.append(Bar(day=day, x=x, label_x=x + BAR_WIDTH / 2, segments=segments))
    width = AXIS_LEFT + BAR_GAP + len(stats.days) * (BAR_WIDTH + BAR_GAP)
    return Chart(
        stats=stats,
        dom_id=f"chart-{stats.tenant.code}-{stats.mode}",
        bars=bars,
        max_count=max_count,
        width=width,
        height=axis_bottom + LABEL_HEIGHT,
        axis_bottom=axis_bottom,
        revenue=[format_money(amount, currency) for currency, amount in stats.revenue_today.items()],
    )


def dashboard_context(request: HttpRequest, *, max_tenants: int) -> dict[str, Any]:
    """Charts for the tenants the user works for (a superuser: the first `max_tenants` by code)."""
    tenants = list(visible_tenants(request)[: max_tenants + 1])
    more = len(tenants) > max_tenants
    stats = checkout_daily_stats(tenants=tenants[:max_tenants], days=DASHBOARD_DAYS)
    return {
        "dashboard_charts": [chart(s) for s in stats],
        "dashboard_days": DASHBOARD_DAYS,
        "dashboard_more_tenants": more,
        "dashboard_colours": COLOURS,
    }
