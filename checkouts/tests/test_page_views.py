"""The hosted checkout page through Django's test client: security headers, CSRF, card data, errors."""

import logging
import re
import threading
from decimal import Decimal

import pytest
from django.core import serializers
from django.db import connection
from django.test import Client

from carts.models import Cart, CartItem, CartStatus, Coupon, Product
from checkouts.models import Checkout, CheckoutAttempt, Order, Payment, PaymentStatus, TestGatewayCharge

from .page_support import (
    DECLINED_CARD,
    TRANSIENT_CARD,
    page_path,
    page_state,
    pay,
    pay_form,
    shop_cart,
    shop_catalog,
)


@pytest.fixture
def shop(tenant):
    return shop_catalog(tenant)


@pytest.fixture
def cart(tenant, shop):
    return shop_cart(tenant)


@pytest.fixture
def client():
    return Client()


def text(response) -> str:
    """The page's text with tags dropped and whitespace collapsed (what a reader sees)."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html).replace("\xa0", " ")


# --- the page ------------------------------------------------------------------------------------


def test_page_shows_merchant_lines_and_totals(client, cart):
    response = client.get(page_path(cart))
    assert response.status_code == 200
    page = text(response)
    assert "Acme Inc." in page
    assert "Reference sample product" in page
    assert "Quantity: 1" in page
    assert "Subtotal €100.00" in page
    assert "Coupon THANKSGIVING10 −€10.00" in page
    assert "Tax €15.00" in page
    assert "Shipping €10.00" in page
    assert "Total €115.00" in page
    assert "Pay €115.00" in page
    assert "Test mode" in page


def test_every_input_has_a_label_and_autocomplete_hints(client, cart):
    html = client.get(page_path(cart)).content.decode()
    ids = re.findall(r'<(?:input|select)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html)
    assert len(ids) >= 15
    for input_id in ids:
        assert f'for="{input_id}"' in html, input_id
    for hint in ("email", "given-name", "family-name", "shipping postal-code", "cc-number", "cc-exp", "cc-csc"):
        assert f'autocomplete="{hint}"' in html


def test_security_headers_csp_and_frame_options(client, cart):
    response = client.get(page_path(cart))
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"  # the token never leaves in a Referer
    html = response.content.decode()
    assert "<script" not in html
    assert "<style" not in html
    assert " style=" not in html


def test_css_is_a_static_file_from_self(client, cart):
    html = client.get(page_path(cart)).content.decode()
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    assert href.startswith("/static/checkout/checkout")
    assert href.endswith(".css")


def test_german_labels_and_euro_formatting(client, cart):
    response = client.get(page_path(cart), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    page = text(response)
    assert response["Content-Language"] == "de"
    assert "Zwischensumme 100,00 €" in page
    assert "Gesamtsumme 115,00 €" in page
    assert "115,00\xa0€" in response.content.decode()
    assert "Vorname" in page
    assert "Kartennummer" in page


def test_tenant_locale_is_used_without_accept_language(client, cart, tenant):
    tenant.locale = "de_DE"
    tenant.save()
    response = client.get(page_path(cart))
    assert response["Content-Language"] == "de"
    assert "Gesamtsumme 115,00 €" in text(response)


# --- paying ----------------------------------------------------------------------------------------


def test_pay_with_card_places_the_order_and_shows_the_receipt(client, cart, shop, tenant):
    tenant.return_url = "https://shop.example.com/thanks"
    tenant.save()
    path = page_path(cart)
    response = pay(client, path)

    assert response.status_code == 303
    assert response["Location"] == path
    order = Order.objects.get(tenant=tenant)
    assert order.total == Decimal("115.00")
    assert order.customer_email == "peter@example.com"
    checkout = Checkout.objects.get(tenant=tenant, cart_ref=cart.pk)
    assert checkout.status == "created"
    assert checkout.payment.card_last4 == "4242"
    assert checkout.payment.status == PaymentStatus.SUCCESS
    assert [a["type"] for a in checkout.addresses] == ["SHIPPING", "BILLING"]
    assert checkout.addresses[1]["street"] == "Hauptstraße 1"
    assert Cart.objects.get(pk=cart.pk).status == CartStatus.CLOSED
    assert Product.objects.get(pk=shop["sku3"].pk).stock_on_hand == 9

    receipt = client.get(response["Location"])
    page = text(receipt)
    assert receipt.status_code == 200
    assert order.pk in page
    assert "Thank you for your order" in page
    assert "Card ending in 4242" in page
    assert "Total €115.00" in page
    assert "Hauptstraße 1 10115 Berlin Germany" in page
    assert 'href="https://shop.example.com/thanks"' in receipt.content.decode()
    assert "Back to Acme Inc." in page


def test_card_number_is_never_stored_or_logged(client, cart, caplog):
    caplog.set_level(logging.DEBUG)
    response = pay(client, page_path(cart))
    assert response.status_code == 303
    declined_cart = shop_cart(cart.tenant, customer_id="second")
    declined = pay(client, page_path(declined_cart), card_number=DECLINED_CARD)
    assert declined.status_code == 402

    rows = serializers.serialize(
        "json",
        [
            *Checkout.objects.all(),
            *Order.objects.all(),
            *Payment.objects.all(),
            *CheckoutAttempt.objects.all(),
            *TestGatewayCharge.objects.all(),
        ],
    )
    for digits in ("4242424242424242", "4242 4242 4242 4242", "4000000000000002", "424242424242"):
        assert digits not in rows
        assert digits not in caplog.text
    assert Payment.objects.filter(card_last4="4242").count() == 1
    assert "123" not in [p.card_last4 for p in Payment.objects.all()]


def test_card_number_and_cvc_are_not_rendered_back_after_a_decline(client, cart, shop):
    response = pay(client, page_path(cart), card_number=DECLINED_CARD, email="keep@example.com")
    html = response.content.decode()

    assert response.status_code == 402
    assert "Your card was declined. Nothing was charged." in text(response)
    assert 'value="keep@example.com"' in html
    assert 'value="Hauptstraße 1"' in html
    assert 'value="12/39"' in html  # expiry is kept
    assert 'value="4000' not in html
    assert "4000000000000002" not in html
    assert re.search(r'<input[^>]*name="card_number"(?![^>]*value=)[^>]*>', html)
    assert re.search(r'<input[^>]*name="card_cvc"(?![^>]*value=)[^>]*>', html)
    # nothing held: stock back, cart open, no live order
    assert Product.objects.get(pk=shop["sku3"].pk).stock_on_hand == 10
    assert Cart.objects.get(pk=cart.pk).status == CartStatus.OPEN
    assert not Order.objects.filter(status="success").exists()


def test_csrf_is_enforced_on_every_post(cart):
    client = Client(enforce_csrf_checks=True)
    path = page_path(cart)
    state = page_state(client, path)
    data = pay_form(shipping_method=state["shipping_method"], expected_total=state["expected_total"])

    for url in (path, f"{path}coupon/apply/", f"{path}coupon/remove/"):
        assert client.post(url, data).status_code == 403
    assert not Order.objects.exists()

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', state["html"]).group(1)
    response = client.post(path, data | {"csrfmiddlewaretoken": token})
    assert response.status_code == 303
    assert Order.objects.count() == 1


def test_double_submit_creates_one_order_and_shows_the_receipt(client, cart, shop):
    path = page_path(cart)
    state = page_state(client, path)
    data = pay_form(shipping_method=state["shipping_method"], expected_total=state["expected_total"])

    first = client.post(path, data)
    second = client.post(path, data)

    assert first.status_code == 303
    assert second.status_code == 303
    assert second["Location"] == path
    assert Order.objects.count() == 1
    assert Payment.objects.filter(status=PaymentStatus.SUCCESS).count() == 1
    assert TestGatewayCharge.objects.count() == 1
    assert Product.objects.get(pk=shop["sku3"].pk).stock_on_hand == 9
    assert "Thank you for your order" in text(client.get(path))


def test_invoice_payment(client, cart):
    response = pay(client, page_path(cart), payment_method="invoice", card_number=None, card_cvc=None)
    assert response.status_code == 303
    payment = Payment.objects.get()
    assert (payment.provider, payment.status, payment.card_last4) == ("none", PaymentStatus.PENDING, "")
    assert "Invoice (pay later) · payment pending" in text(client.get(page_path(cart)))


def test_invoice_is_not_offered_when_the_tenant_does_not_allow_it(client, cart, tenant):
    tenant.allow_invoice = False
    tenant.save()
    html = client.get(page_path(cart)).content.decode()
    assert 'value="invoice"' not in html
    response = pay(client, page_path(cart), payment_method="invoice")
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_live_mode_offers_invoice_only(client, tenant, shop):
    live_cart = shop_cart(tenant, mode="live")
    html = client.get(page_path(live_cart)).content.decode()
    assert 'value="invoice"' in html
    assert 'value="card"' not in html
    assert 'name="card_number"' not in html
    response = pay(client, page_path(live_cart), payment_method="invoice")
    assert response.status_code == 303
    assert Order.objects.get().mode == "live"


def test_billing_address_when_different(client, cart):
    missing = pay(client, page_path(cart), billing_same=None)
    assert missing.status_code == 400
    assert 'id="id_billing_street_error"' in missing.content.decode()
    assert 'aria-describedby="id_billing_street_error"' in missing.content.decode()
    assert not Order.objects.exists()

    response = pay(
        client,
        page_path(cart),
        billing_same=None,
        billing_name="Accounts Payable",
        billing_street="Rechnungsweg 5",
        billing_zip="80331",
        billing_city="München",
        billing_country="DE",
    )
    assert response.status_code == 303
    shipping, billing = Checkout.objects.get().addresses
    assert (shipping["type"], shipping["street"]) == ("SHIPPING", "Hauptstraße 1")
    assert (billing["type"], billing["contactName"], billing["city"]) == ("BILLING", "Accounts Payable", "München")


def test_form_errors_are_next_to_the_fields_and_input_is_kept(client, cart):
    response = pay(
        client, page_path(cart), email="not-an-email", card_number="1234 5678 9012 3456", card_expiry="13/30"
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Please check the fields marked below." in text(response)
    assert 'id="id_email_error"' in html
    assert "This card number is not valid." in html
    assert "Enter the expiry date as MM/YY." in html
    assert 'value="not-an-email"' in html
    assert 'value="Peter"' in html
    assert not Order.objects.exists()


def test_non_test_card_is_refused_in_test_mode(client, cart):
    response = pay(client, page_path(cart), card_number="5555 5555 5555 4444")
    assert response.status_code == 400
    assert "use a test card such as 4242 4242 4242 4242" in response.content.decode()


def test_out_of_stock_names_the_product(client, cart, shop):
    Product.objects.filter(pk=shop["sku3"].pk).update(stock_on_hand=0)
    response = pay(client, page_path(cart))
    assert response.status_code == 400
    assert "Sorry, “Reference sample product” is out of stock" in response.content.decode()
    assert 'class="line line--invalid"' in response.content.decode()
    assert not Order.objects.exists()
    assert Cart.objects.get(pk=cart.pk).status == CartStatus.OPEN


def test_price_change_names_the_product(client, cart, shop):
    Product.objects.filter(pk=shop["sku3"].pk).update(unit_price=Decimal("120.00"))
    response = pay(client, page_path(cart))
    assert response.status_code == 400
    assert "The price of “Reference sample product” has changed" in response.content.decode()
    assert not Order.objects.exists()


def test_changed_total_is_shown_before_charging(client, cart):
    path = page_path(cart)
    state = page_state(client, path)
    Coupon.objects.filter(code="THANKSGIVING10").update(value=Decimal("5.00"))  # the coupon changes meanwhile
    response = client.post(
        path, pay_form(shipping_method=state["shipping_method"], expected_total=state["expected_total"])
    )
    assert response.status_code == 400
    assert "The total has changed" in text(response)
    assert "Total €120.00" in text(response)
    assert not Order.objects.exists()


def test_transient_failure_then_pay_again_retries_the_held_order(client, cart, shop):
    path = page_path(cart)
    first = pay(client, path, card_number=TRANSIENT_CARD)
    assert first.status_code == 503
    assert "The payment provider cannot be reached right now" in text(first)
    assert Product.objects.get(pk=shop["sku3"].pk).stock_on_hand == 9  # held
    assert "Your order is reserved" in text(client.get(path))

    second = pay(client, path, card_number=TRANSIENT_CARD)
    assert second.status_code == 303
    checkout = Checkout.objects.get()
    assert (checkout.status, checkout.retry_attempts) == ("created", 1)
    assert Order.objects.count() == 1
    assert Payment.objects.filter(status=PaymentStatus.SUCCESS).count() == 1
    assert Product.objects.get(pk=shop["sku3"].pk).stock_on_hand == 9


def test_update_totals_switches_shipping_method_without_errors(client, cart, shop):
    path = page_path(cart)
    response = client.post(
        path,
        {"action": "update", "shipping_method": str(shop["express"].pk), "email": "typed@example.com"},
    )
    page = text(response)
    assert response.status_code == 200
    assert "Shipping €25.00" in page
    assert "Total €130.00" in page
    assert 'value="typed@example.com"' in response.content.decode()
    assert "This field is required" not in page
    assert not Order.objects.exists()


def test_coupon_remove_and_apply(client, cart):
    path = page_path(cart)
    removed = client.post(f"{path}coupon/remove/", {"remove_code": "THANKSGIVING10", "email": "a@example.com"})
    assert removed.status_code == 200
    assert Cart.objects.get(pk=cart.pk).coupon_codes == []
    assert "Total €125.00" in text(removed)
    assert 'value="a@example.com"' in removed.content.decode()

    unknown = client.post(f"{path}coupon/apply/", {"coupon_code": "NOPE"})
    assert unknown.status_code == 400
    assert "This coupon code does not exist." in text(unknown)
    assert Cart.objects.get(pk=cart.pk).coupon_codes == []

    applied = client.post(f"{path}coupon/apply/", {"coupon_code": "THANKSGIVING10"})
    assert applied.status_code == 200
    assert Cart.objects.get(pk=cart.pk).coupon_codes == ["THANKSGIVING10"]
    assert "Total €115.00" in text(applied)


def test_enter_in_the_coupon_field_applies_it(client, tenant, shop):
    cart = shop_cart(tenant, coupons=())
    response = client.post(page_path(cart), {"coupon_code": "THANKSGIVING10"})
    assert response.status_code == 200
    assert Cart.objects.get(pk=cart.pk).coupon_codes == ["THANKSGIVING10"]


def test_link_for_tenant_a_never_shows_tenant_b(client, cart, other_tenant):
    shop_catalog(other_tenant)
    Product.objects.filter(tenant=other_tenant, sku="sku3").update(name="Globex secret product")
    other_tenant.name = "Globex Corp."
    other_tenant.save()
    globex_cart = shop_cart(other_tenant, customer_id=cart.customer_id)

    page = text(client.get(page_path(cart)))
    assert "Acme Inc." in page
    assert "Globex" not in page

    pay(client, page_path(cart))
    receipt = text(client.get(page_path(cart)))
    assert "Globex" not in receipt
    assert Cart.objects.get(pk=globex_cart.pk).status == CartStatus.OPEN
    assert not Order.objects.filter(tenant=other_tenant).exists()


def test_closed_cart_without_an_order_says_closed(client, cart):
    Cart.objects.filter(pk=cart.pk).update(status=CartStatus.CLOSED)
    response = client.get(page_path(cart))
    assert response.status_code == 410
    assert "This checkout is closed" in text(response)


def test_paying_a_paid_cart_from_a_stale_tab_shows_the_receipt(client, cart):
    path = page_path(cart)
    state = page_state(client, path)
    data = pay_form(shipping_method=state["shipping_method"], expected_total=state["expected_total"])
    assert client.post(path, data).status_code == 303
    stale = client.post(path, data)
    assert stale.status_code == 303
    assert Order.objects.count() == 1
    coupon = client.post(f"{path}coupon/remove/", {"remove_code": "THANKSGIVING10"})
    assert coupon.status_code == 303


def test_page_and_link_query_counts_are_bounded(client, cart, api, django_assert_max_num_queries):
    """The page costs a fixed number of queries whatever the cart holds (no query per line)."""
    path = page_path(cart)
    with django_assert_max_num_queries(6):
        assert client.get(path).status_code == 200
    mug = Product.objects.get(tenant=cart.tenant, sku="mug")
    CartItem.objects.create(tenant=cart.tenant, cart=cart, product=mug, quantity=2, unit_price=mug.unit_price)
    with django_assert_max_num_queries(6):
        assert client.get(path).status_code == 200
    with django_assert_max_num_queries(4):
        assert api.get("/api/v1/checkout-link/customer-id-123").status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_places_one_order(cart, shop):
    """Two Pay clicks racing (two requests at once): one order, one charge, both answers lead to the receipt."""
    path = page_path(cart)
    state = page_state(Client(), path)
    data = pay_form(shipping_method=state["shipping_method"], expected_total=state["expected_total"])
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def click():
        try:
            barrier.wait()
            statuses.append(Client().post(path, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [303, 303]
    assert Order.objects.filter(status="success").count() == 1
    assert Payment.objects.filter(status=PaymentStatus.SUCCESS).count() == 1
    assert TestGatewayCharge.objects.count() == 1
    assert Product.objects.get(pk=shop["sku3"].pk).stock_on_hand == 9
