"""The admin's tenant scope (issue 9): a staff user of tenant A never sees, picks, opens or writes B's rows.

Every test walks `admin.site._registry`, so an admin registered later is covered without editing
this file — and `test_every_tenant_owned_admin_uses_the_scope` fails if it forgets the mixin.
"""

from __future__ import annotations

import pytest
from django import forms as django_forms
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse

from carts.models import CartItem, Coupon, Product
from checkout_project.admin import TenantScopedAdmin, TenantScopedForm, is_tenant_owned
from merchants.models import Membership, Tenant
from merchants.services import tenant_create

from .admin_support import make_world, staff_client

pytestmark = pytest.mark.django_db


def scoped_admins() -> list[tuple[type, TenantScopedAdmin]]:
    return [(model, ma) for model, ma in admin.site._registry.items() if isinstance(ma, TenantScopedAdmin)]


def tenant_of(model_admin: TenantScopedAdmin, obj) -> int:
    return obj.pk if model_admin.tenant_lookup == "pk" else obj.tenant_id


def rows_of(model, model_admin, tenant: Tenant):
    lookup = "pk" if model_admin.tenant_lookup == "pk" else "tenant"
    return model._default_manager.filter(**{lookup: tenant.pk})


def url(model, name: str, obj=None) -> str:
    opts = model._meta
    args = [quote(obj.pk)] if obj is not None else []
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)


@pytest.fixture
def worlds(tenant, other_tenant):
    a, b = make_world(tenant), make_world(other_tenant)
    staff_client(tenant, "colleague@acme.example")  # memberships of both tenants exist
    staff_client(other_tenant, "someone@globex.example")
    return {"a": a, "b": b}


@pytest.fixture
def staff_a(tenant, worlds):
    """A's staff user with every permission on every scoped model (beyond the "Merchant staff"
    group, which has no webhook permissions): the scope alone must hide B's rows."""
    client = staff_client(tenant, "ann@acme.example")
    content_types = ContentType.objects.get_for_models(*(model for model, _ in scoped_admins()))
    client.user.user_permissions.add(*Permission.objects.filter(content_type__in=content_types.values()))
    return client


def test_every_tenant_owned_admin_uses_the_scope():
    unscoped = [
        f"{model._meta.label} ({type(ma).__name__})"
        for model, ma in admin.site._registry.items()
        if (is_tenant_owned(model) or model is Tenant) and not isinstance(ma, TenantScopedAdmin)
    ]
    assert unscoped == []
    assert len(scoped_admins()) >= 13  # carts 4, checkouts 3, merchants 3, webhooks 3


def test_both_tenants_have_a_row_for_every_scoped_admin(worlds, tenant, other_tenant):
    """Guards the tests below: each admin is checked against a real row of B (and of A)."""
    for model, ma in scoped_admins():
        assert rows_of(model, ma, other_tenant).exists(), f"make_world() makes no {model._meta.label} row"
        assert rows_of(model, ma, tenant).exists(), f"make_world() makes no {model._meta.label} row"


def test_changelists_show_only_my_tenants_rows_and_never_other_tenant_names(staff_a, tenant, other_tenant):
    for model, ma in scoped_admins():
        response = staff_a.get(url(model, "changelist"))
        if model is Membership:
            assert response.status_code == 403  # superusers only
            continue
        assert response.status_code == 200, model
        changelist = response.context["cl"]
        tenants_listed = {tenant_of(ma, obj) for obj in changelist.queryset}
        assert tenants_listed == {tenant.pk}, model
        html = response.content.decode()
        assert other_tenant.code not in html and other_tenant.name not in html, model


def test_other_tenants_change_delete_and_history_urls_are_404(staff_a, worlds, tenant, other_tenant):
    for model, ma in scoped_admins():
        theirs = rows_of(model, ma, other_tenant).first()
        mine = rows_of(model, ma, tenant).first()
        for view in ("change", "delete", "history"):
            assert staff_a.get(url(model, view, theirs)).status_code == 404, (model, view)
            assert staff_a.post(url(model, view, theirs), {"post": "yes"}).status_code == 404, (model, view)
        # The same URLs of my own row answer (or are refused by permission), so the 404 is the scope.
        expected = 403 if model is Membership else 200
        assert staff_a.get(url(model, "change", mine)).status_code == expected, model
        assert staff_a.get(url(model, "history", mine)).status_code == expected, model
    assert all(rows_of(m, ma, other_tenant).exists() for m, ma in scoped_admins())  # nothing was deleted


def test_the_listed_models_named_by_the_issue_are_404(staff_a, worlds):
    b = worlds["b"]
    for obj in (b["checkout"], b["product"], b["cart"], b["order"], b["api_key"]):
        for view in ("change", "delete", "history"):
            assert staff_a.get(url(type(obj), view, obj)).status_code == 404


def test_a_superuser_sees_every_tenant(admin_client, worlds, tenant, other_tenant):
    for model, ma in scoped_admins():
        response = admin_client.get(url(model, "changelist"))
        assert response.status_code == 200
        assert {tenant_of(ma, obj) for obj in response.context["cl"].queryset} == {tenant.pk, other_tenant.pk}
        theirs = rows_of(model, ma, other_tenant).first()
        assert admin_client.get(url(model, "change", theirs)).status_code == 200


def test_search_never_reaches_other_tenants(staff_a, worlds):
    b = worlds["b"]
    for path, term in (
        ("/admin/checkouts/checkout/", b["checkout"].pk),
        ("/admin/checkouts/checkout/", b["order"].pk),
        ("/admin/checkouts/order/", b["order"].pk),
        ("/admin/carts/product/", b["product"].sku),
        ("/admin/carts/cart/", b["cart"].pk),
    ):
        response = staff_a.get(path, {"q": term})
        assert response.status_code == 200
        assert response.context["cl"].result_count == 0, path
    # …while the same search finds my own rows.
    a = worlds["a"]
    assert staff_a.get("/admin/checkouts/checkout/", {"q": a["order"].pk}).context["cl"].result_count == 1


def test_autocomplete_offers_only_my_tenants_rows(staff_a, tenant):
    checked = 0
    for source_model in admin.site._registry:
        for field in source_model._meta.get_fields():
            if not (field.many_to_one and field.concrete):
                continue
            remote_admin = admin.site._registry.get(field.related_model)
            if not isinstance(remote_admin, TenantScopedAdmin) or not remote_admin.search_fields:
                continue
            if field.related_model is Membership:
                continue
            response = staff_a.get(
                "/admin/autocomplete/",
                {
                    "app_label": source_model._meta.app_label,
                    "model_name": source_model._meta.model_name,
                    "field_name": field.name,
                    "term": "",
                },
            )
            assert response.status_code == 200, (source_model, field.name)
            ids = [result["id"] for result in response.json()["results"]]
            assert ids, (source_model, field.name)
            allowed = {
                str(pk) for pk in rows_of(field.related_model, remote_admin, tenant).values_list("pk", flat=True)
            }
            assert set(ids) <= allowed, (source_model, field.name)
            checked += 1
    assert checked >= 10  # every tenant FK (to Tenant) and FKs such as cart item → product


def test_foreign_key_choices_are_limited_to_my_tenants(staff_a, worlds, tenant):
    request = RequestFactory().get("/admin/")
    request.user = staff_a.user
    for model, ma in scoped_admins():
        for field in model._meta.get_fields():
            if not (field.many_to_one and field.concrete):
                continue
            related = field.related_model
            if related is not Tenant and not is_tenant_owned(related):
                continue
            formfield = ma.formfield_for_foreignkey(field, request)
            tenants = {obj.pk if related is Tenant else obj.tenant_id for obj in formfield.queryset}
            assert tenants <= {tenant.pk}, (model, field.name)


def test_tenant_filter_lists_only_my_tenants(tenant, other_tenant, worlds):
    third = tenant_create(code="initech", name="Initech LLC")
    make_world(third)
    client = staff_client(tenant, "two@acme.example", third)
    response = client.get("/admin/checkouts/checkout/")
    html = response.content.decode()
    assert f"?tenant={third.pk}" in html and f"?tenant={tenant.pk}" in html
    assert other_tenant.code not in html and other_tenant.name not in html
    filtered = client.get("/admin/checkouts/checkout/", {"tenant": third.pk})
    assert {c.tenant_id for c in filtered.context["cl"].queryset} == {third.pk}
    # Someone else's tenant id in the URL filters to nothing, never to their rows.
    smuggled = client.get("/admin/checkouts/checkout/", {"tenant": other_tenant.pk})
    assert smuggled.context["cl"].result_count == 0
    # Facet counts ("Show counts") count within the scope too.
    facets = client.get("/admin/checkouts/checkout/", {"_facets": "True"})
    assert facets.status_code == 200
    assert other_tenant.code not in facets.content.decode()


# ---------------------------------------------------------------------------------------------
# Writes


def test_cannot_move_an_object_to_another_tenant(staff_a, worlds, other_tenant):
    coupon = worlds["a"]["coupon"]
    change_url = url(Coupon, "change", coupon)
    page = staff_a.get(change_url)
    form = page.context["adminform"].form
    assert list(form.fields["tenant"].queryset) == [coupon.tenant]
    data = {
        "tenant": other_tenant.pk,
        "name": "Moved",
        "discount_type": coupon.discount_type,
        "value": "10.00",
        "currency": coupon.currency,
        "calculation_type": coupon.calculation_type,
        "active": "on",
    }
    response = staff_a.post(change_url, data)
    assert response.status_code == 200
    assert "tenant" in response.context["adminform"].form.errors
    coupon.refresh_from_db()
    assert (coupon.tenant_id, coupon.name) != (other_tenant.pk, "Moved")
    assert coupon.name != "Moved"


def test_cannot_create_an_object_for_another_tenant(staff_a, other_tenant):
    data = {
        "tenant": other_tenant.pk,
        "sku": "smuggled",
        "name": "Smuggled",
        "unit_price": "1.00",
        "currency": "USD",
        "stock_on_hand": "1",
        "tax_rate": "0",
        "active": "on",
    }
    response = staff_a.post("/admin/carts/product/add/", data)
    assert response.status_code == 200
    assert "tenant" in response.context["adminform"].form.errors
    assert not Product.objects.filter(sku="smuggled").exists()


def test_saving_assigns_my_only_tenant(staff_a, tenant):
    page = staff_a.get("/admin/carts/product/add/")
    assert page.context["adminform"].form.initial["tenant"] == tenant.pk
    data = {
        "sku": "fresh",
        "name": "Fresh",
        "unit_price": "2.50",
        "currency": "USD",
        "stock_on_hand": "4",
        "tax_rate": "0",
        "active": "on",
    }  # no tenant posted at all
    response = staff_a.post("/admin/carts/product/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    product = Product.objects.get(sku="fresh")
    assert (product.tenant_id, product.stock_on_hand) == (tenant.pk, 4)


def test_a_foreign_key_into_another_tenant_is_refused(worlds, tenant, other_tenant):
    """A user of both tenants still cannot point A's row at B's row (here: a cart item's product)."""

    class ItemForm(TenantScopedForm):
        class Meta:
            model = CartItem
            fields = ("tenant", "cart", "product", "quantity", "unit_price")

    form_class = type("ItemForm", (ItemForm,), {"tenant_ids": frozenset({tenant.pk, other_tenant.pk})})
    form = form_class(
        data={
            "tenant": tenant.pk,
            "cart": worlds["a"]["cart"].pk,
            "product": worlds["b"]["product"].pk,
            "quantity": 1,
            "unit_price": "1.00",
        }
    )
    assert not form.is_valid()
    assert form.errors["product"] == ["This belongs to another tenant."]
    assert isinstance(form.fields["product"], django_forms.ModelChoiceField)
