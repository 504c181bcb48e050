import pytest
from django.core.management import call_command

from carts.models import Cart, CartItem, Coupon, Product, ShippingMethod
from merchants.models import ApiKey, Tenant


@pytest.mark.django_db
def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    assert "accessSecret: sk_test_" in first
    assert "/api/v1/checkout-link/customer-id-123" in first
    assert "manage.py mint_saas_token demoshop customer-id-123" in first
    counts = [m.objects.count() for m in (Tenant, Product, ShippingMethod, Coupon, Cart, CartItem, ApiKey)]

    call_command("seed_demo")
    second = capsys.readouterr().out
    assert [m.objects.count() for m in (Tenant, Product, ShippingMethod, Coupon, Cart, CartItem, ApiKey)] == counts
    assert counts[0] == 1 and counts[1] >= 3 and counts[4] == 1
    # The secret is never printed again; the rerun says how to get a new key.
    assert "sk_test_" not in second
    assert "create_api_key demoshop --mode test" in second
    cart = Cart.objects.get()
    assert cart.customer_id == "customer-id-123" and cart.status == "OPEN" and cart.items.count() == 2
