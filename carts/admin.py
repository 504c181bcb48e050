"""Admin for the catalog and carts. Thin: validation uses the services' rules, edits of existing rows
go through the services, so an admin save never overwrites stock or coupon redemptions counted
meanwhile by checkouts. Stock changes only by a signed adjustment (`product_stock_adjust`).

Tenant scoping of the admin (staff see their own tenant) is layered on by the merchants app.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from checkout_project.errors import ApiError

from . import services
from .models import Cart, CartItem, Coupon, Product, ShippingMethod

# API field names used in service errors → model field names of the admin forms.
_FORM_FIELDS = {
    "unitPrice": "unit_price",
    "taxRate": "tax_rate",
    "freeAbove": "free_above",
    "minOrderValue": "min_order_value",
    "maxRedemptions": "max_redemptions",
    "validTo": "valid_to",
    "stockOnHand": "stock_on_hand",
}


class RulesForm(forms.ModelForm):
    """Runs a service's `*_problems(row)` on the row as edited and shows them on the fields."""

    problems = staticmethod(lambda row: [])

    def clean(self):
        cleaned = super().clean()
        row = self._meta.model(**{f.attname: getattr(self.instance, f.attname) for f in self._meta.model._meta.fields})
        for name, value in cleaned.items():
            if hasattr(row, name) and not isinstance(value, list):
                setattr(row, name, value)
        for problem in self.problems(row):
            field = _FORM_FIELDS.get(problem.field, problem.field)
            self.add_error(field if field in self.fields else None, problem.message)
        return cleaned


def _update(admin_, request, obj, form, update, editable: tuple[str, ...], **ids) -> None:
    """Save only the edited fields through the service's update (never stock or redemptions)."""
    changes = {name: form.cleaned_data[name] for name in form.changed_data if name in editable}
    if changes:
        try:
            update(tenant=obj.tenant, changes=changes, **ids)
        except ApiError as exc:
            admin_.message_user(request, f"{obj}: {exc.message}", level=messages.ERROR)


class RulesAdmin(admin.ModelAdmin):
    """List-editable rows are validated by the same form rules as the change form."""

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", self.form)
        return super().get_changelist_form(request, **kwargs)


# -- products ---------------------------------------------------------------------------------


class ProductForm(RulesForm):
    stock_delta = forms.IntegerField(
        required=False,
        label="Adjust stock by",
        help_text="Signed, e.g. -2 or 10. Applied as one guarded update; stock never goes below zero.",
        min_value=-services.MAX_STOCK,
        max_value=services.MAX_STOCK,
    )
    problems = staticmethod(services.product_problems)

    class Meta:
        model = Product
        fields = ("tenant", "sku", "name", "description", "unit_price", "currency", "stock_on_hand", "tax_code")
        fields += ("tax_rate", "active")

    def clean_stock_delta(self):
        delta = self.cleaned_data.get("stock_delta") or 0
        if delta and self.instance.pk and self.instance.stock_on_hand + delta < 0:
            raise forms.ValidationError(f"Only {self.instance.stock_on_hand} on hand: stock cannot go below zero.")
        return delta


@admin.register(Product)
class ProductAdmin(RulesAdmin):
    form = ProductForm
    list_display = ("sku", "name", "unit_price", "currency", "stock_on_hand", "tax_rate", "active", "tenant")
    list_editable = ("unit_price", "active")
    list_filter = ("active", "currency", "tenant")
    search_fields = ("sku", "name")
    ordering = ("tenant", "sku")
    actions = ("deactivate",)

    def get_readonly_fields(self, request, obj=None):
        # Identity and stock are fixed once created; stock moves by "Adjust stock by".
        return ("tenant", "sku", "stock_on_hand", "created_at", "modified_at") if obj else ("created_at", "modified_at")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if obj else [f for f in fields if f != "stock_delta"]

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)  # validated by the same rules in the form
            return
        _update(self, request, obj, form, services.product_update, services.PRODUCT_EDITABLE, sku=obj.sku)
        delta = form.cleaned_data.get("stock_delta") or 0
        if delta:
            try:
                product = services.product_stock_adjust(tenant=obj.tenant, sku=obj.sku, delta=delta)
            except ApiError as exc:  # the stock moved since the form was shown
                self.message_user(request, exc.message, level=messages.ERROR)
            else:
                obj.stock_on_hand = product.stock_on_hand
        obj.refresh_from_db()

    @admin.action(description="Deactivate (stop selling) the selected products")
    def deactivate(self, request, queryset):
        for product in queryset:
            services.product_update(tenant=product.tenant, sku=product.sku, changes={"active": False})


# -- shipping methods -------------------------------------------------------------------------


class ShippingMethodForm(RulesForm):
    problems = staticmethod(services.shipping_method_problems)

    class Meta:
        model = ShippingMethod
        fields = ("tenant", "method_id", "zone_id", "name", "amount", "currency", "free_above", "active")


@admin.register(ShippingMethod)
class ShippingMethodAdmin(RulesAdmin):
    form = ShippingMethodForm
    list_display = ("method_id", "zone_id", "name", "amount", "currency", "free_above", "active", "tenant")
    list_filter = ("active", "zone_id", "tenant")
    search_fields = ("method_id", "zone_id", "name")

    def get_readonly_fields(self, request, obj=None):
        return ("tenant", "method_id", "zone_id", "created_at", "modified_at") if obj else ("created_at", "modified_at")

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        ids = {"method_id": obj.method_id, "zone_id": obj.zone_id}
        _update(self, request, obj, form, services.shipping_method_update, services.SHIPPING_EDITABLE, **ids)
        obj.refresh_from_db()


# -- coupons ----------------------------------------------------------------------------------


class CouponForm(RulesForm):
    problems = staticmethod(services.coupon_rule_problems)

    class Meta:
        model = Coupon
        fields = ("tenant", "code", "name", "discount_type", "value", "currency", "calculation_type")
        fields += ("valid_from", "valid_to", "max_redemptions", "min_order_value", "active")


@admin.register(Coupon)
class CouponAdmin(RulesAdmin):
    form = CouponForm
    list_display = (
        "code",
        "name",
        "discount_type",
        "value",
        "currency",
        "calculation_type",
        "valid_to",
        "redemptions",
        "max_redemptions",
        "active",
        "tenant",
    )
    list_filter = ("active", "discount_type", "calculation_type", "tenant")
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        # Redemptions are counted by checkouts only.
        fixed = ("redemptions", "created_at", "modified_at")
        return ("tenant", "code", *fixed) if obj else fixed

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        _update(self, request, obj, form, services.coupon_update, services.COUPON_EDITABLE, code=obj.code)
        obj.refresh_from_db()


# -- carts (read-only: carts change through the API and checkouts) ------------------------------


class CartItemInline(admin.TabularInline):
    model = CartItem
    fields = ("product", "quantity", "unit_price", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ("id", "customer_id", "mode", "status", "currency", "created_at", "modified_at", "tenant")
    list_filter = ("status", "mode", "currency", "tenant")
    search_fields = ("id", "customer_id")
    date_hierarchy = "created_at"
    list_select_related = ("tenant",)
    inlines = (CartItemInline,)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
