"""The per-process credential memo (merchants.credential_cache): no query for a remembered key or
token, the secret and the expiry still checked on every request, revocation at once in this
process and within CREDENTIAL_CACHE_SECONDS in the others."""

import time

import pytest
from django.test import Client
from django.utils import timezone

from merchants import credential_cache
from merchants.models import AccessToken, ApiKey
from merchants.services import access_token_revoke, api_key_revoke, tenant_rotate_saas_passphrase
from merchants.tests.helpers import WHOAMI, assert_error, bearer, key_headers, saas_jwt

pytestmark = [pytest.mark.django_db, pytest.mark.urls("merchants.tests.urls")]


@pytest.fixture
def clock(monkeypatch):
    """The memo's monotonic clock, moved by hand."""
    now = [time.monotonic()]
    monkeypatch.setattr(credential_cache, "_clock", lambda: now[0])
    return now


def test_a_remembered_key_costs_no_query(api_key, django_assert_num_queries):
    client = Client(headers=key_headers(api_key))
    with django_assert_num_queries(2):  # the read, and the first last_used_at write
        assert client.get(WHOAMI).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(WHOAMI).status_code == 200


def test_a_remembered_token_costs_no_query(api_key, issue_token, django_assert_num_queries):
    client = Client(headers=bearer(issue_token(api_key)))
    with django_assert_num_queries(1):
        assert client.get(WHOAMI).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(WHOAMI).status_code == 200


def test_the_secret_is_checked_on_every_request(api_key):
    assert Client(headers=key_headers(api_key)).get(WHOAMI).status_code == 200
    wrong = key_headers(api_key) | {"accessSecret": "sk_test_" + "x" * 43}
    body = assert_error(Client(headers=wrong).get(WHOAMI), 401, "unauthorized")
    assert body["message"] == "Invalid access key or secret"


def test_a_token_expires_while_remembered(api_key, issue_token, settings):
    settings.ACCESS_TOKEN_TTL = 1
    client = Client(headers=bearer(issue_token(api_key)))
    assert client.get(WHOAMI).status_code == 200
    time.sleep(1.1)
    body = assert_error(client.get(WHOAMI), 401, "unauthorized")
    assert body["message"] == "Access token expired"


def test_revoking_through_the_service_takes_effect_at_once(api_key, issue_token):
    key_client = Client(headers=key_headers(api_key))
    token_client = Client(headers=bearer(issue_token(api_key)))
    assert key_client.get(WHOAMI).status_code == 200
    assert token_client.get(WHOAMI).status_code == 200
    api_key_revoke(api_key=api_key.api_key)
    assert assert_error(key_client.get(WHOAMI), 401, "unauthorized")["message"] == "This access key has been revoked"
    assert_error(token_client.get(WHOAMI), 401, "unauthorized")


def test_revoking_one_token_takes_effect_at_once(api_key, issue_token):
    token = issue_token(api_key)
    client = Client(headers=bearer(token))
    assert client.get(WHOAMI).status_code == 200
    access_token_revoke(access_token=AccessToken.objects.get())
    assert_error(client.get(WHOAMI), 401, "unauthorized")


def test_a_revocation_elsewhere_arrives_within_the_cache_time(api_key, clock, settings):
    """Another worker (or the CLI) revoked the key: this process notices when its memo expires."""
    settings.CREDENTIAL_CACHE_SECONDS = 5
    client = Client(headers=key_headers(api_key))
    assert client.get(WHOAMI).status_code == 200
    ApiKey.objects.filter(pk=api_key.api_key.pk).update(revoked_at=timezone.now())
    clock[0] += 4.9
    assert client.get(WHOAMI).status_code == 200  # the documented lag
    clock[0] += 0.2
    assert assert_error(client.get(WHOAMI), 401, "unauthorized")["message"] == "This access key has been revoked"


def test_zero_seconds_looks_up_every_request(api_key, settings, django_assert_num_queries):
    settings.CREDENTIAL_CACHE_SECONDS = 0
    client = Client(headers=key_headers(api_key))
    assert client.get(WHOAMI).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(WHOAMI).status_code == 200
    ApiKey.objects.filter(pk=api_key.api_key.pk).update(revoked_at=timezone.now())
    assert_error(client.get(WHOAMI), 401, "unauthorized")


def test_rotating_the_saas_passphrase_takes_effect_at_once(tenant, api_key):
    old = {"saas-token": saas_jwt(tenant.saas_passphrase)}
    client = Client(headers=key_headers(api_key) | old)
    assert client.get(WHOAMI).json()["customerId"] == "customer-1"
    tenant_rotate_saas_passphrase(tenant=tenant)
    assert_error(client.get(WHOAMI), 401, "unauthorized")


def test_unknown_keys_are_not_remembered(db):
    headers = {"accessKey": "ak_test_unknown", "accessSecret": "sk_test_whatever"}
    assert_error(Client(headers=headers).get(WHOAMI), 401, "unauthorized")
    assert len(credential_cache.api_keys) == 0
