"""A test-only URLconf: views that do no queries of their own, to observe authentication alone.

It includes the real URLconf, so the route matrix walks the real routes plus these two probes.
"""

from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from checkout_project.api import TenantAPIView
from merchants.models import Scope
from merchants.permissions import HasScope


def principal_json(principal) -> dict:
    return {
        "tenant": principal.tenant.code,
        "mode": principal.mode,
        "scopes": sorted(principal.scopes),
        "customerId": principal.customer_id,
    }


class WhoAmIView(TenantAPIView):
    """Shaped like the tenant routes others build: TenantScopedMixin + HasScope."""

    permission_classes = [HasScope(Scope.CHECKOUT_MANAGE)]

    def get(self, request, tenant):
        return Response(principal_json(self.principal))

    def post(self, request, tenant):
        return Response(principal_json(self.principal))


class CheckoutLinkProbeView(APIView):
    """Shaped like GET /api/v1/checkout-link/{customer_id}: no tenant in the path."""

    permission_classes = [HasScope(Scope.CHECKOUT_LINK)]

    def get(self, request, customer_id):
        return Response(principal_json(request.auth))


urlpatterns = [
    path("checkout/<str:tenant>/whoami", WhoAmIView.as_view()),
    path("api/v1/checkout-link-probe/<str:customer_id>", CheckoutLinkProbeView.as_view()),
    path("", include("checkout_project.urls")),
]

handler404 = "checkout_project.views.handler404"
handler500 = "checkout_project.views.handler500"
