"""OpenAPI shapes of the catalog and cart JSON, for drf-spectacular only.

The responses are built by `carts.selectors` (`cart_json`, `product_json`, ...); these serializers
only describe them.
"""

from rest_framework import serializers

from .models import CalculationType, CartStatus, DiscountType

Money = serializers.FloatField  # JSON numbers, rounded to the currency's minor unit


class TimestampsSchema(serializers.Serializer):
    createdAt = serializers.DateTimeField()  # noqa: N815
    modifiedAt = serializers.DateTimeField()  # noqa: N815


class ProductSchema(serializers.Serializer):
    id = serializers.CharField(help_text="The sku")
    yrn = serializers.CharField()
    sku = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    unitPrice = Money()  # noqa: N815
    currency = serializers.CharField()
    stockOnHand = serializers.IntegerField()  # noqa: N815
    taxCode = serializers.CharField()  # noqa: N815
    taxRate = serializers.FloatField(help_text="Percent")  # noqa: N815
    active = serializers.BooleanField()
    metadata = TimestampsSchema()


class ShippingMethodSchema(serializers.Serializer):
    methodId = serializers.CharField()  # noqa: N815
    zoneId = serializers.CharField()  # noqa: N815
    name = serializers.CharField()
    amount = Money()
    currency = serializers.CharField()
    freeAbove = Money(allow_null=True)  # noqa: N815
    active = serializers.BooleanField()
    metadata = TimestampsSchema()


class CouponSchema(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    discountType = serializers.ChoiceField(choices=DiscountType.choices)  # noqa: N815
    value = Money()
    currency = serializers.CharField(allow_null=True)
    calculationType = serializers.ChoiceField(choices=CalculationType.choices)  # noqa: N815
    validFrom = serializers.DateTimeField(allow_null=True)  # noqa: N815
    validTo = serializers.DateTimeField(allow_null=True)  # noqa: N815
    maxRedemptions = serializers.IntegerField(allow_null=True)  # noqa: N815
    redemptions = serializers.IntegerField(help_text="Orders placed with the coupon (read-only)")
    minOrderValue = Money(allow_null=True)  # noqa: N815
    active = serializers.BooleanField()
    metadata = TimestampsSchema()


class CartProductSchema(serializers.Serializer):
    yrn = serializers.CharField()
    id = serializers.CharField()
    sku = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    metadata = serializers.DictField()
    mixins = serializers.DictField()
    pictures = serializers.ListField(child=serializers.DictField())


class ItemTaxSchema(serializers.Serializer):
    rate = serializers.FloatField()
    name = serializers.CharField()
    value = Money()


class UnitPriceSchema(serializers.Serializer):
    value = Money()
    priceId = serializers.CharField()  # noqa: N815
    yrn = serializers.CharField()
    itemYrn = serializers.CharField()  # noqa: N815
    originalAmount = Money()  # noqa: N815
    currency = serializers.CharField()


class CartItemSchema(serializers.Serializer):
    id = serializers.CharField(help_text="The item id used in /items/{itemId}")
    yrn = serializers.CharField()
    product = CartProductSchema()
    itemPrice = Money()  # noqa: N815
    quantity = serializers.IntegerField()
    taxCode = serializers.CharField()  # noqa: N815
    itemTaxes = ItemTaxSchema(many=True)  # noqa: N815
    unitPrice = UnitPriceSchema()  # noqa: N815


class LinkSchema(serializers.Serializer):
    title = serializers.CharField()
    rel = serializers.CharField()
    type = serializers.CharField()
    href = serializers.CharField()


class DiscountSchema(serializers.Serializer):
    id = serializers.CharField()
    yrn = serializers.CharField()
    couponYrn = serializers.CharField()  # noqa: N815
    code = serializers.CharField()
    amount = Money()
    currency = serializers.CharField()
    name = serializers.CharField()
    sequenceId = serializers.IntegerField()  # noqa: N815
    calculationType = serializers.ChoiceField(choices=CalculationType.choices)  # noqa: N815
    links = LinkSchema(many=True)


class CartShippingSchema(serializers.Serializer):
    methodId = serializers.CharField(allow_null=True)  # noqa: N815
    zoneId = serializers.CharField(allow_null=True)  # noqa: N815
    methodName = serializers.CharField(required=False)  # noqa: N815
    amount = Money()


class TaxLineSchema(serializers.Serializer):
    name = serializers.CharField()
    rate = serializers.FloatField()
    amount = Money()
    taxable = Money()


class TaxAggregateSchema(serializers.Serializer):
    lines = TaxLineSchema(many=True)


class CartMetadataSchema(TimestampsSchema):
    mixins = serializers.DictField()


class CartSchema(serializers.Serializer):
    id = serializers.CharField()
    yrn = serializers.CharField()
    customerId = serializers.CharField()  # noqa: N815
    status = serializers.ChoiceField(choices=CartStatus.choices)
    siteCode = serializers.CharField()  # noqa: N815
    currency = serializers.CharField()
    subTotalPrice = Money()  # noqa: N815
    deliveryWindowId = serializers.CharField(allow_null=True)  # noqa: N815
    shipping = CartShippingSchema()
    totalUnitsCount = serializers.IntegerField()  # noqa: N815
    totalTax = Money()  # noqa: N815
    totalDiscount = Money()  # noqa: N815
    totalPrice = Money()  # noqa: N815
    taxDescription = serializers.CharField()  # noqa: N815
    metadata = CartMetadataSchema()
    mixins = serializers.DictField()
    cartItems = CartItemSchema(many=True)  # noqa: N815
    discounts = DiscountSchema(many=True)
    taxAggregate = TaxAggregateSchema()  # noqa: N815
