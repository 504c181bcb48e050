"""Query-string filters for list endpoints, on django-filter, answering 400 naming the parameter.

Declare a `QueryFilterSet` whose filter names are the API's query parameter names, then apply it:

    class ThingFilter(QueryFilterSet):
        customerId = django_filters.CharFilter(field_name="customer_id")
        orderCreated = BooleanQueryFilter(field_name="order_created")
        modifiedFrom = IsoDateTimeQueryFilter(field_name="modified_at", lookup_expr="gte")

    queryset = ThingFilter.apply(request, queryset)  # or query_filter(ThingFilter, request, queryset)

Invalid values raise `400 validation_violation` with one
`{"field": "<parameter>", "type": "invalid_query_parameter", "message": ...}` per bad parameter.
`ThingFilter.openapi_parameters()` documents the parameters for `extend_schema(parameters=...)`.
Query parameters a filter set does not declare are ignored (pagination and sort have their own).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from .errors import DetailType, ErrorDetail, validation_error

_TRUE, _FALSE = frozenset({"true", "1"}), frozenset({"false", "0"})


class StrictBooleanField(forms.Field):
    """`true`/`false` (or 1/0, any case); anything else is an error, not "no filter"."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise forms.ValidationError("must be true or false", code="invalid")


class IsoDateTimeField(forms.Field):
    """ISO 8601 date-time (`2024-05-01T10:00:00Z`, offset optional, UTC when missing) or date (midnight UTC)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        try:
            parsed = parse_datetime(text)
            if parsed is None:
                day = parse_date(text)
                parsed = datetime.combine(day, time.min) if day else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise forms.ValidationError("must be an ISO 8601 date-time, e.g. 2024-05-01T10:00:00Z", code="invalid")
        try:
            # Normalised to UTC: databases refuse offsets PostgreSQL cannot represent (e.g. -20:33).
            return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except (OverflowError, ValueError) as exc:
            raise forms.ValidationError("is out of the supported date range", code="invalid") from exc


class BooleanQueryFilter(django_filters.Filter):
    field_class = StrictBooleanField


class IsoDateTimeQueryFilter(django_filters.Filter):
    field_class = IsoDateTimeField


class QueryFilterSet(django_filters.FilterSet):
    """A FilterSet whose invalid values become `invalid_query_parameter` details."""

    def get_form_class(self):
        # The filters of a QueryFilterSet are fixed, so their form class is built once per class
        # (django-filter builds it, and a form field per filter, on every request).
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    @classmethod
    def lookups(cls, request, queryset: QuerySet | None = None) -> dict[str, Any]:
        """The request's filters, validated, as ORM lookups (`{"modified_at__gte": datetime}`);
        `400 validation_violation` naming every bad parameter. `queryset` (or the filter set's
        `Meta.model`) tells django-filter the model."""
        params = request.query_params if hasattr(request, "query_params") else request.GET
        if not any(name in params for name in cls.base_filters):
            return {}  # nothing to filter by: no filter form to build
        if queryset is None:
            queryset = cls._meta.model._default_manager.none()
        filterset = cls(data=params, queryset=queryset, request=request)
        if not filterset.is_valid():
            raise validation_error(
                [
                    ErrorDetail(name, DetailType.INVALID_QUERY_PARAMETER, str(message))
                    for name, messages in filterset.errors.items()
                    for message in messages
                ]
            )
        cleaned = filterset.form.cleaned_data
        return {
            f"{flt.field_name}__{flt.lookup_expr}": cleaned[name]
            for name, flt in filterset.filters.items()
            if cleaned.get(name) not in EMPTY_VALUES
        }

    @classmethod
    def apply(cls, request, queryset: QuerySet) -> QuerySet:
        """`queryset` filtered by the request's filters (`lookups`)."""
        return queryset.filter(**cls.lookups(request, queryset))

    @classmethod
    def given(cls, request) -> list[tuple[str, list[str]]]:
        """The filter parameters of the request, as sent, in a stable order (e.g. for cache keys)."""
        params = request.query_params if hasattr(request, "query_params") else request.GET
        return sorted((name, params.getlist(name)) for name in cls.base_filters if name in params)

    @classmethod
    def openapi_parameters(cls) -> list[OpenApiParameter]:
        out = []
        for name, flt in cls.base_filters.items():
            if isinstance(flt, BooleanQueryFilter):
                type_ = OpenApiTypes.BOOL
            elif isinstance(flt, IsoDateTimeQueryFilter):
                type_ = OpenApiTypes.DATETIME
            else:
                type_ = OpenApiTypes.STR
            enum = [value for value, _ in flt.extra["choices"]] if "choices" in flt.extra else None
            description = flt.extra.get("help_text") or flt.label or ""
            out.append(OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description, enum=enum))
        return out


def query_filter(filterset_class: type[QueryFilterSet], request, queryset: QuerySet) -> QuerySet:
    """`filterset_class.apply(request, queryset)`, for readers who look for a function."""
    return filterset_class.apply(request, queryset)
