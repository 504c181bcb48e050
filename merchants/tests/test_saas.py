"""The `saas-token` header: HS256 JWTs signed with the tenant's saas passphrase."""

from datetime import UTC, datetime

import jwt
import pytest
from django.test import Client
from django.utils import timezone

from checkout_project.errors import ApiError
from merchants.saas import mint_saas_token, saas_customer_id
from merchants.services import tenant_rotate_saas_passphrase
from merchants.tests.helpers import WHOAMI, assert_error, bearer, key_headers, saas_jwt

pytestmark = [pytest.mark.django_db, pytest.mark.urls("merchants.tests.urls")]


def now() -> int:
    return int(timezone.now().timestamp())


def whoami(api_key, token: str):
    return Client(headers=key_headers(api_key) | {"saas-token": token}).get(WHOAMI)


def test_valid_token_sets_the_customer(tenant, api_key, issue_token):
    token = saas_jwt(tenant.saas_passphrase, sub="cust-42")
    assert whoami(api_key, token).json()["customerId"] == "cust-42"
    # With a Bearer token too.
    response = Client(headers=bearer(issue_token(api_key)) | {"saas-token": token}).get(WHOAMI)
    assert response.json()["customerId"] == "cust-42"


def test_no_saas_token_means_no_customer(api_key):
    assert Client(headers=key_headers(api_key)).get(WHOAMI).json()["customerId"] is None


BAD_TOKENS = {
    "expired": (lambda p: saas_jwt(p, exp=now() - 10), "saas-token has expired"),
    "wrong passphrase": (
        lambda p: saas_jwt("x" * 43),
        "saas-token signature does not match this tenant's saas passphrase",
    ),
    "alg none": (lambda p: saas_jwt(None, algorithm="none"), "saas-token must be signed with HS256"),
    "HS512": (lambda p: saas_jwt(p + p, algorithm="HS512"), "saas-token must be signed with HS256"),
    "missing exp": (lambda p: saas_jwt(p, exp=None), "saas-token is missing the required 'exp' claim"),
    "missing sub": (lambda p: saas_jwt(p, sub=None), "saas-token is missing the required 'sub' claim"),
    "sub not a string": (lambda p: saas_jwt(p, sub=42), "saas-token 'sub' claim must be the customer id as a string"),
    "empty sub": (lambda p: saas_jwt(p, sub=""), "saas-token 'sub' claim must be 1 to 128 characters"),
    "not yet valid": (lambda p: saas_jwt(p, nbf=now() + 600), "saas-token is not valid yet"),
    "not a JWT": (lambda p: "not-a-jwt", "saas-token is not a valid JWT"),
    "empty": (lambda p: " ", "saas-token is empty"),
}


@pytest.mark.parametrize("case", BAD_TOKENS)
def test_bad_tokens_are_401_saying_why(tenant, api_key, case):
    make, message = BAD_TOKENS[case]
    token = make(tenant.saas_passphrase)
    response = whoami(api_key, token)
    body = assert_error(response, 401, "unauthorized")
    assert body["message"] == message
    assert body["details"] == [{"field": "saas-token", "type": "invalid_header", "message": message}]
    assert response["WWW-Authenticate"]
    # The same verdict from the function views and services use.
    with pytest.raises(ApiError) as excinfo:
        saas_customer_id(tenant=tenant, token=token)
    assert (excinfo.value.status, excinfo.value.message) == (401, message)


def test_alg_none_token_is_refused_even_when_unsigned_claims_look_right(tenant):
    header_and_claims = jwt.encode({"sub": "victim", "exp": now() + 60}, None, algorithm="none")
    assert header_and_claims.endswith(".")  # truly unsigned
    with pytest.raises(ApiError, match="HS256"):
        saas_customer_id(tenant=tenant, token=header_and_claims)


def test_another_tenants_token_is_401(tenant, other_tenant, api_key):
    token = saas_jwt(other_tenant.saas_passphrase, sub="their-customer")
    body = assert_error(whoami(api_key, token), 401, "unauthorized")
    assert "saas passphrase" in body["message"]


def test_a_bad_saas_token_fails_the_request_rather_than_going_guest(tenant, api_key):
    assert whoami(api_key, saas_jwt(tenant.saas_passphrase, exp=now() - 1)).status_code == 401


def test_saas_token_alone_is_not_a_credential(tenant):
    response = Client(headers={"saas-token": saas_jwt(tenant.saas_passphrase)}).get(WHOAMI)
    assert_error(response, 401, "unauthorized")


def test_minted_token_is_accepted_and_carries_its_expiry(tenant, api_key):
    before = now()
    token, expires_at = mint_saas_token(tenant=tenant, customer_id="cust-7", ttl_seconds=600)
    claims = jwt.decode(token, tenant.saas_passphrase, algorithms=["HS256"])
    assert claims["sub"] == "cust-7"
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert expires_at == datetime.fromtimestamp(claims["exp"], tz=UTC)
    assert before + 600 <= claims["exp"] <= now() + 600
    assert whoami(api_key, token).json()["customerId"] == "cust-7"


@pytest.mark.parametrize(("customer_id", "ttl"), [("", 60), ("x" * 129, 60), ("cust", 0), ("cust", -5)])
def test_mint_refuses_bad_input(tenant, customer_id, ttl):
    with pytest.raises(ApiError) as excinfo:
        mint_saas_token(tenant=tenant, customer_id=customer_id, ttl_seconds=ttl)
    assert excinfo.value.status == 400


def test_rotating_the_passphrase_invalidates_old_tokens(tenant, api_key):
    old_passphrase = tenant.saas_passphrase
    old_token, _ = mint_saas_token(tenant=tenant, customer_id="cust-1", ttl_seconds=600)
    assert whoami(api_key, old_token).status_code == 200

    tenant_rotate_saas_passphrase(tenant=tenant)
    tenant.refresh_from_db()
    assert tenant.saas_passphrase != old_passphrase and len(tenant.saas_passphrase) >= 32

    body = assert_error(whoami(api_key, old_token), 401, "unauthorized")
    assert "saas passphrase" in body["message"]
    new_token, _ = mint_saas_token(tenant=tenant, customer_id="cust-1", ttl_seconds=600)
    assert whoami(api_key, new_token).json()["customerId"] == "cust-1"
