"""A saas-token binds placement, retry, list and get to that customer (DESIGN.md "Authentication")."""

import json

import pytest

from checkouts.models import Checkout, Order
from merchants.saas import mint_saas_token

from .helpers import order_body

pytestmark = pytest.mark.django_db
URL = "/checkout/acme/checkouts"


def saas(tenant, customer_id):
    token, _ = mint_saas_token(tenant=tenant, customer_id=customer_id, ttl_seconds=300)
    return {"saas-token": token}


def place(api, cart_id, **headers):
    return api.post(
        f"{URL}/order", data=json.dumps(order_body(cart_id)), content_type="application/json", headers=headers
    )


def test_logged_in_customer_checks_out_their_own_cart(api, tenant, make_cart):
    cart = make_cart(customer_id="123456")
    response = place(api, cart.pk, **saas(tenant, "123456"))
    assert response.status_code == 200, response.json()
    checkout = Checkout.objects.get()
    assert checkout.customer["id"] == "123456"
    assert checkout.customer["guest"] is False


def test_another_customers_cart_is_refused_and_nothing_is_written(api, tenant, make_cart):
    cart = make_cart(customer_id="someone-else")
    response = place(api, cart.pk, **saas(tenant, "123456"))
    assert response.status_code == 400
    assert response.json()["details"][0]["type"] == "cart_customer_mismatch"
    assert not Order.objects.exists()


def test_without_a_saas_token_the_checkout_is_a_guest_checkout(api, make_cart):
    cart = make_cart(customer_id="123456")
    assert place(api, cart.pk).status_code == 200
    assert Checkout.objects.get().customer["guest"] is True


def test_saas_token_narrows_list_get_retry_and_delete_to_that_customer(api, tenant, make_cart):
    mine = make_cart(customer_id="123456")
    theirs = make_cart(customer_id="654321")
    place(api, mine.pk)
    place(api, theirs.pk)
    my_id = Checkout.objects.get(customer_id="123456").pk
    their_id = Checkout.objects.get(customer_id="654321").pk
    headers = saas(tenant, "123456")
    listed = api.get(URL, headers=headers)
    assert [c["id"] for c in listed.json()] == [my_id]
    assert listed["X-Total-Count"] == "1"
    assert api.get(f"{URL}/{my_id}", headers=headers).status_code == 200
    assert api.get(f"{URL}/{their_id}", headers=headers).status_code == 404
    assert api.post(f"{URL}/{their_id}/retry", headers=headers).status_code == 404
    assert api.delete(f"{URL}/{their_id}", headers=headers).status_code == 404
    assert Checkout.objects.filter(pk=their_id).exists()
