"""`POST /oauth/token`: RFC 6749 client-credentials grant with the API key as client id/secret."""

import base64
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from merchants.models import ALL_SCOPES, AccessToken, Scope
from merchants.services import access_token_revoke, api_key_revoke, secret_hash
from merchants.tests.helpers import WHOAMI, assert_error, bearer, wait_for_live_server_requests
from merchants.throttling import ClientIpRateThrottle

pytestmark = [pytest.mark.django_db, pytest.mark.urls("merchants.tests.urls")]

TOKEN_URL = "/oauth/token"


FORM = "application/x-www-form-urlencoded"


def grant(client, headers=None, **data):
    return client.post(TOKEN_URL, data=urlencode(data), content_type=FORM, headers=headers)


def client_credentials(new_key, **extra):
    return {
        "grant_type": "client_credentials",
        "client_id": new_key.api_key.access_key,
        "client_secret": new_key.access_secret,
        **extra,
    }


def basic(client_id: str, client_secret: str) -> dict[str, str]:
    raw = f"{client_id}:{client_secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def assert_oauth_error(response, status: int, error: str) -> dict:
    """RFC 6749 5.2: exactly {error, error_description}, never our error shape here."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error", "error_description"}, body
    assert body["error"] == error
    assert body["error_description"]
    assert response["Cache-Control"] == "no-store"
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Basic")
    return body


def test_form_credentials_get_a_hashed_expiring_token(api_key, settings):
    before = timezone.now()
    response = grant(Client(enforce_csrf_checks=True), **client_credentials(api_key))
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == settings.ACCESS_TOKEN_TTL == 3600
    assert body["scope"].split() == [*ALL_SCOPES, "tenant=acme"]
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"

    stored = AccessToken.objects.get()
    assert stored.token_hash == secret_hash(body["access_token"])
    assert body["access_token"] not in {stored.token_hash, *AccessToken.objects.values_list("token_hash", flat=True)}
    assert stored.api_key_id == api_key.api_key.pk and stored.tenant.code == "acme" and stored.mode == "test"
    assert before + timedelta(seconds=3600) <= stored.expires_at <= timezone.now() + timedelta(seconds=3600)


def test_token_lifetime_follows_the_setting(api_key, settings):
    settings.ACCESS_TOKEN_TTL = 120
    body = grant(Client(), **client_credentials(api_key)).json()
    assert body["expires_in"] == 120
    stored = AccessToken.objects.get()
    assert abs((stored.expires_at - timezone.now()).total_seconds() - 120) < 5


def test_http_basic_credentials_work_and_the_token_authenticates(api_key):
    response = grant(
        Client(), grant_type="client_credentials", headers=basic(api_key.api_key.access_key, api_key.access_secret)
    )
    assert response.status_code == 200, response.content
    token = response.json()["access_token"]
    whoami = Client(headers=bearer(token)).get(WHOAMI)
    assert whoami.status_code == 200
    assert whoami.json() == {"tenant": "acme", "mode": "test", "scopes": sorted(ALL_SCOPES), "customerId": None}


def test_live_key_gets_a_live_token(tenant, make_api_key):
    live_key = make_api_key(tenant, mode="live")
    token = grant(Client(), **client_credentials(live_key)).json()["access_token"]
    assert token.startswith("at_live_")
    assert Client(headers=bearer(token)).get(WHOAMI).json()["mode"] == "live"


def test_scope_narrows_the_token(api_key):
    body = grant(Client(), **client_credentials(api_key, scope="cart.cart_manage")).json()
    assert body["scope"] == "cart.cart_manage tenant=acme"
    assert AccessToken.objects.get().scopes == ["cart.cart_manage"]
    # whoami needs checkout.checkout_manage, which this token does not carry.
    assert_error(Client(headers=bearer(body["access_token"])).get(WHOAMI), 403, "insufficient_permissions")


def test_echoing_the_granted_scope_string_back_is_accepted(api_key):
    body = grant(Client(), **client_credentials(api_key, scope="checkout.checkout_manage tenant=acme")).json()
    assert body["scope"] == "checkout.checkout_manage tenant=acme"


@pytest.mark.parametrize(
    "scope", ["checkout.checkout_delete_all", "no.such_scope", "checkout.checkout_manage tenant=globex"]
)
def test_scope_beyond_the_key_is_invalid_scope(tenant, make_api_key, scope):
    narrow_key = make_api_key(tenant, scopes=[Scope.CHECKOUT_MANAGE])
    body = assert_oauth_error(grant(Client(), **client_credentials(narrow_key, scope=scope)), 400, "invalid_scope")
    assert scope.split()[-1] in body["error_description"]
    assert AccessToken.objects.count() == 0


def test_wrong_secret_is_invalid_client(api_key):
    response = grant(Client(), **client_credentials(api_key, client_secret="sk_test_wrong"))
    assert_oauth_error(response, 401, "invalid_client")
    assert AccessToken.objects.count() == 0


def test_wrong_basic_secret_is_invalid_client(api_key):
    response = grant(Client(), grant_type="client_credentials", headers=basic(api_key.api_key.access_key, "nope"))
    assert_oauth_error(response, 401, "invalid_client")


def test_unknown_client_and_missing_credentials_are_invalid_client(db):
    assert_oauth_error(
        grant(Client(), grant_type="client_credentials", client_id="ak_test_nope", client_secret="x"),
        401,
        "invalid_client",
    )
    assert_oauth_error(grant(Client(), grant_type="client_credentials"), 401, "invalid_client")


def test_revoked_key_gets_no_token(api_key):
    api_key_revoke(api_key=api_key.api_key)
    assert_oauth_error(grant(Client(), **client_credentials(api_key)), 401, "invalid_client")
    assert AccessToken.objects.count() == 0


def test_grant_type_is_required_and_must_be_client_credentials(api_key):
    credentials = client_credentials(api_key)
    del credentials["grant_type"]
    assert_oauth_error(grant(Client(), **credentials), 400, "invalid_request")
    assert_oauth_error(
        grant(Client(), **client_credentials(api_key, grant_type="password")), 400, "unsupported_grant_type"
    )


@pytest.mark.parametrize("content_type", ["application/json", "multipart/form-data; boundary=x"])
def test_other_body_encodings_are_invalid_request(api_key, content_type):
    response = Client().post(TOKEN_URL, data="{}", content_type=content_type)
    assert_oauth_error(response, 400, "invalid_request")
    assert AccessToken.objects.count() == 0


def test_two_client_authentication_methods_are_invalid_request(api_key):
    response = grant(
        Client(), headers=basic(api_key.api_key.access_key, api_key.access_secret), **client_credentials(api_key)
    )
    assert_oauth_error(response, 400, "invalid_request")


def test_repeated_parameter_is_invalid_request(api_key):
    response = Client().post(
        TOKEN_URL,
        data="grant_type=client_credentials&grant_type=client_credentials"
        f"&client_id={api_key.api_key.access_key}&client_secret={api_key.access_secret}",
        content_type=FORM,
    )
    assert_oauth_error(response, 400, "invalid_request")


def test_get_is_405_in_our_error_shape(db):
    assert_error(Client().get(TOKEN_URL), 405, "method_not_allowed")


def test_revoking_the_key_revokes_its_tokens(api_key, issue_token):
    token = issue_token(api_key)
    assert Client(headers=bearer(token)).get(WHOAMI).status_code == 200
    api_key_revoke(api_key=api_key.api_key)
    assert AccessToken.objects.get().revoked_at == api_key.api_key.revoked_at
    body = assert_error(Client(headers=bearer(token)).get(WHOAMI), 401, "unauthorized")
    assert body["fault"]["detail"]["errorcode"] == "oauth.v2.InvalidAccessToken"


def test_a_single_token_can_be_revoked(api_key, issue_token):
    token, other = issue_token(api_key), issue_token(api_key)
    access_token_revoke(access_token=AccessToken.objects.get(token_hash=secret_hash(token)))
    assert_error(Client(headers=bearer(token)).get(WHOAMI), 401, "unauthorized")
    assert Client(headers=bearer(other)).get(WHOAMI).status_code == 200


def test_token_endpoint_is_throttled_per_client_ip(api_key, monkeypatch):
    monkeypatch.setattr(ClientIpRateThrottle, "THROTTLE_RATES", {"oauth_token": "2/min"})
    client = Client(REMOTE_ADDR="10.0.0.1")
    wrong = client_credentials(api_key, client_secret="wrong")
    assert grant(client, **wrong).status_code == 401
    assert grant(client, **wrong).status_code == 401
    response = grant(client, **client_credentials(api_key))
    assert_error(response, 429, "too_many_requests")
    assert int(response["Retry-After"]) > 0
    # Another address is not affected.
    assert grant(Client(REMOTE_ADDR="10.0.0.2"), **client_credentials(api_key)).status_code == 200


def test_schema_documents_rfc6749_errors_for_the_token_endpoint():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/oauth/token"]["post"]
    assert "RFC 6749" in operation["description"]
    assert "application/x-www-form-urlencoded" in operation["requestBody"]["content"]
    for status in ("400", "401"):
        ref = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
        component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert set(component["properties"]) == {"error", "error_description"}
    assert operation.get("security", [{}]) == [{}] or "security" not in operation


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
def test_authlib_client_gets_a_token_from_a_live_server_and_uses_it(live_server, tenant, make_api_key, auth_method):
    """A standard OAuth 2.0 client library, over real HTTP, with no knowledge of this service."""
    new_key = make_api_key(tenant)
    token_url = f"{live_server.url}{TOKEN_URL}"
    # Each session's last request says `Connection: close`, so no server request thread outlives
    # the test (see wait_for_live_server_requests); earlier requests keep the connection alive.
    last = {"Connection": "close"}

    session = OAuth2Session(new_key.api_key.access_key, new_key.access_secret, token_endpoint_auth_method=auth_method)
    token = session.fetch_token(token_url, grant_type="client_credentials")
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    assert "tenant=acme" in token["scope"].split()

    response = session.get(f"{live_server.url}{WHOAMI}", headers=last)  # authlib sends the Bearer token
    assert response.status_code == 200, response.text
    assert response.json()["tenant"] == "acme"
    assert response.request.headers["Authorization"] == f"Bearer {token['access_token']}"

    wrong = OAuth2Session(new_key.api_key.access_key, "wrong", token_endpoint_auth_method=auth_method)
    with pytest.raises(OAuthError) as excinfo:
        wrong.fetch_token(token_url, grant_type="client_credentials", headers=last)
    assert excinfo.value.error == "invalid_client"
    wait_for_live_server_requests()


def test_empty_body_without_content_type_is_an_oauth_error_not_a_500(client):
    """Found by schemathesis: an empty POST parsed to {} and crashed."""
    response = client.generic("POST", "/oauth/token", b"", content_type="")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_client_id_with_a_nul_byte_is_invalid_client(client):
    """Found by schemathesis: a NUL byte in client_id reached PostgreSQL (500)."""
    response = client.post(
        "/oauth/token",
        "grant_type=client_credentials&client_id=ak_test_%00&client_secret=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
