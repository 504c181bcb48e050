"""The hosted checkout page: `/pay/<token>/`, its coupon buttons and the receipt.

Server-rendered, no JavaScript. Views parse, call one service from `checkouts.hosted_page` or
`checkouts.link`, and render; errors from placement are shown in plain words next to the field
they concern. Card number and CVC are never rendered back, logged or stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from carts.models import CartStatus, Coupon, ShippingMethod
from checkout_project.errors import ApiError
from merchants.models import Mode, Tenant

from .hosted_page import (
    hosted_checkout_pay,
    page_cart_coupons,
    page_cart_price,
    page_checkout_for_cart,
    page_coupon_apply,
    page_coupon_remove,
    page_payment_providers,
    page_shipping_amount,
    page_shipping_methods,
)
from .link import LinkExpired, LinkInvalid, LinkTarget, checkout_link_resolve
from .models import Checkout, CheckoutStatus
from .page_forms import (
    CHOICE_OF,
    CheckoutPageForm,
    PageErrors,
    country_name,
    coupon_error_message,
    form_add_api_error,
    redisplay_initial,
)
from .templatetags.checkout_page import format_money

SENSITIVE = ("card_number", "card_cvc")


# ---------------------------------------------------------------------------------------------
# Views


@never_cache
@sensitive_post_parameters(*SENSITIVE)
@require_http_methods(["GET", "POST"])
def checkout_page(request: HttpRequest, token: str) -> HttpResponse:
    target = _resolve(request, token)
    if isinstance(target, HttpResponse):
        return target
    if request.method == "GET":
        return _show(request, target)
    if request.POST.get("action") == "pay":
        return _pay(request, target)
    # "Update totals", or Enter in a field: show the page again with the choices made, applying a
    # coupon code typed in the coupon field (Enter there should not be lost).
    if request.POST.get("coupon_code", "").strip():
        return _coupon(request, target, apply=True)
    return _render(request, target, initial=redisplay_initial(request.POST))


@never_cache
@sensitive_post_parameters(*SENSITIVE)
@require_POST
def checkout_coupon_apply(request: HttpRequest, token: str) -> HttpResponse:
    target = _resolve(request, token)
    if isinstance(target, HttpResponse):
        return target
    return _coupon(request, target, apply=True)


@never_cache
@sensitive_post_parameters(*SENSITIVE)
@require_POST
def checkout_coupon_remove(request: HttpRequest, token: str) -> HttpResponse:
    target = _resolve(request, token)
    if isinstance(target, HttpResponse):
        return target
    return _coupon(request, target, apply=False)


# ---------------------------------------------------------------------------------------------
# Steps


def _resolve(request: HttpRequest, token: str) -> LinkTarget | HttpResponse:
    try:
        target = checkout_link_resolve(token)
    except LinkExpired as expired:
        if expired.tenant is not None:
            _activate_language(request, expired.tenant)
        context = {"tenant": expired.tenant}
        return render(request, "checkout/link_expired.html", context, status=410)
    except LinkInvalid:
        return render(request, "checkout/link_invalid.html", status=404)
    _activate_language(request, target.tenant)
    return target


def _page_url(target: LinkTarget) -> str:
    return reverse("checkout-page", kwargs={"token": target.token})


def _show(request: HttpRequest, target: LinkTarget) -> HttpResponse:
    checkout = page_checkout_for_cart(target=target)
    if checkout is not None and checkout.status == CheckoutStatus.CREATED:
        return _receipt(request, target, checkout)
    if target.cart.status != CartStatus.OPEN:
        return render(request, "checkout/link_closed.html", {"tenant": target.tenant}, status=410)
    notice = ""
    if checkout is not None:  # pending: the payment provider failed transiently, the order is held
        notice = gettext("Your payment has not gone through yet. Your order is reserved; press Pay to try again.")
    return _render(request, target, notice=notice)


def _pay(request: HttpRequest, target: LinkTarget) -> HttpResponse:
    catalog = _catalog(target)
    form = _form(request, target, catalog, data=request.POST)
    if not form.is_valid():
        form.describe_errors()
        errors = PageErrors(top=[gettext("Please check the fields marked below.")])
        return _render(request, target, form=form, catalog=catalog, errors=errors, status=400)
    try:
        hosted_checkout_pay(target=target, order=form.page_order(expected_total=request.POST.get("expected_total")))
    except ApiError as error:
        if error.status == 409:  # already ordered (double submit, second tab): show its receipt
            return HttpResponseRedirect(_page_url(target), status=303)
        target = checkout_link_resolve(target.token)
        line_names = [(item.product.name, item.quantity) for item in target.cart.items.all()]
        errors = form_add_api_error(form, error, line_names=line_names, coupon_codes=list(target.cart.coupon_codes))
        form.describe_errors()
        return _render(request, target, form=form, errors=errors, status=error.status)
    return HttpResponseRedirect(_page_url(target), status=303)


def _coupon(request: HttpRequest, target: LinkTarget, *, apply: bool) -> HttpResponse:
    coupon_error, notice = "", ""
    initial = redisplay_initial(request.POST)
    try:
        if apply:
            page_coupon_apply(target=target, code=request.POST.get("coupon_code", ""))
            notice = gettext("The coupon was applied.")
            initial["coupon_code"] = ""
        else:
            page_coupon_remove(target=target, code=request.POST.get("remove_code", ""))
            notice = gettext("The coupon was removed.")
    except ApiError as error:
        if error.status == 409:
            return HttpResponseRedirect(_page_url(target), status=303)
        coupon_error = coupon_error_message(error)
    target = checkout_link_resolve(target.token)  # the cart's coupons changed
    return _render(
        request,
        target,
        initial=initial,
        notice=notice,
        coupon_error=coupon_error,
        status=400 if coupon_error else 200,
    )


# ---------------------------------------------------------------------------------------------
# Rendering


def _activate_language(request: HttpRequest, tenant: Tenant) -> None:
    """The shopper's language (Accept-Language, via LocaleMiddleware); else the tenant's locale."""
    if request.headers.get("Accept-Language") or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        return
    try:
        language = translation.get_supported_language_variant(tenant.locale.replace("_", "-").lower())
    except LookupError:
        return
    translation.activate(language)
    request.LANGUAGE_CODE = language


def page_locale(tenant: Tenant) -> str:
    """Babel locale for amounts: the tenant's own (e.g. de_CH) when it speaks the page's language."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    page = translation.to_locale(language)
    try:
        own = Locale.parse(tenant.locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return page
    return str(own) if own.language == Locale.parse(page).language else page


def _default_country(locale: str) -> str:
    try:
        return Locale.parse(locale).territory or ""
    except (ValueError, UnknownLocaleError):
        return ""


@dataclass(frozen=True)
class PageCatalog:
    """What one request reads once: the shipping methods on offer and the cart's coupons."""

    methods: list[ShippingMethod]
    coupons: list[Coupon]


def _catalog(target: LinkTarget) -> PageCatalog:
    return PageCatalog(methods=page_shipping_methods(target=target), coupons=page_cart_coupons(target=target))


def _form(
    request: HttpRequest, target: LinkTarget, catalog: PageCatalog, *, data=None, initial: dict | None = None
) -> CheckoutPageForm:
    locale = page_locale(target.tenant)
    methods = catalog.methods
    base = page_cart_price(target=target, method=None, coupons=catalog.coupons)
    currency = target.cart.currency
    choices = [
        (str(m.pk), f"{m.name} · {format_money(page_shipping_amount(method=m, priced=base), currency, locale)}")
        for m in methods
    ]
    providers = page_payment_providers(target=target)
    if initial is None and data is None:
        default = _default_method(methods, target)
        initial = {
            "shipping_method": str(default.pk) if default else "",
            "payment_method": CHOICE_OF[providers[0]] if providers else "",
            "shipping_country": _default_country(target.tenant.locale),
            "billing_same": True,
        }
    return CheckoutPageForm(
        data=data,
        initial=initial,
        shipping_choices=choices,
        payment_providers=providers,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        test_mode=target.mode == Mode.TEST,
    )


def _default_method(methods: list[ShippingMethod], target: LinkTarget) -> ShippingMethod | None:
    chosen = target.cart.shipping_method_id
    return next((m for m in methods if m.pk == chosen), methods[0] if methods else None)


def _render(
    request: HttpRequest,
    target: LinkTarget,
    *,
    form: CheckoutPageForm | None = None,
    catalog: PageCatalog | None = None,
    initial: dict | None = None,
    errors: PageErrors | None = None,
    notice: str = "",
    coupon_error: str = "",
    status: int = 200,
) -> HttpResponse:
    catalog = catalog or _catalog(target)
    if form is None:
        form = _form(request, target, catalog, initial=initial)
    errors = errors or PageErrors()
    methods = catalog.methods
    picked = form.data.get("shipping_method") if form.is_bound else form.initial.get("shipping_method")
    method = next((m for m in methods if str(m.pk) == str(picked)), None) or _default_method(methods, target)
    priced = page_cart_price(target=target, method=method, coupons=catalog.coupons)
    totals = priced.totals
    lines = [
        {
            "name": item.product.name,
            "quantity": item.quantity,
            "unit_price": line.unit_price,
            "item_price": line.item_price,
            "error": errors.lines.get(index, ""),
        }
        for index, (item, line) in enumerate(zip(priced.items, totals.lines, strict=True))
    ]
    top = list(errors.top)
    if not methods:
        top.append(gettext("This shop has no shipping method for your cart. Please contact the shop."))
    if not form.fields["payment_method"].choices:
        top.append(gettext("This shop cannot take payments on this page. Please contact the shop."))
    context = {
        "tenant": target.tenant,
        "cart": target.cart,
        "token": target.token,
        "test_mode": target.mode == Mode.TEST,
        "form": form,
        "lines": lines,
        "totals": totals,
        "currency": target.cart.currency,
        "discounts": totals.discounts,
        "expected_total": str(totals.total),
        "top_errors": top,
        "notice": notice,
        "coupon_error": coupon_error,
        "can_pay": bool(methods) and bool(form.fields["payment_method"].choices),
        "money_locale": page_locale(target.tenant),
    }
    return render(request, "checkout/page.html", context, status=status)


def _receipt(request: HttpRequest, target: LinkTarget, checkout: Checkout) -> HttpResponse:
    snapshot = checkout.cart_snapshot
    lines = [
        {
            "name": item["product"]["name"],
            "quantity": item["quantity"],
            "unit_price": _amount(item["unitPrice"]["value"]),
            "item_price": _amount(item["itemPrice"]),
        }
        for item in snapshot["cartItems"]
    ]
    language = translation.get_language() or settings.LANGUAGE_CODE
    addresses = {
        address["type"]: address | {"countryName": country_name(address.get("country", ""), language)}
        for address in checkout.addresses
    }
    context = {
        "tenant": target.tenant,
        "checkout": checkout,
        "order_id": checkout.order_id,
        "email": checkout.customer_email,
        "lines": lines,
        "currency": checkout.currency,
        "sub_total": _amount(snapshot["subTotalPrice"]),
        "discounts": [(d["code"], _amount(d["amount"])) for d in snapshot.get("discounts", [])],
        "total_tax": _amount(snapshot["totalTax"]),
        "shipping": _amount(checkout.shipping.get("amount", snapshot["shipping"]["amount"])),
        "shipping_method": checkout.shipping.get("methodName", ""),
        "total": _amount(snapshot["totalPrice"]),
        "shipping_address": addresses.get("SHIPPING"),
        "billing_address": addresses.get("BILLING"),
        "payment": checkout.payment,
        "money_locale": page_locale(target.tenant),
    }
    return render(request, "checkout/receipt.html", context)


def _amount(value) -> Decimal:
    """Amounts in snapshots are JSON numbers already rounded by carts.pricing."""
    return Decimal(str(value))
