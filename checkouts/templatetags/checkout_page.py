"""Template helpers of the hosted checkout page."""

from decimal import Decimal

from babel.numbers import format_currency
from django import template
from django.utils import translation

register = template.Library()


def format_money(amount, currency: str, locale: str | None = None) -> str:
    """An amount already rounded by carts.pricing, formatted for a locale (`115,00 €`, `$115.00`)."""
    locale = locale or translation.to_locale(translation.get_language() or "en")
    return format_currency(Decimal(str(amount)), currency, locale=locale)


@register.simple_tag(takes_context=True)
def money(context, amount, currency: str) -> str:
    return format_money(amount, currency, context.get("money_locale"))


@register.inclusion_tag("checkout/_field.html")
def field(bound_field, css_class: str = ""):
    """Label, input, help text and error of one form field."""
    return {"field": bound_field, "css_class": css_class}
