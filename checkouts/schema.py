"""OpenAPI shapes of the checkout JSON (the reference GET example), for drf-spectacular only.

The responses themselves are built by `checkouts.selectors`; these serializers only describe them.
"""

from rest_framework import serializers

from .models import CheckoutStatus, OrderStatus, PaymentStatus

Money = serializers.FloatField  # JSON numbers, rounded to the currency's minor unit


class MixinsSerializer(serializers.Serializer):
    metadata = serializers.DictField(required=False)
    mixins = serializers.DictField(required=False)


class AddressSchema(MixinsSerializer):
    contactName = serializers.CharField()  # noqa: N815
    companyName = serializers.CharField(required=False)  # noqa: N815
    street = serializers.CharField()
    streetNumber = serializers.CharField(required=False)  # noqa: N815
    streetAppendix = serializers.CharField(required=False)  # noqa: N815
    zipCode = serializers.CharField()  # noqa: N815
    city = serializers.CharField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2")
    state = serializers.CharField(required=False)
    contactPhone = serializers.CharField(required=False)  # noqa: N815
    type = serializers.ChoiceField(choices=["SHIPPING", "BILLING"])


class CustomerSchema(MixinsSerializer):
    id = serializers.CharField()
    yrn = serializers.CharField()
    title = serializers.CharField(required=False)
    name = serializers.CharField(required=False)
    firstName = serializers.CharField(required=False)  # noqa: N815
    middleName = serializers.CharField(required=False)  # noqa: N815
    lastName = serializers.CharField(required=False)  # noqa: N815
    email = serializers.EmailField()
    company = serializers.CharField(required=False)
    guest = serializers.BooleanField(help_text="true when no saas-token identified the customer")


class PaymentMethodSchema(serializers.Serializer):
    provider = serializers.CharField()
    method = serializers.CharField(required=False)
    paymentMethodYrn = serializers.CharField(required=False)  # noqa: N815
    amount = Money(required=False)


class PaymentSchema(serializers.Serializer):
    paymentId = serializers.CharField(help_text="The payment provider")  # noqa: N815
    status = serializers.ChoiceField(choices=PaymentStatus.choices)
    paidAmount = Money()  # noqa: N815
    currency = serializers.CharField()
    transactionId = serializers.CharField()  # noqa: N815
    paymentMethod = serializers.CharField()  # noqa: N815
    lastFour = serializers.CharField(help_text="Last four digits of a card, else empty")  # noqa: N815


class OrderRefSchema(serializers.Serializer):
    orderId = serializers.CharField()  # noqa: N815
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    yrn = serializers.CharField()


class CouponRefSchema(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField()


class MetadataSchema(serializers.Serializer):
    createdAt = serializers.DateTimeField()  # noqa: N815
    modifiedAt = serializers.DateTimeField()  # noqa: N815
    version = serializers.IntegerField()


class CheckoutSchema(serializers.Serializer):
    id = serializers.CharField()
    yrn = serializers.CharField()
    paymentMethods = PaymentMethodSchema(many=True)  # noqa: N815
    payment = PaymentSchema(allow_null=True)
    order = OrderRefSchema(allow_null=True)
    coupons = CouponRefSchema(many=True)
    status = serializers.ChoiceField(
        choices=CheckoutStatus.choices,
        help_text="created: order created and payment taken or accepted; pending: in progress, or waiting for a "
        "retry after a transient payment failure; failed: declined or the order could not be created.",
    )
    retryAttempts = serializers.IntegerField()  # noqa: N815
    addresses = AddressSchema(many=True)
    customer = CustomerSchema()
    metadata = MetadataSchema()
    cart = serializers.DictField(help_text="The cart as it was checked out (the cart object of the cart API)")
    orderCreated = serializers.BooleanField()  # noqa: N815
    checkoutCompleted = serializers.BooleanField()  # noqa: N815
    failureReason = serializers.CharField(allow_null=True)  # noqa: N815
