"""JSON for money: amounts are JSON numbers, as the reference shows them (`"totalPrice": 115.0`).

Amounts stay `Decimal` until this encoder writes them; every amount has already been rounded by
`carts.pricing.quantize`, so the float repr prints exactly those digits.
"""

from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from psycopg.types.json import Json, Jsonb


class MoneyJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)


class JSONDocumentField(models.JSONField):
    """A JSON document kept as the text it was written: PostgreSQL `json`, not `jsonb`.

    For documents that are written once and only ever read back whole, never queried into (a
    checkout's cart snapshot): PostgreSQL hands `json` out as stored, while it re-serialises
    `jsonb` on every read, which was a third of the database's work for a page of checkouts.
    Keys keep the order they were written in. Elsewhere (SQLite) it is a plain JSONField.
    """

    def db_type(self, connection):
        return "json" if connection.vendor == "postgresql" else super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        adapted = super().get_db_prep_value(value, connection, prepared)
        if isinstance(adapted, Jsonb):  # PostgreSQL: sent as `json`, stored as written
            return Json(adapted.obj, dumps=adapted.dumps)
        return adapted

    def from_db_value(self, value, expression, connection):
        if value is not None and not isinstance(value, str):  # psycopg decodes `json` itself
            return value
        return super().from_db_value(value, expression, connection)
