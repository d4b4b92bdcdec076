"""The form renderer (``FORM_RENDERER``): Django's own, with the commonest widgets written in
Python instead of through the template engine.

Django renders a drop-down with one template include per option and every ``<input>`` with
two templates: a filter form of a list page took 2-3 ms of CPU. ``FastFormRenderer`` writes
``<select>``, its options, the plain ``<input>`` widgets and ``<textarea>`` itself, byte for
byte as Django's
templates do (tests/test_form_rendering.py compares them); every other widget goes through
the templates as before.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.safestring import SafeData, mark_safe

_WIDGETS = "django/forms/widgets/"
_SELECT = _WIDGETS + "select.html"
_OPTION = _WIDGETS + "select_option.html"
_TEXTAREA = _WIDGETS + "textarea.html"
#: Templates that are exactly ``{% include "django/forms/widgets/input.html" %}`` and a newline.
_INPUTS = frozenset(
    _WIDGETS + name
    for name in (
        "text.html",
        "search.html",
        "number.html",
        "email.html",
        "url.html",
        "tel.html",
        "password.html",
        "hidden.html",
        "date.html",
        "datetime.html",
        "time.html",
        "checkbox.html",
    )
)
# Only what render_value_in_context reads: autoescape, use_l10n and use_tz (as a widget
# template's context has them).
_CONTEXT = Context(autoescape=True)


def _out(value) -> str:
    """``{{ value }}``."""
    return render_value_in_context(value, _CONTEXT)


def _stringformat(value) -> str:
    """``{{ value|stringformat:'s' }}``."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        text = "%s" % value  # noqa: UP031 (the filter's own formatting, errors and all)
    except (ValueError, TypeError):
        text = ""
    return _out(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_out(name)}")
        else:
            parts.append(f' {_out(name)}="{_stringformat(value)}"')
    return "".join(parts)


def _option(option: dict) -> str:
    return (
        f'<option value="{_stringformat(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_out(option['label'])}</option>\n"
    )


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_out(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_out(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != _OPTION:
                return None
            parts.append("\n  " + _option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = f' value="{_stringformat(value)}"' if value is not None else ""
    return (
        f'<input type="{_out(widget["type"])}" name="{_out(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>\n\n"
    )


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_out(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_out(value) if value else ''}</textarea>\n"
    )


class FastFormRenderer(DjangoTemplates):
    """Django's default form renderer, with selects, inputs and text areas rendered in
    Python."""

    def render(self, template_name, context, request=None):
        if template_name == _SELECT:
            html = _select(context["widget"])
            if html is not None:
                return html.strip()
        elif template_name in _INPUTS:
            return _input(context["widget"]).strip()
        elif template_name == _TEXTAREA:
            return _textarea(context["widget"]).strip()
        return super().render(template_name, context, request=request)
