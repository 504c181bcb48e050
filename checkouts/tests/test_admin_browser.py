"""The back office in a real browser (issue 9): Playwright driving Debian's Chromium against live_server.

A merchant staff user (created like `manage.py create_merchant_staff`) logs in, looks at the
dashboard, filters the checkouts, opens one, and retries it from the list's action menu. Screenshots
go to var/screenshots/admin-*.png; the strict Content-Security-Policy must not block anything.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from checkout_project.tests.admin_support import place_order
from checkouts.models import Checkout, CheckoutStatus, Payment
from conftest import SCREENSHOTS
from merchants.services import api_key_create, merchant_staff_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    page = context.new_page()
    page.csp_errors = []
    page.on(
        "console",
        lambda message: page.csp_errors.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield page
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"admin-{name}.png"), full_page=True)


@pytest.fixture
def checkouts(tenant, make_cart):
    """Two paid checkouts, one declined and one waiting for a retry (the provider failed transiently)."""
    key = api_key_create(tenant=tenant, mode="test")
    for customer in ("alice", "bob"):
        assert place_order(tenant, make_cart(customer_id=customer).pk, api_key=key).status_code == 200
    declined = place_order(tenant, make_cart(customer_id="carol").pk, token="tok_chargeDeclined", api_key=key)
    pending = place_order(tenant, make_cart(customer_id="dave").pk, token="tok_processingError", api_key=key)
    assert (declined.status_code, pending.status_code) == (402, 503)
    return {"pending": pending.json()["checkoutId"]}


def test_staff_filter_open_and_retry_a_checkout(live_server, page, tenant, other_tenant, checkouts):
    staff = merchant_staff_create(tenant=tenant, email="ann@acme.example")
    pending_id = checkouts["pending"]

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill(staff.user.username)
    page.get_by_label("Password").fill(staff.password)
    page.get_by_role("button", name="Log in").click()

    # The dashboard: today's bars and revenue for the staff user's tenant only.
    expect(page.locator("svg.backoffice-chart").first).to_be_visible()
    assert page.locator("#chart-acme-test-title").count() == 1
    assert page.locator("rect.backoffice-chart__bar").count() == 3  # today: completed, failed, pending
    assert "$230.00" in page.locator(".backoffice-revenue").last.inner_text()
    assert "globex" not in page.content()
    shot(page, "01-dashboard")

    # Filter the checkouts by status.
    page.get_by_role("link", name="Checkouts", exact=True).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(4)
    page.locator("#changelist-filter").get_by_role("link", name="Pending (in progress or waiting for a retry)").click()
    expect(page).to_have_url(re.compile(r"status__exact=pending"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(pending_id)
    shot(page, "02-checkouts-filtered-pending")

    # Open it: cart snapshot, addresses, payment, order link, timeline.
    page.get_by_role("link", name=pending_id).click()
    cart = page.locator("table.backoffice-cart")
    expect(cart).to_contain_text("sku3")
    assert "$115.00" in cart.inner_text()
    assert "Provider unavailable (retryable)" in page.locator("#attempts-group").inner_text()
    assert page.locator("input[name=_save]").count() == 0  # read-only
    shot(page, "03-checkout-detail")

    # Back to the filtered list; retry it from the action menu.
    page.go_back()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.locator(f'input.action-select[value="{pending_id}"]').check()
    page.locator("select[name=action]").select_option("retry_checkouts")
    page.locator("button[name=index]").first.click()
    message = page.locator("ul.messagelist li.success")
    checkout = Checkout.objects.get(pk=pending_id)
    expect(message).to_have_text(f"Checkout {pending_id} completed: order {checkout.order_id}")
    shot(page, "04-retry-done")

    assert checkout.status == CheckoutStatus.CREATED
    assert Payment.objects.filter(order_id=checkout.order_id, status="success").count() == 1
    assert page.csp_errors == []
