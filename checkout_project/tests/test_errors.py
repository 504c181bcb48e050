"""The one error shape (DESIGN.md "Errors") for every status a client can meet."""

import json

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("checkout_project.tests.urls")]

SHAPE_KEYS = {"status", "type", "message", "moreInfo"}


def assert_shape(response, status, type_):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert SHAPE_KEYS <= set(body), body
    assert body["status"] == status
    assert body["type"] == type_
    return body


def test_bad_tenant_length_reproduces_reference_example(client):
    """Reference GET /{tenant}/checkouts/{id} 400 example: field tenant, size must be between 3 and 16."""
    body = assert_shape(client.get("/checkout/AB/echo"), 400, "validation_violation")
    assert body["message"] == "There are validation problems, see details section for more information"
    assert body["details"] == [
        {"field": "tenant", "message": "size must be between 3 and 16", "type": "invalid_header"}
    ]


@pytest.mark.parametrize("code", ["ABC", "1abc", "ab-cd", "abc_d", "abcdefghijklmnopq"])
def test_bad_tenant_pattern_names_tenant(client, code):
    body = assert_shape(client.get(f"/checkout/{code}/echo"), 400, "validation_violation")
    assert body["details"][0]["field"] == "tenant"


def test_no_credentials_is_401_in_shape(client, tenant):
    response = client.get("/checkout/acme/echo")
    body = assert_shape(response, 401, "unauthorized")
    assert "details" not in body or body["details"]
    assert response["WWW-Authenticate"]


def test_wrong_secret_is_401(client, api_key):
    response = client.get(
        "/checkout/acme/echo", headers={"accessKey": api_key.api_key.access_key, "accessSecret": "sk_test_wrong"}
    )
    assert_shape(response, 401, "unauthorized")


def test_valid_key_reaches_the_view(api):
    response = api.get("/checkout/acme/echo")
    assert response.status_code == 200
    assert response.json() == {"tenant": "acme", "mode": "test"}


def test_other_tenant_path_is_403(api, other_tenant):
    body = assert_shape(api.get("/checkout/globex/echo"), 403, "insufficient_permissions")
    assert body["message"] == "Not allowed to access this resource"


def test_unknown_api_route_is_404_json(api):
    response = api.get("/checkout/acme/no-such-thing")
    assert_shape(response, 404, "not_found")


def test_html_pages_keep_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_method_not_allowed_is_405(api):
    response = api.delete("/checkout/acme/echo")
    body = assert_shape(response, 405, "method_not_allowed")
    assert "DELETE" in body["message"]


def test_non_json_body_is_415(api):
    response = api.post("/checkout/acme/echo", data="a=b", content_type="application/x-www-form-urlencoded")
    assert_shape(response, 415, "unsupported_media_type")


def test_malformed_json_is_400(api):
    response = api.post("/checkout/acme/echo", data="{not json", content_type="application/json")
    assert_shape(response, 400, "validation_violation")


def test_application_error_is_rendered(api):
    response = api.post("/checkout/acme/echo", data={"fail": True}, content_type="application/json")
    body = assert_shape(response, 409, "conflict")
    assert body["message"] == "told to fail"


def test_body_too_large_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    payload = json.dumps({"x": "y" * 500})
    response = api.post("/checkout/acme/echo", data=payload, content_type="application/json")
    assert_shape(response, 413, "payload_too_large")


def test_unhandled_exception_is_500_without_traceback(tenant, api_key):
    client = Client(
        raise_request_exception=False,
        headers={"accessKey": api_key.api_key.access_key, "accessSecret": api_key.access_secret},
    )
    response = client.get("/checkout/acme/boom")
    body = assert_shape(response, 500, "internal_error")
    text = response.content.decode()
    assert "secret-database-password" not in text
    assert "Traceback" not in text
    assert body["message"] == "Internal server error"


def test_nul_bytes_in_path_query_or_json_are_400_not_500(api):
    """Found by fuzzing: PostgreSQL refuses NUL in text, which surfaced as 500s."""
    assert_shape(api.get("/checkout/acme/echo%00x"), 400, "validation_violation")
    assert_shape(api.get("/checkout/acme/echo?customerId=a%00b"), 400, "validation_violation")
    response = api.post("/checkout/acme/echo", data='{"a": {"b": ["x\\u0000"]}}', content_type="application/json")
    assert_shape(response, 400, "validation_violation")
    response = api.post("/checkout/acme/echo", data='{"\\u0000": 1}', content_type="application/json")
    assert_shape(response, 400, "validation_violation")
