"""Webhook endpoint API: `/webhook/{tenant}/endpoints[/{id}]`, scope `checkout.checkout_manage`.

Endpoints belong to the credential's tenant and mode. Views parse, call one service, render.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from checkout_project.api import TenantAPIView
from merchants.models import Scope
from merchants.permissions import HasScope

from .selectors import webhook_endpoint_get, webhook_endpoint_list
from .serializers import EndpointInputSerializer, EndpointSerializer, NewEndpointSerializer, endpoint_json
from .services import (
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
)

SCOPE_NOTE = "Needs scope `checkout.checkout_manage`. Endpoints belong to the credential's mode."


class EndpointCollectionView(TenantAPIView):
    permission_classes = [HasScope(Scope.CHECKOUT_MANAGE)]

    @extend_schema(
        operation_id="listWebhookEndpoints",
        summary="List the webhook endpoints",
        description=SCOPE_NOTE,
        responses={200: EndpointSerializer(many=True)},
    )
    def get(self, request, tenant):
        endpoints = webhook_endpoint_list(tenant=self.tenant, mode=self.mode)
        return Response([endpoint_json(endpoint) for endpoint in endpoints])

    @extend_schema(
        operation_id="createWebhookEndpoint",
        summary="Register a webhook endpoint; the answer carries its signing secret, once",
        description=SCOPE_NOTE + " The URL must be http(s) and resolve to public addresses only.",
        request=EndpointInputSerializer,
        responses={201: NewEndpointSerializer},
    )
    def post(self, request, tenant):
        serializer = EndpointInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = webhook_endpoint_create(tenant=self.tenant, mode=self.mode, **serializer.validated_data)
        return Response(endpoint_json(created.endpoint, secret=created.secret), status=201)


class EndpointDetailView(TenantAPIView):
    permission_classes = [HasScope(Scope.CHECKOUT_MANAGE)]

    @extend_schema(operation_id="getWebhookEndpoint", description=SCOPE_NOTE, responses={200: EndpointSerializer})
    def get(self, request, tenant, endpoint_id):
        endpoint = webhook_endpoint_get(tenant=self.tenant, mode=self.mode, endpoint_id=endpoint_id)
        return Response(endpoint_json(endpoint))

    @extend_schema(
        operation_id="replaceWebhookEndpoint",
        summary="Replace url, events, description and active (the secret stays)",
        description=SCOPE_NOTE,
        request=EndpointInputSerializer,
        responses={200: EndpointSerializer},
    )
    def put(self, request, tenant, endpoint_id):
        return self._update(request, endpoint_id, partial=False)

    @extend_schema(
        operation_id="updateWebhookEndpoint",
        summary="Change some of url, events, description and active (the secret stays)",
        description=SCOPE_NOTE,
        request=EndpointInputSerializer(partial=True),
        responses={200: EndpointSerializer},
    )
    def patch(self, request, tenant, endpoint_id):
        return self._update(request, endpoint_id, partial=True)

    @extend_schema(operation_id="deleteWebhookEndpoint", description=SCOPE_NOTE, responses={204: None})
    def delete(self, request, tenant, endpoint_id):
        webhook_endpoint_delete(tenant=self.tenant, mode=self.mode, endpoint_id=endpoint_id)
        return Response(status=204)

    def _update(self, request, endpoint_id, *, partial):
        serializer = EndpointInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not partial:
            data = {"description": "", "active": True, **data}
        endpoint = webhook_endpoint_update(tenant=self.tenant, mode=self.mode, endpoint_id=endpoint_id, **data)
        return Response(endpoint_json(endpoint))
