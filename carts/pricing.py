"""The one pricing module: line prices, discounts, taxes, shipping and totals.

Everything is `Decimal`. Rounding to the currency's minor unit (ISO 4217 exponent, from Babel)
with ROUND_HALF_UP happens here and nowhere else: once per line, once per total.

Order of operations (DESIGN.md "Money"):
- `itemPrice = quantize(unitPrice × quantity)` per line; `subTotalPrice = Σ itemPrice`.
- Coupons with `ApplyDiscountBeforeTax` reduce the taxable amount: the discount is spread over
  the lines in proportion to their price (the last line takes the rounding remainder) and tax is
  computed on what is left of each line.
- Coupons with `ApplyDiscountAfterTax` come off the gross (lines + tax); tax is on the full amount.
- Shipping is added untaxed; it is free when the subtotal reaches the method's `free_above`.
- `totalPrice = subTotalPrice − totalDiscount + totalTax + shipping`, never negative: a discount
  is capped at what it applies to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import get_currency_precision, is_currency

from .models import CalculationType, DiscountType

ZERO = Decimal("0")
HUNDRED = Decimal("100")


@lru_cache(maxsize=512)
def minor_unit(currency: str) -> int:
    """ISO 4217 exponent: EUR 2, JPY 0, KWD 3."""
    if not is_known_currency(currency):
        raise ValueError(f"unknown currency {currency!r}")
    return get_currency_precision(currency)


@lru_cache(maxsize=512)
def is_known_currency(currency: str) -> bool:
    return isinstance(currency, str) and len(currency) == 3 and currency.isupper() and is_currency(currency)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """The only rounding in the service."""
    exponent = Decimal(1).scaleb(-minor_unit(currency))
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PricingLine:
    key: str
    unit_price: Decimal
    quantity: int
    tax_rate: Decimal  # percent, e.g. Decimal("15")
    tax_name: str = ""


@dataclass(frozen=True)
class PricingCoupon:
    code: str
    discount_type: str  # DiscountType
    value: Decimal
    calculation_type: str = CalculationType.BEFORE_TAX
    name: str = ""


@dataclass(frozen=True)
class LinePrice:
    key: str
    unit_price: Decimal
    quantity: int
    item_price: Decimal
    discount: Decimal  # before-tax discount allocated to this line
    taxable: Decimal
    tax_rate: Decimal
    tax_name: str
    tax: Decimal


@dataclass(frozen=True)
class TaxLine:
    name: str
    rate: Decimal
    taxable: Decimal
    amount: Decimal


@dataclass(frozen=True)
class DiscountLine:
    code: str
    name: str
    calculation_type: str
    amount: Decimal


@dataclass(frozen=True)
class CartTotals:
    currency: str
    lines: list[LinePrice]
    sub_total: Decimal
    total_discount: Decimal
    total_tax: Decimal
    shipping: Decimal
    total: Decimal
    units: int
    tax_lines: list[TaxLine] = field(default_factory=list)
    discounts: list[DiscountLine] = field(default_factory=list)


def tax_name_for(tax_code: str, rate: Decimal) -> str:
    rate_text = f"{rate.normalize():f}"
    return f"{tax_code} {rate_text}%" if tax_code else f"Tax {rate_text}%"


def shipping_amount(
    *, amount: Decimal | None, free_above: Decimal | None, sub_total: Decimal, currency: str
) -> Decimal:
    if amount is None:
        return ZERO
    if free_above is not None and sub_total >= free_above:
        return quantize(ZERO, currency)
    return quantize(amount, currency)


def coupon_amount(coupon: PricingCoupon, base: Decimal, currency: str) -> Decimal:
    """What a coupon takes off `base`, capped at `base` so nothing goes negative."""
    if base <= ZERO:
        return quantize(ZERO, currency)
    if coupon.discount_type == DiscountType.PERCENT:
        raw = base * min(max(coupon.value, ZERO), HUNDRED) / HUNDRED
    else:
        raw = max(coupon.value, ZERO)
    return quantize(min(raw, base), currency)


def allocate(amount: Decimal, weights: Sequence[Decimal], currency: str) -> list[Decimal]:
    """Split `amount` (≤ Σ weights) over `weights` proportionally, in whole minor units.

    Largest-remainder method: every share is between 0 and its weight, and the shares add up
    to `amount` exactly.
    """
    total = sum(weights, ZERO)
    if not weights or total <= ZERO:
        return [quantize(ZERO, currency) for _ in weights]
    unit = Decimal(1).scaleb(-minor_unit(currency))
    units = int(quantize(min(amount, total), currency) / unit)
    exact = [units * weight / total for weight in weights]
    shares = [int(x) for x in exact]  # floor: all values are non-negative
    leftover = units - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda i: (exact[i] - shares[i], -i), reverse=True)
    for i in by_remainder[:leftover]:
        shares[i] += 1
    return [quantize(share * unit, currency) for share in shares]


def price_cart(
    *,
    currency: str,
    lines: Iterable[PricingLine],
    coupons: Iterable[PricingCoupon] = (),
    shipping: Decimal | None = None,
    shipping_free_above: Decimal | None = None,
) -> CartTotals:
    """Price a cart. Pure: no database, same inputs give the same totals."""
    lines = list(lines)
    coupons = list(coupons)
    item_prices = [quantize(line.unit_price * line.quantity, currency) for line in lines]
    sub_total = quantize(sum(item_prices, ZERO), currency)

    discounts: list[DiscountLine] = []
    before_tax_total = ZERO
    for coupon in coupons:
        if coupon.calculation_type != CalculationType.AFTER_TAX:
            amount = coupon_amount(coupon, sub_total - before_tax_total, currency)
            before_tax_total += amount
            discounts.append(DiscountLine(coupon.code, coupon.name, CalculationType.BEFORE_TAX, amount))

    line_discounts = allocate(before_tax_total, item_prices, currency)
    priced: list[LinePrice] = []
    for line, item_price, line_discount in zip(lines, item_prices, line_discounts, strict=True):
        taxable = item_price - line_discount
        tax = quantize(taxable * line.tax_rate / HUNDRED, currency)
        priced.append(
            LinePrice(
                key=line.key,
                unit_price=quantize(line.unit_price, currency),
                quantity=line.quantity,
                item_price=item_price,
                discount=line_discount,
                taxable=taxable,
                tax_rate=line.tax_rate,
                tax_name=line.tax_name or tax_name_for("", line.tax_rate),
                tax=tax,
            )
        )
    total_tax = quantize(sum((p.tax for p in priced), ZERO), currency)

    after_tax_total = ZERO
    gross = sub_total - before_tax_total + total_tax
    for coupon in coupons:
        if coupon.calculation_type == CalculationType.AFTER_TAX:
            amount = coupon_amount(coupon, gross - after_tax_total, currency)
            after_tax_total += amount
            discounts.append(DiscountLine(coupon.code, coupon.name, CalculationType.AFTER_TAX, amount))
    # Keep the coupons in the order they were applied.
    order = {c.code: i for i, c in enumerate(coupons)}
    discounts.sort(key=lambda d: order[d.code])

    ship = shipping_amount(amount=shipping, free_above=shipping_free_above, sub_total=sub_total, currency=currency)
    total_discount = quantize(before_tax_total + after_tax_total, currency)
    total = quantize(sub_total - total_discount + total_tax + ship, currency)

    tax_groups: dict[tuple[str, Decimal], list[LinePrice]] = {}
    for p in priced:
        tax_groups.setdefault((p.tax_name, p.tax_rate), []).append(p)
    tax_lines = [
        TaxLine(
            name=name,
            rate=rate,
            taxable=quantize(sum((p.taxable for p in group), ZERO), currency),
            amount=quantize(sum((p.tax for p in group), ZERO), currency),
        )
        for (name, rate), group in tax_groups.items()
    ]
    return CartTotals(
        currency=currency,
        lines=priced,
        sub_total=sub_total,
        total_discount=total_discount,
        total_tax=total_tax,
        shipping=ship,
        total=total,
        units=sum(line.quantity for line in lines),
        tax_lines=tax_lines,
        discounts=discounts,
    )
