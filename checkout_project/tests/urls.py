"""A URLconf for testing the error plumbing with views that misbehave on purpose."""

from django.urls import include, path
from rest_framework.response import Response

from checkout_project.api import TenantAPIView
from checkout_project.errors import ApiError
from merchants.permissions import HasScope


class BoomView(TenantAPIView):
    def get(self, request, tenant):
        raise RuntimeError("secret-database-password-in-traceback")


class EchoView(TenantAPIView):
    permission_classes = [HasScope("checkout.checkout_manage")]

    def get(self, request, tenant):
        return Response({"tenant": self.tenant.code, "mode": self.mode})

    def post(self, request, tenant):
        if request.data.get("fail"):
            raise ApiError(409, "conflict", "told to fail")
        return Response({"received": request.data})


urlpatterns = [
    path("checkout/<str:tenant>/boom", BoomView.as_view()),
    path("checkout/<str:tenant>/echo", EchoView.as_view()),
    path("", include("checkout_project.urls")),
]

handler404 = "checkout_project.views.handler404"
handler500 = "checkout_project.views.handler500"
