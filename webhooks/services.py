"""Webhook endpoints, event emission and delivery (README "Webhooks").

Emission is an outbox: `event_emit` writes the event and its deliveries inside the caller's
transaction and enqueues the delivery tasks on commit. Delivery is at least once: a worker claims
a due delivery (row lock, then a guarded update that moves `next_attempt_at` to the end of a
lease), posts, and records the attempt. A worker killed mid-post leaves the delivery claimed
until the lease ends; the watchdog task enqueued with the claim (and the `deliver_due_webhooks`
sweep) then sends it again.
"""

from __future__ import annotations

import json
import logging
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from carts.selectors import yrn
from checkout_project.errors import DetailType, ErrorDetail, not_found, validation_error
from checkout_project.jsonutil import MoneyJSONEncoder
from merchants.models import Tenant

from .models import Delivery, DeliveryAttempt, DeliveryStatus, Event, EventType, WebhookEndpoint, new_event_id
from .sender import webhook_post
from .targets import TargetRefused, target_resolve

if TYPE_CHECKING:
    from checkouts.models import Checkout, Order

logger = logging.getLogger(__name__)

MAX_ENDPOINTS_PER_MODE = 16
SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret


# ---------------------------------------------------------------------------------------------
# Endpoints


@dataclass(frozen=True)
class NewWebhookEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # shown once, in the creation answer


def webhook_url_validate(url: str) -> str:
    """The SSRF guard at registration: 400 naming `url` when the target is not allowed."""
    try:
        target_resolve(url)
    except TargetRefused as exc:
        raise validation_error([ErrorDetail("url", DetailType.INVALID_VALUE, f"{url} {exc}")]) from None
    return url


def _events_validate(events: list[str]) -> list[str]:
    unknown = [e for e in events if e not in EventType.values]
    if unknown:
        raise validation_error(
            [ErrorDetail("events", DetailType.INVALID_VALUE, f"unknown event type {e!r}") for e in unknown]
        )
    if not events:
        raise validation_error([ErrorDetail("events", DetailType.MISSING_VALUE, "subscribe to at least one event")])
    return list(dict.fromkeys(events))


def _secret_generate() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic
def webhook_endpoint_create(
    *, tenant: Tenant, mode: str, url: str, events: list[str], description: str = "", active: bool = True
) -> NewWebhookEndpoint:
    """Register an endpoint for `tenant` and `mode` with a new secret (returned once).

    Refuses URLs the SSRF guard refuses, unknown event types, and more than
    `MAX_ENDPOINTS_PER_MODE` endpoints per tenant and mode (counted under the tenant's row lock).
    """
    webhook_url_validate(url)
    events = _events_validate(events)
    Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
    if WebhookEndpoint.objects.filter(tenant=tenant, mode=mode).count() >= MAX_ENDPOINTS_PER_MODE:
        raise validation_error(
            [ErrorDetail("url", DetailType.INVALID_VALUE, f"at most {MAX_ENDPOINTS_PER_MODE} endpoints per mode")]
        )
    secret = _secret_generate()
    endpoint = WebhookEndpoint.objects.create(
        tenant=tenant, mode=mode, url=url, secret=secret, events=events, description=description, active=active
    )
    return NewWebhookEndpoint(endpoint=endpoint, secret=secret)


@transaction.atomic
def webhook_endpoint_update(
    *,
    tenant: Tenant,
    mode: str,
    endpoint_id: str,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> WebhookEndpoint:
    """Change the given fields (None leaves a field as it is). The secret never changes here."""
    endpoint = WebhookEndpoint.objects.select_for_update().filter(tenant=tenant, mode=mode, pk=endpoint_id).first()
    if endpoint is None:
        raise not_found(f"Webhook endpoint {endpoint_id} not found")
    if url is not None:
        endpoint.url = webhook_url_validate(url)
    if events is not None:
        endpoint.events = _events_validate(events)
    if description is not None:
        endpoint.description = description
    if active is not None:
        endpoint.active = active
    endpoint.save()
    return endpoint


def webhook_endpoint_delete(*, tenant: Tenant, mode: str, endpoint_id: str) -> None:
    """Delete an endpoint and its deliveries (the events stay)."""
    deleted, _ = WebhookEndpoint.objects.filter(tenant=tenant, mode=mode, pk=endpoint_id).delete()
    if not deleted:
        raise not_found(f"Webhook endpoint {endpoint_id} not found")


# ---------------------------------------------------------------------------------------------
# Events


def _timestamp(value: datetime) -> str:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def event_emit(*, tenant: Tenant, mode: str, event_type: str, data: dict[str, Any]) -> Event:
    """Store an event and one delivery per active endpoint of `tenant`/`mode` subscribed to the type.

    Runs in the caller's transaction: the event exists if and only if the change it reports was
    committed. The delivery tasks are enqueued on commit.
    """
    return events_emit(tenant=tenant, mode=mode, events=[(event_type, data)])[0]


def events_emit(*, tenant: Tenant, mode: str, events: list[tuple[str, dict[str, Any]]]) -> list[Event]:
    """`event_emit` for several events of one change (type, data), in that order.

    The endpoints are read once for all of them, and their deliveries written in one INSERT; one
    on-commit hook enqueues those deliveries.
    """
    stored = []
    for event_type, data in events:
        now = timezone.now()  # one instant per event, as one `event_emit` after the other would take
        event_id = new_event_id()
        payload = {
            "id": event_id,
            "type": str(event_type),
            "createdAt": _timestamp(now),
            "tenant": tenant.code,
            "mode": mode,
            "data": data,
        }
        stored.append(Event(id=event_id, tenant=tenant, mode=mode, type=event_type, payload=payload, created_at=now))
    endpoints = _events_insert(tenant=tenant, mode=mode, events=stored)
    deliveries = [
        Delivery(
            tenant=tenant,
            event=event,
            endpoint_id=endpoint_id,
            attempt_limit=max_attempts(),
            next_attempt_at=event.created_at,
            created_at=event.created_at,
            modified_at=event.created_at,
        )
        for event in stored
        for endpoint_id, subscribed in endpoints
        if str(event.type) in subscribed
    ]
    if deliveries:
        created = Delivery.objects.bulk_create(deliveries)
        ids = [delivery.pk for delivery in created]  # set by INSERT … RETURNING (PostgreSQL, SQLite)
        transaction.on_commit(partial(_deliveries_enqueue, tenant_id=tenant.pk, delivery_ids=ids))
    return stored


# PostgreSQL: the events and the endpoints read in one statement (a data-modifying CTE), with the
# payload encoded as the model field encodes it.
_EVENTS_INSERT_SQL = """
WITH stored AS (
  INSERT INTO webhooks_event (id, tenant_id, mode, type, payload, created_at) VALUES {values}
)
SELECT id, events FROM webhooks_webhookendpoint
WHERE tenant_id = %s AND mode = %s AND active ORDER BY created_at, id
"""


def _events_insert(*, tenant: Tenant, mode: str, events: list[Event]) -> list[tuple[int, list[str]]]:
    """Write `events` and return the tenant's active endpoints for `mode` (pk, subscribed types)."""
    if connection.vendor != "postgresql" or not events:
        # One INSERT each: bulk_create's UNNEST form costs more CPU (each payload array-escaped).
        for event in events:
            event.save(force_insert=True)
        # Ordered by the columns, not the model's ordering ("tenant" first), which joins merchants_tenant.
        endpoints = WebhookEndpoint.objects.filter(tenant=tenant, mode=mode, active=True)
        return list(endpoints.order_by("created_at", "id").values_list("pk", "events"))
    params: list[Any] = []
    for event in events:
        payload = json.dumps(event.payload, cls=Event._meta.get_field("payload").encoder)
        params += [event.id, tenant.pk, mode, str(event.type), payload, event.created_at]
        event._state.adding = False
        event._state.db = connection.alias
    values = ", ".join(["(%s, %s, %s, %s, %s::jsonb, %s)"] * len(events))
    with connection.cursor() as cursor:
        cursor.execute(_EVENTS_INSERT_SQL.format(values=values), [*params, tenant.pk, mode])
        rows = cursor.fetchall()
    # jsonb arrives as text (Django registers a text loader for it), as JSONField reads it.
    return [(pk, json.loads(subscribed) if isinstance(subscribed, str) else subscribed) for pk, subscribed in rows]


def checkout_event_emit(*, checkout: Checkout, event_type: str) -> Event:
    """`checkout.completed` / `checkout.failed` with the checkout as the API shows it."""
    # Imported here: checkouts.selectors imports checkouts.placement, which emits through us.
    from checkouts.selectors import checkout_json

    tenant = checkout.tenant
    data = {"checkout": checkout_json(checkout, tenant_code=tenant.code)}
    return event_emit(tenant=tenant, mode=checkout.mode, event_type=event_type, data=data)


def order_json(order: Order, *, tenant_code: str) -> dict[str, Any]:
    """The order as webhooks show it: ids, status, customer, totals and the ordered lines."""
    snapshot = order.snapshot or {}
    cart = snapshot.get("cart") or {}
    return {
        "orderId": order.pk,
        "yrn": yrn(tenant_code, "order:order", order.pk),
        "status": order.status,
        "checkoutId": order.checkout_ref,
        "cartId": order.cart_ref,
        "customerId": order.customer_id,
        "customerEmail": order.customer_email,
        "currency": order.currency,
        "subTotalPrice": cart.get("subTotalPrice"),
        "totalTax": cart.get("totalTax"),
        "totalDiscount": cart.get("totalDiscount"),
        "shipping": cart.get("shipping"),
        "totalPrice": order.total,
        "items": [
            {"sku": line["sku"], "quantity": line["quantity"], "unitPrice": line["unitPrice"]}
            for line in snapshot.get("lines", [])
        ],
        "createdAt": _timestamp(order.created_at),
    }


def checkout_completed_emit(*, checkout: Checkout, order: Order) -> list[Event]:
    """`checkout.completed` then `order.created` for a completed placement, in one `events_emit`."""
    from checkouts.selectors import checkout_json

    tenant = checkout.tenant
    return events_emit(
        tenant=tenant,
        mode=checkout.mode,
        events=[
            (EventType.CHECKOUT_COMPLETED, {"checkout": checkout_json(checkout, tenant_code=tenant.code)}),
            (EventType.ORDER_CREATED, {"order": order_json(order, tenant_code=tenant.code)}),
        ],
    )


def order_event_emit(*, order: Order, tenant: Tenant, event_type: str = EventType.ORDER_CREATED) -> Event:
    """`order.created` with the order (`order_json`). `tenant` is the order's (already loaded)."""
    data = {"order": order_json(order, tenant_code=tenant.code)}
    return event_emit(tenant=tenant, mode=order.mode, event_type=event_type, data=data)


# ---------------------------------------------------------------------------------------------
# Delivery


def max_attempts() -> int:
    return len(settings.WEBHOOK_RETRY_DELAYS) + 1


def retry_delay(attempt_in_cycle: int) -> timedelta:
    """Backoff after the n-th failed attempt: the schedule's n-th step plus up to 20 % jitter."""
    delays = settings.WEBHOOK_RETRY_DELAYS
    base = delays[min(attempt_in_cycle, len(delays)) - 1]
    return timedelta(seconds=base * random.uniform(1.0, 1.2))  # noqa: S311 - jitter, not a secret


def delivery_lease() -> timedelta:
    """How long a claim keeps other workers off a delivery: longer than any attempt can take."""
    return timedelta(seconds=max(settings.WEBHOOK_DELIVERY_LEASE, 2 * settings.WEBHOOK_TIMEOUT + 1))


def _deliveries_enqueue(*, tenant_id: int, delivery_ids: list[int], run_after: datetime | None = None) -> None:
    from .tasks import webhook_deliver

    task = webhook_deliver
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # e.g. the immediate backend in tests: the due sweep sends it later
        task = task.using(run_after=run_after)
    for delivery_id in delivery_ids:
        try:
            task.enqueue(tenant_id=tenant_id, delivery_id=delivery_id)
        except Exception:  # the sweep still finds the delivery: the row is the truth, not the queue
            logger.exception("could not enqueue webhook delivery %s", delivery_id)


@dataclass(frozen=True)
class _Claim:
    delivery: Delivery
    number: int


def _delivery_claim(*, tenant_id: int, delivery_id: int, now: datetime) -> _Claim | None:
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint", "event")
            .filter(tenant_id=tenant_id, pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        if not delivery.endpoint.active:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            delivery.last_error = "endpoint is inactive"
            delivery.modified_at = now
            delivery.save(update_fields=["status", "next_attempt_at", "last_error", "modified_at"])
            return None
        number = delivery.attempt_count + 1
        lease_end = now + delivery_lease()
        # Guarded as well as locked: SQLite has no row locks, and the guard makes the claim exact.
        claimed = Delivery.objects.filter(
            tenant_id=tenant_id, pk=delivery.pk, status=DeliveryStatus.PENDING, attempt_count=delivery.attempt_count
        ).update(attempt_count=number, next_attempt_at=lease_end, modified_at=now)
        if claimed != 1:
            return None
        # The watchdog: if this worker dies before recording the attempt, this task sends again.
        transaction.on_commit(
            partial(_deliveries_enqueue, tenant_id=tenant_id, delivery_ids=[delivery.pk], run_after=lease_end)
        )
    delivery.attempt_count = number
    return _Claim(delivery=delivery, number=number)


def delivery_send(*, tenant_id: int, delivery_id: int, now: datetime | None = None) -> DeliveryAttempt | None:
    """Make the next attempt of a delivery if it is due (pending and `next_attempt_at <= now`).

    Returns the recorded attempt, or None when there was nothing to do (not due, delivered,
    failed, or claimed by another worker). A 2xx answer marks it delivered; anything else is
    retried on the backoff schedule until `attempt_limit`, then it is marked failed. `now` is
    injectable so tests can walk the schedule without waiting.
    """
    started = now or timezone.now()
    claim = _delivery_claim(tenant_id=tenant_id, delivery_id=delivery_id, now=started)
    if claim is None:
        return None
    delivery = claim.delivery
    body = json.dumps(delivery.event.payload, cls=MoneyJSONEncoder, separators=(",", ":")).encode()
    result = webhook_post(
        url=delivery.endpoint.url,
        secret=delivery.endpoint.secret,
        body=body,
        event_id=delivery.event_id,
        timeout=settings.WEBHOOK_TIMEOUT,
    )
    finished = started + timedelta(milliseconds=result.duration_ms) if now else timezone.now()
    return _attempt_record(
        claim=claim,
        status_code=result.status_code,
        error=result.error,
        ok=result.ok,
        duration_ms=result.duration_ms,
        finished=finished,
    )


def _attempt_record(
    *, claim: _Claim, status_code: int | None, error: str, ok: bool, duration_ms: int, finished: datetime
) -> DeliveryAttempt:
    delivery = claim.delivery
    changes: dict[str, Any] = {"last_status_code": status_code, "last_error": error, "modified_at": finished}
    next_attempt_at = None
    if ok:
        changes |= {"status": DeliveryStatus.DELIVERED, "next_attempt_at": None, "delivered_at": finished}
    elif claim.number >= delivery.attempt_limit:
        changes |= {"status": DeliveryStatus.FAILED, "next_attempt_at": None}
    else:
        in_cycle = claim.number - (delivery.attempt_limit - max_attempts())
        next_attempt_at = finished + retry_delay(in_cycle)
        changes["next_attempt_at"] = next_attempt_at
    with transaction.atomic():
        attempt = DeliveryAttempt.objects.create(
            tenant_id=delivery.tenant_id,
            delivery=delivery,
            number=claim.number,
            status_code=status_code,
            duration_ms=duration_ms,
            error=error,
            created_at=finished,
        )
        # Only the holder of this claim may settle it (a worker that outlived its lease may not).
        settled = Delivery.objects.filter(
            tenant_id=delivery.tenant_id, pk=delivery.pk, status=DeliveryStatus.PENDING, attempt_count=claim.number
        ).update(**changes)
        if settled and next_attempt_at is not None:
            transaction.on_commit(
                partial(
                    _deliveries_enqueue,
                    tenant_id=delivery.tenant_id,
                    delivery_ids=[delivery.pk],
                    run_after=next_attempt_at,
                )
            )
    return attempt


def deliveries_send_due(*, now: datetime | None = None, limit: int = 100) -> int:
    """Attempt up to `limit` due deliveries, oldest first; returns how many attempts were made.

    The sweep behind `manage.py deliver_due_webhooks` (cron) and the `webhook_deliver_due` task:
    it catches whatever no queued task covers (a lost enqueue, a killed worker, a backend that
    cannot defer). Spans tenants; each delivery is then claimed under its own tenant.
    """
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("tenant_id", "pk")[:limit]
    )
    return sum(1 for tenant_id, pk in due if delivery_send(tenant_id=tenant_id, delivery_id=pk, now=now) is not None)


@transaction.atomic
def delivery_resend(*, tenant: Tenant, delivery_id: int, now: datetime | None = None) -> Delivery:
    """Schedule a delivery again now, with a fresh set of attempts (the admin's "resend")."""
    now = now or timezone.now()
    delivery = Delivery.objects.select_for_update().filter(tenant=tenant, pk=delivery_id).first()
    if delivery is None:
        raise not_found(f"Delivery {delivery_id} not found")
    Delivery.objects.filter(tenant=tenant, pk=delivery.pk).update(
        status=DeliveryStatus.PENDING,
        next_attempt_at=now,
        attempt_limit=F("attempt_count") + max_attempts(),
        modified_at=now,
    )
    transaction.on_commit(partial(_deliveries_enqueue, tenant_id=tenant.pk, delivery_ids=[delivery.pk]))
    delivery.refresh_from_db()
    return delivery
