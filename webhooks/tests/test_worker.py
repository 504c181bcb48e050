"""Deliveries through the real task worker (`manage.py db_worker`), on PostgreSQL.

The worker is a separate process, so these tests commit for real (`transaction=True`) and hand
the worker the test database's URL.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_httpserver import HTTPServer
from werkzeug import Response

from webhooks.models import Delivery, DeliveryStatus, EventType
from webhooks.services import delivery_send, event_emit, webhook_endpoint_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def receiver():
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def worker_env() -> dict[str, str]:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "checkout_project.settings",
        "SECRET_KEY": "worker-test-only-secret",
        "HTTPS_ONLY": "false",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DB_CONN_MAX_AGE": "0",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
        # Killing takes milliseconds; the timeout only has to outlast that. The lease (how long
        # a dead worker's claim blocks others) is short so the test does not wait a minute.
        "WEBHOOK_TIMEOUT": "3",
        "WEBHOOK_DELIVERY_LEASE": "7",
    }


def start_worker(log_path) -> subprocess.Popen:
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.1", "--no-startup-delay"]
    with open(log_path, "ab") as log:
        return subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
            command, cwd=django_settings.BASE_DIR, env=worker_env(), stdout=log, stderr=subprocess.STDOUT
        )


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(10)


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_a_worker_killed_mid_delivery_loses_nothing(tenant, settings, receiver, tmp_path, verify_signature):
    """SIGKILL the worker while the receiver holds its POST; a new worker delivers the event."""
    settings.TASKS = DATABASE_TASKS
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    first_arrived, release = threading.Event(), threading.Event()
    received = []

    def handler(request):
        received.append(request)
        if len(received) == 1:
            first_arrived.set()
            release.wait(30)  # hold the first POST until the worker that sent it is dead
        return Response("ok")

    receiver.expect_request("/hooks", method="POST").respond_with_handler(handler)
    secret = webhook_endpoint_create(
        tenant=tenant, mode="test", url=receiver.url_for("/hooks"), events=["checkout.completed"]
    ).secret
    with transaction.atomic():
        event = event_emit(
            tenant=tenant, mode="test", event_type=EventType.CHECKOUT_COMPLETED, data={"checkout": {"id": "chk1"}}
        )
    # Enqueued on commit, into the database queue the worker reads.
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    log = tmp_path / "worker.log"
    first = start_worker(log)
    try:
        assert first_arrived.wait(30), log.read_text()
        first.send_signal(signal.SIGKILL)  # mid-delivery: the POST is sent, no answer yet
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(10)
    release.set()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempt_count) == (DeliveryStatus.PENDING, 1)
    assert delivery.next_attempt_at > timezone.now()  # still claimed: the dead worker's lease
    assert delivery.attempts.count() == 0  # the attempt died with the worker
    # The task the worker died in stays RUNNING for ever: the queue alone would lose the event.
    assert DBTaskResult.objects.filter(status="RUNNING").count() == 1
    # The follow-up task enqueued with the claim waits for the lease to end.
    assert DBTaskResult.objects.filter(status="READY", run_after=delivery.next_attempt_at).count() == 1

    second = start_worker(log)
    try:
        delivered = wait_until(lambda: Delivery.objects.get().status == DeliveryStatus.DELIVERED, 45)
    finally:
        stop(second)
    assert delivered, log.read_text()

    delivery.refresh_from_db()
    assert [(a.number, a.status_code) for a in delivery.attempts.all()] == [(2, 200)]
    # At least once: the receiver saw the event twice, with one id to deduplicate on.
    assert len(received) == 2
    assert {request.headers["Checkout-Event-Id"] for request in received} == {event.pk}
    for request in received:
        assert verify_signature(request.get_data(), request.headers["Checkout-Signature"], secret)


def test_two_workers_never_send_the_same_attempt(tenant, settings, receiver):
    """Two workers claim one due delivery at the same moment: one POST, one attempt recorded."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # queue, don't run
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    received = []

    def handler(request):
        received.append(request)
        time.sleep(0.5)  # keep the first sender busy while the other one tries
        return Response("ok")

    receiver.expect_request("/hooks", method="POST").respond_with_handler(handler)
    webhook_endpoint_create(tenant=tenant, mode="test", url=receiver.url_for("/hooks"), events=["order.created"])
    for _ in range(5):
        with transaction.atomic():
            event_emit(tenant=tenant, mode="test", event_type=EventType.ORDER_CREATED, data={})
    now = timezone.now()
    deliveries = list(Delivery.objects.order_by("pk"))
    barrier = threading.Barrier(2)

    def work(_):
        try:
            barrier.wait()
            return [
                delivery_send(tenant_id=tenant.pk, delivery_id=delivery.pk, now=now) is not None
                for delivery in deliveries
            ]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(work, range(2)))

    per_delivery = [sum(sent) for sent in zip(*results, strict=True)]
    assert per_delivery == [1] * 5, results
    assert len(received) == 5
    assert set(Delivery.objects.values_list("status", "attempt_count")) == {("delivered", 1)}
