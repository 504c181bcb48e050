"""Admin for the catalog and carts. Thin: validation uses the services' rules, edits of existing rows
go through the services, so an admin save never overwrites stock or coupon redemptions counted
meanwhile by checkouts. Stock changes only by a signed adjustment (`product_stock_adjust`): the
change form's "Adjust stock by", or an edit of the stock column in the product list, which becomes
the difference to the value the user saw (sent back as a hidden initial) — never a blind overwrite.

Every admin here is tenant-scoped (`checkout_project.admin.TenantScopedAdmin`): staff see and pick
only their own tenants' rows. Creating and deleting go through the services too; an `ApiError`
they raise rolls the request back and is shown as an error message.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin

from checkout_project.admin import ReadOnlyTabularInline, TenantScopedAdmin, TenantScopedForm, copy_fields

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


class RulesForm(TenantScopedForm):
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


def _update(obj, form, update, editable: tuple[str, ...], **ids) -> None:
    """Save only the edited fields through the service's update (never stock or redemptions)."""
    changes = {name: form.cleaned_data[name] for name in form.changed_data if name in editable}
    if changes:
        update(tenant=obj.tenant, changes=changes, **ids)


def _data(data_class, obj):
    """The service's input dataclass (ProductData, …) from the validated, unsaved admin object."""
    return data_class(**{name: getattr(obj, name) for name in data_class.__dataclass_fields__})


class RulesAdmin(TenantScopedAdmin):
    """List-editable rows are validated by the same form rules as the change form (the scoped
    admin builds list forms from `form`); creating and deleting call the services."""

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("tenant"):
            self.delete_model(request, obj)


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stock = self.fields.get("stock_on_hand")
        if stock is not None and not self.instance._state.adding:
            # The product list: the stock the user saw is posted back, so an edit is a delta.
            stock.show_hidden_initial = True

    def clean_stock_delta(self):
        delta = self.cleaned_data.get("stock_delta") or 0
        if delta and self.instance.pk and self.instance.stock_on_hand + delta < 0:
            raise forms.ValidationError(f"Only {self.instance.stock_on_hand} on hand: stock cannot go below zero.")
        return delta

    def clean(self):
        cleaned = super().clean()
        stock = self.fields.get("stock_on_hand")
        if stock is not None and not self.instance._state.adding and "stock_on_hand" in self.changed_data:
            new = cleaned.get("stock_on_hand")
            try:
                seen = stock.to_python(self.data.get(self.add_initial_prefix("stock_on_hand")))
            except forms.ValidationError:
                seen = None
            if seen is None:
                seen = self.initial.get("stock_on_hand")
            if new is not None and seen is not None:
                cleaned["stock_delta"] = (cleaned.get("stock_delta") or 0) + new - seen
        return cleaned


@admin.register(Product)
class ProductAdmin(RulesAdmin):
    form = ProductForm
    list_display = ("sku", "name", "unit_price", "currency", "stock_on_hand", "tax_rate", "active", "tenant")
    list_editable = ("unit_price", "stock_on_hand", "active")
    list_filter = ("active", "currency")
    search_fields = ("sku", "name")
    ordering = ("tenant", "sku")
    actions = ("deactivate",)

    def get_readonly_fields(self, request, obj=None):
        # Identity and stock are fixed once created (the form pins the tenant); stock moves by a delta.
        return ("sku", "stock_on_hand", "created_at", "modified_at") if obj else ("created_at", "modified_at")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if obj else [f for f in fields if f != "stock_delta"]

    def save_model(self, request, obj, form, change):
        self.tenant_assign(request, obj)
        if not change:
            product = services.product_create(
                tenant=obj.tenant, sku=obj.sku, data=_data(services.ProductData, obj), stock_on_hand=obj.stock_on_hand
            )
            copy_fields(obj, product)
            return
        _update(obj, form, services.product_update, services.PRODUCT_EDITABLE, sku=obj.sku)
        delta = form.cleaned_data.get("stock_delta") or 0
        if delta:  # guarded: 409 (shown, nothing saved) if the stock moved below what the delta takes
            services.product_stock_adjust(tenant=obj.tenant, sku=obj.sku, delta=delta)
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        services.product_delete(tenant=obj.tenant, sku=obj.sku)

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
    list_filter = ("active", "zone_id")
    search_fields = ("method_id", "zone_id", "name")

    def get_readonly_fields(self, request, obj=None):
        return ("method_id", "zone_id", "created_at", "modified_at") if obj else ("created_at", "modified_at")

    def save_model(self, request, obj, form, change):
        self.tenant_assign(request, obj)
        ids = {"method_id": obj.method_id, "zone_id": obj.zone_id}
        if not change:
            method = services.shipping_method_create(
                tenant=obj.tenant, data=_data(services.ShippingMethodData, obj), **ids
            )
            copy_fields(obj, method)
            return
        _update(obj, form, services.shipping_method_update, services.SHIPPING_EDITABLE, **ids)
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        services.shipping_method_delete(tenant=obj.tenant, method_id=obj.method_id, zone_id=obj.zone_id)


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
    list_filter = ("active", "discount_type", "calculation_type")
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        # Redemptions are counted by checkouts only.
        fixed = ("redemptions", "created_at", "modified_at")
        return ("code", *fixed) if obj else fixed

    def save_model(self, request, obj, form, change):
        self.tenant_assign(request, obj)
        if not change:
            coupon = services.coupon_create(tenant=obj.tenant, code=obj.code, data=_data(services.CouponData, obj))
            copy_fields(obj, coupon)
            return
        _update(obj, form, services.coupon_update, services.COUPON_EDITABLE, code=obj.code)
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        services.coupon_delete(tenant=obj.tenant, code=obj.code)  # also takes it off open carts


# -- carts (read-only: carts change through the API and checkouts) ------------------------------


class CartItemInline(ReadOnlyTabularInline):
    model = CartItem
    fields = ("product", "quantity", "unit_price", "created_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product__tenant")


@admin.register(Cart)
class CartAdmin(TenantScopedAdmin):
    list_display = ("id", "customer_id", "mode", "status", "currency", "created_at", "modified_at", "tenant")
    list_filter = ("status", "mode", "currency")
    search_fields = ("id", "customer_id")
    date_hierarchy = "created_at"
    list_select_related = ("tenant",)
    inlines = (CartItemInline,)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # carts change through the API and checkouts
