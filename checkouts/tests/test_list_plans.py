"""PostgreSQL plans: the default list, each filter and each sort are tenant-first index scans."""

import pytest
from django.db import connection
from django.test import RequestFactory

from checkout_project.pagination import LinkHeaderPagination
from checkouts.filters import CheckoutFilter
from checkouts.selectors import CheckoutPageQuery, checkout_page_ids_sql
from checkouts.views import SORT_FIELDS, CheckoutCollectionView

from .factories import make_checkouts

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def plan_for(tenant, query: dict) -> str:
    request = RequestFactory().get("/checkout/acme/checkouts", query)
    order_by, problem = LinkHeaderPagination().parse_sort(query.get("sort"), CheckoutCollectionView)
    assert problem is None
    lookups = CheckoutFilter.lookups(request)
    page = CheckoutPageQuery(
        tenant=tenant, mode="test", customer_id=None, lookups=lookups, order_by=order_by, offset=0, size=16
    )
    sql, params = checkout_page_ids_sql(page)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE checkouts_checkout")
        # Tiny test tables would otherwise be read sequentially; the question is which index serves.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    "query",
    [{}]
    + [{"sort": f"{name}:{direction}"} for name in SORT_FIELDS for direction in ("asc", "desc")]
    + [
        {"customerId": "customer-1"},
        {"orderCreated": "true"},
        {"checkoutCompleted": "false"},
        {"modifiedFrom": "2026-01-01T05:00:00Z"},
        {"customerId": "customer-1", "sort": "metadata.createdAt:asc"},
    ],
)
def test_list_query_is_an_index_scan_without_a_full_sort(tenant, query):
    make_checkouts(tenant, 400, with_orders=False)
    plan = plan_for(tenant, query)
    assert "Index" in plan, plan
    assert "checkout_" in plan, plan  # one of our (tenant, mode, ...) indexes, not a per-column one
    assert not any(line.strip().startswith("->  Sort") or line.startswith("Sort") for line in plan.splitlines()), plan
