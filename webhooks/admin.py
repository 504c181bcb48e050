"""Admin: endpoints, events, and deliveries with every attempt; a "resend" action.

Staff see only their own tenants' rows (superusers see all), through the shared
`checkout_project.admin.TenantScopedAdmin`. Endpoints are created through the API, which shows the
secret once; the admin never shows it and cannot change the URL (the API runs the SSRF guard on it).
"""

from django.contrib import admin, messages

from checkout_project.admin import ReadOnlyTabularInline, TenantScopedAdmin

from .models import Delivery, DeliveryAttempt, Event, WebhookEndpoint
from .services import delivery_resend


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(TenantScopedAdmin):
    list_display = ("id", "tenant", "mode", "url", "events", "active", "created_at")
    list_select_related = ("tenant",)
    list_filter = ("mode", "active")
    search_fields = ("id", "url", "description")
    fields = ("id", "tenant", "mode", "url", "events", "description", "active", "created_at", "modified_at")
    readonly_fields = ("id", "tenant", "mode", "url", "events", "created_at", "modified_at")

    def has_add_permission(self, request):
        return False  # through the API: the creation answer is the only place the secret is shown


class DeliveryAttemptInline(ReadOnlyTabularInline):
    model = DeliveryAttempt
    fields = ("number", "created_at", "status_code", "duration_ms", "error")
    readonly_fields = fields
    ordering = ("number", "id")


@admin.register(Delivery)
class DeliveryAdmin(TenantScopedAdmin):
    list_display = (
        "id",
        "event",
        "event_type",
        "endpoint",
        "status",
        "attempt_count",
        "last_status_code",
        "next_attempt_at",
        "created_at",
    )
    list_filter = ("status", "event__type")
    search_fields = ("event__id", "endpoint__id", "endpoint__url")
    list_select_related = ("event", "endpoint", "tenant")
    readonly_fields = (
        "tenant",
        "event",
        "endpoint",
        "status",
        "attempt_count",
        "attempt_limit",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "delivered_at",
        "created_at",
        "modified_at",
    )
    fields = readonly_fields
    inlines = [DeliveryAttemptInline]
    actions = ["resend"]

    @admin.display(description="type", ordering="event__type")
    def event_type(self, delivery):
        return delivery.event.type

    def has_add_permission(self, request):
        return False

    @admin.action(description="Resend the selected deliveries now", permissions=["change"])
    def resend(self, request, queryset):
        count = 0
        for delivery in queryset.select_related("tenant"):
            delivery_resend(tenant=delivery.tenant, delivery_id=delivery.pk)
            count += 1
        self.message_user(request, f"{count} deliveries scheduled to be sent again.", messages.SUCCESS)


@admin.register(Event)
class EventAdmin(TenantScopedAdmin):
    list_display = ("id", "type", "tenant", "mode", "created_at")
    list_select_related = ("tenant",)
    list_filter = ("type", "mode")
    search_fields = ("id",)
    readonly_fields = ("id", "tenant", "mode", "type", "payload", "created_at")
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
