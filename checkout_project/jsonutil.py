"""JSON for money: amounts are JSON numbers, as the reference shows them (`"totalPrice": 115.0`).

Amounts stay `Decimal` until this encoder writes them; every amount has already been rounded by
`carts.pricing.quantize`, so the float repr prints exactly those digits.
"""

from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder


class MoneyJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)
