"""Admin for checkouts, orders and payments: read-only records, scoped to the staff user's tenants.

Two actions on checkouts, both thin: "Retry" calls `placement.checkout_retry` (the service the API's
retry endpoint calls) once per checkout and reports each outcome; "Delete" calls
`services.checkout_delete_matching`, which never deletes orders or payments.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from checkout_project.admin import ReadOnlyTabularInline, TenantScopedAdmin, api_error_text
from checkout_project.errors import ApiError
from merchants.models import Tenant

from .models import Checkout, CheckoutAttempt, CheckoutStatus, Order, Payment
from .placement import checkout_retry
from .services import checkout_delete, checkout_delete_matching
from .templatetags.checkout_page import format_money

BACKOFFICE_CSS = {"all": ("backoffice/admin.css",)}
CONFIRMATION_PREVIEW = 20  # ids listed on the delete confirmation page
LIST_DEFERRED = ("cart_snapshot", "customer", "addresses", "payment_methods", "shipping", "coupons")


def money(amount: Any, currency: str) -> str:
    if amount is None or amount == "":
        return "–"
    return format_money(amount, currency)


def admin_link(obj: Any) -> str:
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, obj.pk)


class ReadOnlyAdmin(TenantScopedAdmin):
    """Business records: viewed, never added or edited here."""

    class Media:
        css = BACKOFFICE_CSS

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# ---------------------------------------------------------------------------------------------
# Checkouts


class CheckoutAttemptInline(ReadOnlyTabularInline):
    model = CheckoutAttempt
    verbose_name = "attempt"
    verbose_name_plural = "Timeline (placement and retries)"
    fields = ("number", "created_at", "outcome", "message")
    readonly_fields = fields
    ordering = ("number", "id")


def snapshot_context(cart: dict[str, Any], *, cart_ref: str, currency: str, total: Any) -> dict[str, Any]:
    """A cart snapshot (the API's cart shape, as checkouts and orders keep it) as table rows with
    formatted amounts. Tolerates missing keys: snapshots are history and may predate a field."""
    cart = cart or {}
    currency = cart.get("currency") or currency
    lines = []
    for item in cart.get("cartItems", []):
        product = item.get("product", {})
        taxes = item.get("itemTaxes") or [{}]
        lines.append(
            {
                "sku": product.get("sku", ""),
                "name": product.get("name", ""),
                "quantity": item.get("quantity", ""),
                "unit_price": money((item.get("unitPrice") or {}).get("value"), currency),
                "tax": f"{taxes[0].get('name', '')}".strip(),
                "item_price": money(item.get("itemPrice"), currency),
            }
        )
    shipping = cart.get("shipping") or {}
    return {
        "cart_id": cart.get("id", cart_ref),
        "currency": currency,
        "lines": lines,
        "discounts": [
            {"code": d.get("code", ""), "name": d.get("name", ""), "amount": money(d.get("amount"), currency)}
            for d in cart.get("discounts", [])
        ],
        "sub_total": money(cart.get("subTotalPrice"), currency),
        "shipping_name": shipping.get("methodName") or shipping.get("methodId") or "",
        "shipping": money(shipping.get("amount"), currency),
        "total_tax": money(cart.get("totalTax"), currency),
        "total_discount": money(cart.get("totalDiscount"), currency),
        "total": money(cart.get("totalPrice", total), currency),
    }


@admin.register(Checkout)
class CheckoutAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "customer_id",
        "customer_email",
        "status",
        "order_created",
        "checkout_completed",
        "total_display",
        "currency",
        "retry_attempts",
        "modified_at",
        "mode",
        "tenant",
    )
    list_filter = (
        "status",
        "order_created",
        "checkout_completed",
        "mode",
        ("modified_at", admin.DateFieldListFilter),
    )
    search_fields = ("=id", "=customer_id", "customer_email", "=order__id")
    search_help_text = "Checkout id, customer id, email or order id"
    list_select_related = ("tenant",)
    ordering = ("-modified_at", "-id")
    show_full_result_count = False
    actions = ("retry_checkouts", "delete_checkouts")
    inlines = (CheckoutAttemptInline,)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("id", "tenant", "mode"),
                    ("status", "order_created", "checkout_completed"),
                    ("retry_attempts", "failure_reason"),
                    ("created_at", "modified_at", "version"),
                )
            },
        ),
        ("Customer", {"fields": ("customer_display", "customer_email")}),
        ("Cart", {"fields": ("cart_table",)}),
        ("Addresses", {"fields": ("addresses_table",)}),
        ("Payment", {"fields": ("payment_display",)}),
        ("Order", {"fields": ("order_link",)}),
    )
    readonly_fields = (
        "id",
        "tenant",
        "mode",
        "status",
        "order_created",
        "checkout_completed",
        "retry_attempts",
        "failure_reason",
        "created_at",
        "modified_at",
        "version",
        "customer_display",
        "customer_email",
        "cart_table",
        "addresses_table",
        "payment_display",
        "order_link",
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name == "checkouts_checkout_changelist":
            queryset = queryset.defer(*LIST_DEFERRED)  # the list shows none of the JSON documents
        return queryset

    @admin.display(description="total", ordering="total")
    def total_display(self, checkout: Checkout) -> str:
        return money(checkout.total, checkout.currency)

    @admin.display(description="customer")
    def customer_display(self, checkout: Checkout) -> str:
        customer = checkout.customer or {}
        return render_to_string(
            "admin/checkouts/customer.html", {"customer": customer, "customer_id": checkout.customer_id}
        )

    @admin.display(description="cart snapshot")
    def cart_table(self, checkout: Checkout) -> str:
        context = snapshot_context(
            checkout.cart_snapshot, cart_ref=checkout.cart_ref, currency=checkout.currency, total=checkout.total
        )
        return render_to_string("admin/checkouts/cart_snapshot.html", context)

    @admin.display(description="addresses")
    def addresses_table(self, checkout: Checkout) -> str:
        return render_to_string("admin/checkouts/addresses.html", {"addresses": checkout.addresses or []})

    @admin.display(description="payment")
    def payment_display(self, checkout: Checkout) -> str:
        payment = checkout.payment
        method = (checkout.payment_methods or [{}])[0]
        return render_to_string(
            "admin/checkouts/payment.html",
            {
                "payment": payment,
                "provider": payment.provider if payment else method.get("provider", ""),
                "amount": money(payment.amount, payment.currency) if payment else "",
            },
        )

    @admin.display(description="order")
    def order_link(self, checkout: Checkout) -> str:
        order = checkout.order
        if order is None:
            return "No order (none was created, or it was released)"
        return format_html(
            "{} · {} · {}", admin_link(order), order.get_status_display(), money(order.total, order.currency)
        )

    # --- actions -------------------------------------------------------------------------------

    def has_retry_permission(self, request: HttpRequest) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # replaced by delete_checkouts (orders stay)
        return actions

    @admin.action(description="Retry selected checkouts", permissions=["retry"])
    def retry_checkouts(self, request: HttpRequest, queryset: QuerySet[Checkout]) -> None:
        """One message per checkout: its order id, or why it failed again (same service as the API)."""
        for checkout in queryset.select_related("tenant").order_by("pk"):
            was_completed = checkout.status == CheckoutStatus.CREATED
            try:
                result = checkout_retry(tenant=checkout.tenant, mode=checkout.mode, checkout_id=checkout.pk)
            except ApiError as error:
                self.message_user(request, f"Checkout {checkout.pk}: {api_error_text(error)}", messages.ERROR)
            else:
                note = "was already completed" if was_completed else "completed"
                self.message_user(request, f"Checkout {checkout.pk} {note}: order {result.order.pk}", messages.SUCCESS)

    @admin.action(description="Delete selected checkouts (orders and payments stay)", permissions=["delete"])
    def delete_checkouts(self, request: HttpRequest, queryset: QuerySet[Checkout]):
        """Ask first (like Django's delete action); then delete per tenant and mode through the service."""
        if request.POST.get("post") != "yes":
            return self._delete_confirmation(request, queryset)
        deleted = self._delete_matching(queryset)
        self.message_user(
            request, f"Deleted {deleted} checkout(s). Their orders and payments are kept.", messages.SUCCESS
        )
        return None

    def _delete_confirmation(self, request: HttpRequest, queryset: QuerySet[Checkout]) -> TemplateResponse:
        select_across = request.POST.get("select_across") == "1"
        count = queryset.count()
        preview = list(queryset.order_by("pk").values_list("pk", flat=True)[: CONFIRMATION_PREVIEW + 1])
        context = {
            **self.admin_site.each_context(request),
            "title": "Delete checkouts?",
            "opts": self.opts,
            "count": count,
            "preview": preview[:CONFIRMATION_PREVIEW],
            "more": count - min(count, CONFIRMATION_PREVIEW),
            "select_across": select_across,
            "selected": [] if select_across else request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/checkouts/checkout/delete_selected_confirmation.html", context)

    def delete_model(self, request, obj):
        checkout_delete(tenant=obj.tenant, mode=obj.mode, checkout_id=obj.pk)

    def delete_queryset(self, request, queryset):
        self._delete_matching(queryset)

    @staticmethod
    def _delete_matching(queryset: QuerySet[Checkout]) -> int:
        """The service works on one tenant and mode: call it once per pair the selection spans."""
        pairs = list(queryset.order_by().values_list("tenant_id", "mode").distinct())
        tenants = Tenant.objects.in_bulk({tenant_id for tenant_id, _ in pairs})
        return sum(
            checkout_delete_matching(tenant=tenants[tenant_id], mode=mode, queryset=queryset)
            for tenant_id, mode in pairs
        )


# ---------------------------------------------------------------------------------------------
# Orders and payments


class PaymentInline(ReadOnlyTabularInline):
    model = Payment
    fields = ("id", "provider", "method", "status", "amount", "currency", "card_last4", "transaction_id", "created_at")
    readonly_fields = fields
    show_change_link = True
    ordering = ("created_at", "id")


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "checkout_ref",
        "customer_id",
        "customer_email",
        "status",
        "total_display",
        "currency",
        "created_at",
        "mode",
        "tenant",
    )
    list_filter = ("status", "mode", ("created_at", admin.DateFieldListFilter))
    search_fields = ("=id", "=checkout_ref", "=customer_id", "customer_email")
    search_help_text = "Order id, checkout id, customer id or email"
    list_select_related = ("tenant",)
    ordering = ("-created_at", "-id")
    show_full_result_count = False
    inlines = (PaymentInline,)
    fields = (
        ("id", "tenant", "mode"),
        ("status", "total_display", "created_at", "modified_at"),
        ("checkout_ref", "cart_ref"),
        ("customer_id", "customer_email"),
        "lines_table",
    )
    readonly_fields = (
        "id",
        "tenant",
        "mode",
        "status",
        "total_display",
        "created_at",
        "modified_at",
        "checkout_ref",
        "cart_ref",
        "customer_id",
        "customer_email",
        "lines_table",
    )

    def has_delete_permission(self, request, obj=None):
        return False  # business records (DESIGN.md "Domain model")

    @admin.display(description="total", ordering="total")
    def total_display(self, order: Order) -> str:
        return money(order.total, order.currency)

    @admin.display(description="lines and totals")
    def lines_table(self, order: Order) -> str:
        cart = (order.snapshot or {}).get("cart") or {}
        context = snapshot_context(cart, cart_ref=order.cart_ref, currency=order.currency, total=order.total)
        return render_to_string("admin/checkouts/cart_snapshot.html", context)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "order_link",
        "provider",
        "method",
        "status",
        "amount_display",
        "currency",
        "card_last4",
        "transaction_id",
        "created_at",
        "mode",
        "tenant",
    )
    list_filter = ("status", "provider", "mode", ("created_at", admin.DateFieldListFilter))
    search_fields = ("=id", "=order__id", "=transaction_id")
    search_help_text = "Payment id, order id or transaction id"
    list_select_related = ("tenant",)
    ordering = ("-created_at", "-id")
    show_full_result_count = False
    fields = (
        ("id", "tenant", "mode"),
        ("order_link", "status"),
        ("provider", "method", "card_last4", "transaction_id"),
        ("amount_display", "failure_reason"),
        ("created_at", "modified_at"),
    )
    readonly_fields = (
        "id",
        "tenant",
        "mode",
        "order_link",
        "status",
        "provider",
        "method",
        "card_last4",
        "transaction_id",
        "amount_display",
        "failure_reason",
        "created_at",
        "modified_at",
    )

    def has_delete_permission(self, request, obj=None):
        return False  # business records

    @admin.display(description="order", ordering="order")
    def order_link(self, payment: Payment) -> str:
        url = reverse("admin:checkouts_order_change", args=[payment.order_id])
        return format_html('<a href="{}">{}</a>', url, payment.order_id)

    @admin.display(description="amount", ordering="amount")
    def amount_display(self, payment: Payment) -> str:
        return money(payment.amount, payment.currency)
