"""The checkouts back office (issue 9): list, detail, the Retry and Delete actions, query counts."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkout_project.tests.admin_support import place_order, staff_client
from checkouts.models import Checkout, CheckoutAttempt, CheckoutStatus, Order, Payment, TestGatewayCharge

from .factories import make_checkouts

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/checkouts/checkout/"


@pytest.fixture
def staff(tenant):
    return staff_client(tenant, "ann@acme.example")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def run_action(client, action: str, ids: list[str], **extra):
    return client.post(CHANGELIST, {"action": action, "_selected_action": ids, **extra}, follow=True)


# ---------------------------------------------------------------------------------------------
# Retry


def test_retry_completes_a_transiently_failed_checkout_with_exactly_one_payment(staff, tenant, make_cart, api_key):
    """DESIGN.md "Retry": the admin action calls the same service as POST .../checkouts/{id}/retry."""
    cart = make_cart()
    placed = place_order(tenant, cart.pk, token="tok_processingError", api_key=api_key)
    assert placed.status_code == 503
    checkout = Checkout.objects.get()
    assert checkout.status == CheckoutStatus.PENDING
    assert Payment.objects.filter(status="success").count() == 0

    response = run_action(staff, "retry_checkouts", [checkout.pk])

    assert response.status_code == 200
    checkout.refresh_from_db()
    assert checkout.status == CheckoutStatus.CREATED
    assert checkout.checkout_completed and checkout.retry_attempts == 1
    assert messages_of(response) == [f"Checkout {checkout.pk} completed: order {checkout.order_id}"]
    assert Payment.objects.filter(status="success").count() == 1
    assert Payment.objects.filter(status="success").get().order_id == checkout.order_id
    assert TestGatewayCharge.objects.get().status == "succeeded"
    assert list(CheckoutAttempt.objects.filter(checkout=checkout).values_list("number", "outcome")) == [
        (0, "transient"),
        (1, "succeeded"),
    ]

    # Retrying the completed checkout charges nothing and names its order.
    again = run_action(staff, "retry_checkouts", [checkout.pk])
    assert messages_of(again) == [f"Checkout {checkout.pk} was already completed: order {checkout.order_id}"]
    assert Payment.objects.filter(status="success").count() == 1
    assert TestGatewayCharge.objects.count() == 1


def test_retry_reports_each_checkout_and_the_reason_it_failed_again(staff, tenant, make_cart, api_key, catalog):
    pending = place_order(tenant, make_cart(customer_id="c1").pk, token="tok_processingError", api_key=api_key)
    declined = place_order(tenant, make_cart(customer_id="c2").pk, token="tok_chargeDeclined", api_key=api_key)
    assert (pending.status_code, declined.status_code) == (503, 402)
    pending_id, declined_id = pending.json()["checkoutId"], declined.json()["checkoutId"]

    response = run_action(staff, "retry_checkouts", [pending_id, declined_id])

    by_checkout = {m.split(":")[0].split()[1]: m for m in messages_of(response)}
    assert by_checkout[pending_id].startswith(f"Checkout {pending_id} completed: order ord")
    assert by_checkout[declined_id].startswith(f"Checkout {declined_id}: The payment was declined")
    assert Checkout.objects.get(pk=declined_id).status == CheckoutStatus.FAILED
    assert Payment.objects.filter(status="success").count() == 1
    html = response.content.decode()
    assert 'class="error"' in html and 'class="success"' in html


def test_retry_of_another_tenants_checkout_is_impossible(staff, other_tenant):
    (theirs,) = make_checkouts(other_tenant, 1, status="pending")
    response = run_action(staff, "retry_checkouts", [theirs])
    assert messages_of(response) == []  # the selection is filtered by the scope: nothing was retried
    assert Checkout.objects.get(pk=theirs).retry_attempts == 0


# ---------------------------------------------------------------------------------------------
# Delete


def test_delete_action_asks_then_deletes_checkouts_and_keeps_orders(staff, tenant, other_tenant):
    mine = make_checkouts(tenant, 6)
    live = make_checkouts(tenant, 2, mode="live", start=6)
    theirs = make_checkouts(other_tenant, 3)
    orders_before = Order.objects.count()
    selected = mine[:4] + live[:1] + theirs[:1]

    confirm = staff.post(CHANGELIST, {"action": "delete_checkouts", "_selected_action": selected})
    assert confirm.status_code == 200
    assert b"orders and payments are kept" in confirm.content
    assert Checkout.objects.count() == 11  # nothing deleted yet

    response = run_action(staff, "delete_checkouts", selected, post="yes", index=0)

    assert messages_of(response) == ["Deleted 5 checkout(s). Their orders and payments are kept."]
    assert set(Checkout.objects.values_list("pk", flat=True)) == set(mine[4:] + live[1:] + theirs)
    assert Order.objects.count() == orders_before


def test_delete_of_all_matching_a_filter_across_pages(staff, tenant):
    make_checkouts(tenant, 150)  # more than one page (100 per page)
    failed = Checkout.objects.filter(status="failed").count()
    query = "?status__exact=failed"
    data = {"action": "delete_checkouts", "select_across": "1", "index": "0", "_selected_action": ["x"]}
    confirm = staff.post(CHANGELIST + query, data)
    assert f"<strong>{failed}</strong> checkouts" in confirm.content.decode()
    staff.post(CHANGELIST + query, {**data, "post": "yes"})
    assert Checkout.objects.filter(status="failed").count() == 0
    assert Checkout.objects.count() == 150 - failed


def test_the_stock_delete_selected_action_is_replaced(staff):
    response = staff.get(CHANGELIST)
    actions = [value for value, _ in response.context["action_form"].fields["action"].choices]
    assert actions == ["", "retry_checkouts", "delete_checkouts"]


def test_delete_view_of_one_checkout_keeps_its_order(staff, tenant):
    (pk,) = make_checkouts(tenant, 1, status="created")
    order_id = Checkout.objects.get(pk=pk).order_id
    response = staff.post(f"/admin/checkouts/checkout/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Checkout.objects.filter(pk=pk).exists()
    assert Order.objects.filter(pk=order_id).exists()


# ---------------------------------------------------------------------------------------------
# List and detail


def changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(queries)


def test_changelist_runs_a_constant_number_of_queries(staff, tenant, django_assert_max_num_queries):
    make_checkouts(tenant, 10)
    with_10 = changelist_queries(staff)
    make_checkouts(tenant, 190, start=10)
    with_200 = changelist_queries(staff)
    assert with_200 == with_10
    with django_assert_max_num_queries(12):
        response = staff.get(CHANGELIST)
    assert response.context["cl"].result_count == 200
    assert len(response.context["cl"].result_list) == 100


def test_changelist_columns_filters_and_search(staff, tenant):
    ids = make_checkouts(tenant, 9)
    response = staff.get(CHANGELIST)
    html = response.content.decode()
    for heading in ("Id", "Customer id", "Customer email", "Status", "Order created", "Checkout completed",
                    "Total", "Currency", "Retry attempts", "Modified at"):  # fmt: skip
        assert f">{heading}<" in html, heading
    assert "€10.00" in html
    filters = [spec.title for spec in response.context["cl"].filter_specs]
    assert filters == ["status", "order created", "checkout completed", "mode", "modified at"]
    assert staff.get(CHANGELIST, {"status__exact": "failed"}).context["cl"].result_count == 3
    assert staff.get(CHANGELIST, {"checkout_completed__exact": "1"}).context["cl"].result_count == 3
    assert staff.get(CHANGELIST, {"q": ids[4]}).context["cl"].result_count == 1
    assert staff.get(CHANGELIST, {"q": "customer-1"}).context["cl"].result_count == 2
    order_id = Checkout.objects.get(pk=ids[0]).order_id
    assert [c.pk for c in staff.get(CHANGELIST, {"q": order_id}).context["cl"].result_list] == [ids[0]]


def test_detail_is_read_only_and_shows_cart_addresses_payment_order_and_timeline(staff, tenant, make_cart, api_key):
    cart = make_cart()
    placed = place_order(tenant, cart.pk, token="tok_visa", api_key=api_key)
    assert placed.status_code == 200
    checkout = Checkout.objects.select_related("payment").get()
    response = staff.get(f"/admin/checkouts/checkout/{checkout.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    cart_table = re.search(r'<table class="backoffice-table backoffice-cart">.*?</table>', html, re.S).group(0)
    assert "sku3" in cart_table and "$100.00" in cart_table  # the reference sample: 100 + 15 tax + 10 - 10
    assert "Discount THANKSGIVING10" in cart_table and "−$10.00" in cart_table
    assert re.search(r"Total</th><td[^>]*>\$115\.00<", cart_table)
    assert "Maisonneuve 999" in html and "H3A 3L4 Montreal" in html and "BILLING" in html and "SHIPPING" in html
    payment = checkout.payment
    assert payment.card_last4 and payment.card_last4 in html and payment.transaction_id in html
    assert f'href="/admin/checkouts/order/{checkout.order_id}/change/"' in html
    assert "Timeline (placement and retries)" in html and "Succeeded" in html
    # No way to edit: no save button, no add page.
    assert 'name="_save"' not in html
    assert staff.get("/admin/checkouts/checkout/add/").status_code == 403
    before = Checkout.objects.get().status
    staff.post(f"/admin/checkouts/checkout/{checkout.pk}/change/", {"status": "failed"})
    assert Checkout.objects.get().status == before


def test_order_and_payment_pages_are_read_only(staff, tenant, make_cart, api_key):
    place_order(tenant, make_cart().pk, api_key=api_key)
    order = Order.objects.get()
    payment = Payment.objects.get()
    page = staff.get(f"/admin/checkouts/order/{order.pk}/change/").content.decode()
    assert "$115.00" in page and payment.pk in page and 'name="_save"' not in page
    payment_page = staff.get(f"/admin/checkouts/payment/{payment.pk}/change/").content.decode()
    assert f'href="/admin/checkouts/order/{order.pk}/change/"' in payment_page
    assert staff.post(f"/admin/checkouts/order/{order.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Order.objects.filter(pk=order.pk).exists()
    assert order.total == Decimal("115.00")
