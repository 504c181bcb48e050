"""Deliveries against real HTTP receivers on 127.0.0.1 (pytest-httpserver).

Attempts are driven by calling the delivery functions with an advancing `now`, never by waiting
out the backoff schedule.
"""

import json
import re
import socket
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from pytest_httpserver import HTTPServer
from werkzeug import Response

from checkouts.tests.helpers import order_body
from webhooks.models import Delivery, DeliveryStatus, Event, EventType, WebhookEndpoint
from webhooks.services import deliveries_send_due, delivery_send, event_emit, webhook_endpoint_create

ORDER_URL = "/checkout/acme/checkouts/order"
SCHEDULE = (30, 60, 120, 300, 900, 1800, 3600, 7200, 14400, 28800, 28800)


def place(api, body):
    return api.post(ORDER_URL, data=json.dumps(body), content_type="application/json")


def register(api, url, events):
    response = api.post(
        "/webhook/acme/endpoints", data=json.dumps({"url": url, "events": events}), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def emit(tenant, mode="test", event_type=EventType.CHECKOUT_COMPLETED, data=None):
    with transaction.atomic():
        return event_emit(tenant=tenant, mode=mode, event_type=event_type, data=data or {"checkout": {"id": "chk1"}})


def send(delivery, now):
    return delivery_send(tenant_id=delivery.tenant_id, delivery_id=delivery.pk, now=now)


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def threaded_httpserver():
    """A receiver that answers requests in parallel (a slow handler does not block the next one)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


# --- Through the API: a placed checkout reaches the receiver, signed --------------------------


def test_completed_checkout_delivers_one_signed_event(
    api, make_cart, httpserver, allow_private, verify_signature, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/hooks", method="POST").respond_with_data("thanks")
    endpoint = register(api, httpserver.url_for("/hooks"), ["checkout.completed"])
    cart = make_cart()

    # The delivery task is enqueued on commit; the test settings' immediate backend runs it then.
    with django_capture_on_commit_callbacks(execute=True):
        response = place(api, order_body(cart.pk))
    assert response.status_code == 200, response.json()

    [(request, answer)] = httpserver.log
    assert answer.status_code == 200
    body = request.get_data()
    header = request.headers["Checkout-Signature"]
    assert re.fullmatch(r"t=\d+,v1=[0-9a-f]{64}", header)
    assert verify_signature(body, header, endpoint["secret"])  # the README's own function
    assert not verify_signature(body + b" ", header, endpoint["secret"])
    assert not verify_signature(body, header, "whsec_someone-else")
    assert request.headers["Content-Type"] == "application/json"

    event = json.loads(body)
    assert set(event) == {"id", "type", "createdAt", "tenant", "mode", "data"}
    assert event["id"].startswith("evt_")
    assert request.headers["Checkout-Event-Id"] == event["id"]
    assert (event["type"], event["tenant"], event["mode"]) == ("checkout.completed", "acme", "test")
    checkout_id = response.json()["checkoutId"]
    shown = api.get(f"/checkout/acme/checkouts/{checkout_id}").json()
    assert event["data"]["checkout"] == shown  # the checkout as the API shows it
    assert event["data"]["checkout"]["status"] == "created"

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempt_count, delivery.next_attempt_at) == (DeliveryStatus.DELIVERED, 1, None)
    assert [(a.number, a.status_code, a.error) for a in delivery.attempts.all()] == [(1, 200, "")]
    # order.created was stored too, but this endpoint did not subscribe to it
    assert sorted(Event.objects.values_list("type", flat=True)) == ["checkout.completed", "order.created"]


def test_order_created_carries_the_order(api, make_cart, httpserver, allow_private, django_capture_on_commit_callbacks):
    httpserver.expect_request("/orders", method="POST").respond_with_data("", status=204)
    register(api, httpserver.url_for("/orders"), ["order.created"])
    with django_capture_on_commit_callbacks(execute=True):
        response = place(api, order_body(make_cart().pk))
    assert response.status_code == 200
    [(request, _)] = httpserver.log
    event = json.loads(request.get_data())
    assert event["type"] == "order.created"
    order = event["data"]["order"]
    assert order["orderId"] == response.json()["orderId"]
    assert order["checkoutId"] == response.json()["checkoutId"]
    assert (order["status"], order["currency"], order["totalPrice"]) == ("success", "USD", 115.0)
    assert order["items"] == [{"sku": "sku3", "quantity": 1, "unitPrice": 100.0}]
    assert order["yrn"] == f"urn:yaas:hybris:order:order:acme;{order['orderId']}"
    assert Delivery.objects.get().status == DeliveryStatus.DELIVERED  # 204 is a 2xx


def test_declined_checkout_delivers_checkout_failed(
    api, make_cart, httpserver, allow_private, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/hooks", method="POST").respond_with_data("ok")
    register(api, httpserver.url_for("/hooks"), ["checkout.failed", "checkout.completed", "order.created"])
    with django_capture_on_commit_callbacks(execute=True):
        response = place(api, order_body(make_cart().pk, token="tok_chargeDeclined"))
    assert response.status_code == 402
    [(request, _)] = httpserver.log
    event = json.loads(request.get_data())
    assert event["type"] == "checkout.failed"
    assert event["data"]["checkout"]["status"] == "failed"
    assert event["data"]["checkout"]["failureReason"]
    assert list(Event.objects.values_list("type", flat=True)) == ["checkout.failed"]


def test_an_event_rolled_back_with_its_change_is_never_sent(tenant, allow_private):
    webhook_endpoint_create(tenant=tenant, mode="test", url="http://127.0.0.1:9/", events=["checkout.completed"])

    def change_that_fails():
        with transaction.atomic():
            event_emit(tenant=tenant, mode="test", event_type=EventType.CHECKOUT_COMPLETED, data={})
            raise RuntimeError("the checkout did not commit")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert Event.objects.count() == 0
    assert Delivery.objects.count() == 0


def test_only_active_subscribed_endpoints_of_the_tenant_and_mode_get_a_delivery(tenant, other_tenant, allow_private):
    def endpoint(owner=tenant, mode="test", events=("checkout.completed",), active=True):
        return webhook_endpoint_create(
            tenant=owner, mode=mode, url="http://127.0.0.1:9/", events=list(events), active=active
        ).endpoint

    wanted = endpoint()
    endpoint(events=("order.created",))
    endpoint(mode="live")
    endpoint(owner=other_tenant)
    endpoint(active=False)
    event = emit(tenant)
    assert [d.endpoint_id for d in Delivery.objects.filter(event=event)] == [wanted.pk]


# --- Retries -----------------------------------------------------------------------------------


def test_500_twice_then_200_makes_three_attempts_and_ends_delivered(
    tenant, httpserver, allow_private, verify_signature
):
    for status in (500, 500, 200):
        httpserver.expect_ordered_request("/hooks", method="POST").respond_with_data("x", status=status)
    created = webhook_endpoint_create(
        tenant=tenant, mode="test", url=httpserver.url_for("/hooks"), events=["checkout.completed"]
    )
    event = emit(tenant)
    delivery = Delivery.objects.get()
    now = timezone.now()

    assert deliveries_send_due(now=now) == 1  # the sweep finds the due delivery
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count, delivery.last_status_code) == ("pending", 1, 500)
    first_retry = delivery.next_attempt_at
    assert now + timedelta(seconds=30) <= first_retry <= now + timedelta(seconds=37)

    assert send(delivery, now + timedelta(seconds=29)) is None  # not due yet: nothing sent
    assert deliveries_send_due(now=now + timedelta(seconds=29)) == 0
    assert len(httpserver.log) == 1

    second = send(delivery, first_retry)
    assert (second.number, second.status_code, second.error) == (2, 500, "HTTP 500")
    delivery.refresh_from_db()
    assert first_retry + timedelta(seconds=60) <= delivery.next_attempt_at <= first_retry + timedelta(seconds=73)

    third = send(delivery, delivery.next_attempt_at)
    assert (third.number, third.status_code, third.error) == (3, 200, "")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count, delivery.next_attempt_at) == ("delivered", 3, None)
    assert delivery.delivered_at is not None
    assert [(a.number, a.status_code) for a in delivery.attempts.all()] == [(1, 500), (2, 500), (3, 200)]
    assert all(a.duration_ms >= 0 for a in delivery.attempts.all())
    httpserver.check_assertions()

    # Three identical POSTs: same event id and body, each validly signed
    assert len(httpserver.log) == 3
    assert {request.headers["Checkout-Event-Id"] for request, _ in httpserver.log} == {event.pk}
    assert len({request.get_data() for request, _ in httpserver.log}) == 1
    for request, _ in httpserver.log:
        assert verify_signature(request.get_data(), request.headers["Checkout-Signature"], created.secret)
    assert send(delivery, third.created_at + timedelta(days=1)) is None  # delivered: never again


def test_a_receiver_not_listening_is_retried_over_a_day_then_marked_failed(tenant, allow_private):
    webhook_endpoint_create(
        tenant=tenant, mode="test", url=f"http://127.0.0.1:{free_port()}/hooks", events=["checkout.completed"]
    )
    emit(tenant)
    delivery = Delivery.objects.get()
    start = now = timezone.now()
    scheduled = []
    while True:
        attempt = send(delivery, now)
        assert attempt is not None
        delivery.refresh_from_db()
        if delivery.status != DeliveryStatus.PENDING:
            break
        scheduled.append((delivery.next_attempt_at - attempt.created_at).total_seconds())
        now = delivery.next_attempt_at

    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempt_count == 12
    assert delivery.next_attempt_at is None
    attempts = list(delivery.attempts.all())
    assert [a.number for a in attempts] == list(range(1, 13))
    assert all(a.status_code is None and "ConnectionRefused" in a.error for a in attempts)
    # exponential backoff with up to 20 % jitter, capped at 8 h: about a day in all
    assert len(scheduled) == 11
    for waited, base in zip(scheduled, SCHEDULE, strict=True):
        assert base <= waited <= base * 1.2 + 1
    assert timedelta(hours=23) < now - start < timedelta(hours=29)
    assert send(delivery, now + timedelta(days=2)) is None


def test_a_slow_receiver_times_out_and_is_retried(tenant, threaded_httpserver, allow_private):
    allow_private.WEBHOOK_TIMEOUT = 0.5
    calls = []

    def handler(request):
        calls.append(time.monotonic())
        if len(calls) == 1:
            time.sleep(2)  # longer than the timeout
        return Response("ok", status=200)

    threaded_httpserver.expect_request("/slow", method="POST").respond_with_handler(handler)
    webhook_endpoint_create(
        tenant=tenant, mode="test", url=threaded_httpserver.url_for("/slow"), events=["checkout.completed"]
    )
    emit(tenant)
    delivery = Delivery.objects.get()
    now = timezone.now()

    first = send(delivery, now)
    assert (first.status_code, first.error) == (None, "timed out after 0.5 s")
    assert 450 <= first.duration_ms < 1900
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at >= now + timedelta(seconds=30)

    second = send(delivery, delivery.next_attempt_at)
    assert (second.number, second.status_code) == (2, 200)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert len(calls) == 2


def test_redirects_are_not_followed(tenant, httpserver, allow_private):
    httpserver.expect_request("/hooks", method="POST").respond_with_response(
        Response("", status=302, headers={"Location": httpserver.url_for("/elsewhere")})
    )
    httpserver.expect_request("/elsewhere").respond_with_data("ok")
    webhook_endpoint_create(tenant=tenant, mode="test", url=httpserver.url_for("/hooks"), events=["checkout.completed"])
    emit(tenant)
    delivery = Delivery.objects.get()
    attempt = send(delivery, timezone.now())
    assert (attempt.status_code, attempt.error) == (302, "HTTP 302")
    assert [request.path for request, _ in httpserver.log] == ["/hooks"]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING


def test_the_guard_runs_again_at_delivery_time(tenant, httpserver, allow_private):
    """Registered while private targets were allowed; refused once they are not: nothing is sent."""
    httpserver.expect_request("/hooks").respond_with_data("ok")
    webhook_endpoint_create(tenant=tenant, mode="test", url=httpserver.url_for("/hooks"), events=["checkout.completed"])
    emit(tenant)
    allow_private.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    delivery = Delivery.objects.get()
    attempt = send(delivery, timezone.now())
    assert attempt.status_code is None
    assert attempt.error.startswith("refused: ")
    assert "127.0.0.1 is a loopback or private address" in attempt.error
    assert httpserver.log == []
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING  # retried: the setting may come back


def test_metadata_address_in_the_database_is_still_refused_at_delivery(tenant, httpserver, allow_private):
    """Even a row written around the API (e.g. in the admin or by SQL) never reaches metadata."""
    webhook_endpoint_create(tenant=tenant, mode="test", url=httpserver.url_for("/x"), events=["checkout.completed"])
    WebhookEndpoint.objects.update(url="http://169.254.169.254/latest/meta-data/")
    emit(tenant)
    attempt = send(Delivery.objects.get(), timezone.now())
    assert (
        attempt.error == "refused: http://169.254.169.254/latest/meta-data/ 169.254.169.254 is a cloud metadata address"
    )


def test_a_deactivated_endpoint_is_not_sent_to(tenant, httpserver, allow_private):
    created = webhook_endpoint_create(
        tenant=tenant, mode="test", url=httpserver.url_for("/hooks"), events=["checkout.completed"]
    )
    emit(tenant)
    WebhookEndpoint.objects.filter(pk=created.endpoint.pk).update(active=False)
    delivery = Delivery.objects.get()
    assert send(delivery, timezone.now()) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.FAILED, "endpoint is inactive")
    assert httpserver.log == []


def test_deliver_due_webhooks_command(tenant, httpserver, allow_private, capsys):
    httpserver.expect_request("/hooks", method="POST").respond_with_data("ok")
    webhook_endpoint_create(tenant=tenant, mode="test", url=httpserver.url_for("/hooks"), events=["checkout.completed"])
    emit(tenant)
    emit(tenant)
    call_command("deliver_due_webhooks", "--json")
    assert json.loads(capsys.readouterr().out) == {"attempted": 2}
    assert list(Delivery.objects.values_list("status", flat=True)) == ["delivered", "delivered"]
    call_command("deliver_due_webhooks", "--json")
    assert json.loads(capsys.readouterr().out) == {"attempted": 0}
    assert len(httpserver.log) == 2


# --- Admin -------------------------------------------------------------------------------------


def test_admin_lists_and_resends_a_failed_delivery(tenant, httpserver, allow_private, admin_client):
    httpserver.expect_ordered_request("/hooks", method="POST").respond_with_data("no", status=503)
    httpserver.expect_ordered_request("/hooks", method="POST").respond_with_data("ok", status=200)
    webhook_endpoint_create(tenant=tenant, mode="test", url=httpserver.url_for("/hooks"), events=["checkout.completed"])
    emit(tenant)
    delivery = Delivery.objects.get()
    send(delivery, timezone.now())
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, next_attempt_at=None)

    for url in ("/admin/webhooks/webhookendpoint/", "/admin/webhooks/delivery/", "/admin/webhooks/event/"):
        assert admin_client.get(url).status_code == 200
    page = admin_client.get(f"/admin/webhooks/delivery/{delivery.pk}/change/")
    assert page.status_code == 200
    assert b"HTTP 503" in page.content  # the attempt inline
    assert (
        WebhookEndpoint.objects.get().secret.encode()
        not in admin_client.get(f"/admin/webhooks/webhookendpoint/{delivery.endpoint_id}/change/").content
    )

    response = admin_client.post(
        "/admin/webhooks/delivery/", {"action": "resend", "_selected_action": [delivery.pk]}, follow=True
    )
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count, delivery.attempt_limit) == ("pending", 1, 13)
    attempt = send(delivery, timezone.now())
    assert (attempt.number, attempt.status_code) == (2, 200)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


def test_admin_shows_staff_only_their_tenants_deliveries(tenant, other_tenant, allow_private, client):
    from django.contrib.auth.models import Permission, User

    from merchants.models import Membership

    webhook_endpoint_create(tenant=tenant, mode="test", url="http://127.0.0.1:9/", events=["checkout.completed"])
    emit(tenant)
    staff = User.objects.create_user("globex-staff", password="pw-globex-1234", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_delivery"))
    Membership.objects.create(tenant=other_tenant, user=staff)
    client.force_login(staff)
    page = client.get("/admin/webhooks/delivery/")
    assert page.status_code == 200
    assert page.context["cl"].result_count == 0
    assert Delivery.objects.count() == 1


def test_the_tasks_run_the_same_services(tenant, httpserver, allow_private):
    from webhooks.tasks import webhook_deliver, webhook_deliver_due

    httpserver.expect_request("/hooks", method="POST").respond_with_data("ok")
    webhook_endpoint_create(tenant=tenant, mode="test", url=httpserver.url_for("/hooks"), events=["checkout.completed"])
    emit(tenant)
    emit(tenant)
    first = Delivery.objects.order_by("pk").first()
    assert webhook_deliver.enqueue(tenant_id=tenant.pk, delivery_id=first.pk).return_value == "attempt 1: 200"
    assert webhook_deliver.enqueue(tenant_id=tenant.pk, delivery_id=first.pk).return_value == "not due"
    assert webhook_deliver_due.enqueue().return_value == 1
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}
