"""The merchants admin (issue 9): own tenant settings and passphrase rotation, memberships for
superusers only, API keys created and revoked through the services with the secret shown once."""

from __future__ import annotations

import pytest

from checkout_project.tests.admin_support import staff_client
from merchants.models import ALL_SCOPES, AccessToken, ApiKey, Tenant
from merchants.services import access_token_issue, secret_matches

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(tenant, other_tenant):
    return staff_client(tenant, "ann@acme.example")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# ---------------------------------------------------------------------------------------------
# API keys


def test_staff_creates_an_api_key_and_sees_the_secret_once(staff, tenant):
    response = staff.post(
        "/admin/merchants/apikey/add/",
        {"mode": "test", "name": "shop backend", "scopes": ["checkout.checkout_manage", "checkout.checkout_link"]},
        follow=True,
    )
    assert response.status_code == 200
    key = ApiKey.objects.get()
    assert (key.tenant_id, key.mode, key.name) == (tenant.pk, "test", "shop backend")
    assert key.scopes == ["checkout.checkout_manage", "checkout.checkout_link"]
    (shown,) = [m for m in messages_of(response) if "accessSecret" in m]
    secret = shown.split("accessSecret: ")[1].split()[0]
    assert secret.startswith("sk_test_") and secret_matches(secret, key.secret_hash)
    assert key.access_key in shown
    # Never again: not on the list, not on the key's page, and the hash is never shown.
    for url in ("/admin/merchants/apikey/", f"/admin/merchants/apikey/{key.pk}/change/"):
        html = staff.get(url).content.decode()
        assert secret not in html and key.secret_hash not in html
    listing = staff.get("/admin/merchants/apikey/").content.decode()
    assert f"{key.access_key[:12]}…" in listing


def test_the_add_form_offers_every_scope_and_only_my_tenant(staff, tenant):
    form = staff.get("/admin/merchants/apikey/add/").context["adminform"].form
    assert list(form.fields["tenant"].queryset) == [tenant]
    assert [value for value, _ in form.fields["scopes"].choices] == list(ALL_SCOPES)
    assert "secret_hash" not in form.fields


def test_api_key_for_another_tenant_is_refused(staff, other_tenant):
    response = staff.post(
        "/admin/merchants/apikey/add/", {"tenant": other_tenant.pk, "mode": "test", "scopes": ALL_SCOPES}
    )
    assert response.status_code == 200
    assert "tenant" in response.context["adminform"].form.errors
    assert not ApiKey.objects.exists()


def test_revoke_action_revokes_the_key_and_its_tokens(staff, tenant, make_api_key):
    new_key = make_api_key(tenant)
    access_key, secret = new_key.api_key.access_key, new_key.access_secret
    access_token_issue(grant_type="client_credentials", client_id=access_key, client_secret=secret)
    response = staff.post(
        "/admin/merchants/apikey/", {"action": "revoke", "_selected_action": [new_key.api_key.pk]}, follow=True
    )
    assert messages_of(response) == ["Revoked 1 API key(s)."]
    new_key.api_key.refresh_from_db()
    assert new_key.api_key.revoked_at is not None
    assert AccessToken.objects.get().revoked_at == new_key.api_key.revoked_at


def test_api_keys_are_neither_edited_nor_deleted(staff, tenant, make_api_key):
    key = make_api_key(tenant).api_key
    page = staff.get(f"/admin/merchants/apikey/{key.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert staff.post(f"/admin/merchants/apikey/{key.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ApiKey.objects.filter(pk=key.pk).exists()


# ---------------------------------------------------------------------------------------------
# Tenants


def test_staff_edit_their_tenants_settings_but_not_its_code_or_currency(staff, tenant):
    url = f"/admin/merchants/tenant/{tenant.pk}/change/"
    page = staff.get(url)
    form = page.context["adminform"].form
    assert set(form.fields) == {"name", "return_url", "allow_invoice", "locale"}
    assert tenant.saas_passphrase not in page.content.decode()
    passphrase = tenant.saas_passphrase
    response = staff.post(
        url,
        {
            "name": "Acme GmbH",
            "return_url": "https://shop.acme.example/thanks",
            "locale": "de_DE",
            "code": "hijack",
            "default_currency": "JPY",
        },
    )
    assert response.status_code == 302
    tenant.refresh_from_db()
    assert (tenant.name, tenant.return_url, tenant.allow_invoice, tenant.locale) == (
        "Acme GmbH",
        "https://shop.acme.example/thanks",
        False,
        "de_DE",
    )
    assert (tenant.code, tenant.default_currency, tenant.saas_passphrase) == ("acme", "EUR", passphrase)


def test_staff_cannot_add_or_delete_tenants(staff, tenant):
    assert staff.get("/admin/merchants/tenant/add/").status_code == 403
    assert staff.post(f"/admin/merchants/tenant/{tenant.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Tenant.objects.filter(pk=tenant.pk).exists()


def test_rotate_saas_passphrase_shows_the_new_one_once(staff, tenant):
    old = tenant.saas_passphrase
    response = staff.post(
        "/admin/merchants/tenant/",
        {"action": "rotate_saas_passphrase", "_selected_action": [tenant.pk]},
        follow=True,
    )
    tenant.refresh_from_db()
    assert tenant.saas_passphrase != old
    assert messages_of(response) == [f"New saas passphrase of acme: {tenant.saas_passphrase} — shown only now."]
    assert tenant.saas_passphrase not in staff.get("/admin/merchants/tenant/").content.decode()


def test_superuser_creates_a_tenant_through_the_service(admin_client):
    response = admin_client.post(
        "/admin/merchants/tenant/add/",
        {"code": "initech", "name": "Initech", "default_currency": "usd", "locale": "en", "allow_invoice": "on"},
        follow=True,
    )
    tenant = Tenant.objects.get(code="initech")
    assert tenant.default_currency == "USD" and len(tenant.saas_passphrase) >= 32
    assert any(tenant.saas_passphrase in m for m in messages_of(response))


def test_superuser_gets_form_errors_for_a_bad_code_or_currency(admin_client):
    response = admin_client.post(
        "/admin/merchants/tenant/add/", {"code": "No", "name": "X", "default_currency": "XYZ", "locale": "en"}
    )
    errors = response.context["adminform"].form.errors
    assert "code" in errors and "default_currency" in errors
    assert not Tenant.objects.filter(name="X").exists()


# ---------------------------------------------------------------------------------------------
# Memberships


def test_memberships_are_for_superusers_only(staff, admin_client, tenant):
    assert staff.get("/admin/merchants/membership/").status_code == 403
    assert staff.get("/admin/merchants/membership/add/").status_code == 403
    assert b"/admin/merchants/membership/" not in staff.get("/admin/").content
    listing = admin_client.get("/admin/merchants/membership/")
    assert listing.status_code == 200 and b"ann@acme.example" in listing.content
