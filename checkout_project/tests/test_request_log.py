"""One structured line per request; secrets never logged; request id returned."""

import json
import logging

import pytest

pytestmark = pytest.mark.django_db


def request_lines(caplog):
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "checkout.requests"]


def test_one_line_per_request_with_id_tenant_status_duration(api, caplog):
    caplog.set_level(logging.INFO, logger="checkout.requests")
    response = api.get("/checkout/acme/checkouts/chk-unknown")
    assert response.status_code == 404
    [line] = request_lines(caplog)
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["tenant"] == "acme"
    assert line["mode"] == "test"
    assert line["status"] == 404
    assert line["method"] == "GET"
    assert line["path"] == "/checkout/acme/checkouts/chk-unknown"
    assert line["duration_ms"] >= 0


def test_incoming_request_id_is_kept_when_sane(client, caplog):
    caplog.set_level(logging.INFO, logger="checkout.requests")
    assert client.get("/healthz", headers={"X-Request-ID": "abc12345-lb"})["X-Request-ID"] == "abc12345-lb"
    injected = client.get("/healthz", headers={"X-Request-ID": "bad\nid"})["X-Request-ID"]
    assert injected != "bad\nid"
    assert len(injected) == 32


def test_secrets_tokens_and_card_numbers_never_reach_the_log(api_key, client, caplog):
    caplog.set_level(logging.DEBUG)
    secret = api_key.access_secret
    client.get(
        "/checkout/acme/checkouts/x?card=4242424242424242",
        headers={
            "accessKey": api_key.api_key.access_key,
            "accessSecret": secret,
            "saas-token": "eyJhbGciOiJIUzI1NiJ9.secret-customer-token.sig",
        },
    )
    client.get("/pay/signed-link-token-value/")
    client.post("/checkout/acme/checkouts/order", data={"card": "4000000000000002"})
    text = "\n".join(r.getMessage() for r in caplog.records)
    for forbidden in (secret, "4242424242424242", "4000000000000002", "secret-customer-token", "signed-link-token"):
        assert forbidden not in text
    assert "/pay/[redacted]" in text


def test_at_warning_no_line_but_still_the_request_id(api, caplog):
    caplog.set_level(logging.WARNING, logger="checkout.requests")
    response = api.get("/checkout/acme/checkouts/chk-unknown")
    assert request_lines(caplog) == []
    assert len(response["X-Request-ID"]) == 32
