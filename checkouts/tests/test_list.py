"""GET / DELETE /checkout/{tenant}/checkouts (DESIGN.md "Listing and deleting checkouts")."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from requests.utils import parse_header_links

from checkouts.models import Checkout, CheckoutAttempt, Order
from checkouts.selectors import checkout_count_key
from conftest import key_headers

from .factories import BASE_TIME, make_checkouts

pytestmark = pytest.mark.django_db
URL = "/checkout/acme/checkouts"


def ids_of(response):
    assert response.status_code == 200, response.content
    return [c["id"] for c in response.json()]


def links(response):
    return {link["rel"]: link["url"] for link in parse_header_links(response["Link"])}


def expected(tenant, *, order_by=("-created_at", "-pk"), **filters):
    return list(
        Checkout.objects.filter(tenant=tenant, mode="test", **filters).order_by(*order_by).values_list("pk", flat=True)
    )


def test_default_list_is_newest_first_with_headers(api, tenant):
    make_checkouts(tenant, 20)
    response = api.get(URL)
    assert ids_of(response) == expected(tenant)[:16]
    assert response["X-Total-Count"] == "20"
    rels = links(response)
    assert set(rels) == {"self", "next"}
    assert rels["self"].startswith("http://testserver/checkout/acme/checkouts?")
    assert "pageNumber=2" in rels["next"]


def test_page_number_zero_reproduces_the_reference_example(api, tenant):
    """Reference GET /{tenant}/checkouts 400 example."""
    response = api.get(URL, {"pageNumber": 0})
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "message": "There are validation problems, see details section for more information",
        "moreInfo": "",
        "type": "validation_violation",
        "details": [{"field": "pageNumber", "message": "must be a positive number", "type": "invalid_query_parameter"}],
    }


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("pageNumber", "-1"),
        ("pageNumber", "abc"),
        ("pageSize", "0"),
        ("pageSize", "201"),
        ("pageSize", "1.5"),
        ("sort", "nope"),
        ("sort", "id:sideways"),
        ("orderCreated", "maybe"),
        ("checkoutCompleted", "yes please"),
        ("modifiedFrom", "yesterday"),
        ("modifiedTo", "2026-13-45"),
    ],
)
def test_bad_parameters_are_400_naming_themselves(api, tenant, param, value):
    response = api.get(URL, {param: value})
    assert response.status_code == 400
    [detail] = response.json()["details"]
    assert detail["field"] == param
    assert detail["type"] == "invalid_query_parameter"


@pytest.mark.parametrize(
    ("params", "filters"),
    [
        ({"orderCreated": "true"}, {"order_created": True}),
        ({"orderCreated": "false"}, {"order_created": False}),
        ({"checkoutCompleted": "true"}, {"checkout_completed": True}),
        ({"checkoutCompleted": "false"}, {"checkout_completed": False}),
        ({"customerId": "customer-1"}, {"customer_id": "customer-1"}),
        ({"modifiedFrom": "2026-01-01T10:00:00Z"}, {"modified_at__gte": BASE_TIME + timedelta(hours=10)}),
        ({"modifiedTo": "2026-01-01T10:00:00+00:00"}, {"modified_at__lte": BASE_TIME + timedelta(hours=10)}),
        (
            {"customerId": "customer-2", "orderCreated": "true", "modifiedFrom": "2026-01-01T05:00:00Z"},
            {"customer_id": "customer-2", "order_created": True, "modified_at__gte": BASE_TIME + timedelta(hours=5)},
        ),
        (
            {"checkoutCompleted": "false", "modifiedFrom": "2026-01-01", "modifiedTo": "2026-01-01T20:00:00Z"},
            {
                "checkout_completed": False,
                "modified_at__gte": BASE_TIME,
                "modified_at__lte": BASE_TIME + timedelta(hours=20),
            },
        ),
    ],
)
def test_filters_alone_and_combined(api, tenant, params, filters):
    make_checkouts(tenant, 30)
    response = api.get(URL, params | {"pageSize": 200})
    wanted = expected(tenant, **filters)
    assert wanted  # the filter selects something, and not everything
    assert len(wanted) < 30
    assert ids_of(response) == wanted
    assert response["X-Total-Count"] == str(len(wanted))


@pytest.mark.parametrize(
    ("sort_name", "field"),
    [
        ("metadata.createdAt", "created_at"),
        ("metadata.modifiedAt", "modified_at"),
        ("id", "id"),
        ("status", "status"),
        ("customer.id", "customer_id"),
        ("retryAttempts", "retry_attempts"),
    ],
)
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_every_sort_field_both_directions(api, tenant, sort_name, field, direction):
    make_checkouts(tenant, 25)
    response = api.get(URL, {"sort": f"{sort_name}:{direction}", "pageSize": 200})
    got = ids_of(response)
    rows = {c.pk: getattr(c, field) for c in Checkout.objects.all()}
    values = [rows[pk] for pk in got]
    assert values == sorted(values, reverse=direction == "desc")
    assert sorted(got) == sorted(rows)


def test_sort_without_direction_is_ascending_and_multiple_terms(api, tenant):
    make_checkouts(tenant, 12)
    got = ids_of(api.get(URL, {"sort": "status,metadata.createdAt:desc", "pageSize": 50}))
    assert got == expected(tenant, order_by=("status", "-created_at", "-pk"))


@pytest.mark.parametrize("size", [1, 7, 16])
def test_following_link_next_visits_every_checkout_once(api, tenant, other_tenant, size):
    mine = make_checkouts(tenant, 23)
    make_checkouts(other_tenant, 5)
    make_checkouts(tenant, 4, mode="live", start=100)
    url, seen, pages = f"{URL}?pageSize={size}&customerId=customer-1&sort=id", [], 0
    everything = [url.replace("customerId=customer-1&", "")]
    while url:
        response = api.get(url)
        seen += ids_of(response)
        rels = links(response)
        query = parse_qs(urlsplit(rels["self"]).query)
        assert query == {
            "pageSize": [str(size)],
            "customerId": ["customer-1"],
            "sort": ["id"],
            "pageNumber": [str(pages + 1)],
        }
        assert ("prev" in rels) == (pages > 0)
        url = rels.get("next")
        pages += 1
        assert pages < 100
    assert seen == sorted(Checkout.objects.filter(pk__in=mine, customer_id="customer-1").values_list("pk", flat=True))
    assert len(seen) == len(set(seen))
    # Without the filter: all 23 of this tenant and mode, none of the other tenant or of live mode.
    url, seen = everything[0], []
    while url:
        response = api.get(url)
        seen += ids_of(response)
        url = links(response).get("next")
    assert sorted(seen) == sorted(mine)


def test_page_past_the_end_is_empty_with_prev(api, tenant):
    make_checkouts(tenant, 3)
    response = api.get(URL, {"pageNumber": 5})
    assert ids_of(response) == []
    assert response["X-Total-Count"] == "3"
    assert "pageNumber=1" in links(response)["prev"]


def test_a_list_page_is_the_count_and_one_query_at_16_and_200(api, tenant, django_assert_num_queries):
    make_checkouts(tenant, 210)
    api.get(URL)  # warm up: the key is looked up (then remembered), last_used_at written
    # The count, then the page's ids and documents in one query (two on SQLite, which builds them in Python).
    queries = 2 if connection.vendor == "postgresql" else 3
    for size, number in ((16, 1), (200, 1), (16, 13)):  # page 13 of 14 is read from the end
        with django_assert_num_queries(queries):
            page = ids_of(api.get(URL, {"pageSize": size, "pageNumber": number}))
        assert page == expected(tenant)[(number - 1) * size : number * size]


def test_delete_one_keeps_its_order(api, tenant):
    [checkout_id] = make_checkouts(tenant, 1)
    order_id = Checkout.objects.get().order_id
    assert api.delete(f"{URL}/{checkout_id}").status_code == 204
    assert not Checkout.objects.exists()
    assert Order.objects.filter(pk=order_id).exists()
    response = api.delete(f"{URL}/{checkout_id}")
    assert response.status_code == 404
    assert response.json()["type"] == "not_found"


def test_delete_all_needs_its_own_scope(tenant, make_api_key):
    make_checkouts(tenant, 2)
    manage_only = Client(headers=key_headers(make_api_key(tenant, scopes=["checkout.checkout_manage"])))
    response = manage_only.delete(URL)
    assert response.status_code == 403
    assert response.json()["type"] == "insufficient_permissions"
    assert Checkout.objects.count() == 2
    delete_only = Client(headers=key_headers(make_api_key(tenant, scopes=["checkout.checkout_delete_all"])))
    assert delete_only.get(URL).status_code == 403
    assert delete_only.delete(URL).status_code == 204
    assert Checkout.objects.count() == 0


def test_delete_all_with_filter_removes_exactly_the_matching_rows(api, tenant, other_tenant):
    make_checkouts(tenant, 30)
    make_checkouts(tenant, 6, mode="live", start=200)
    make_checkouts(other_tenant, 9, start=300)
    orders = Order.objects.count()
    doomed = set(expected(tenant, order_created=True, customer_id="customer-2"))
    assert api.delete(URL + "?orderCreated=true&customerId=customer-2").status_code == 204
    remaining = set(Checkout.objects.filter(tenant=tenant, mode="test").values_list("pk", flat=True))
    assert len(remaining) == 30 - len(doomed)
    assert not doomed & remaining
    assert Checkout.objects.filter(tenant=tenant, mode="live").count() == 6
    assert Checkout.objects.filter(tenant=other_tenant).count() == 9
    assert Order.objects.count() == orders


def test_delete_all_refuses_bad_filters_and_deletes_nothing(api, tenant):
    make_checkouts(tenant, 3)
    response = api.delete(URL + "?orderCreated=perhaps")
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "orderCreated"
    assert Checkout.objects.count() == 3


@pytest.mark.postgres
def test_delete_all_twenty_thousand_on_postgres(api, tenant, other_tenant):
    make_checkouts(tenant, 20_000, with_orders=False)
    make_checkouts(other_tenant, 50, start=50_000)
    assert api.delete(URL).status_code == 204
    assert Checkout.objects.filter(tenant=tenant).count() == 0
    assert Checkout.objects.filter(tenant=other_tenant).count() == 50


@pytest.mark.parametrize("sort", ["metadata.createdAt:desc", "retryAttempts", "status:desc,id"])
def test_every_page_matches_the_offset_slice(api, tenant, sort):
    """Pages in the second half are read backwards from the end; they must equal the plain slice."""
    make_checkouts(tenant, 37)
    everything = ids_of(api.get(URL, {"sort": sort, "pageSize": 200}))
    for number in range(1, 7):
        page = ids_of(api.get(URL, {"sort": sort, "pageSize": 7, "pageNumber": number}))
        assert page == everything[(number - 1) * 7 : number * 7], number


def test_large_counts_are_cached_briefly(api, tenant, settings):
    from django.core.cache import cache

    settings.LIST_EXACT_COUNT_LIMIT = 10
    cache.clear()
    make_checkouts(tenant, 12)
    assert api.get(URL)["X-Total-Count"] == "12"
    make_checkouts(tenant, 3, start=50)
    assert api.get(URL)["X-Total-Count"] == "12"  # cached: may lag by LIST_COUNT_CACHE_SECONDS
    small = Checkout.objects.filter(customer_id="customer-1").count()
    assert api.get(URL, {"customerId": "customer-1"})["X-Total-Count"] == str(small)  # small: exact
    cache.clear()
    assert api.get(URL)["X-Total-Count"] == "15"


def test_a_stale_count_is_recounted_by_one_request_while_others_answer_it(api, tenant, settings, monkeypatch):
    from django.core.cache import cache

    from checkout_project import pagination

    settings.LIST_EXACT_COUNT_LIMIT = 10
    settings.LIST_COUNT_CACHE_SECONDS = 10
    clock = [1_000_000.0]
    monkeypatch.setattr(pagination, "_clock", lambda: clock[0])
    make_checkouts(tenant, 12)
    assert api.get(URL)["X-Total-Count"] == "12"
    make_checkouts(tenant, 3, start=50)
    clock[0] += 7.9  # fresh for 10 s ± 20 %
    assert api.get(URL)["X-Total-Count"] == "12"
    clock[0] += 4.2  # stale now; another request holds the recount
    key = pagination.count_cache_key(checkout_count_key(tenant=tenant, mode="test", customer_id=None, filters=[]))
    assert cache.add(key + ":recount", 1)
    assert api.get(URL)["X-Total-Count"] == "12"
    cache.delete(key + ":recount")  # that request is done (or gave up): this one recounts
    assert api.get(URL)["X-Total-Count"] == "15"
    make_checkouts(tenant, 1, start=80)
    assert api.get(URL)["X-Total-Count"] == "15"  # fresh again


@pytest.mark.parametrize("value", ["0385-07-03T01:59:47.601-20:33", "0001-01-01T00:00:00+05:00"])
def test_odd_offsets_and_ancient_dates_never_reach_the_database_as_is(api, tenant, value):
    """Found by schemathesis: PostgreSQL refuses a -20:33 offset (was a 500 on DELETE)."""
    make_checkouts(tenant, 2)
    response = api.delete(URL, {"modifiedFrom": value, "modifiedTo": "0125-12-26T21:31:03Z"}, QUERY_STRING="")
    assert response.status_code in (204, 400)
    listed = api.get(URL, {"modifiedFrom": value})
    assert listed.status_code in (200, 400)
    if listed.status_code == 400:
        assert listed.json()["details"][0]["field"] == "modifiedFrom"


def test_get_one_is_a_single_query_after_authentication(api, tenant, django_assert_num_queries):
    [checkout_id] = make_checkouts(tenant, 1)
    api.get(f"{URL}/{checkout_id}")  # warm up: the key is looked up (then remembered), last_used_at written
    with django_assert_num_queries(1):  # the document
        assert api.get(f"{URL}/{checkout_id}").json()["id"] == checkout_id


def test_delete_all_works_in_batches_until_nothing_matches(api, tenant, other_tenant, settings):
    settings.CHECKOUT_DELETE_BATCH_SIZE = 3
    make_checkouts(tenant, 10)
    make_checkouts(other_tenant, 4, start=100)
    assert api.delete(URL).status_code == 204
    assert not Checkout.objects.filter(tenant=tenant).exists()
    assert Checkout.objects.filter(tenant=other_tenant).count() == 4


def test_delete_all_batches_step_over_equal_creation_times(api, tenant, other_tenant, settings):
    """Batches continue after the last deleted (created_at, id): rows sharing a creation time are
    neither skipped nor deleted twice, with or without a filter, and attempts go with them."""
    settings.CHECKOUT_DELETE_BATCH_SIZE = 3
    mine = make_checkouts(tenant, 11)
    make_checkouts(other_tenant, 4, start=100)
    Checkout.objects.update(created_at=BASE_TIME)  # every row, both tenants, the same instant
    for checkout_id in mine:
        CheckoutAttempt.objects.create(tenant=tenant, checkout_id=checkout_id, number=0, outcome="succeeded")
    customer_1 = set(expected(tenant, customer_id="customer-1"))
    assert api.delete(URL, QUERY_STRING="customerId=customer-1").status_code == 204
    assert set(expected(tenant)) == set(mine) - customer_1
    assert api.delete(URL).status_code == 204
    assert not Checkout.objects.filter(tenant=tenant).exists()
    assert not CheckoutAttempt.objects.filter(tenant=tenant).exists()
    assert Checkout.objects.filter(tenant=other_tenant).count() == 4


def test_cached_counts_are_kept_apart_by_filter_customer_and_tenant(api, tenant, other_tenant, make_api_key, settings):
    """A large count is cached per tenant, mode, saas-token customer and filter values."""
    from merchants.tests.helpers import saas_jwt

    settings.LIST_EXACT_COUNT_LIMIT = 2
    make_checkouts(tenant, 12)
    make_checkouts(other_tenant, 5, start=100)
    assert api.get(URL)["X-Total-Count"] == "12"
    assert api.get(URL, {"orderCreated": "true"})["X-Total-Count"] == str(len(expected(tenant, order_created=True)))
    assert api.get(URL, {"orderCreated": "false"})["X-Total-Count"] == str(len(expected(tenant, order_created=False)))
    shopper = {"saas-token": saas_jwt(tenant.saas_passphrase, sub="customer-1")}
    assert api.get(URL, headers=shopper)["X-Total-Count"] == str(len(expected(tenant, customer_id="customer-1")))
    other = Client(headers=key_headers(make_api_key(other_tenant)))
    assert other.get("/checkout/globex/checkouts")["X-Total-Count"] == "5"
    assert api.get(URL)["X-Total-Count"] == "12"
