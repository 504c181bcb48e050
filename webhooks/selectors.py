"""Reads of webhook data, always scoped by tenant and mode."""

from django.db.models import QuerySet

from checkout_project.errors import not_found
from merchants.models import Tenant

from .models import WebhookEndpoint


def webhook_endpoint_list(*, tenant: Tenant, mode: str) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(tenant=tenant, mode=mode).order_by("created_at", "id")


def webhook_endpoint_get(*, tenant: Tenant, mode: str, endpoint_id: str) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(tenant=tenant, mode=mode, pk=endpoint_id).first()
    if endpoint is None:
        raise not_found(f"Webhook endpoint {endpoint_id} not found")
    return endpoint
