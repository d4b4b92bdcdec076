"""Form fields shared by the apps' browser forms."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from .numbers import format_local_number, parse_local_number


class LocalNumberInput(forms.TextInput):
    """A text box for a number: the phone's decimal keypad, the value shown as the active
    language writes it."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return format_local_number(value)
        return super().format_value(value)


class LocalNumberField(forms.Field):
    """A quantity, value or mass as people write it in the active language ("2,5",
    "1 200 000,5" in Russian; "1,200,000.5" in English): cleaned to a ``Decimal`` (None when
    blank). Range and precision are the service's to check. Typed text comes back as typed."""

    widget = LocalNumberInput
    #: Longer text is no number anyone writes (and is not parsed).
    max_length = 40

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": str(self.max_length)}

    def to_python(self, value):
        text = "" if value in self.empty_values else str(value).strip()
        if len(text) > self.max_length:
            # Django's own message (and its translations).
            raise ValidationError(
                ngettext(
                    "Ensure this value has at most %(limit_value)d character (it has "
                    "%(show_value)d).",
                    "Ensure this value has at most %(limit_value)d characters (it has "
                    "%(show_value)d).",
                    self.max_length,
                )
                % {"limit_value": self.max_length, "show_value": len(text)},
                code="max_length",
            )
        try:
            return parse_local_number(text)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None
