"""Rates and lifts as the targeting pages show them."""

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.1234 as "12.3 %"; no rate as "—"."""
    if value is None:
        return "—"
    return f"{formats.number_format(value * 100, 1)} %"


@register.filter
def lift(value) -> str:
    """2.5 as "×2.5"; no lift as "—"."""
    if value is None:
        return "—"
    return f"×{formats.number_format(value, 2)}"
