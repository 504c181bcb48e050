"""GET /cart/{tenant}/carts: filters, sort and the shared pagination (Link, X-Total-Count)."""

from datetime import UTC, datetime, timedelta

import pytest
from requests.utils import parse_header_links

from carts.models import Cart, CartStatus
from carts.tests.factories import make_cart
from carts.tests.helpers import details

pytestmark = pytest.mark.django_db

BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def carts(tenant):
    """23 carts created a minute apart: every third is closed and belongs to customer-0 or customer-1,
    the others are open, one per customer (customer-1 has one open and four closed carts)."""
    made = []
    for i in range(23):
        if i % 3 == 0:
            cart = make_cart(tenant, f"customer-{i % 2}", status=CartStatus.CLOSED)
        else:
            cart = make_cart(tenant, f"customer-{i}")
        Cart.objects.filter(pk=cart.pk).update(created_at=BASE_TIME + timedelta(minutes=i))
        cart.refresh_from_db()
        made.append(cart)
    return made


def links(response) -> dict[str, str]:
    return {link["rel"]: link["url"] for link in parse_header_links(response["Link"])}


def test_page_number_zero_reproduces_the_reference_example(japi, tenant):
    """Reference GET /{tenant}/checkouts 400 example: pageNumber, must be a positive number."""
    response = japi.get("/cart/acme/carts?pageNumber=0")
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "message": "There are validation problems, see details section for more information",
        "moreInfo": "",
        "type": "validation_violation",
        "details": [{"field": "pageNumber", "message": "must be a positive number", "type": "invalid_query_parameter"}],
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("pageSize=0", "pageSize"),
        ("pageSize=-1", "pageSize"),
        ("pageSize=abc", "pageSize"),
        ("pageSize=201", "pageSize"),
        ("pageNumber=x", "pageNumber"),
        ("sort=secret", "sort"),
        ("sort=metadata.createdAt:up", "sort"),
        ("status=PENDING", "status"),
    ],
)
def test_bad_query_parameters_are_named(japi, tenant, query, field):
    response = japi.get(f"/cart/acme/carts?{query}")
    assert response.status_code == 400
    assert details(response) == [(field, "invalid_query_parameter")]


def test_following_next_links_visits_every_cart_once(japi, tenant, carts):
    url = "/cart/acme/carts?pageSize=5&sort=metadata.createdAt:asc"
    seen, pages = [], 0
    while url:
        response = japi.get(url)
        assert response.status_code == 200
        assert response["X-Total-Count"] == "23"
        rels = links(response)
        assert rels["self"].startswith("http://testserver/cart/acme/carts?")
        assert "pageSize=5" in rels["self"] and "sort=metadata.createdAt%3Aasc" in rels["self"]
        assert ("prev" in rels) == (pages > 0)
        seen += [cart["id"] for cart in response.json()]
        pages += 1
        url = rels.get("next")
    assert pages == 5
    assert seen == [cart.pk for cart in carts]


def test_prev_links_walk_back(japi, tenant, carts):
    response = japi.get("/cart/acme/carts?pageSize=10&pageNumber=3")
    assert len(response.json()) == 3
    assert "next" not in links(response)
    back = japi.get(links(response)["prev"])
    assert "pageNumber=2" in links(back)["self"]
    assert len(back.json()) == 10


def test_default_page_is_sixteen_newest_first(japi, tenant, carts):
    response = japi.get("/cart/acme/carts")
    body = response.json()
    assert len(body) == 16
    assert [c["id"] for c in body] == [c.pk for c in reversed(carts)][:16]
    assert set(links(response)) == {"self", "next"}


def test_filters_keep_their_parameters_in_links(japi, tenant, carts):
    assert japi.get("/cart/acme/carts?customerId=customer-1")["X-Total-Count"] == "5"
    response = japi.get("/cart/acme/carts?customerId=customer-1&status=CLOSED&pageSize=3")
    expected = [c.pk for c in reversed(carts) if c.customer_id == "customer-1" and c.status == "CLOSED"]
    assert len(expected) == 4
    assert response["X-Total-Count"] == "4"
    seen = [c["id"] for c in response.json()]
    next_url = links(response)["next"]
    assert "customerId=customer-1" in next_url and "status=CLOSED" in next_url
    while next_url:
        page = japi.get(next_url)
        seen += [c["id"] for c in page.json()]
        next_url = links(page).get("next")
    assert seen == expected


def test_sort_by_customer_then_newest(japi, tenant, carts):
    body = japi.get("/cart/acme/carts?sort=customerId,metadata.createdAt:desc&pageSize=200").json()
    expected = sorted(carts, key=lambda c: c.created_at, reverse=True)
    expected.sort(key=lambda c: c.customer_id)  # stable: newest first within a customer
    assert [c["id"] for c in body] == [c.pk for c in expected]
