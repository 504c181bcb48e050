"""Merchant staff: Django staff users of one tenant, with the "Merchant staff" group's permissions."""

import pytest
from django.contrib.auth.models import Group, Permission

from merchants.services import MERCHANT_STAFF_GROUP, merchant_staff_create, staff_group_ensure

pytestmark = pytest.mark.django_db


def codenames(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_the_group_covers_tenant_owned_models_of_our_apps():
    granted = codenames(staff_group_ensure())
    for model in ("product", "shippingmethod", "coupon", "cart", "cartitem"):
        assert {f"carts.{a}_{model}" for a in ("view", "add", "change", "delete")} <= granted
    for model in ("checkout", "order", "payment"):
        assert {f"checkouts.{a}_{model}" for a in ("view", "add", "change", "delete")} <= granted
    for model in ("apikey", "accesstoken", "membership"):
        assert {f"merchants.{a}_{model}" for a in ("view", "add", "change", "delete")} <= granted
    # Their own tenant: view and change, never create or delete merchants.
    assert {"merchants.view_tenant", "merchants.change_tenant"} <= granted
    assert not {"merchants.delete_tenant", "merchants.add_tenant"} & granted
    # Their webhook endpoints and deliveries too (the webhooks admin is tenant-scoped).
    assert {f"webhooks.{a}_webhookendpoint" for a in ("view", "add", "change", "delete")} <= granted
    # Nothing outside our apps (no user or group management).
    assert {g.split(".")[0] for g in granted} == {"carts", "checkouts", "merchants", "webhooks"}


def test_the_group_is_idempotent():
    first = staff_group_ensure()
    granted = codenames(first)
    second = staff_group_ensure()
    assert first.pk == second.pk
    assert codenames(second) == granted
    assert Group.objects.filter(name=MERCHANT_STAFF_GROUP).count() == 1


def test_the_group_is_repaired_when_edited_by_hand():
    group = staff_group_ensure()
    group.permissions.add(Permission.objects.get(codename="delete_tenant"))
    assert "merchants.delete_tenant" not in codenames(staff_group_ensure())


def test_staff_user_has_the_permissions_and_is_not_superuser(tenant):
    user = merchant_staff_create(tenant=tenant, email="bob@example.com").user
    assert user.is_staff and not user.is_superuser
    assert user.has_perm("carts.change_product")
    assert user.has_perm("checkouts.delete_checkout")
    assert user.has_perm("merchants.change_tenant")
    assert not user.has_perm("merchants.delete_tenant")
    assert not user.has_perm("auth.add_user")
