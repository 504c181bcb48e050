"""Shapes of the webhook endpoint API: parsing and rendering only, rules live in services."""

from typing import Any

from rest_framework import serializers

from checkout_project.serializers import StrictSerializer

from .models import EventType, WebhookEndpoint


class EndpointInputSerializer(StrictSerializer):
    url = serializers.CharField(max_length=2000)
    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.values), min_length=1)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)


class EndpointSerializer(serializers.Serializer):
    """An endpoint as the API shows it. The secret is not here: only the creation answer has it."""

    id = serializers.CharField()
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.values))
    description = serializers.CharField()
    active = serializers.BooleanField()
    mode = serializers.CharField()
    createdAt = serializers.DateTimeField(source="created_at")  # noqa: N815 - the API's camelCase
    modifiedAt = serializers.DateTimeField(source="modified_at")  # noqa: N815


class NewEndpointSerializer(EndpointSerializer):
    secret = serializers.CharField(help_text="Signs every delivery (`Checkout-Signature`). Shown only here, once.")


def endpoint_json(endpoint: WebhookEndpoint, *, secret: str | None = None) -> dict[str, Any]:
    data = dict(EndpointSerializer(endpoint).data)
    if secret is not None:
        data["secret"] = secret
    return data
