"""`Idempotency-Key` (DESIGN.md "Placing an order").

The same key with the same request within `IDEMPOTENCY_TTL` replays the first answer (status and
body) without doing anything again; the same key with another request → 422; a duplicate while
the first is still running → 409. Keys are per tenant and mode.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from checkout_project.errors import ApiError, DetailType, ErrorDetail, ErrorType, validation_error
from merchants.models import Tenant

from .errors import CheckoutErrorCode
from .models import IdempotencyRecord

MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class IdempotentAnswer:
    status: int
    body: dict[str, Any]
    replayed: bool


def request_fingerprint(*, method: str, path: str, data: Any) -> str:
    canonical = json.dumps([method, path, data], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_key_check(key: str | None) -> str | None:
    if key is None:
        return None
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise validation_error(
            [
                ErrorDetail(
                    "Idempotency-Key",
                    DetailType.INVALID_HEADER,
                    f"must be 1 to {MAX_KEY_LENGTH} printable characters",
                )
            ]
        )
    return key


def idempotent_run(
    *,
    tenant: Tenant,
    mode: str,
    key: str | None,
    fingerprint: str,
    run: Callable[[], tuple[int, dict[str, Any]]],
) -> IdempotentAnswer:
    """Run `run` once per key. `run` returns (status, body) or raises `ApiError`; both are stored.

    Anything else `run` raises (a bug, a lost database) forgets the key, so the client can retry.
    """
    if key is None:
        status, body = run()
        return IdempotentAnswer(status, body, replayed=False)
    record = _claim(tenant=tenant, mode=mode, key=key, fingerprint=fingerprint)
    if isinstance(record, IdempotentAnswer):
        return record
    try:
        status, body = run()
    except ApiError as error:
        _store(record, error.status, error.as_dict())
        raise
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise
    _store(record, status, body)
    return IdempotentAnswer(status, body, replayed=False)


def _claim(*, tenant: Tenant, mode: str, key: str, fingerprint: str) -> IdempotencyRecord | IdempotentAnswer:
    for _ in range(3):
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(tenant=tenant, mode=mode, key=key, request_hash=fingerprint)
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(tenant=tenant, mode=mode, key=key).first()
        if existing is None:
            continue  # expired and deleted meanwhile: claim again
        if existing.created_at < timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_TTL):
            IdempotencyRecord.objects.filter(pk=existing.pk, created_at=existing.created_at).delete()
            continue
        if existing.request_hash != fingerprint:
            raise ApiError(
                422,
                ErrorType.VALIDATION_VIOLATION,
                "This Idempotency-Key was already used with a different request",
                [ErrorDetail("Idempotency-Key", CheckoutErrorCode.IDEMPOTENCY_KEY_REUSED, "use a new key")],
            )
        if existing.status_code is None:
            raise ApiError(
                409,
                ErrorType.CONFLICT,
                "A request with this Idempotency-Key is still being processed",
                [ErrorDetail("Idempotency-Key", CheckoutErrorCode.IDEMPOTENCY_KEY_IN_FLIGHT, "retry later")],
                headers={"Retry-After": "1"},
            )
        return IdempotentAnswer(existing.status_code, existing.response_body, replayed=True)
    raise ApiError(409, ErrorType.CONFLICT, "Could not claim the Idempotency-Key, retry")


def _store(record: IdempotencyRecord, status: int, body: dict[str, Any]) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).update(status_code=status, response_body=body)
