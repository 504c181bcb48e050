"""Checkouts, orders and payments.

Orders and payments are business records: deleting a checkout never deletes them (the
checkout points at the order, not the other way round, and orders keep the checkout id as text).
"""

from django.db import models
from django.db.models import Q

from carts.models import MONEY
from checkout_project.ids import new_id
from checkout_project.jsonutil import JSONDocumentField, MoneyJSONEncoder
from merchants.models import Mode, Tenant


def new_checkout_id() -> str:
    return new_id("chk")


def new_order_id() -> str:
    return new_id("ord")


def new_payment_id() -> str:
    return new_id("pay")


class CheckoutStatus(models.TextChoices):
    CREATED = "created", "Created (order created, payment taken or accepted)"
    PENDING = "pending", "Pending (in progress or waiting for a retry)"
    FAILED = "failed", "Failed (declined or the order could not be created)"


class OrderStatus(models.TextChoices):
    SUCCESS = "success", "Success"
    PENDING = "pending", "Pending"
    FAILED = "failed", "Failed / cancelled"


class PaymentStatus(models.TextChoices):
    SUCCESS = "success", "Success"
    PENDING = "pending", "Pending"
    FAILED = "failed", "Failed"


class Order(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=new_order_id, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=4, choices=Mode.choices)
    checkout_ref = models.CharField(max_length=40, help_text="Id of the checkout that created it (kept after deletion)")
    cart_ref = models.CharField(max_length=40)
    customer_id = models.CharField(max_length=128, blank=True)
    customer_email = models.EmailField(max_length=254, blank=True)
    status = models.CharField(max_length=8, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    currency = models.CharField(max_length=3)
    total = models.DecimalField(**MONEY)
    snapshot = models.JSONField(encoder=MoneyJSONEncoder, help_text="Lines and totals as ordered")
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "mode", "-created_at"], name="order_created_idx"),
            models.Index(fields=["tenant", "checkout_ref"], name="order_checkout_idx"),
        ]

    def __str__(self) -> str:
        return self.id


class Payment(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=new_payment_id, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=4, choices=Mode.choices)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=32)
    method = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=8, choices=PaymentStatus.choices)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    transaction_id = models.CharField(max_length=64, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    idempotency_key = models.CharField(max_length=200)
    failure_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # One successful charge per idempotency key: the database refuses a double charge.
            models.UniqueConstraint(
                fields=["tenant", "idempotency_key"],
                condition=Q(status="success"),
                name="payment_one_success_per_key",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "order"], name="payment_order_idx")]

    def __str__(self) -> str:
        return self.id


class Checkout(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=new_checkout_id, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=4, choices=Mode.choices)
    cart_ref = models.CharField(max_length=40, help_text="Id of the cart checked out")
    cart_snapshot = JSONDocumentField(
        encoder=MoneyJSONEncoder, help_text="The cart as it was checked out, in the API's cart shape"
    )
    customer_id = models.CharField(max_length=128, blank=True)
    customer_email = models.EmailField(max_length=254, blank=True)
    customer = models.JSONField(encoder=MoneyJSONEncoder, default=dict)
    addresses = models.JSONField(encoder=MoneyJSONEncoder, default=list)
    payment_methods = models.JSONField(encoder=MoneyJSONEncoder, default=list)
    shipping = models.JSONField(encoder=MoneyJSONEncoder, default=dict)
    coupons = models.JSONField(encoder=MoneyJSONEncoder, default=list)
    status = models.CharField(max_length=8, choices=CheckoutStatus.choices, default=CheckoutStatus.PENDING)
    order_created = models.BooleanField(default=False)
    checkout_completed = models.BooleanField(default=False)
    retry_attempts = models.PositiveIntegerField(default=0)
    failure_reason = models.CharField(max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    currency = models.CharField(max_length=3)
    total = models.DecimalField(**MONEY)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=False)
    modified_at = models.DateTimeField(auto_now=True, db_index=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        # Tenant and mode first; each filter and each sort of the list API is an index scan
        # (B-trees scan backwards, so one index serves both directions).
        indexes = [
            models.Index(fields=["tenant", "mode", "created_at", "id"], name="checkout_created_idx"),
            models.Index(fields=["tenant", "mode", "modified_at", "id"], name="checkout_modified_idx"),
            models.Index(fields=["tenant", "mode", "id"], name="checkout_id_idx"),
            models.Index(fields=["tenant", "mode", "status", "id"], name="checkout_status_idx"),
            models.Index(fields=["tenant", "mode", "retry_attempts", "id"], name="checkout_retries_idx"),
            models.Index(fields=["tenant", "mode", "customer_id", "created_at", "id"], name="checkout_customer_idx"),
            models.Index(fields=["tenant", "mode", "order_created", "created_at", "id"], name="checkout_ordered_idx"),
            models.Index(
                fields=["tenant", "mode", "checkout_completed", "created_at", "id"], name="checkout_completed_idx"
            ),
            models.Index(fields=["tenant", "mode", "cart_ref"], name="checkout_cart_idx"),
        ]

    def __str__(self) -> str:
        return self.id


class IdempotencyRecord(models.Model):
    """The first answer to an `Idempotency-Key`, replayed for 24 h (DESIGN.md "Placing an order")."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(max_length=4, choices=Mode.choices)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty while in flight")
    response_body = models.JSONField(encoder=MoneyJSONEncoder, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "mode", "key"], name="idempotency_tenant_mode_key_uniq"),
        ]
        indexes = [models.Index(fields=["tenant", "created_at"], name="idempotency_created_idx")]

    def __str__(self) -> str:
        return self.key


class AttemptOutcome(models.TextChoices):
    SUCCEEDED = "succeeded", "Succeeded"
    ACCEPTED = "accepted", "Accepted (payment pending: invoice or custom)"
    DECLINED = "declined", "Declined"
    TRANSIENT = "transient", "Provider unavailable (retryable)"
    REJECTED = "rejected", "Rejected (cart or stock no longer valid)"


class CheckoutAttempt(models.Model):
    """One run of placement or retry for a checkout: the timeline staff see in the admin."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    checkout = models.ForeignKey(Checkout, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField(help_text="0 for the first placement, then 1, 2, … for retries")
    outcome = models.CharField(max_length=10, choices=AttemptOutcome.choices)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["checkout", "number", "id"]
        indexes = [models.Index(fields=["tenant", "checkout"], name="attempt_tenant_checkout_idx")]

    def __str__(self) -> str:
        return f"{self.checkout_id} #{self.number} {self.outcome}"


class TestGatewayCharge(models.Model):
    """The test payment gateway's own ledger (what a real provider keeps on its side).

    One row per idempotency key: a repeated charge with the same key replays the stored result
    instead of charging again.
    """

    __test__ = False  # not a pytest test class

    idempotency_key = models.CharField(max_length=200, unique=True)
    token = models.CharField(max_length=64)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, help_text="succeeded, declined or transient")
    attempts = models.PositiveIntegerField(default=1)
    transaction_id = models.CharField(max_length=64)
    refunded_amount = models.DecimalField(**MONEY, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.transaction_id} {self.status}"
