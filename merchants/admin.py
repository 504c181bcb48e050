"""Admin for merchants: tenants, staff memberships and API keys.

Staff see and edit their own tenants (name, return URL, invoice, locale) and rotate the saas
passphrase; superusers create and edit every tenant and manage memberships. API keys are created
through `api_key_create` — the secret is shown once, in the success message; the hash is never
shown — and revoked through `api_key_revoke`, never edited or deleted.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from checkout_project.admin import TenantScopedAdmin, TenantScopedForm, copy_fields
from checkout_project.errors import ApiError, ErrorDetail

from .models import ALL_SCOPES, ApiKey, Membership, Tenant
from .services import api_key_create, api_key_revoke, currency_validate, tenant_create, tenant_rotate_saas_passphrase

STAFF_EDITABLE_TENANT_FIELDS = ("name", "return_url", "allow_invoice", "locale")


# ---------------------------------------------------------------------------------------------
# Tenants


@admin.register(Tenant)
class TenantAdmin(TenantScopedAdmin):
    tenant_lookup = "pk"
    list_display = ("code", "name", "default_currency", "locale", "allow_invoice", "created_at")
    search_fields = ("code", "name")
    ordering = ("code",)
    actions = ("rotate_saas_passphrase",)
    # The saas passphrase is never shown: it is printed once at creation and at each rotation.
    fields = ("code", "name", "default_currency", "locale", "return_url", "allow_invoice", "created_at")

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ("code", "created_at") if obj else ("created_at",)
        return tuple(f for f in self.fields if f not in STAFF_EDITABLE_TENANT_FIELDS)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def service_problems(self, instance: Tenant) -> list[ErrorDetail]:
        try:
            currency_validate(instance.default_currency)
        except ApiError as error:
            return [ErrorDetail("defaultCurrency", d.type, d.message) for d in error.details]
        return []

    def save_model(self, request, obj, form, change):
        if change:
            # Only the edited columns: a passphrase rotated meanwhile is never written back.
            changed = [name for name in form.changed_data if name in self.fields]
            if changed:
                obj.save(update_fields=changed)
            return
        tenant = tenant_create(code=obj.code, name=obj.name, default_currency=obj.default_currency)
        extra = {f: getattr(obj, f) for f in ("locale", "return_url", "allow_invoice")}
        Tenant.objects.filter(pk=tenant.pk).update(**extra)
        copy_fields(obj, Tenant.objects.get(pk=tenant.pk))
        self.message_user(
            request,
            f"Saas passphrase of {tenant.code}: {tenant.saas_passphrase} — shown only now; "
            "the merchant signs saas-tokens with it.",
            messages.WARNING,
        )

    def has_rotate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("merchants.change_tenant")

    @admin.action(
        description="Rotate saas passphrase (saas-tokens signed with the old one stop working)", permissions=["rotate"]
    )
    def rotate_saas_passphrase(self, request, queryset):
        for tenant in queryset.order_by("code"):
            rotated = tenant_rotate_saas_passphrase(tenant=tenant)
            self.message_user(
                request,
                f"New saas passphrase of {rotated.code}: {rotated.saas_passphrase} — shown only now.",
                messages.WARNING,
            )


# ---------------------------------------------------------------------------------------------
# Memberships: who works for which tenant (superusers only; staff are created by
# `manage.py create_merchant_staff`)


@admin.register(Membership)
class MembershipAdmin(TenantScopedAdmin):
    list_display = ("user", "tenant", "created_at")
    search_fields = ("user__username", "user__email", "tenant__code")
    autocomplete_fields = ("user", "tenant")
    list_select_related = ("user", "tenant")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


# ---------------------------------------------------------------------------------------------
# API keys


class ApiKeyForm(TenantScopedForm):
    scopes = forms.MultipleChoiceField(
        choices=[(scope, scope) for scope in ALL_SCOPES],
        initial=list(ALL_SCOPES),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiKey
        fields = ("tenant", "mode", "name", "scopes")


@admin.register(ApiKey)
class ApiKeyAdmin(TenantScopedAdmin):
    form = ApiKeyForm
    list_display = (
        "access_key_prefix",
        "name",
        "tenant",
        "mode",
        "scope_list",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("mode", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("=access_key", "name")
    list_select_related = ("tenant",)
    ordering = ("-created_at", "-id")
    actions = ("revoke",)
    readonly_fields = (
        "access_key_prefix",
        "name",
        "tenant",
        "mode",
        "scope_list",
        "created_at",
        "last_used_at",
        "revoked_at",
    )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("tenant", "mode", "name", "scopes")
        return self.readonly_fields  # never secret_hash

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False  # a key is created or revoked, never edited

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the record stays for the audit trail

    @admin.display(description="access key")
    def access_key_prefix(self, api_key: ApiKey) -> str:
        return f"{api_key.access_key[:12]}…"

    @admin.display(description="scopes")
    def scope_list(self, api_key: ApiKey) -> str:
        return ", ".join(api_key.scopes)

    def save_model(self, request, obj, form, change):
        self.tenant_assign(request, obj)
        new_key = api_key_create(tenant=obj.tenant, mode=obj.mode, scopes=form.cleaned_data["scopes"], name=obj.name)
        copy_fields(obj, new_key.api_key)
        self.message_user(
            request,
            f"accessKey: {new_key.api_key.access_key}   accessSecret: {new_key.access_secret} — "
            "the secret is shown only now and stored only as a hash; copy it into the merchant's backend.",
            messages.WARNING,
        )

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("merchants.change_apikey")

    @admin.action(description="Revoke selected API keys (and their bearer tokens)", permissions=["revoke"])
    def revoke(self, request, queryset):
        count = 0
        for api_key in queryset.order_by("pk"):
            api_key_revoke(api_key=api_key)
            count += 1
        self.message_user(request, f"Revoked {count} API key(s).", messages.SUCCESS)
