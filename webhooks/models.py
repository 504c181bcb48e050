"""Webhook endpoints, the events we emit, and their deliveries (README "Webhooks").

An `Event` is written in the same transaction as the change it reports (an outbox): if the
checkout commits, so does the event and one `Delivery` per subscribed endpoint. The delivery row
is the source of truth for what still has to be sent (`status`, `next_attempt_at`); the task
queue only wakes workers up, so a worker killed mid-delivery loses nothing.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from checkout_project.ids import new_id
from checkout_project.jsonutil import MoneyJSONEncoder
from merchants.models import Mode, Tenant


def new_endpoint_id() -> str:
    return new_id("we_")


def new_event_id() -> str:
    return new_id("evt_")


class EventType(models.TextChoices):
    CHECKOUT_COMPLETED = "checkout.completed", "checkout.completed (order created, payment taken or accepted)"
    CHECKOUT_FAILED = "checkout.failed", "checkout.failed (declined, or pending for too long)"
    ORDER_CREATED = "order.created", "order.created (an order was placed)"


class WebhookEndpoint(models.Model):
    """A merchant's receiver for one mode. The secret signs every delivery; it is shown once, at
    creation, and stored readable because signing needs it (like the tenant's saas passphrase)."""

    id = models.CharField(primary_key=True, max_length=40, default=new_endpoint_id, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(max_length=4, choices=Mode.choices)
    url = models.URLField(max_length=2000)
    secret = models.CharField(max_length=100, editable=False)
    events = models.JSONField(default=list, help_text="Subscribed event types")
    description = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tenant", "mode", "created_at", "id"]
        indexes = [models.Index(fields=["tenant", "mode", "created_at", "id"], name="webhook_endpoint_idx")]

    def __str__(self) -> str:
        return f"{self.id} {self.url}"


class Event(models.Model):
    """Something that happened, as sent: `payload` is the JSON body every delivery posts."""

    id = models.CharField(primary_key=True, max_length=40, default=new_event_id, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(max_length=4, choices=Mode.choices)
    type = models.CharField(max_length=32, choices=EventType.choices)
    payload = models.JSONField(encoder=MoneyJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["tenant", "mode", "created_at", "id"], name="webhook_event_idx")]

    def __str__(self) -> str:
        return f"{self.id} {self.type}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending (due at next attempt)"
    DELIVERED = "delivered", "Delivered (2xx)"
    FAILED = "failed", "Failed (gave up)"


class Delivery(models.Model):
    """One event for one endpoint. `next_attempt_at` is when a worker may next claim it; while an
    attempt is in flight it holds the claim's lease end, so a killed worker's claim expires and
    another worker sends again (at least once)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempt_count = models.PositiveIntegerField(default=0, help_text="Attempts claimed so far")
    attempt_limit = models.PositiveIntegerField(help_text="The attempt after which it is marked failed")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    modified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "event", "endpoint"], name="delivery_event_endpoint_uniq"),
        ]
        indexes = [
            models.Index(fields=["tenant", "endpoint", "-created_at"], name="delivery_endpoint_idx"),
            # The workers' "what is due" scan spans tenants (workers serve all of them); only
            # pending rows are in this index, so it stays small.
            models.Index(fields=["next_attempt_at"], name="delivery_due_idx", condition=Q(status="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id} ({self.status})"


class DeliveryAttempt(models.Model):
    """One POST: its answer (or the network error), how long it took and when."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField()
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["delivery", "number", "id"]
        indexes = [models.Index(fields=["tenant", "delivery", "number"], name="delivery_attempt_idx")]

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or self.error}"
