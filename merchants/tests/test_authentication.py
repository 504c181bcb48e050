"""API-key and Bearer authentication: failures, the one-query budget, modes and throttling."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from merchants.credential_cache import credentials_forget_all
from merchants.models import ApiKey
from merchants.tests.helpers import WHOAMI, assert_error, bearer, expire_all_tokens, key_headers, saas_jwt
from merchants.throttling import CredentialRateThrottle

pytestmark = [pytest.mark.django_db, pytest.mark.urls("merchants.tests.urls")]


def test_expired_bearer_is_401_with_fault(api_key, issue_token):
    token = issue_token(api_key)
    expire_all_tokens()
    response = Client(headers=bearer(token)).get(WHOAMI)
    body = assert_error(response, 401, "unauthorized")
    assert body["message"] == "Access token expired"
    assert body["fault"] == {
        "faultstring": "Access Token expired",
        "detail": {"errorcode": "keymanagement.service.access_token_expired"},
    }
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer at_test_unknown", "Bearer ", "bearer at_live_x"])
def test_unknown_bearer_is_401_with_fault(db, header):
    response = Client(headers={"Authorization": header}).get(WHOAMI)
    body = assert_error(response, 401, "unauthorized")
    assert body["fault"] == {
        "faultstring": "Invalid access token",
        "detail": {"errorcode": "oauth.v2.InvalidAccessToken"},
    }
    assert response["WWW-Authenticate"] == "Bearer"


def test_other_authorization_schemes_are_not_credentials(api_key):
    response = Client(headers={"Authorization": "Basic YWJjOmRlZg=="}).get(WHOAMI)
    assert_error(response, 401, "unauthorized")


def test_half_an_api_key_is_401(api_key):
    response = Client(headers={"accessKey": api_key.api_key.access_key}).get(WHOAMI)
    body = assert_error(response, 401, "unauthorized")
    assert body["message"] == "Both accessKey and accessSecret headers are required"


def fresh(new_key):
    """Mark the key as just used, so authentication has no last_used_at write to do."""
    ApiKey.objects.filter(pk=new_key.api_key.pk).update(last_used_at=timezone.now())


def test_api_key_authentication_costs_one_query(api_key, django_assert_max_num_queries):
    fresh(api_key)
    client = Client(headers=key_headers(api_key))
    with django_assert_max_num_queries(1):
        response = client.get(WHOAMI)
    assert response.status_code == 200


def test_bearer_authentication_costs_one_query(api_key, issue_token, django_assert_max_num_queries):
    client = Client(headers=bearer(issue_token(api_key)))
    with django_assert_max_num_queries(1):
        response = client.get(WHOAMI)
    assert response.status_code == 200


def test_saas_token_costs_no_extra_query(tenant, api_key, issue_token, django_assert_max_num_queries):
    fresh(api_key)
    saas = {"saas-token": saas_jwt(tenant.saas_passphrase)}
    for headers in (key_headers(api_key), bearer(issue_token(api_key))):
        with django_assert_max_num_queries(1):
            response = Client(headers=headers | saas).get(WHOAMI)
        assert response.json()["customerId"] == "customer-1"


def test_last_used_at_is_refreshed_at_most_once_a_minute(api_key, django_assert_num_queries):
    stale = timezone.now() - timedelta(minutes=5)
    ApiKey.objects.filter(pk=api_key.api_key.pk).update(last_used_at=stale)
    client = Client(headers=key_headers(api_key))
    with django_assert_num_queries(2):  # the read and the one refresh
        assert client.get(WHOAMI).status_code == 200
    refreshed = ApiKey.objects.get(pk=api_key.api_key.pk).last_used_at
    assert refreshed > stale
    credentials_forget_all()  # another worker: it reads the key, and does not write again
    with django_assert_num_queries(1):
        assert client.get(WHOAMI).status_code == 200
    assert ApiKey.objects.get(pk=api_key.api_key.pk).last_used_at == refreshed


@pytest.mark.parametrize("mode", ["test", "live"])
def test_mode_comes_from_the_credential(tenant, make_api_key, issue_token, mode):
    """The Principal's mode is the key's (and its tokens'). That a test-mode key never reads
    live-mode rows is proven where those rows are read: carts, checkouts and the checkout link."""
    new_key = make_api_key(tenant, mode=mode)
    assert Client(headers=key_headers(new_key)).get(WHOAMI).json()["mode"] == mode
    assert Client(headers=bearer(issue_token(new_key))).get(WHOAMI).json()["mode"] == mode


@pytest.fixture
def tiny_rate(monkeypatch):
    monkeypatch.setattr(CredentialRateThrottle, "THROTTLE_RATES", {"credential": "2/min"})


def test_exceeding_the_rate_is_429_with_retry_after(tenant, api_key, make_api_key, tiny_rate):
    client = Client(headers=key_headers(api_key))
    assert client.get(WHOAMI).status_code == 200
    assert client.get(WHOAMI).status_code == 200
    response = client.get(WHOAMI)
    body = assert_error(response, 429, "too_many_requests")
    assert body["message"] == "Too many requests"
    assert 0 < int(response["Retry-After"]) <= 61  # the window, rounded up
    # Per credential: another key of the same tenant still gets through.
    assert Client(headers=key_headers(make_api_key(tenant))).get(WHOAMI).status_code == 200


def test_tokens_count_against_their_api_key(api_key, issue_token, tiny_rate):
    """Minting more tokens does not buy more requests."""
    assert Client(headers=key_headers(api_key)).get(WHOAMI).status_code == 200
    assert Client(headers=bearer(issue_token(api_key))).get(WHOAMI).status_code == 200
    assert_error(Client(headers=bearer(issue_token(api_key))).get(WHOAMI), 429, "too_many_requests")
