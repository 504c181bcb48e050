"""The shared list pagination (checkout_project.pagination) and query filters (checkout_project.filters)."""

import pytest
from django.test import RequestFactory
from requests.utils import parse_header_links

from checkout_project.errors import ApiError
from checkout_project.filters import BooleanQueryFilter, IsoDateTimeQueryFilter, QueryFilterSet
from checkout_project.pagination import LinkHeaderPagination
from merchants.models import Tenant

pytestmark = pytest.mark.django_db


class TenantListView:
    sort_fields = {"code": "code", "metadata.createdAt": "created_at"}
    default_sort = ("code",)


def page(query: dict):
    request = RequestFactory().get("/things/", query)
    paginator = LinkHeaderPagination()
    rows = paginator.paginate_queryset(Tenant.objects.all(), request, TenantListView())
    return rows, paginator.headers()


def problem(query: dict) -> dict:
    with pytest.raises(ApiError) as caught:
        page(query)
    return caught.value.as_dict()


@pytest.fixture
def tenants(db):
    return [Tenant.objects.create(code=f"shop{i:02d}", name=f"Shop {i}", saas_passphrase="x") for i in range(7)]


def test_page_number_zero_reproduces_reference_example():
    """Reference GET /{tenant}/checkouts 400 example: pageNumber, must be a positive number."""
    assert problem({"pageNumber": "0"}) == {
        "status": 400,
        "message": "There are validation problems, see details section for more information",
        "moreInfo": "",
        "type": "validation_violation",
        "details": [{"field": "pageNumber", "message": "must be a positive number", "type": "invalid_query_parameter"}],
    }


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "", "201", "99999999999999999999"])
def test_bad_page_size_names_the_parameter(value):
    details = problem({"pageSize": value})["details"]
    assert [(d["field"], d["type"]) for d in details] == [("pageSize", "invalid_query_parameter")]


@pytest.mark.parametrize("value", ["-3", "x", "1e3"])
def test_bad_page_number_names_the_parameter(value):
    assert problem({"pageNumber": value})["details"] == [
        {"field": "pageNumber", "type": "invalid_query_parameter", "message": "must be a positive number"}
    ]


@pytest.mark.parametrize("value", ["name", "code:up", "code,secret", "code:desc,pk"])
def test_bad_sort_names_the_parameter(value):
    details = problem({"sort": value})["details"]
    assert [(d["field"], d["type"]) for d in details] == [("sort", "invalid_query_parameter")]


def test_every_bad_parameter_is_reported_at_once():
    details = problem({"pageNumber": "0", "pageSize": "500", "sort": "nope"})["details"]
    assert [d["field"] for d in details] == ["pageNumber", "pageSize", "sort"]


def test_page_size_maximum_is_accepted(tenants):
    rows, headers = page({"pageSize": "200"})
    assert len(rows) == 7
    assert headers["X-Total-Count"] == "7"


def test_links_walk_every_row_once_keeping_other_parameters(tenants):
    url = "/things/?pageSize=3&sort=code:desc&q=keep"
    seen, pages = [], 0
    while url:
        request = RequestFactory().get(url)
        paginator = LinkHeaderPagination()
        rows = paginator.paginate_queryset(Tenant.objects.all(), request, TenantListView())
        headers = paginator.headers()
        links = {link["rel"]: link["url"] for link in parse_header_links(headers["Link"])}
        assert links["self"].startswith("http://testserver/things/?")
        assert "q=keep" in links["self"] and "sort=code%3Adesc" in links["self"]
        assert ("prev" in links) == (pages > 0)
        assert headers["X-Total-Count"] == "7"
        seen += [t.code for t in rows]
        pages += 1
        url = links.get("next", "").removeprefix("http://testserver")
    assert pages == 3
    assert seen == sorted((t.code for t in tenants), reverse=True)


def test_page_past_the_end_is_empty_with_prev_to_the_last_page(tenants):
    rows, headers = page({"pageNumber": "99", "pageSize": "5"})
    assert rows == []
    links = {link["rel"]: link["url"] for link in parse_header_links(headers["Link"])}
    assert set(links) == {"self", "prev"}
    assert "pageNumber=2" in links["prev"]


class TenantFilter(QueryFilterSet):
    allowInvoice = BooleanQueryFilter(field_name="allow_invoice")
    createdFrom = IsoDateTimeQueryFilter(field_name="created_at", lookup_expr="gte")


def filtered(query: dict):
    return TenantFilter.apply(RequestFactory().get("/things/", query), Tenant.objects.all())


def test_filters_parse_booleans_and_iso_dates(tenants):
    Tenant.objects.filter(code="shop00").update(allow_invoice=False)
    assert [t.code for t in filtered({"allowInvoice": "false"})] == ["shop00"]
    assert filtered({"allowInvoice": "TRUE"}).count() == 6
    assert filtered({"createdFrom": "2000-01-01T00:00:00Z"}).count() == 7
    assert filtered({"createdFrom": "2999-01-01"}).count() == 0
    assert filtered({"createdFrom": "2000-01-01T00:00:00+02:00", "allowInvoice": "1"}).count() == 6


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"allowInvoice": "yes please"}, "allowInvoice"),
        ({"createdFrom": "yesterday"}, "createdFrom"),
        ({"createdFrom": "2024-13-45T00:00:00Z"}, "createdFrom"),
    ],
)
def test_bad_filter_values_name_the_parameter(query, field):
    with pytest.raises(ApiError) as caught:
        filtered(query)
    assert caught.value.status == 400
    assert [(d.field, d.type) for d in caught.value.details] == [(field, "invalid_query_parameter")]
