"""The deterministic test gateway (test mode only).

Tokens (API): `tok_visa` succeeds, `tok_chargeDeclined` declines, `tok_processingError` fails
transiently on its first attempt per idempotency key and succeeds on the next. The hosted page
maps the test card numbers to the same tokens (`card_token`).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction

from ..models import TestGatewayCharge
from . import ChargeRequest, ChargeResult, ChargeStatus, RefundResult

TOKENS = {
    "tok_visa": ChargeStatus.SUCCEEDED,
    "tok_chargeDeclined": ChargeStatus.DECLINED,
    "tok_processingError": ChargeStatus.TRANSIENT,
}
TEST_CARDS = {
    "4242424242424242": "tok_visa",
    "4000000000000002": "tok_chargeDeclined",
    "4000000000000119": "tok_processingError",
}
LAST4 = {token: number[-4:] for number, token in TEST_CARDS.items()}


def card_token(card_number: str) -> str | None:
    """The test token for a test card number (spaces and dashes ignored), or None."""
    digits = "".join(ch for ch in card_number if ch.isdigit())
    return TEST_CARDS.get(digits)


class TestGateway:
    __test__ = False
    name = "test"

    def charge(self, request: ChargeRequest) -> ChargeResult:
        outcome = TOKENS.get(request.token)
        if outcome is None:
            return ChargeResult(status=ChargeStatus.DECLINED, message=f"unknown test token {request.token!r}")
        # No savepoint of its own inside the caller's transaction: any error propagates anyway.
        with transaction.atomic(savepoint=False):
            # A first charge for a key (the usual case) is one INSERT; the unique key refuses a
            # second one, and a concurrent request with the same key waits here for the first.
            try:
                with transaction.atomic():
                    ledger = TestGatewayCharge.objects.create(
                        idempotency_key=request.idempotency_key,
                        token=request.token,
                        amount=request.amount,
                        currency=request.currency,
                        status=outcome,  # a transient outcome is stored as such: the next attempt passes
                        transaction_id=f"ch_test_{secrets.token_hex(10)}",
                    )
            except IntegrityError:
                pass
            else:
                return self._result(ledger, replay=False)
            ledger = TestGatewayCharge.objects.select_for_update().get(idempotency_key=request.idempotency_key)
            if ledger.status == ChargeStatus.TRANSIENT:
                # The processing error happens once per key; the next attempt goes through.
                ledger.status = ChargeStatus.SUCCEEDED
                ledger.attempts += 1
                ledger.save(update_fields=["status", "attempts", "modified_at"])
                return self._result(ledger, replay=False)
            return self._result(ledger, replay=True)

    def _result(self, ledger: TestGatewayCharge, *, replay: bool) -> ChargeResult:
        messages = {
            ChargeStatus.SUCCEEDED: "",
            ChargeStatus.DECLINED: "The card was declined",
            ChargeStatus.TRANSIENT: "The payment provider could not process the payment, please retry",
        }
        return ChargeResult(
            status=ChargeStatus(ledger.status),
            transaction_id=ledger.transaction_id if ledger.status == ChargeStatus.SUCCEEDED else "",
            card_last4=LAST4.get(ledger.token, ""),
            method="creditcard",
            message=messages[ChargeStatus(ledger.status)],
        )

    def refund(self, *, transaction_id: str, amount: Decimal, idempotency_key: str) -> RefundResult:
        with transaction.atomic():
            ledger = TestGatewayCharge.objects.select_for_update().filter(transaction_id=transaction_id).first()
            if ledger is None or ledger.status != ChargeStatus.SUCCEEDED:
                return RefundResult(succeeded=False, message="no such charge")
            if ledger.refunded_amount + amount > ledger.amount:
                return RefundResult(succeeded=False, message="refund exceeds the charge")
            ledger.refunded_amount += amount
            ledger.save(update_fields=["refunded_amount", "modified_at"])
        return RefundResult(succeeded=True, transaction_id=f"re_test_{secrets.token_hex(10)}")
