"""`GET /api/v1/checkout-link/{customer_id}` — the PayerVault checkout-link contract."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from merchants.models import Scope
from merchants.permissions import HasScope

from .link import NO_PRODUCTS_MESSAGE, checkout_link_create

LINK_RESPONSE = inline_serializer(
    "CheckoutLink",
    {
        "url": serializers.URLField(help_text="The hosted checkout page: https://<host>/pay/<token>/"),
        "expiresAt": serializers.DateTimeField(help_text="When the link stops working (UTC)"),
    },
)
ERROR_RESPONSE = inline_serializer(
    "CheckoutLinkError",
    {
        "status": serializers.IntegerField(),
        "type": serializers.CharField(),
        "message": serializers.CharField(),
        "moreInfo": serializers.CharField(),
    },
)


def credential_header(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False, description=description)


class CheckoutLinkView(APIView):
    """The customer's open cart → a signed, expiring link to the hosted checkout page."""

    permission_classes = [HasScope(Scope.CHECKOUT_LINK)]

    @extend_schema(
        operation_id="getCheckoutLink",
        summary="Get the checkout page URL for a customer's cart",
        description=(
            "Finds the open cart of `customer_id` for the tenant and mode (live/test) of the credential and "
            "answers a link to the hosted checkout page. The link carries a signed token that names the cart; "
            "it expires after `CHECKOUT_LINK_TTL` seconds (default 24 h). Authenticate with the `accessKey` and "
            "`accessSecret` headers, or with `Authorization: Bearer` and scope `checkout.checkout_link`."
        ),
        parameters=[
            OpenApiParameter("customer_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="The customer's id"),
            credential_header("accessKey", "Access key for authentication (with accessSecret)"),
            credential_header("accessSecret", "Access secret for authentication (with accessKey)"),
        ],
        responses={
            200: OpenApiResponse(
                LINK_RESPONSE,
                examples=[
                    OpenApiExample(
                        "Success",
                        {"url": "https://pay.example.com/pay/eyJjIjoi…/", "expiresAt": "2026-01-02T10:00:00Z"},
                    )
                ],
            ),
            404: OpenApiResponse(
                ERROR_RESPONSE,
                description="No open cart, or the cart is empty",
                examples=[
                    OpenApiExample(
                        "No products in cart",
                        {"status": 404, "type": "not_found", "message": NO_PRODUCTS_MESSAGE, "moreInfo": ""},
                    )
                ],
            ),
        },
    )
    def get(self, request, customer_id: str):
        principal = request.auth
        base_url = settings.PUBLIC_BASE_URL or f"{request.scheme}://{request.get_host()}"
        link = checkout_link_create(
            tenant=principal.tenant, mode=principal.mode, customer_id=customer_id, base_url=base_url
        )
        return Response({"url": link.url, "expiresAt": link.expires_at})
