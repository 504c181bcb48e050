"""Serializer plumbing shared by the apps' input serializers."""

from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail as DrfErrorDetail


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not declare (`details[].type == "unknown_field"`), with the other errors."""

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, Mapping):
            unknown = {
                key: [DrfErrorDetail("unknown field", code="unknown_field")]
                for key in data
                if key not in self.fields or self.fields[key].read_only
            }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **unknown}) from exc
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value
