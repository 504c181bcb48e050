"""Checkout API views: parse, call one service, render."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from checkout_project.api import TenantAPIView
from checkout_project.errors import not_found
from checkout_project.pagination import LinkHeaderPagination, count_matching
from merchants.models import Scope
from merchants.permissions import HasScope
from merchants.schema import SAAS_TOKEN_PARAMETER as SAAS_TOKEN

from .filters import CheckoutFilter
from .idempotency import idempotency_key_check, idempotent_run, request_fingerprint
from .placement import PlacementRequest, checkout_place, checkout_retry
from .schema import CheckoutSchema
from .selectors import (
    CheckoutPageQuery,
    checkout_count_key,
    checkout_document,
    checkout_page_documents,
    checkout_queryset,
)
from .serializers import PlaceOrderResponseSerializer, PlaceOrderSerializer, RetryResponseSerializer
from .services import checkout_delete, checkout_delete_matching

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Same key and body within 24 h replay the first answer; same key with another body → 422; "
    "a duplicate still in flight → 409.",
)


class CheckoutOrderView(TenantAPIView):
    permission_classes = [HasScope(Scope.CHECKOUT_MANAGE)]

    @extend_schema(
        operation_id="triggerCheckout",
        summary="Validate the cart, create the order and take the payment",
        request=PlaceOrderSerializer,
        responses={200: PlaceOrderResponseSerializer},
        parameters=[IDEMPOTENCY_KEY, SAAS_TOKEN],
        extensions={"x-error-statuses": [402, 409, 422, 503]},
    )
    def post(self, request, tenant):
        key = idempotency_key_check(request.headers.get("Idempotency-Key"))
        # Only a keyed request is compared with an earlier one: no canonical JSON of the body otherwise.
        fingerprint = (
            request_fingerprint(method="POST", path=request.path, data=request.data) if key is not None else ""
        )

        def run():
            serializer = PlaceOrderSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            placement = PlacementRequest(
                cart_id=data["cartId"],
                customer=data["customer"],
                addresses=data["addresses"],
                shipping=data["shipping"],
                payment_methods=data["paymentMethods"],
                currency=data.get("currency"),
            )
            result = checkout_place(
                tenant=self.tenant, mode=self.mode, request=placement, saas_customer_id=self.principal.customer_id
            )
            return 200, result.body

        answer = idempotent_run(tenant=self.tenant, mode=self.mode, key=key, fingerprint=fingerprint, run=run)
        headers = {"Idempotent-Replayed": "true"} if answer.replayed else {}
        return Response(answer.body, status=answer.status, headers=headers)


class CheckoutRetryView(TenantAPIView):
    permission_classes = [HasScope(Scope.CHECKOUT_MANAGE)]

    @extend_schema(
        operation_id="retryCheckout",
        summary="Retry a checkout to create its order",
        request=None,
        responses={200: RetryResponseSerializer},
        parameters=[SAAS_TOKEN],
        extensions={"x-error-statuses": [402, 409, 503]},
    )
    def post(self, request, tenant, checkout_id):
        result = checkout_retry(
            tenant=self.tenant, mode=self.mode, checkout_id=checkout_id, saas_customer_id=self.principal.customer_id
        )
        return Response({"orderId": result.order.pk})


SORT_FIELDS = {
    "metadata.createdAt": "created_at",
    "metadata.modifiedAt": "modified_at",
    "id": "id",
    "status": "status",
    "customer.id": "customer_id",
    "retryAttempts": "retry_attempts",
}
DEFAULT_SORT = ("-created_at",)


class CheckoutCollectionView(TenantAPIView):
    """`GET` lists (scope checkout_manage), `DELETE` deletes all matching (scope checkout_delete_all)."""

    sort_fields = SORT_FIELDS
    default_sort = DEFAULT_SORT
    list_permission = HasScope(Scope.CHECKOUT_MANAGE)
    delete_all_permission = HasScope(Scope.CHECKOUT_DELETE_ALL)

    def get_permissions(self):
        return [self.delete_all_permission() if self.request.method == "DELETE" else self.list_permission()]

    def matching(self, lookups):
        return checkout_queryset(
            tenant=self.tenant, mode=self.mode, customer_id=self.principal.customer_id, lookups=lookups
        )

    @extend_schema(
        operation_id="listCheckouts",
        summary="Retrieve the checkouts",
        parameters=[
            *CheckoutFilter.openapi_parameters(),
            *LinkHeaderPagination.openapi_parameters(SORT_FIELDS, ["metadata.createdAt:desc"]),
            SAAS_TOKEN,
        ],
        responses={200: CheckoutSchema(many=True)},
    )
    def get(self, request, tenant):
        paginator = LinkHeaderPagination()
        customer_id = self.principal.customer_id
        lookups = CheckoutFilter.lookups(request)
        count_key = checkout_count_key(
            tenant=self.tenant, mode=self.mode, customer_id=customer_id, filters=CheckoutFilter.given(request)
        )
        window = paginator.page_window(
            request,
            self,  # the queryset is built only when the count is not in the cache
            count=lambda: count_matching(lambda: self.matching(lookups).values_list("pk", flat=True), key=count_key),
        )
        body = "[]"
        if window is not None:
            body = checkout_page_documents(
                CheckoutPageQuery(
                    tenant=self.tenant,
                    mode=self.mode,
                    customer_id=customer_id,
                    lookups=lookups,
                    order_by=window.order_by,
                    offset=window.offset,
                    size=window.size,
                    reverse=window.reversed,
                )
            )
        return HttpResponse(body, content_type="application/json", headers=paginator.headers())

    @extend_schema(
        operation_id="deleteCheckouts",
        summary="Delete all checkouts of the tenant that match the filters (orders and payments stay)",
        parameters=[*CheckoutFilter.openapi_parameters(), SAAS_TOKEN],
        responses={204: None},
    )
    def delete(self, request, tenant):
        queryset = self.matching(CheckoutFilter.lookups(request))
        checkout_delete_matching(tenant=self.tenant, mode=self.mode, queryset=queryset)
        return Response(status=204)


class CheckoutDetailView(TenantAPIView):
    permission_classes = [HasScope(Scope.CHECKOUT_MANAGE)]

    @extend_schema(operation_id="getCheckout", responses={200: CheckoutSchema}, parameters=[SAAS_TOKEN])
    def get(self, request, tenant, checkout_id):
        document = checkout_document(
            tenant=self.tenant, mode=self.mode, checkout_id=checkout_id, customer_id=self.principal.customer_id
        )
        if document is None:
            raise not_found(f"Checkout {checkout_id} not found")
        return HttpResponse(document, content_type="application/json")

    @extend_schema(operation_id="deleteCheckout", responses={204: None}, parameters=[SAAS_TOKEN])
    def delete(self, request, tenant, checkout_id):
        checkout_delete(
            tenant=self.tenant, mode=self.mode, checkout_id=checkout_id, customer_id=self.principal.customer_id
        )
        return Response(status=204)
