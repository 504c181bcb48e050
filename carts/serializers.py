"""Input shapes of the catalog and cart API: parsing only; the rules live in carts.services.

Every serializer refuses unknown fields (`unknown_field`). Field names are the API's (camelCase);
`source=` maps them to the services' keyword names, so `validated_data` feeds a service directly.
"""

from decimal import Decimal

from rest_framework import serializers

from checkout_project.serializers import StrictSerializer

from .models import CalculationType, CartStatus, DiscountType
from .pricing import is_known_currency
from .services import CATALOG_ID_PATTERN, MAX_ITEM_QUANTITY, MAX_STOCK

MONEY = {"max_digits": 19, "decimal_places": 4}


DB_INTEGER_MAX = 2**31 - 1  # PostgreSQL `integer`: larger values would be a database error


class WholeNumberField(serializers.IntegerField):
    """A JSON integer (`1` or `1.0`); strings, booleans and fractions are refused.

    Bounded by the database's integer range unless the field sets tighter limits.
    """

    default_error_messages = {"invalid": "must be a whole number"}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_value", DB_INTEGER_MAX)
        kwargs.setdefault("min_value", -DB_INTEGER_MAX)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | Decimal):
            self.fail("invalid")
        if isinstance(data, Decimal):
            if not data.is_finite() or data != data.to_integral_value():
                self.fail("invalid")
            data = int(data)
        return super().to_internal_value(data)


class AmountField(serializers.DecimalField):
    """A JSON number (kept Decimal by the parser), never a string; not negative."""

    default_error_messages = {"not_a_number": "must be a number"}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**MONEY, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | Decimal):
            self.fail("not_a_number")
        return super().to_internal_value(data)


class CurrencyField(serializers.CharField):
    """ISO 4217 alphabetic code, e.g. EUR (validated with carts.pricing.is_known_currency)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 3)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not is_known_currency(value):
            raise serializers.ValidationError("must be an ISO 4217 currency code, e.g. EUR")
        return value


class CatalogIdField(serializers.RegexField):
    """A sku, shipping method or zone id, or coupon code: letters, digits, '.', '_', '-' (max 64)."""

    def __init__(self, **kwargs):
        super().__init__(
            CATALOG_ID_PATTERN,
            max_length=64,
            error_messages={"invalid": "letters, digits, '.', '_' and '-' only, starting with a letter or digit"},
            **kwargs,
        )


def _text(max_length: int, **kwargs):
    return serializers.CharField(max_length=max_length, allow_blank=True, required=False, **kwargs)


# -- products ---------------------------------------------------------------------------------


class ProductUpdateSerializer(StrictSerializer):
    """PUT replaces every field (omitted ones take their defaults); PATCH (partial) only those given.

    Defaults live in `carts.services.ProductData`, not here: validated data holds what was sent.
    """

    unknown_field_messages = {
        "sku": "the sku is the product id and cannot be changed",
        "stockOnHand": "stock changes only through POST /product/{tenant}/products/{id}/stock",
    }

    name = serializers.CharField(max_length=200)
    description = _text(5000)
    unitPrice = AmountField(source="unit_price")  # noqa: N815
    currency = CurrencyField()
    taxCode = _text(32, source="tax_code")  # noqa: N815
    taxRate = serializers.DecimalField(  # noqa: N815
        max_digits=7,
        decimal_places=4,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        source="tax_rate",
        required=False,
        help_text="Percent, e.g. 15.0; default 0",
    )
    active = serializers.BooleanField(required=False, help_text="Default true")


class ProductCreateSerializer(ProductUpdateSerializer):
    sku = CatalogIdField()
    stockOnHand = WholeNumberField(  # noqa: N815
        source="stock_on_hand", min_value=0, max_value=MAX_STOCK, required=False, help_text="Default 0"
    )


class StockAdjustSerializer(StrictSerializer):
    delta = WholeNumberField(
        min_value=-MAX_STOCK, max_value=MAX_STOCK, help_text="Signed change of the stock on hand, e.g. -2"
    )


# -- shipping methods -------------------------------------------------------------------------


class ShippingMethodUpdateSerializer(StrictSerializer):
    unknown_field_messages = {
        "methodId": "the method id is part of the path and cannot be changed",
        "zoneId": "the zone id is part of the path and cannot be changed",
    }

    name = serializers.CharField(max_length=200)
    amount = AmountField()
    currency = CurrencyField()
    freeAbove = AmountField(  # noqa: N815
        source="free_above", required=False, allow_null=True, help_text="Free from this subtotal"
    )
    active = serializers.BooleanField(required=False, help_text="Default true")


class ShippingMethodCreateSerializer(ShippingMethodUpdateSerializer):
    methodId = CatalogIdField(source="method_id", help_text="e.g. UPS")  # noqa: N815
    zoneId = CatalogIdField(source="zone_id", help_text="e.g. US")  # noqa: N815


# -- coupons ----------------------------------------------------------------------------------


class CouponUpdateSerializer(StrictSerializer):
    unknown_field_messages = {
        "code": "the code is the coupon id and cannot be changed",
        "redemptions": "redemptions are counted by checkouts",
    }

    name = _text(200)
    discountType = serializers.ChoiceField(choices=DiscountType.choices, source="discount_type")  # noqa: N815
    value = AmountField(help_text="Percent (0-100) for PERCENT, an amount in `currency` for FIXED")
    currency = CurrencyField(required=False, allow_null=True, help_text="Required for FIXED")
    calculationType = serializers.ChoiceField(  # noqa: N815
        choices=CalculationType.choices,
        source="calculation_type",
        required=False,
        help_text="Default ApplyDiscountBeforeTax",
    )
    validFrom = serializers.DateTimeField(source="valid_from", required=False, allow_null=True)  # noqa: N815
    validTo = serializers.DateTimeField(source="valid_to", required=False, allow_null=True)  # noqa: N815
    maxRedemptions = WholeNumberField(source="max_redemptions", min_value=1, required=False, allow_null=True)  # noqa: N815
    minOrderValue = AmountField(source="min_order_value", required=False, allow_null=True)  # noqa: N815
    active = serializers.BooleanField(required=False, help_text="Default true")

    def validate_currency(self, value):
        return value or ""  # the model keeps "no currency" as an empty string


class CouponCreateSerializer(CouponUpdateSerializer):
    code = CatalogIdField()


# -- carts ------------------------------------------------------------------------------------


class CartCreateSerializer(StrictSerializer):
    customerId = serializers.CharField(max_length=128, source="customer_id")  # noqa: N815
    currency = CurrencyField(required=False, help_text="Default: the tenant's default currency")
    siteCode = serializers.CharField(max_length=64, source="site_code", required=False)  # noqa: N815


class CartItemAddSerializer(StrictSerializer):
    productId = CatalogIdField(source="sku", help_text="The product's sku")  # noqa: N815
    quantity = WholeNumberField(min_value=1, max_value=MAX_ITEM_QUANTITY)


class CartItemQuantitySerializer(StrictSerializer):
    quantity = WholeNumberField(min_value=1, max_value=MAX_ITEM_QUANTITY)


class CartCouponSerializer(StrictSerializer):
    code = CatalogIdField()


class CartShippingSerializer(StrictSerializer):
    methodId = CatalogIdField(source="method_id")  # noqa: N815
    zoneId = CatalogIdField(source="zone_id")  # noqa: N815


CART_STATUSES = CartStatus.values
