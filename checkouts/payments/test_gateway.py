"""The deterministic test gateway (test mode only).

Tokens (API): `tok_visa` succeeds, `tok_chargeDeclined` declines, `tok_processingError` fails
transiently on its first attempt per idempotency key and succeeds on the next. The hosted page
maps the test card numbers to the same tokens (`card_token`).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

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


# PostgreSQL: a duplicate key is skipped by ON CONFLICT, no savepoint (two round trips) needed to
# survive its IntegrityError; a concurrent insert of the same key is waited for, as before.
_LEDGER_INSERT_SQL = """
INSERT INTO checkouts_testgatewaycharge
  (idempotency_key, token, amount, currency, status, attempts, transaction_id, refunded_amount, created_at, modified_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING id
"""


def _ledger_insert(ledger: TestGatewayCharge) -> bool:
    """Store a first charge for its key; False (nothing written) when the key is already charged."""
    if connection.vendor != "postgresql":
        try:
            with transaction.atomic():
                ledger.save(force_insert=True)
        except IntegrityError:
            return False
        return True
    ledger.created_at = ledger.modified_at = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _LEDGER_INSERT_SQL,
            [
                ledger.idempotency_key,
                ledger.token,
                ledger.amount,
                ledger.currency,
                ledger.status,
                ledger.attempts,
                ledger.transaction_id,
                ledger.refunded_amount,
                ledger.created_at,
                ledger.modified_at,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    ledger.pk = row[0]
    ledger._state.adding = False
    ledger._state.db = connection.alias
    return True


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
            ledger = TestGatewayCharge(
                idempotency_key=request.idempotency_key,
                token=request.token,
                amount=request.amount,
                currency=request.currency,
                status=outcome,  # a transient outcome is stored as such: the next attempt passes
                transaction_id=f"ch_test_{secrets.token_hex(10)}",
            )
            if _ledger_insert(ledger):
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
