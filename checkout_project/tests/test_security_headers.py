"""Content-Security-Policy: the JSON API answers a fixed `default-src 'none'`, pages their own
strict policy (checkouts/tests/test_page_views.py), Swagger UI none (it inlines its script)."""

import pytest

from checkout_project.middleware import API_CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db


def test_api_answers_carry_the_fixed_api_policy(api):
    assert API_CONTENT_SECURITY_POLICY == "default-src 'none'; frame-ancestors 'none'"
    for path, status in (("/checkout/acme/checkouts", 200), ("/checkout/acme/checkouts/chk-nope", 404)):
        response = api.get(path)
        assert response.status_code == status
        assert response["Content-Security-Policy"] == API_CONTENT_SECURITY_POLICY


def test_api_errors_before_any_view_carry_it_too(client):
    response = client.get("/cart/acme/no-such-endpoint")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Security-Policy"] == API_CONTENT_SECURITY_POLICY


def test_swagger_ui_has_no_policy_and_health_checks_the_page_policy(client):
    assert "Content-Security-Policy" not in client.get("/api/docs/")
    policy = client.get("/healthz")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "form-action 'self'" in policy
