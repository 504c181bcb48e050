"""The hosted checkout page in a real browser: Playwright driving Debian's Chromium against live_server.

One browser per module; each test opens its own context (cookies, locale, viewport) and saves a
screenshot under var/screenshots/. Links come from the API, as a merchant's backend gets them.
"""

from __future__ import annotations

import re

import pytest
import requests
from django.conf import settings

from carts.models import Cart, CartStatus, Product
from checkouts.models import Checkout, Order, Payment
from conftest import SCREENSHOTS, key_headers

from .page_support import CUSTOMER, DECLINED_CARD, GOOD_CARD, shop_cart, shop_catalog, tamper, token_issued_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def shop(tenant):
    tenant.return_url = "https://shop.example.com/"
    tenant.save()
    return shop_catalog(tenant)


@pytest.fixture
def cart(tenant, shop):
    return shop_cart(tenant)


@pytest.fixture
def link(live_server, tenant, make_api_key, cart) -> str:
    """The checkout link for the reference customer, asked for with accessKey/accessSecret."""
    response = requests.get(
        f"{live_server.url}/api/v1/checkout-link/{CUSTOMER}", headers=key_headers(make_api_key(tenant)), timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()["url"]


@pytest.fixture
def open_page(browser):
    """open_page(url, locale="en-US") -> (page, response, csp_errors) in a fresh phone-sized context."""
    contexts = []

    def open_(url: str, locale: str = "en-US"):
        context = browser.new_context(viewport=PHONE, locale=locale)
        contexts.append(context)
        page = context.new_page()
        csp_errors: list[str] = []
        page.on(
            "console",
            lambda message: csp_errors.append(message.text) if "Content Security Policy" in message.text else None,
        )
        response = page.goto(url)
        return page, response, csp_errors

    yield open_
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_fits_375(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"horizontal scrolling: scrollWidth {width}"


def fill_shopper(page, *, card: str = GOOD_CARD, email: str = "peter@example.com") -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("First name").fill("Peter")
    page.get_by_label("Last name").fill("Priceless")
    page.locator("#id_shipping_street").fill("Hauptstraße 1")
    page.locator("#id_shipping_zip").fill("10115")
    page.locator("#id_shipping_city").fill("Berlin")
    page.locator("#id_shipping_country").select_option("DE")
    page.get_by_label("Card number").fill(card)
    page.get_by_label("Expiry date (MM/YY)").fill("12/39")
    page.get_by_label("Security code (CVC)").fill("123")


def text_of(page, selector: str) -> str:
    return page.locator(selector).inner_text().replace("\xa0", " ")


def test_pay_with_4242_shows_the_receipt_and_places_the_order(open_page, link, cart, shop):
    page, response, csp_errors = open_page(link)
    assert response.status == 200
    assert page.locator(".shop__name").first.inner_text() == "Acme Inc."
    assert "Reference sample product" in page.locator(".summary").inner_text()
    assert text_of(page, "#total") == "€115.00"
    # the stylesheet loaded under the CSP: cards have their border radius, nothing was blocked
    assert page.evaluate("getComputedStyle(document.querySelector('.card')).borderTopLeftRadius") == "8px"
    # billing fields stay hidden while "same as shipping" is ticked (CSS only)
    assert not page.locator("#id_billing_street").is_visible()
    assert_fits_375(page)

    fill_shopper(page)
    shot(page, "01-checkout-filled-375")
    page.get_by_role("button", name="Pay €115.00").click()

    page.wait_for_selector("#order-id")
    assert page.locator("h1").inner_text() == "Thank you for your order"
    order = Order.objects.get()
    assert page.locator("#order-id").inner_text() == order.pk
    assert text_of(page, "#total") == "€115.00"
    assert "Card ending in 4242" in page.locator(".receipt").inner_text()
    assert page.get_by_role("link", name="Back to Acme Inc.").get_attribute("href") == "https://shop.example.com/"
    assert_fits_375(page)
    shot(page, "02-receipt-375")
    assert csp_errors == []

    assert order.total == order.snapshot["cart"]["totalPrice"] == 115.0
    assert Product.objects.get(pk=shop["sku3"].pk).stock_on_hand == 9
    assert Cart.objects.get(pk=cart.pk).status == CartStatus.CLOSED
    assert Checkout.objects.get(cart_ref=cart.pk).status == "created"
    assert Payment.objects.get().card_last4 == "4242"


def test_declined_card_shows_the_message_and_keeps_the_input(open_page, link, cart, shop):
    page, _, _ = open_page(link)
    fill_shopper(page, card=DECLINED_CARD, email="keep.me@example.com")
    page.get_by_role("button", name="Pay €115.00").click()

    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "Your card was declined. Nothing was charged." in alert.inner_text()
    assert page.locator("#id_card_number_error").inner_text() == "This card was declined."
    assert page.get_by_label("Email").input_value() == "keep.me@example.com"
    assert page.locator("#id_shipping_street").input_value() == "Hauptstraße 1"
    assert page.locator("#id_shipping_country").input_value() == "DE"
    assert page.get_by_label("Expiry date (MM/YY)").input_value() == "12/39"
    assert page.get_by_label("Card number").input_value() == ""
    assert page.get_by_label("Security code (CVC)").input_value() == ""
    assert page.get_by_label("Card number").get_attribute("aria-invalid") == "true"
    assert_fits_375(page)
    shot(page, "03-declined-375")

    assert Cart.objects.get(pk=cart.pk).status == CartStatus.OPEN
    assert Product.objects.get(pk=shop["sku3"].pk).stock_on_hand == 10
    assert not Order.objects.filter(status="success").exists()


def test_out_of_stock_names_the_item(open_page, link, cart, shop):
    page, _, _ = open_page(link)
    fill_shopper(page)
    Product.objects.filter(pk=shop["sku3"].pk).update(stock_on_hand=0)  # sold out while the shopper typed
    page.get_by_role("button", name="Pay €115.00").click()

    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "“Reference sample product” is out of stock" in alert.inner_text()
    assert "out of stock" in page.locator(".line--invalid").inner_text()
    assert page.get_by_label("Email").input_value() == "peter@example.com"
    shot(page, "04-out-of-stock-375")
    assert not Order.objects.exists()
    assert Cart.objects.get(pk=cart.pk).status == CartStatus.OPEN


def test_tampered_and_expired_links_show_their_pages(open_page, link, live_server, cart):
    token = link.rstrip("/").rsplit("/", 1)[1]

    page, response, _ = open_page(f"{live_server.url}/pay/{tamper(token)}/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "This checkout link is not valid"
    assert "Reference sample product" not in page.content()
    assert_fits_375(page)
    shot(page, "05-link-invalid-375")

    expired = token_issued_ago(cart, settings.CHECKOUT_LINK_TTL + 60)
    page, response, _ = open_page(f"{live_server.url}/pay/{expired}/")
    assert response.status == 410
    assert page.locator("h1").inner_text() == "This checkout link has expired"
    assert "Please ask Acme Inc. for a new link." in page.locator(".message").inner_text()
    assert "Reference sample product" not in page.content()
    assert_fits_375(page)
    shot(page, "06-link-expired-375")


def test_german_labels_and_euro_amounts(open_page, link):
    page, response, _ = open_page(link, locale="de-DE")
    assert response.headers["content-language"] == "de"
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text() == "Kasse"
    assert page.get_by_label("Vorname").is_visible()
    assert page.get_by_label("Kartennummer").is_visible()
    assert text_of(page, "#total") == "115,00 €"
    assert page.get_by_role("button", name=re.compile(r"115,00\s€ bezahlen")).is_visible()
    assert_fits_375(page)
    shot(page, "07-german-375")


def test_keyboard_only_checkout(open_page, link, cart):
    """Every control is reachable with Tab, and Enter on the pay button pays."""
    page, _, _ = open_page(link)

    def tab_to(selector: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} is not reachable with Tab")

    for selector, typed in [
        ("#id_email", "keys@example.com"),
        ("#id_first_name", "Kim"),
        ("#id_last_name", "Board"),
        ("#id_shipping_street", "Tastenweg 2"),
        ("#id_shipping_zip", "20095"),
        ("#id_shipping_city", "Hamburg"),
    ]:
        tab_to(selector)
        page.keyboard.type(typed)
    tab_to("#id_shipping_country")
    page.keyboard.type("Germany")
    assert page.locator("#id_shipping_country").input_value() == "DE"
    tab_to("#id_billing_same")
    tab_to("input[name=shipping_method]")
    tab_to("input[name=payment_method]")
    for selector, typed in [("#id_card_number", GOOD_CARD), ("#id_card_expiry", "12/39"), ("#id_card_cvc", "123")]:
        tab_to(selector)
        page.keyboard.type(typed)
    tab_to("#pay")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # the focused button is visibly marked
    shot(page, "08-keyboard-pay-focused-375")
    page.keyboard.press("Enter")

    page.wait_for_selector("#order-id")
    assert Order.objects.get().customer_email == "keys@example.com"
    assert Cart.objects.get(pk=cart.pk).status == CartStatus.CLOSED
