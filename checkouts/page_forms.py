"""The hosted checkout page's form, and how placement errors land next to its fields.

Parsing only: the rules live in `checkouts.placement`. The card number is checked here (digits,
Luhn, expiry) and turned into the test gateway's token; it is never stored, logged or rendered
back into the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carts.errors import CartErrorCode
from checkout_project.errors import ApiError

from .errors import CheckoutErrorCode
from .hosted_page import CARD_PROVIDER, INVOICE_PROVIDER, PageAddress, PageOrder
from .payments.test_gateway import card_token
from .serializers import iso_country_codes

# Radio values the page posts for the payment method.
CARD = "card"
INVOICE = "invoice"
PROVIDER_OF = {CARD: CARD_PROVIDER, INVOICE: INVOICE_PROVIDER}
CHOICE_OF = {provider: choice for choice, provider in PROVIDER_OF.items()}

# Never echoed back into the page: a re-rendered form leaves them empty.
SENSITIVE_FIELDS = ("card_number", "card_cvc")


class SensitiveInput(forms.TextInput):
    """A text input that never renders its value (like PasswordInput, but the digits stay readable)."""

    def get_context(self, name, value, attrs):
        return super().get_context(name, None, attrs)


def text(autocomplete: str, **attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"autocomplete": autocomplete, **attrs})


# CLDR regions with two-letter codes that are not countries one can ship to.
NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "ZZ"})


@lru_cache(maxsize=8)
def country_choices(language: str) -> tuple[tuple[str, str], ...]:
    """ISO 3166-1 alpha-2 codes with their names in `language`, sorted by name (Babel's CLDR data)."""
    try:
        names = Locale.parse(language.replace("-", "_")).territories
    except (ValueError, UnknownLocaleError):
        names = Locale("en").territories
    codes = iso_country_codes() - NOT_COUNTRIES
    return tuple(sorted(((code, names.get(code, code)) for code in codes), key=lambda c: c[1]))


def country_name(code: str, language: str) -> str:
    return dict(country_choices(language)).get(code, code)


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


EXPIRY_RE = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*$")


class CheckoutPageForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    first_name = forms.CharField(label=_("First name"), max_length=100, widget=text("given-name"))
    last_name = forms.CharField(label=_("Last name"), max_length=100, widget=text("family-name"))

    shipping_street = forms.CharField(
        label=_("Street and house number"), max_length=200, widget=text("shipping address-line1")
    )
    shipping_zip = forms.CharField(label=_("Postcode"), max_length=20, widget=text("shipping postal-code"))
    shipping_city = forms.CharField(label=_("City"), max_length=100, widget=text("shipping address-level2"))
    shipping_country = forms.ChoiceField(
        label=_("Country"), widget=forms.Select(attrs={"autocomplete": "shipping country"})
    )

    billing_same = forms.BooleanField(
        label=_("Billing address is the same as the shipping address"), required=False, initial=True
    )
    billing_name = forms.CharField(label=_("Name"), max_length=200, required=False, widget=text("billing name"))
    billing_street = forms.CharField(
        label=_("Street and house number"), max_length=200, required=False, widget=text("billing address-line1")
    )
    billing_zip = forms.CharField(
        label=_("Postcode"), max_length=20, required=False, widget=text("billing postal-code")
    )
    billing_city = forms.CharField(
        label=_("City"), max_length=100, required=False, widget=text("billing address-level2")
    )
    billing_country = forms.ChoiceField(
        label=_("Country"), required=False, widget=forms.Select(attrs={"autocomplete": "billing country"})
    )

    shipping_method = forms.ChoiceField(label=_("Shipping method"), widget=forms.RadioSelect)
    coupon_code = forms.CharField(
        label=_("Coupon code"), max_length=64, required=False, widget=text("off", autocapitalize="characters")
    )

    payment_method = forms.ChoiceField(label=_("Payment method"), widget=forms.RadioSelect)
    card_number = forms.CharField(
        label=_("Card number"),
        max_length=30,
        required=False,
        widget=SensitiveInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
    )
    card_expiry = forms.CharField(
        label=_("Expiry date (MM/YY)"),
        max_length=7,
        required=False,
        widget=text("cc-exp", placeholder=_("MM/YY"), inputmode="numeric"),
    )
    card_cvc = forms.CharField(
        label=_("Security code (CVC)"),
        max_length=4,
        required=False,
        widget=SensitiveInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}),
    )

    BILLING_FIELDS = ("billing_name", "billing_street", "billing_zip", "billing_city", "billing_country")

    def __init__(
        self,
        *args,
        shipping_choices: list[tuple[str, str]],
        payment_providers: list[str],
        language: str,
        test_mode: bool,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        countries = country_choices(language)
        blank = [("", gettext("Choose a country"))]
        self.fields["shipping_country"].choices = blank + list(countries)
        self.fields["billing_country"].choices = blank + list(countries)
        self.fields["shipping_method"].choices = shipping_choices
        labels = {CARD: gettext("Card"), INVOICE: gettext("Invoice (pay later)")}
        self.fields["payment_method"].choices = [(CHOICE_OF[p], labels[CHOICE_OF[p]]) for p in payment_providers]
        self.test_mode = test_mode
        if test_mode:
            self.fields["card_number"].help_text = gettext(
                "Test mode: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined."
            )

    def clean(self):
        data = super().clean()
        required = gettext("This field is required.")
        if not data.get("billing_same"):
            for name in self.BILLING_FIELDS:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, required)
        if data.get("payment_method") == CARD:
            self._clean_card(data)
        # The digits are not kept beyond this point, whatever happens next.
        data.pop("card_number", None)
        data.pop("card_cvc", None)
        return data

    def _clean_card(self, data: dict) -> None:
        number = "".join(ch for ch in data.get("card_number", "") if ch not in " -")
        if not number:
            self.add_error("card_number", gettext("Enter your card number."))
        elif not number.isdigit() or not 12 <= len(number) <= 19 or not luhn_ok(number):
            self.add_error("card_number", gettext("This card number is not valid."))
        else:
            token = card_token(number) if self.test_mode else None
            if token is None:
                self.add_error("card_number", gettext("In test mode, use a test card such as 4242 4242 4242 4242."))
            else:
                data["card_token"] = token
        match = EXPIRY_RE.match(data.get("card_expiry", ""))
        if not match or not 1 <= int(match.group(1)) <= 12:
            self.add_error("card_expiry", gettext("Enter the expiry date as MM/YY."))
        else:
            month, year = int(match.group(1)), int(match.group(2))
            year = year + 2000 if year < 100 else year
            today = timezone.localdate()
            if (year, month) < (today.year, today.month):
                self.add_error("card_expiry", gettext("This card has expired."))
        cvc = data.get("card_cvc", "").strip()
        if not (cvc.isdigit() and 3 <= len(cvc) <= 4):
            self.add_error("card_cvc", gettext("Enter the 3 or 4 digits on the back of the card."))

    def page_order(self, *, expected_total: str | None) -> PageOrder:
        """The validated input as the page service takes it (call after is_valid())."""
        data = self.cleaned_data
        name = f"{data['first_name']} {data['last_name']}".strip()
        shipping = PageAddress(
            contact_name=name,
            street=data["shipping_street"],
            zip_code=data["shipping_zip"],
            city=data["shipping_city"],
            country=data["shipping_country"],
        )
        if data.get("billing_same"):
            billing = shipping
        else:
            billing = PageAddress(
                contact_name=data["billing_name"],
                street=data["billing_street"],
                zip_code=data["billing_zip"],
                city=data["billing_city"],
                country=data["billing_country"],
            )
        try:
            total = Decimal(expected_total) if expected_total else None
        except InvalidOperation:
            total = None
        return PageOrder(
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            shipping_address=shipping,
            billing_address=billing,
            shipping_method_pk=int(data["shipping_method"]),
            provider=PROVIDER_OF[data["payment_method"]],
            card_token=data.get("card_token", ""),
            expected_total=total,
        )

    def describe_errors(self) -> None:
        """Point each invalid input at its message (aria-invalid, aria-describedby)."""
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{name}_error"


def redisplay_initial(post) -> dict:
    """What the shopper typed, as initial values of an unbound form (no errors shown, no card digits)."""
    initial = {key: post.get(key) for key in post if key not in SENSITIVE_FIELDS}
    initial["billing_same"] = "billing_same" in post
    return initial


# ---------------------------------------------------------------------------------------------
# Placement errors → plain words, next to the field they concern or at the top of the page.

CUSTOMER_FIELDS = {"email": "email", "firstName": "first_name", "lastName": "last_name"}
ADDRESS_FIELDS = {"street": "street", "zipCode": "zip", "city": "city", "country": "country"}
ADDRESS_RE = re.compile(r"^addresses\[(\d+)\]\.(\w+)")
LINE_RE = re.compile(r"^cartItems\[(\d+)\]")


def coupon_message(kind: str) -> str:
    messages = {
        CartErrorCode.COUPON_NOT_FOUND: gettext("This coupon code does not exist."),
        CartErrorCode.COUPON_INACTIVE: gettext("This coupon is not active."),
        CartErrorCode.COUPON_NOT_YET_VALID: gettext("This coupon is not valid yet."),
        CartErrorCode.COUPON_EXPIRED: gettext("This coupon has expired."),
        CartErrorCode.COUPON_EXHAUSTED: gettext("This coupon has been fully redeemed."),
        CartErrorCode.COUPON_MINIMUM_NOT_MET: gettext("Your order does not reach the minimum value for this coupon."),
        CartErrorCode.COUPON_CURRENCY_MISMATCH: gettext("This coupon cannot be used with this currency."),
        CartErrorCode.COUPON_LIMIT_REACHED: gettext("No more coupons can be added to this order."),
    }
    return messages.get(kind, gettext("This coupon cannot be used."))


def line_message(kind: str, name: str, quantity: int) -> str:
    if kind == CartErrorCode.OUT_OF_STOCK:
        return gettext("Sorry, “%(name)s” is out of stock: there are fewer than %(quantity)s left.") % {
            "name": name,
            "quantity": quantity,
        }
    if kind == CartErrorCode.PRICE_CHANGED:
        return gettext(
            "The price of “%(name)s” has changed since it was put in your cart. "
            "Please ask the shop to update your cart."
        ) % {"name": name}
    if kind in (CartErrorCode.PRODUCT_INACTIVE, CartErrorCode.PRODUCT_NOT_FOUND):
        return gettext("Sorry, “%(name)s” is no longer available.") % {"name": name}
    return gettext("“%(name)s” cannot be ordered right now.") % {"name": name}


@dataclass
class PageErrors:
    """Errors to show: at the top of the page and next to cart lines (by index)."""

    top: list[str] = field(default_factory=list)
    lines: dict[int, str] = field(default_factory=dict)


def form_add_api_error(
    form: CheckoutPageForm, error: ApiError, *, line_names: list[tuple[str, int]], coupon_codes: list[str]
) -> PageErrors:
    """Turn a placement `ApiError` into field errors on `form` and page-level messages."""
    page = PageErrors()
    billing_same = bool(form.cleaned_data.get("billing_same")) if hasattr(form, "cleaned_data") else True
    if error.status == 402:
        page.top.append(
            gettext("Your card was declined. Nothing was charged. Please use another card or payment method.")
        )
        if "card_number" in form.fields:
            form.add_error("card_number", gettext("This card was declined."))
        return page
    if error.status == 503:
        page.top.append(
            gettext(
                "The payment provider cannot be reached right now. Your order is reserved and nothing was "
                "charged; please press Pay again in a moment."
            )
        )
        return page

    for detail in error.details or []:
        name, kind = detail.field, str(detail.type)
        if name.startswith("customer."):
            target = CUSTOMER_FIELDS.get(name.split(".", 1)[1])
            _add(form, page, target, detail.message)
        elif match := ADDRESS_RE.match(name):
            index, part = int(match.group(1)), match.group(2)
            prefix = "shipping" if index == 0 or billing_same else "billing"
            if part == "contactName":
                target = "first_name" if prefix == "shipping" else "billing_name"
            else:
                target = f"{prefix}_{ADDRESS_FIELDS[part]}" if part in ADDRESS_FIELDS else None
            _add(form, page, target, detail.message)
        elif match := LINE_RE.match(name):
            index = int(match.group(1))
            product, quantity = line_names[index] if index < len(line_names) else ("", 0)
            message = line_message(kind, product, quantity)
            page.top.append(message)
            page.lines[index] = message
        elif name.startswith("coupons"):
            match = re.match(r"^coupons\[(\d+)\]", name)
            code = coupon_codes[int(match.group(1))] if match and int(match.group(1)) < len(coupon_codes) else ""
            page.top.append(
                gettext("The coupon %(code)s can no longer be used: %(reason)s Please remove it.")
                % {"code": code, "reason": coupon_message(kind)}
            )
        elif name == "shipping.amount":
            page.top.append(gettext("The shipping cost has changed. Please check the new total and pay again."))
        elif name.startswith("shipping"):
            _add(form, page, "shipping_method", gettext("This shipping method is not available any more."))
        elif name.startswith("paymentMethods"):
            _add(form, page, "payment_method", gettext("This payment method is not available."))
        elif kind == CheckoutErrorCode.TOTALS_CHANGED:
            page.top.append(gettext("The total has changed. Please check your order and pay again."))
        elif kind == CartErrorCode.CART_EMPTY:
            page.top.append(gettext("Your cart is empty."))
        else:
            page.top.append(detail.message)
    if not page.top and not form.errors:
        page.top.append(error.message)
    return page


def _add(form: CheckoutPageForm, page: PageErrors, field_name: str | None, message: str) -> None:
    if field_name and field_name in form.fields:
        form.add_error(field_name, message)
    else:
        page.top.append(message)


def coupon_error_message(error: ApiError) -> str:
    """Plain words for a coupon that could not be applied."""
    if error.status == 409:
        return gettext("This checkout is closed.")
    return coupon_message(str(error.details[0].type) if error.details else "")
