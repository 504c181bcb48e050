"""Serializer plumbing shared by the apps' input serializers."""

from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail as DrfErrorDetail


class UnknownFieldsMixin:
    """Refuses fields a serializer does not declare (`details[].type == "unknown_field"`), with the other errors.

    Mix it in before the serializer base: `class ThingInput(UnknownFieldsMixin, serializers.Serializer)`
    (or a ModelSerializer). Read-only fields count as unknown in input. Nested serializers refuse
    their own unknown keys when they use the mixin too (`addresses[0].foo`).
    `unknown_field_messages = {"sku": "cannot be changed"}` says why a known name is refused here.
    """

    unknown_field_messages: dict[str, str] = {}

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, Mapping):
            unknown = {
                key: [DrfErrorDetail(self.unknown_field_messages.get(key, "unknown field"), code="unknown_field")]
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


class StrictSerializer(UnknownFieldsMixin, serializers.Serializer):
    """A plain input serializer that refuses unknown fields."""
