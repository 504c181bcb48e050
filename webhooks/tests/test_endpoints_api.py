"""`/webhook/{tenant}/endpoints`: CRUD, the secret shown once, scope, tenant and mode, SSRF guard."""

import json

import pytest
from django.test import Client

from conftest import key_headers
from webhooks.models import WebhookEndpoint

URL = "/webhook/acme/endpoints"
RECEIVER = "http://127.0.0.1:9/hooks"


def post(client, body, url=URL):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def create(client, **fields):
    body = {"url": RECEIVER, "events": ["checkout.completed"]} | fields
    response = post(client, body)
    assert response.status_code == 201, response.json()
    return response.json()


def test_create_shows_the_secret_once_then_never(api, allow_private):
    created = create(api, events=["checkout.completed", "order.created"], description="ERP")
    assert created["secret"].startswith("whsec_")
    assert len(created["secret"]) > 40
    assert created["id"].startswith("we_")
    assert created["url"] == RECEIVER
    assert created["events"] == ["checkout.completed", "order.created"]
    assert (created["active"], created["mode"], created["description"]) == (True, "test", "ERP")
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == created["secret"]  # kept readable: it signs every delivery

    detail = api.get(f"{URL}/{created['id']}")
    assert detail.status_code == 200
    assert "secret" not in detail.json()
    listing = api.get(URL).json()
    assert [e["id"] for e in listing] == [created["id"]]
    assert "secret" not in listing[0]
    assert created["secret"] not in detail.content.decode() + json.dumps(listing)


def test_patch_put_and_delete(api, allow_private):
    created = create(api)
    patched = api.patch(
        f"{URL}/{created['id']}", data=json.dumps({"active": False}), content_type="application/json"
    ).json()
    assert (patched["active"], patched["events"], patched["url"]) == (False, ["checkout.completed"], RECEIVER)
    replaced = api.put(
        f"{URL}/{created['id']}",
        data=json.dumps({"url": "http://127.0.0.1:10/other", "events": ["checkout.failed"]}),
        content_type="application/json",
    ).json()
    assert (replaced["url"], replaced["events"], replaced["active"], replaced["description"]) == (
        "http://127.0.0.1:10/other",
        ["checkout.failed"],
        True,
        "",
    )
    assert "secret" not in replaced
    assert WebhookEndpoint.objects.get().secret == created["secret"]  # updates never change it

    assert api.delete(f"{URL}/{created['id']}").status_code == 204
    assert WebhookEndpoint.objects.count() == 0
    missing = api.get(f"{URL}/{created['id']}")
    assert missing.status_code == 404
    assert missing.json()["type"] == "not_found"


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.7/hooks",
        "http://10.255.1.1:8080/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://127.0.0.1:8000/hooks",
        "http://localhost/hooks",
        "ftp://93.184.216.34/hooks",
        "gopher://93.184.216.34/",
    ],
)
def test_private_metadata_and_non_http_urls_are_refused_at_registration(api, url):
    response = post(api, {"url": url, "events": ["checkout.completed"]})
    assert response.status_code == 400, response.json()
    error = response.json()
    assert error["type"] == "validation_violation"
    assert [d["field"] for d in error["details"]] == ["url"]
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://169.254.1.1/"]
)
def test_metadata_and_link_local_refused_even_with_private_targets_allowed(api, allow_private, url):
    response = post(api, {"url": url, "events": ["checkout.completed"]})
    assert response.status_code == 400
    [detail] = response.json()["details"]
    assert detail["field"] == "url"
    assert "link-local" in detail["message"] or "metadata" in detail["message"]
    assert WebhookEndpoint.objects.count() == 0


def test_a_private_address_is_allowed_only_with_the_setting(api, allow_private):
    assert post(api, {"url": "http://10.0.0.7/hooks", "events": ["order.created"]}).status_code == 201


def test_update_runs_the_guard_too(api, allow_private):
    created = create(api)
    allow_private.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    response = api.patch(
        f"{URL}/{created['id']}", data=json.dumps({"url": "http://10.0.0.7/"}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "url"
    assert WebhookEndpoint.objects.get().url == RECEIVER


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"events": ["checkout.completed"]}, "url"),
        ({"url": RECEIVER}, "events"),
        ({"url": RECEIVER, "events": []}, "events"),
        ({"url": RECEIVER, "events": ["checkout.exploded"]}, "events[0]"),
        ({"url": RECEIVER, "events": ["order.created"], "secret": "mine"}, "secret"),
    ],
)
def test_body_validation_names_the_field(api, allow_private, body, field):
    response = post(api, body)
    assert response.status_code == 400
    assert field in [d["field"] for d in response.json()["details"]], response.json()


def test_needs_scope_checkout_manage(tenant, make_api_key):
    key = make_api_key(tenant, scopes=["cart.cart_manage"])
    response = Client(headers=key_headers(key)).get(URL)
    assert response.status_code == 403
    assert response.json()["type"] == "insufficient_permissions"


def test_tenant_and_mode_scoped(api, tenant, other_tenant, make_api_key, allow_private):
    created = create(api)
    live = Client(headers=key_headers(make_api_key(tenant, mode="live")))
    assert live.get(URL).json() == []
    assert live.get(f"{URL}/{created['id']}").status_code == 404
    assert live.delete(f"{URL}/{created['id']}").status_code == 404
    globex = Client(headers=key_headers(make_api_key(other_tenant)))
    assert globex.get(URL).status_code == 403
    assert globex.get(f"/webhook/globex/endpoints/{created['id']}").status_code == 404
    assert WebhookEndpoint.objects.count() == 1


def test_invalid_tenant_code(api):
    response = api.get("/webhook/AC/endpoints")
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "tenant"


def test_endpoint_limit_per_mode(api, allow_private):
    for i in range(16):
        create(api, url=f"http://127.0.0.1:{9000 + i}/")
    response = post(api, {"url": "http://127.0.0.1:9999/", "events": ["order.created"]})
    assert response.status_code == 400
    assert WebhookEndpoint.objects.count() == 16
