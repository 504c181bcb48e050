"""The Django admin back office (DESIGN.md "Users", merchant staff): the tenant scope and the site.

Every ModelAdmin of a tenant-owned model uses `TenantScopedAdmin` (inlines: `TenantScopedTabularInline`).
A staff user works for the tenants they have a `Membership` of; superusers work for all. Through
the scope a staff user lists, searches, autocompletes, chooses in foreign keys, opens, deletes and
reads the history of rows of their own tenants only; any other row answers 404, exactly like an id
that does not exist. Writes stay in the services: admins call them from `save_model` /
`delete_model` and actions, and an `ApiError` a service raises is shown as an error message.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.forms.models import construct_instance
from django.http import Http404, HttpRequest, HttpResponseRedirect

from checkout_project.errors import ApiError, ErrorDetail
from merchants.models import Membership, Tenant

_TENANT_IDS = "_backoffice_tenant_ids"
DASHBOARD_MAX_TENANTS = 25


# ---------------------------------------------------------------------------------------------
# Who works for which tenant


def user_tenant_ids(request: HttpRequest) -> frozenset[int] | None:
    """Ids of the tenants the admin user works for; None for a superuser (every tenant).

    One query per request, remembered on the request so list pages keep a constant query count.
    """
    user = request.user
    if user.is_superuser:
        return None
    ids = getattr(request, _TENANT_IDS, None)
    if ids is None:
        ids = frozenset(Membership.objects.filter(user_id=user.pk).values_list("tenant_id", flat=True))
        setattr(request, _TENANT_IDS, ids)
    return ids


def visible_tenants(request: HttpRequest) -> QuerySet[Tenant]:
    ids = user_tenant_ids(request)
    tenants = Tenant.objects.order_by("code")
    return tenants if ids is None else tenants.filter(pk__in=ids)


def is_tenant_owned(model: type[models.Model]) -> bool:
    """A model with a `tenant` foreign key to Tenant (every tenant-owned row carries tenant_id)."""
    try:
        field = model._meta.get_field("tenant")
    except Exception:  # noqa: BLE001 - FieldDoesNotExist: not tenant-owned
        return False
    return field.is_relation and field.many_to_one and field.related_model is Tenant


def scoped_choices(model: type[models.Model], request: HttpRequest) -> QuerySet | None:
    """Rows of `model` the user may pick in a foreign key; None when there is nothing to limit."""
    ids = user_tenant_ids(request)
    if ids is None:
        return None
    if model is Tenant:
        return Tenant.objects.filter(pk__in=ids).order_by("code")
    if is_tenant_owned(model):
        return model._default_manager.filter(tenant_id__in=ids)
    return None


def _form_field_name(api_field: str) -> str:
    """`unitPrice` -> `unit_price`: service errors name API fields, the admin forms model fields."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", api_field.split("[")[0].split(".")[0]).lower()


def api_error_text(error: ApiError) -> str:
    details = "; ".join(f"{d.field}: {d.message}" for d in error.details)
    return f"{error.message} ({details})" if details and details not in error.message else error.message


# ---------------------------------------------------------------------------------------------
# The scope


class TenantListFilter(admin.SimpleListFilter):
    """Filter by tenant, offering only the user's tenants (a plain FK filter would list them all)."""

    title = "tenant"
    parameter_name = "tenant"

    def __init__(self, request, params, model, model_admin):
        self.tenant_lookup = getattr(model_admin, "tenant_lookup", "tenant")
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [(str(tenant.pk), f"{tenant.code} ({tenant.name})") for tenant in visible_tenants(request)]

    def has_output(self):
        return len(self.lookup_choices) > 1

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value not in {pk for pk, _ in self.lookup_choices}:
            return queryset.none()
        return queryset.filter(**{f"{self.tenant_lookup}_id": value})


class TenantScope:
    """Row scope shared by model admins and inlines: querysets and foreign-key choices."""

    tenant_lookup = "tenant"  # the foreign key to Tenant; "pk" when the model is Tenant itself

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        ids = user_tenant_ids(request)
        if ids is None:
            return queryset
        return queryset.filter(**{f"{self.tenant_lookup}__in": ids})

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            choices = scoped_choices(db_field.related_model, request)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TenantScopedForm(forms.ModelForm):
    """Checks what the scope needs in a posted form (`TenantScopedAdmin.get_form` fills the class
    attributes per request): the tenant is one of the user's — and, on change, the object's own —
    every tenant-owned foreign key points into that tenant, and the service's rules hold."""

    tenant_ids: frozenset[int] | None = None
    tenant_movable = False
    service_problems: Callable[[models.Model], list[ErrorDetail]] | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("tenant")
        if field is None:
            return
        if not self.instance._state.adding and not self.tenant_movable:
            # An object keeps its tenant: ids (sku, coupon code) and references are per tenant.
            field.queryset = field.queryset.filter(pk=self.instance.tenant_id)
        if self.tenant_ids is not None and len(self.tenant_ids) == 1:
            field.required = False  # saving assigns the one tenant the user works for

    def _tenant_id(self, data: dict[str, Any]) -> int | None:
        if "tenant" in self.fields:
            tenant = data.get("tenant")
            if tenant is None and "tenant" not in self.errors and self.tenant_ids and len(self.tenant_ids) == 1:
                tenant = data["tenant"] = Tenant.objects.get(pk=next(iter(self.tenant_ids)))
            return tenant.pk if tenant is not None else None
        return getattr(self.instance, "tenant_id", None)

    def clean(self):
        data = super().clean()
        tenant_id = self._tenant_id(data)
        for name, field in self.fields.items():
            value = data.get(name)
            if (
                name != "tenant"
                and isinstance(field, forms.ModelChoiceField)
                and isinstance(value, models.Model)
                and is_tenant_owned(type(value))
                and value.tenant_id != tenant_id
            ):
                self.add_error(name, "This belongs to another tenant.")
        if self.service_problems is not None and not self.errors:
            candidate = construct_instance(self, copy.copy(self.instance))
            for problem in self.service_problems(candidate):
                name = _form_field_name(problem.field)
                if name in self.fields:
                    self.add_error(name, problem.message)
                else:
                    self.add_error(None, f"{problem.field}: {problem.message}")
        return data


class TenantScopedAdmin(TenantScope, admin.ModelAdmin):
    """The one ModelAdmin base of every tenant-owned model (see the module docstring)."""

    form = TenantScopedForm
    tenant_movable = False

    def service_problems(self, instance: models.Model) -> list[ErrorDetail]:
        """What the model's service would refuse, checked while the form can still show it."""
        return []

    # --- forms ---------------------------------------------------------------------------------

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")  # Django 6's default; URLs we hand out are https
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _scoped_form(self, request: HttpRequest, form: type[forms.ModelForm]) -> type[forms.ModelForm]:
        if not issubclass(form, TenantScopedForm):
            return form
        attrs = {
            "tenant_ids": user_tenant_ids(request),
            "tenant_movable": self.tenant_movable,
            "service_problems": staticmethod(self.service_problems),
        }
        return type(form.__name__, (form,), attrs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        return self._scoped_form(request, super().get_form(request, obj, change=change, **kwargs))

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", self.form)
        return self._scoped_form(request, super().get_changelist_form(request, **kwargs))

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        ids = user_tenant_ids(request)
        if self.tenant_lookup == "tenant" and ids is not None and len(ids) == 1:
            initial.setdefault("tenant", next(iter(ids)))
        return initial

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        return filters if self.tenant_lookup == "pk" else [TenantListFilter, *filters]

    def save_model(self, request, obj, form, change):
        self.tenant_assign(request, obj)
        super().save_model(request, obj, form, change)

    def tenant_assign(self, request: HttpRequest, obj: models.Model) -> None:
        """Give a new object the user's only tenant; refuse one outside the user's tenants."""
        if self.tenant_lookup != "tenant":
            return
        ids = user_tenant_ids(request)
        if ids is None:
            return
        if obj.tenant_id is None and len(ids) == 1:
            obj.tenant_id = next(iter(ids))
        if obj.tenant_id not in ids:  # the form refuses this already; never write it regardless
            raise Http404

    # --- someone else's object is a 404 --------------------------------------------------------

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with this id")
        return obj

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404(f"No {opts.verbose_name} with this id")

    # --- service errors become messages ----------------------------------------------------------

    def _service_errors_as_messages(self, request: HttpRequest, view: Callable[[], Any]):
        try:
            return view()
        except ApiError as error:  # the view's transaction has been rolled back: nothing was written
            self.message_user(request, api_error_text(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._service_errors_as_messages(
            request, lambda: super(TenantScopedAdmin, self).changeform_view(request, object_id, form_url, extra_context)
        )

    def changelist_view(self, request, extra_context=None):
        return self._service_errors_as_messages(
            request, lambda: super(TenantScopedAdmin, self).changelist_view(request, extra_context)
        )

    def delete_view(self, request, object_id, extra_context=None):
        return self._service_errors_as_messages(
            request, lambda: super(TenantScopedAdmin, self).delete_view(request, object_id, extra_context)
        )


class TenantScopedTabularInline(TenantScope, admin.TabularInline):
    pass


class ReadOnlyTabularInline(TenantScopedTabularInline):
    """A timeline or line list shown under its parent: never added, changed or deleted here."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def copy_fields(target: models.Model, source: models.Model) -> None:
    """Make the admin's unsaved `target` the row a service created (pk and every column)."""
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.adding = False
    target._state.db = source._state.db


# ---------------------------------------------------------------------------------------------
# The site


class BackOfficeSite(admin.AdminSite):
    site_header = "Checkout service back office"
    site_title = "Checkout back office"
    index_title = "Dashboard"

    def index(self, request, extra_context=None):
        from checkout_project.dashboard import dashboard_context  # the site loads before the apps' admins

        context = dashboard_context(request, max_tenants=DASHBOARD_MAX_TENANTS)
        return super().index(request, {**context, **(extra_context or {})})
