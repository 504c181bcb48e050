"""Operator commands, called in-process (call_command) and as real processes (`manage.py ...`)."""

import json
import re
from datetime import UTC, datetime
from io import StringIO

import jwt
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from merchants.models import ALL_SCOPES, ApiKey, Membership, Tenant
from merchants.tests.helpers import WHOAMI, assert_error

pytestmark = [pytest.mark.django_db, pytest.mark.urls("merchants.tests.urls")]

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def run(*args) -> dict:
    """call_command with --json; stdout must be exactly one JSON object."""
    out = StringIO()
    call_command(*args, "--json", stdout=out)
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n"), text
    return json.loads(text)


def run_text(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def refused(*args) -> str:
    """The command refuses its input with exit code 2; returns the one-line reason."""
    out = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command(*args, "--json", stdout=out)
    assert excinfo.value.returncode == 2
    assert out.getvalue() == ""
    reason = str(excinfo.value)
    assert reason and "\n" not in reason
    return reason


def key_client(data: dict) -> Client:
    return Client(headers={"accessKey": data["accessKey"], "accessSecret": data["accessSecret"]})


# --- create_tenant -------------------------------------------------------------------------------


def test_create_tenant_prints_the_saas_passphrase():
    data = run("create_tenant", "shop", "--name", "Shop GmbH", "--currency", "chf")
    tenant = Tenant.objects.get(code="shop")
    assert data == {"tenant": "shop", "name": "Shop GmbH", "currency": "CHF", "saasPassphrase": tenant.saas_passphrase}
    assert len(data["saasPassphrase"]) >= 32


def test_create_tenant_friendly_text():
    text = run_text("create_tenant", "shop", "--name", "Shop")
    tenant = Tenant.objects.get(code="shop")
    assert "Created tenant shop (Shop), currency EUR." in text
    assert tenant.saas_passphrase in text
    assert not text.lstrip().startswith("{")


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("ab", "tenant: size must be between 3 and 16"),
        ("Shop", "tenant: must be lowercase letters and digits, starting with a letter"),
        ("1shop", "tenant: must be lowercase letters and digits, starting with a letter"),
        ("abcdefghijklmnopq", "tenant: size must be between 3 and 16"),
    ],
)
def test_create_tenant_validates_the_code_like_the_path(code, reason):
    assert refused("create_tenant", code, "--name", "X") == reason
    assert not Tenant.objects.exists()


def test_create_tenant_refuses_an_existing_code_and_changes_nothing(tenant):
    before = Tenant.objects.values().get(code="acme")
    assert refused("create_tenant", "acme", "--name", "Other") == "tenant: tenant 'acme' already exists"
    assert Tenant.objects.values().get(code="acme") == before
    assert Tenant.objects.count() == 1


def test_create_tenant_refuses_a_bad_currency():
    assert "currency" in refused("create_tenant", "shop", "--name", "Shop", "--currency", "EURO")
    assert not Tenant.objects.exists()


# --- create_api_key ------------------------------------------------------------------------------


def test_create_api_key_defaults_to_all_scopes_and_authenticates(tenant):
    data = run("create_api_key", "acme", "--mode", "live", "--name", "erp")
    assert set(data) == {"tenant", "mode", "name", "scopes", "accessKey", "accessSecret"}
    assert (data["tenant"], data["mode"], data["name"]) == ("acme", "live", "erp")
    assert data["scopes"] == list(ALL_SCOPES)
    stored = ApiKey.objects.get(access_key=data["accessKey"])
    assert data["accessSecret"] not in stored.secret_hash  # only the hash is kept
    response = key_client(data).get(WHOAMI)
    assert response.status_code == 200
    assert response.json()["mode"] == "live"


def test_create_api_key_with_chosen_scopes(tenant):
    data = run("create_api_key", "acme", "--mode", "test", "--scopes", "cart.cart_manage", "checkout.checkout_link")
    assert data["scopes"] == ["cart.cart_manage", "checkout.checkout_link"]
    # whoami needs checkout.checkout_manage, which this key lacks.
    assert_error(key_client(data).get(WHOAMI), 403, "insufficient_permissions")


def test_create_api_key_friendly_text_shows_the_secret_once(tenant):
    text = run_text("create_api_key", "acme", "--mode", "test")
    key = ApiKey.objects.get()
    assert f"accessKey:    {key.access_key}" in text
    assert "accessSecret: sk_test_" in text


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["nosuch", "--mode", "test"], "unknown tenant 'nosuch'"),
        (["acme", "--mode", "prod"], "mode: must be live or test"),
        (["acme", "--mode", "test", "--scopes", "cart.cart_manage", "admin.everything"], "scopes: unknown scope"),
    ],
)
def test_create_api_key_refuses_bad_input_and_creates_nothing(tenant, args, reason):
    assert reason in refused("create_api_key", *args)
    assert not ApiKey.objects.exists()


# --- mint_saas_token -----------------------------------------------------------------------------


def test_mint_saas_token_is_accepted_as_saas_token(tenant, api_key):
    data = run("mint_saas_token", "acme", "cust-9", "--ttl", "120")
    assert set(data) == {"tenant", "customerId", "saasToken", "expiresAt"}
    assert ISO_UTC.match(data["expiresAt"]), data["expiresAt"]
    claims = jwt.decode(data["saasToken"], tenant.saas_passphrase, algorithms=["HS256"])
    assert datetime.fromtimestamp(claims["exp"], tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ") == data["expiresAt"]
    headers = {"accessKey": api_key.api_key.access_key, "accessSecret": api_key.access_secret}
    response = Client(headers=headers | {"saas-token": data["saasToken"]}).get(WHOAMI)
    assert response.json()["customerId"] == "cust-9"


@pytest.mark.parametrize(
    ("args", "reason"),
    [(["nosuch", "c1"], "unknown tenant 'nosuch'"), (["acme", "c1", "--ttl", "0"], "ttl: must be a positive")],
)
def test_mint_saas_token_refuses_bad_input(tenant, args, reason):
    assert reason in refused("mint_saas_token", *args)


# --- revoke_api_key ------------------------------------------------------------------------------


def test_revoked_key_gets_401(tenant):
    key = run("create_api_key", "acme", "--mode", "test")
    assert key_client(key).get(WHOAMI).status_code == 200
    data = run("revoke_api_key", key["accessKey"])
    assert data["accessKey"] == key["accessKey"] and data["tenant"] == "acme" and data["mode"] == "test"
    assert ISO_UTC.match(data["revokedAt"])
    body = assert_error(key_client(key).get(WHOAMI), 401, "unauthorized")
    assert body["message"] == "This access key has been revoked"
    # Idempotent: revoking again reports the original time.
    assert run("revoke_api_key", key["accessKey"])["revokedAt"] == data["revokedAt"]


def test_revoke_unknown_key_is_refused(db):
    assert refused("revoke_api_key", "ak_test_nope") == "unknown access key 'ak_test_nope'"


# --- create_merchant_staff -----------------------------------------------------------------------


def test_create_merchant_staff_prints_a_working_one_time_password(tenant, client):
    data = run("create_merchant_staff", "acme", "Ann@Example.com")
    assert set(data) == {"tenant", "username", "email", "password"}
    assert data["username"] == data["email"] == "ann@example.com"
    user = get_user_model().objects.get(username="ann@example.com")
    assert user.is_staff and not user.is_superuser
    assert user.check_password(data["password"])
    assert Membership.objects.filter(tenant=tenant, user=user).exists()
    assert client.login(username=data["username"], password=data["password"])


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["nosuch", "a@example.com"], "unknown tenant 'nosuch'"),
        (["acme", "not-an-email"], "email: 'not-an-email' is not an email address"),
    ],
)
def test_create_merchant_staff_refuses_bad_input(tenant, args, reason):
    assert refused("create_merchant_staff", *args) == reason
    assert not get_user_model().objects.exists()


def test_create_merchant_staff_refuses_an_existing_user_and_keeps_the_password(tenant):
    first = run("create_merchant_staff", "acme", "ann@example.com")
    assert refused("create_merchant_staff", "acme", "ann@example.com") == "email: user 'ann@example.com' already exists"
    user = get_user_model().objects.get()
    assert user.check_password(first["password"])
    assert Membership.objects.count() == 1


def test_argparse_errors_exit_2_too(tenant):
    with pytest.raises(CommandError) as excinfo:
        call_command("create_api_key", "acme")  # --mode missing
    assert excinfo.value.returncode == 2
    assert "--mode" in str(excinfo.value)
