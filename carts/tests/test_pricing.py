"""carts.pricing: the reference sample cart and properties over random carts."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carts.models import CalculationType, DiscountType
from carts.pricing import PricingCoupon, PricingLine, minor_unit, price_cart, quantize

D = Decimal


def reference_cart(calculation_type):
    """Reference GET /{tenant}/checkouts/{id}: one sku3 at 100.0, 15 % tax, 10.0 shipping, a 10.0 coupon."""
    return price_cart(
        currency="USD",
        lines=[PricingLine(key="0", unit_price=D("100.0"), quantity=1, tax_rate=D("15"), tax_name="tax 15%")],
        coupons=[PricingCoupon("THANKSGIVING10", DiscountType.FIXED, D("10.0"), calculation_type)],
        shipping=D("10.0"),
    )


def test_reference_sample_after_tax():
    totals = reference_cart(CalculationType.AFTER_TAX)
    assert totals.sub_total == D("100.00")
    assert totals.total_tax == D("15.00")
    assert totals.total_discount == D("10.00")
    assert totals.shipping == D("10.00")
    assert totals.total == D("115.00")
    assert [(t.rate, t.amount, t.taxable) for t in totals.tax_lines] == [(D("15"), D("15.00"), D("100.00"))]


def test_reference_sample_before_tax():
    totals = reference_cart(CalculationType.BEFORE_TAX)
    assert totals.total_tax == D("13.50")
    assert totals.total_discount == D("10.00")
    assert totals.total == D("113.50")


@pytest.mark.parametrize(("currency", "exponent"), [("EUR", 2), ("JPY", 0), ("KWD", 3), ("USD", 2)])
def test_minor_units_come_from_iso_4217(currency, exponent):
    assert minor_unit(currency) == exponent


def test_rounding_is_half_up():
    assert quantize(D("0.125"), "EUR") == D("0.13")
    assert quantize(D("0.5"), "JPY") == D("1")
    assert quantize(D("1.0005"), "KWD") == D("1.001")


def test_unknown_currency_is_refused():
    with pytest.raises(ValueError, match="unknown currency"):
        minor_unit("XYZ")


def test_free_shipping_above_threshold():
    line = PricingLine(key="a", unit_price=D("30"), quantity=2, tax_rate=D("0"))
    assert price_cart(currency="EUR", lines=[line], shipping=D("4.99"), shipping_free_above=D("50")).shipping == 0
    assert price_cart(currency="EUR", lines=[line], shipping=D("4.99"), shipping_free_above=D("70")).shipping == D(
        "4.99"
    )


def test_before_tax_discount_is_spread_over_lines_with_different_rates():
    totals = price_cart(
        currency="EUR",
        lines=[
            PricingLine(key="a", unit_price=D("30"), quantity=1, tax_rate=D("19")),
            PricingLine(key="b", unit_price=D("10"), quantity=1, tax_rate=D("7")),
        ],
        coupons=[PricingCoupon("TEN", DiscountType.PERCENT, D("10"))],
    )
    assert [line.discount for line in totals.lines] == [D("3.00"), D("1.00")]
    # 27 * 19 % = 5.13; 9 * 7 % = 0.63
    assert totals.total_tax == D("5.76")
    assert totals.total == D("40") - D("4") + D("5.76")


CURRENCIES = st.sampled_from(["EUR", "JPY", "KWD", "USD", "CHF"])
RATES = st.sampled_from([D("0"), D("7"), D("15"), D("19"), D("20"), D("8.1")])


@st.composite
def carts(draw):
    currency = draw(CURRENCIES)
    places = minor_unit(currency)
    lines = [
        PricingLine(
            key=str(i),
            unit_price=D(draw(st.integers(min_value=0, max_value=10**7))).scaleb(-places),
            quantity=draw(st.integers(min_value=1, max_value=999)),
            tax_rate=draw(RATES),
        )
        for i in range(draw(st.integers(min_value=0, max_value=6)))
    ]
    coupons = []
    for i in range(draw(st.integers(min_value=0, max_value=2))):
        if draw(st.booleans()):
            coupons.append(
                PricingCoupon(
                    f"P{i}",
                    DiscountType.PERCENT,
                    D(draw(st.integers(min_value=0, max_value=100))),
                    draw(st.sampled_from(list(CalculationType.values))),
                )
            )
        else:
            coupons.append(
                PricingCoupon(
                    f"F{i}",
                    DiscountType.FIXED,
                    D(draw(st.integers(min_value=0, max_value=10**8))).scaleb(-places),
                    draw(st.sampled_from(list(CalculationType.values))),
                )
            )
    shipping = D(draw(st.integers(min_value=0, max_value=10**5))).scaleb(-places)
    return currency, lines, coupons, shipping


def exponent_of(amount: Decimal) -> int:
    return -amount.as_tuple().exponent


@settings(max_examples=300, deadline=None)
@given(carts())
def test_totals_properties_over_random_carts(cart):
    currency, lines, coupons, shipping = cart
    totals = price_cart(currency=currency, lines=lines, coupons=coupons, shipping=shipping)
    places = minor_unit(currency)
    amounts = [totals.sub_total, totals.total_discount, totals.total_tax, totals.shipping, totals.total]
    amounts += [x for line in totals.lines for x in (line.item_price, line.tax, line.discount, line.taxable)]
    amounts += [d.amount for d in totals.discounts] + [t.amount for t in totals.tax_lines]
    for amount in amounts:
        assert exponent_of(amount) == places, (amount, currency)
        assert amount >= 0
    assert totals.total == totals.sub_total - totals.total_discount + totals.total_tax + totals.shipping
    assert totals.sub_total == sum((line.item_price for line in totals.lines), D(0))
    assert totals.total_discount == sum((d.amount for d in totals.discounts), D(0))
    assert totals.total_tax == sum((t.amount for t in totals.tax_lines), D(0))
    assert totals.total >= totals.shipping


@settings(max_examples=100, deadline=None)
@given(carts(), st.sampled_from(list(CalculationType.values)))
def test_full_coupon_never_makes_the_total_negative(cart, calculation_type):
    currency, lines, _, shipping = cart
    totals = price_cart(
        currency=currency,
        lines=lines,
        coupons=[PricingCoupon("ALL", DiscountType.PERCENT, D("100"), calculation_type)],
        shipping=shipping,
    )
    assert totals.total >= 0
    if calculation_type == CalculationType.BEFORE_TAX:
        assert totals.total_tax == 0
    assert totals.total == totals.shipping
