"""`GET /api/v1/checkout-link/{customer_id}` against the PayerVault reference (payervault-checkout-link.txt)."""

import secrets
from datetime import timedelta

import pytest
import requests
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from carts.models import Cart, CartStatus
from conftest import key_headers
from merchants.models import AccessToken, Scope
from merchants.services import secret_hash

from .page_support import CUSTOMER, shop_cart, shop_catalog

REFERENCE_PATH = "/api/v1/checkout-link/customer-id-123"
NO_PRODUCTS = {"status": 404, "type": "not_found", "message": "No products in cart", "moreInfo": ""}


@pytest.fixture
def shop(tenant):
    return shop_catalog(tenant)


@pytest.fixture
def cart(tenant, shop):
    return shop_cart(tenant)


def bearer_token(new_key, scopes: list[str]) -> str:
    """An OAuth access token for the key with these scopes, as POST /oauth/token stores it."""
    token = f"at_{new_key.api_key.mode}_{secrets.token_urlsafe(24)}"
    AccessToken.objects.create(
        tenant=new_key.api_key.tenant,
        api_key=new_key.api_key,
        mode=new_key.api_key.mode,
        token_hash=secret_hash(token),
        scopes=scopes,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    return token


def test_reference_sample_request_answers_the_url_of_the_checkout_page(api, cart):
    """Reference "Sample Request": GET /api/v1/checkout-link/customer-id-123 with accessKey/accessSecret →
    "Sample Response (Success)": 200 {"url": ...}."""
    before = timezone.now()
    response = api.get(REFERENCE_PATH)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"url", "expiresAt"}
    assert body["url"].startswith("http://testserver/pay/")
    assert body["url"].endswith("/")
    assert CUSTOMER not in body["url"]  # the customer id alone never opens a page
    expires = parse_datetime(body["expiresAt"])
    assert before + timedelta(hours=24) - timedelta(seconds=5) <= expires <= timezone.now() + timedelta(hours=24)


def test_link_uses_public_base_url_and_opens_the_cart(api, cart, settings):
    settings.PUBLIC_BASE_URL = "https://pay.example.com"
    url = api.get(REFERENCE_PATH).json()["url"]

    assert url.startswith("https://pay.example.com/pay/")
    page = Client().get(url.removeprefix("https://pay.example.com"))
    assert page.status_code == 200
    assert "Reference sample product" in page.content.decode()


def test_reference_sample_error_no_cart(api, shop):
    """Reference "Sample Response (Error)": {"message": "No products in cart"}, status 404, in our error shape."""
    response = api.get(REFERENCE_PATH)

    assert response.status_code == 404
    assert response.json() == NO_PRODUCTS


def test_empty_cart_is_no_products(api, tenant, shop):
    shop_cart(tenant, items=())
    response = api.get(REFERENCE_PATH)
    assert response.status_code == 404
    assert response.json()["message"] == "No products in cart"


def test_closed_cart_is_no_products(api, cart):
    Cart.objects.filter(pk=cart.pk).update(status=CartStatus.CLOSED)
    response = api.get(REFERENCE_PATH)
    assert response.status_code == 404
    assert response.json() == NO_PRODUCTS


def test_test_mode_key_never_finds_a_live_cart(tenant, shop, make_api_key):
    shop_cart(tenant, mode="live")
    test_key = make_api_key(tenant, mode="test")
    live_key = make_api_key(tenant, mode="live")

    assert Client(headers=key_headers(test_key)).get(REFERENCE_PATH).json() == NO_PRODUCTS
    assert Client(headers=key_headers(live_key)).get(REFERENCE_PATH).status_code == 200


def test_live_key_never_finds_a_test_cart(cart, tenant, make_api_key):
    live_key = make_api_key(tenant, mode="live")
    assert Client(headers=key_headers(live_key)).get(REFERENCE_PATH).json() == NO_PRODUCTS


def test_other_tenants_customer_is_never_found(other_tenant, make_api_key, cart):
    """acme's customer-id-123 has a cart; globex asking for the same customer id gets 404."""
    globex = Client(headers=key_headers(make_api_key(other_tenant)))
    response = globex.get(REFERENCE_PATH)
    assert response.status_code == 404
    assert response.json() == NO_PRODUCTS


def test_bearer_token_with_checkout_link_scope_is_accepted(api_key, cart):
    token = bearer_token(api_key, [Scope.CHECKOUT_LINK])
    response = Client(headers={"Authorization": f"Bearer {token}"}).get(REFERENCE_PATH)
    assert response.status_code == 200
    assert "/pay/" in response.json()["url"]


def test_bearer_token_without_checkout_link_scope_is_forbidden(api_key, cart):
    token = bearer_token(api_key, [Scope.CART_MANAGE, Scope.CHECKOUT_MANAGE])
    response = Client(headers={"Authorization": f"Bearer {token}"}).get(REFERENCE_PATH)
    assert response.status_code == 403
    assert response.json()["type"] == "insufficient_permissions"


def test_api_key_without_checkout_link_scope_is_forbidden(tenant, make_api_key, cart):
    key = make_api_key(tenant, scopes=[Scope.CHECKOUT_MANAGE])
    response = Client(headers=key_headers(key)).get(REFERENCE_PATH)
    assert response.status_code == 403


@pytest.mark.parametrize(
    "headers",
    [{}, {"accessKey": "ak_test_nope", "accessSecret": "sk_test_nope"}],
    ids=["no-credentials", "wrong-credentials"],
)
def test_missing_or_wrong_credentials_are_401(headers, cart):
    response = Client(headers=headers).get(REFERENCE_PATH)
    assert response.status_code == 401
    assert response.json()["type"] == "unauthorized"


def test_wrong_secret_for_a_real_key_is_401(api_key, cart):
    headers = key_headers(api_key) | {"accessSecret": "sk_test_wrong"}
    assert Client(headers=headers).get(REFERENCE_PATH).status_code == 401


def test_only_get_is_allowed(api, cart):
    response = api.post(REFERENCE_PATH, {}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["type"] == "method_not_allowed"


def test_schema_documents_the_link_endpoint(api):
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/checkout-link/{customer_id}"]["get"]
    assert set(operation["responses"]) >= {"200", "404"}
    headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
    assert {"accessKey", "accessSecret"} <= headers
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/CheckoutLink")
    assert set(schema["components"]["schemas"]["CheckoutLink"]["properties"]) == {"url", "expiresAt"}


@pytest.mark.django_db(transaction=True)
def test_reference_python_sample_against_a_live_server(live_server, tenant, make_api_key, shop):
    """The reference's "Python (Using requests)" sample, verbatim except the host and the credentials."""
    shop_cart(tenant)
    key = make_api_key(tenant)
    access_key, access_secret = key.api_key.access_key, key.access_secret

    # --- reference sample ---
    url = f"{live_server.url}/api/v1/checkout-link/customer-id-123"
    headers = {"accessKey": access_key, "accessSecret": access_secret}
    response = requests.get(url, headers=headers, timeout=10)
    data = response.json()
    print(data)
    # --- end of sample ---

    assert response.status_code == 200
    assert data["url"].startswith(f"{live_server.url}/pay/")
    page = requests.get(data["url"], timeout=10)
    assert page.status_code == 200
    assert "Reference sample product" in page.text

    missing = requests.get(f"{live_server.url}/api/v1/checkout-link/nobody", headers=headers, timeout=10)
    assert missing.status_code == 404
    assert missing.json()["message"] == "No products in cart"


def test_link_costs_one_query(db, django_assert_num_queries):
    """The open cart that has an item, in one query; the API key is remembered after the first request."""
    from carts.models import Cart, CartItem, Product
    from merchants.services import api_key_create, tenant_create

    tenant = tenant_create(code="fastshop", name="Fast")
    product = Product.objects.create(tenant=tenant, sku="a", name="a", unit_price=1, currency="EUR", stock_on_hand=1)
    cart = Cart.objects.create(tenant=tenant, mode="test", customer_id="c1", currency="EUR")
    CartItem.objects.create(tenant=tenant, cart=cart, product=product, quantity=1, unit_price=1)
    key = api_key_create(tenant=tenant, mode="test")
    client = Client(headers={"accessKey": key.api_key.access_key, "accessSecret": key.access_secret})
    client.get("/api/v1/checkout-link/c1")  # warm up: the key is looked up and last_used_at written
    with django_assert_num_queries(1):
        assert client.get("/api/v1/checkout-link/c1").status_code == 200
