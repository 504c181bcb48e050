"""Query filters of the checkouts list and delete-all (the reference's query parameters)."""

import django_filters

from checkout_project.filters import BooleanQueryFilter, IsoDateTimeQueryFilter, QueryFilterSet

from .models import Checkout


class CheckoutFilter(QueryFilterSet):
    orderCreated = BooleanQueryFilter(  # noqa: N815 - the reference's parameter names
        field_name="order_created", help_text="Filters the checkouts based on the result of order creation."
    )
    customerId = django_filters.CharFilter(  # noqa: N815
        field_name="customer_id", max_length=128, help_text="Filters the checkouts of a particular customer."
    )
    checkoutCompleted = BooleanQueryFilter(  # noqa: N815
        field_name="checkout_completed", help_text="Filters the checkouts based on the result of the checkout process."
    )
    modifiedFrom = IsoDateTimeQueryFilter(  # noqa: N815
        field_name="modified_at", lookup_expr="gte", help_text="ISO 8601: checkouts modified at or after this time."
    )
    modifiedTo = IsoDateTimeQueryFilter(  # noqa: N815
        field_name="modified_at", lookup_expr="lte", help_text="ISO 8601: checkouts modified at or before this time."
    )

    class Meta:
        model = Checkout
        fields: list[str] = []
