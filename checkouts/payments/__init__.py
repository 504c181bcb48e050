"""Payment gateway interface.

A gateway takes `charge` and `refund` calls, each with an idempotency key: the same key never
moves money twice. Placement derives the key from the checkout and its order, so a retry after a
transient failure reuses it and a provider that already charged simply replays the result.

Providers, as the placement request names them in `paymentMethods[0].provider`:
- `payment-gateway` — the card gateway: the deterministic test gateway in test mode; live mode
  needs `PAYMENT_GATEWAY_LIVE` configured (none ships with the service).
- `none` — invoice / cash on delivery: nothing is charged, the payment stays pending.
- `custom` — the merchant takes payment itself: nothing is charged, the order stays pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class ChargeStatus(StrEnum):
    SUCCEEDED = "succeeded"
    DECLINED = "declined"
    TRANSIENT = "transient"  # provider unavailable or timed out: safe to retry with the same key
    PENDING = "pending"  # nothing charged now (invoice, custom)


@dataclass(frozen=True)
class ChargeRequest:
    amount: Decimal
    currency: str
    idempotency_key: str
    token: str = ""  # the provider's payment token, e.g. tok_visa
    description: str = ""


@dataclass(frozen=True)
class ChargeResult:
    status: ChargeStatus
    transaction_id: str = ""
    card_last4: str = ""
    method: str = ""
    message: str = ""


@dataclass(frozen=True)
class RefundResult:
    succeeded: bool
    transaction_id: str = ""
    message: str = ""


class PaymentGateway(Protocol):
    name: str

    def charge(self, request: ChargeRequest) -> ChargeResult: ...

    def refund(self, *, transaction_id: str, amount: Decimal, idempotency_key: str) -> RefundResult: ...


class DeferredGateway:
    """`none` and `custom`: the order is created and nothing is charged now."""

    def __init__(self, name: str, method: str) -> None:
        self.name = name
        self.method = method

    def charge(self, request: ChargeRequest) -> ChargeResult:
        return ChargeResult(status=ChargeStatus.PENDING, method=self.method)

    def refund(self, *, transaction_id: str, amount: Decimal, idempotency_key: str) -> RefundResult:
        return RefundResult(succeeded=True)


PROVIDERS = ("payment-gateway", "none", "custom")


class GatewayUnavailable(Exception):
    """No gateway is configured for this provider and mode."""


def gateway_for(*, provider: str, mode: str) -> PaymentGateway:
    if provider == "none":
        return DeferredGateway("none", "invoice")
    if provider == "custom":
        return DeferredGateway("custom", "custom")
    if provider == "payment-gateway":
        path = settings.PAYMENT_GATEWAY_TEST if mode == "test" else settings.PAYMENT_GATEWAY_LIVE
        if not path:
            raise GatewayUnavailable(f"no payment gateway is configured for {mode} mode")
        return import_string(path)()
    raise GatewayUnavailable(f"unknown payment provider {provider!r}")
