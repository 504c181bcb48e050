"""The admin index dashboard (issue 9): checkouts per day as an inline SVG, today's revenue, per tenant."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from checkout_project.tests.admin_support import make_world, place_order, staff_client
from checkouts.models import Checkout
from checkouts.stats import checkout_daily_stats

from .factories import make_checkouts

pytestmark = pytest.mark.django_db


def age(ids: list[str], days: int) -> None:
    """Move checkouts `days` days into the past (created_at is an auto field)."""
    Checkout.objects.filter(pk__in=ids).update(created_at=timezone.now() - timedelta(days=days))


@pytest.fixture
def history(tenant, make_cart, api_key):
    """Today: two paid orders (115.00 USD each) and one decline; 3 days ago 3 checkouts; 20 days ago 3 (outside)."""
    for customer in ("c1", "c2"):
        assert place_order(tenant, make_cart(customer_id=customer).pk, api_key=api_key).status_code == 200
    assert (
        place_order(tenant, make_cart(customer_id="c3").pk, token="tok_chargeDeclined", api_key=api_key).status_code
        == 402
    )
    age(make_checkouts(tenant, 3, with_orders=False), 3)  # created, failed, pending
    age(make_checkouts(tenant, 3, start=3, with_orders=False), 20)
    age(make_checkouts(tenant, 2, mode="live", start=6, with_orders=False), 1)  # created, failed


def test_daily_stats_group_by_day_and_status_in_two_queries(history, tenant, other_tenant, django_assert_num_queries):
    make_world(other_tenant)
    today = timezone.localdate()
    with django_assert_num_queries(2):
        stats = checkout_daily_stats(tenants=[tenant, other_tenant], today=today)
    by_key = {(s.tenant.code, s.mode): s for s in stats}
    assert list(by_key) == [("acme", "live"), ("acme", "test"), ("globex", "live"), ("globex", "test")]
    test = by_key[("acme", "test")]
    assert len(test.days) == 14 and test.days[-1].day == today
    counts = {d.day: (d.completed, d.failed, d.pending) for d in test.days if d.total}
    assert counts == {today: (2, 1, 0), today - timedelta(days=3): (1, 1, 1)}
    assert test.revenue_today == {"USD": Decimal("230.00")}
    live = by_key[("acme", "live")]
    assert {d.day: (d.completed, d.failed) for d in live.days if d.total} == {today - timedelta(days=1): (1, 1)}
    assert live.revenue_today == {}
    assert by_key[("globex", "test")].revenue_today == {"USD": Decimal("125.00")}


def test_test_mode_is_left_out_when_it_has_nothing(tenant):
    stats = checkout_daily_stats(tenants=[tenant])
    assert [(s.mode, s.checkouts) for s in stats] == [("live", 0)]


def test_index_draws_the_chart_and_todays_revenue(history, tenant, other_tenant):
    make_world(other_tenant)
    client = staff_client(tenant, "ann@acme.example")
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    svg = re.search(r'<svg class="backoffice-chart"[^>]*"chart-acme-test-title[^>]*>.*?</svg>', html, re.S)
    assert svg, html[:2000]
    svg = svg.group(0)
    assert '<title id="chart-acme-test-title">Checkouts per day, last 14 days, acme (test)</title>' in svg
    today = timezone.localdate()
    three_days_ago = today - timedelta(days=3)
    assert f"{today.isoformat()}: 2 completed, 1 failed, 0 pending" in svg  # in <desc> and the bar's <title>
    assert f"{three_days_ago.isoformat()}: 1 completed, 1 failed, 1 pending" in svg
    bars = re.findall(r'<rect class="backoffice-chart__bar backoffice-chart__bar--(\w+)" data-count="(\d+)"', svg)
    assert sorted(bars) == sorted(
        [("completed", "2"), ("failed", "1"), ("completed", "1"), ("failed", "1"), ("pending", "1")]
    )
    # The tallest bar (3 checkouts today) fills the plot: 90 units high, stacked from y=104 upwards.
    heights = re.findall(r'data-count="\d+" x="[\d.]+" y="([\d.]+)" width="16" height="([\d.]+)"', svg)
    assert ("44.0", "60.0") in heights and ("14.0", "30.0") in heights
    assert "style=" not in svg  # the CSP forbids inline styles; colours are presentation attributes
    revenue = re.search(r"acme</span> · test</h3>\s*<p class=\"backoffice-revenue\">(.*?)</p>", html, re.S).group(1)
    assert "$230.00" in revenue
    assert "live" in html and 'id="chart-acme-live-title"' in html
    # Nothing of the other tenant.
    assert "globex" not in html and "Globex" not in html


def test_superuser_sees_every_tenant_on_the_index(admin_client, history, other_tenant):
    make_world(other_tenant)
    html = admin_client.get("/admin/").content.decode()
    assert 'id="chart-acme-test-title"' in html and 'id="chart-globex-test-title"' in html
    assert "$125.00" in html


def test_index_is_served_under_the_strict_csp(tenant):
    client = staff_client(tenant, "ann@acme.example")
    response = client.get("/admin/")
    policy = response.headers["Content-Security-Policy"]
    assert "style-src 'self'" in policy and "script-src 'self'" in policy
    html = response.content.decode()
    assert "<script>" not in html and " style=" not in html
    assert "backoffice/admin.css" in html
