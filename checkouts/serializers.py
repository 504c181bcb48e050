"""Input shapes of the checkout API: parsing only, the rules live in checkouts.placement."""

from functools import lru_cache

from babel import Locale
from rest_framework import serializers

from checkout_project.serializers import StrictSerializer

from .payments import PROVIDERS

NAME = {"max_length": 200, "required": False, "allow_blank": True}


def freeform() -> serializers.DictField:
    """The reference's free-form `metadata` / `mixins` objects."""
    return serializers.DictField(required=False, child=serializers.JSONField())


@lru_cache(maxsize=1)
def iso_country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, from Babel's CLDR data (no hand-written table)."""
    return frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())


class CustomerSerializer(StrictSerializer):
    id = serializers.CharField(max_length=128, required=False)
    yrn = serializers.CharField(max_length=300, required=False)
    email = serializers.EmailField(max_length=254)
    title = serializers.CharField(**NAME)
    name = serializers.CharField(**NAME)
    firstName = serializers.CharField(**NAME)  # noqa: N815 - the reference's field names
    middleName = serializers.CharField(**NAME)  # noqa: N815
    lastName = serializers.CharField(**NAME)  # noqa: N815
    company = serializers.CharField(**NAME)
    guest = serializers.BooleanField(required=False)
    metadata = freeform()
    mixins = freeform()

    def validate(self, attrs):
        if not (attrs.get("firstName") or attrs.get("lastName")):
            raise serializers.ValidationError(
                {"firstName": serializers.ErrorDetail("firstName or lastName is required", code="required")}
            )
        return attrs


class AddressSerializer(StrictSerializer):
    contactName = serializers.CharField(max_length=200)  # noqa: N815
    companyName = serializers.CharField(**NAME)  # noqa: N815
    street = serializers.CharField(max_length=200)
    streetNumber = serializers.CharField(max_length=50, required=False, allow_blank=True)  # noqa: N815
    streetAppendix = serializers.CharField(**NAME)  # noqa: N815
    zipCode = serializers.CharField(max_length=20)  # noqa: N815
    city = serializers.CharField(max_length=100)
    country = serializers.CharField(max_length=2, min_length=2)
    state = serializers.CharField(max_length=100, required=False, allow_blank=True)
    contactPhone = serializers.CharField(max_length=50, required=False, allow_blank=True)  # noqa: N815
    type = serializers.ChoiceField(choices=["SHIPPING", "BILLING"])
    metadata = freeform()
    mixins = freeform()

    def validate_country(self, value: str) -> str:
        if value not in iso_country_codes():
            raise serializers.ValidationError("must be an ISO 3166-1 alpha-2 country code, e.g. DE")
        return value


class ShippingSerializer(StrictSerializer):
    methodId = serializers.CharField(max_length=64)  # noqa: N815
    zoneId = serializers.CharField(max_length=64)  # noqa: N815
    methodName = serializers.CharField(max_length=200)  # noqa: N815
    amount = serializers.DecimalField(max_digits=19, decimal_places=4, min_value=0)


class PaymentMethodSerializer(StrictSerializer):
    provider = serializers.ChoiceField(choices=PROVIDERS)
    method = serializers.CharField(max_length=64, required=False, allow_blank=True)
    paymentMethodYrn = serializers.CharField(max_length=300, required=False, allow_blank=True)  # noqa: N815
    amount = serializers.DecimalField(max_digits=19, decimal_places=4, min_value=0, required=False)
    customAttributes = freeform()  # noqa: N815


class PlaceOrderSerializer(StrictSerializer):
    """The trigger-checkout body (DESIGN.md "Placing an order")."""

    cartId = serializers.CharField(max_length=40)  # noqa: N815
    customer = CustomerSerializer()
    addresses = AddressSerializer(many=True, max_length=10)
    shipping = ShippingSerializer()
    paymentMethods = PaymentMethodSerializer(many=True)  # noqa: N815
    currency = serializers.CharField(max_length=3, min_length=3, required=False)

    def validate_addresses(self, value):
        if len(value) < 2:
            raise serializers.ValidationError("at least two addresses are required: one SHIPPING and one BILLING")
        types = {address["type"] for address in value}
        for required in ("SHIPPING", "BILLING"):
            if required not in types:
                raise serializers.ValidationError(f"a {required} address is required")
        return value

    def validate_paymentMethods(self, value):  # noqa: N802
        if len(value) != 1:
            raise serializers.ValidationError("exactly one payment method is required")
        return value


class PlaceOrderResponseSerializer(serializers.Serializer):
    orderId = serializers.CharField()  # noqa: N815
    checkoutId = serializers.CharField()  # noqa: N815
    paymentDetails = serializers.JSONField(allow_null=True)  # noqa: N815


class RetryResponseSerializer(serializers.Serializer):
    orderId = serializers.CharField()  # noqa: N815
