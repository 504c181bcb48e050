"""Checkout link tokens: signed, expiring, naming one cart of one tenant and mode (checkouts.link)."""

import pytest
from django.core import signing
from django.test import Client

from carts.models import Cart, CartStatus
from checkout_project.errors import ApiError
from checkouts.link import (
    LINK_SALT,
    LinkExpired,
    LinkInvalid,
    checkout_link_create,
    checkout_link_resolve,
    checkout_link_token,
)

from .page_support import CUSTOMER, shop_cart, shop_catalog, tamper, token_issued_ago

TTL = 24 * 60 * 60


@pytest.fixture
def shop(tenant):
    return shop_catalog(tenant)


@pytest.fixture
def cart(tenant, shop):
    return shop_cart(tenant)


def test_create_names_the_open_cart_and_resolve_finds_it(tenant, cart):
    link = checkout_link_create(tenant=tenant, mode="test", customer_id=CUSTOMER, base_url="https://pay.example.com/")
    token = link.url.removeprefix("https://pay.example.com/pay/").rstrip("/")

    target = checkout_link_resolve(token)
    assert (target.tenant, target.mode, target.cart.pk) == (tenant, "test", cart.pk)
    assert [item.product.sku for item in target.cart.items.all()] == ["sku3"]


def test_create_without_products_raises_the_reference_404(tenant, shop):
    with pytest.raises(ApiError) as raised:
        checkout_link_create(tenant=tenant, mode="test", customer_id=CUSTOMER, base_url="")
    assert (raised.value.status, raised.value.message) == (404, "No products in cart")


def test_every_single_character_change_is_invalid(cart):
    """Flip each character of the token in turn: none of the variants opens anything."""
    token = checkout_link_token(cart=cart)
    for index, char in enumerate(token):
        variant = token[:index] + ("B" if char == "A" else "A") + token[index + 1 :]
        with pytest.raises(LinkInvalid):
            checkout_link_resolve(variant)


@pytest.mark.parametrize("token", ["", "customer-id-123", "x" * 500, "eyJjIjoiY2FydCJ9:1xVTJd:AAAA"])
def test_garbage_is_invalid(token, cart):
    with pytest.raises(LinkInvalid):
        checkout_link_resolve(token)


def test_token_signed_for_another_purpose_is_invalid(cart):
    other_salt = signing.dumps({"c": cart.pk, "t": cart.tenant_id, "m": cart.mode}, salt="some.other.purpose")
    with pytest.raises(LinkInvalid):
        checkout_link_resolve(other_salt)


def test_token_is_valid_until_the_ttl_and_expired_after(cart, tenant):
    assert checkout_link_resolve(token_issued_ago(cart, TTL - 60)).cart.pk == cart.pk
    with pytest.raises(LinkExpired) as raised:
        checkout_link_resolve(token_issued_ago(cart, TTL + 60))
    assert raised.value.tenant == tenant


def test_ttl_comes_from_settings(cart, settings):
    settings.CHECKOUT_LINK_TTL = 60
    with pytest.raises(LinkExpired):
        checkout_link_resolve(token_issued_ago(cart, 120))


def test_an_expired_token_that_was_altered_is_invalid_not_expired(cart):
    with pytest.raises(LinkInvalid):
        checkout_link_resolve(tamper(token_issued_ago(cart, TTL + 60)))


def test_token_scopes_the_cart_by_its_tenant_and_mode(tenant, other_tenant, shop):
    """A genuine signature over a cart of globex with acme's tenant id (or the other mode) finds nothing."""
    shop_catalog(other_tenant)
    globex_cart = shop_cart(other_tenant)
    acme_cart = shop_cart(tenant)
    wrong_tenant = signing.dumps({"c": globex_cart.pk, "t": tenant.pk, "m": "test"}, salt=LINK_SALT)
    wrong_mode = signing.dumps({"c": acme_cart.pk, "t": tenant.pk, "m": "live"}, salt=LINK_SALT)
    for token in (wrong_tenant, wrong_mode):
        with pytest.raises(LinkInvalid):
            checkout_link_resolve(token)


def test_a_deleted_cart_is_invalid(cart):
    token = checkout_link_token(cart=cart)
    Cart.objects.filter(pk=cart.pk).delete()
    with pytest.raises(LinkInvalid):
        checkout_link_resolve(token)


def test_a_closed_cart_still_resolves_for_its_receipt(cart):
    token = checkout_link_token(cart=cart)
    Cart.objects.filter(pk=cart.pk).update(status=CartStatus.CLOSED)
    assert checkout_link_resolve(token).cart.status == CartStatus.CLOSED


def test_pages_for_tampered_and_expired_links(cart, tenant):
    tenant.return_url = "https://shop.example.com/cart"
    tenant.save()
    client = Client()

    tampered = client.get(f"/pay/{tamper(checkout_link_token(cart=cart))}/")
    assert tampered.status_code == 404
    assert tampered["Content-Type"].startswith("text/html")
    assert "This checkout link is not valid" in tampered.content.decode()
    assert "Reference sample product" not in tampered.content.decode()

    expired = client.get(f"/pay/{token_issued_ago(cart, TTL + 60)}/")
    assert expired.status_code == 410
    html = expired.content.decode()
    assert "This checkout link has expired" in html
    assert "Please ask Acme Inc. for a new link." in html
    assert 'href="https://shop.example.com/cart"' in html
    assert "Reference sample product" not in html

    posted = client.post(f"/pay/{token_issued_ago(cart, TTL + 60)}/", {"action": "pay"})
    assert posted.status_code == 410


def test_customer_id_alone_never_opens_a_page(cart):
    assert Client().get(f"/pay/{CUSTOMER}/").status_code == 404
    assert Client().get(f"/checkout/{CUSTOMER}").status_code == 404
