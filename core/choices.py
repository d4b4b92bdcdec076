"""Labels of model choices, looked up rather than rebuilt.

Django's ``get_<field>_display()`` builds a dictionary of all the field's choices on every
call, hashing each lazy label (a translation lookup each): on a list page with a few choice
columns per row that is hundreds of translations per request. ``ChoiceLabels`` keeps one
value → label mapping per field (the labels stay lazy, so the active language still decides)
and translates only the label shown.
"""

from __future__ import annotations

from django.utils.encoding import force_str

_MISSING = object()


def _labels(field) -> dict | None:
    labels = field.__dict__.get("_choice_labels", _MISSING)
    if labels is _MISSING:
        # Choices given as a callable may change between calls: those are not kept.
        static = isinstance(field.choices, (list, tuple))
        labels = dict(field.flatchoices) if static else None
        field.__dict__["_choice_labels"] = labels
    return labels


class ChoiceLabels:
    """Model mixin (before ``models.Model`` in the bases): ``get_<field>_display()`` answers
    as Django's does, from a mapping built once per field."""

    def _get_FIELD_display(self, field):
        labels = _labels(field)
        value = getattr(self, field.attname)
        if labels is not None:
            try:
                return force_str(labels.get(value, value), strings_only=True)
            except TypeError:  # an unhashable value: Django's own way below
                pass
        return super()._get_FIELD_display(field)


def choice_label(model, field_name: str, value) -> str:
    """The label of ``value`` among ``model.field_name``'s choices, in the active language
    (``value`` itself when it is not one of them), as ``get_<field>_display()`` gives it."""
    field = model._meta.get_field(field_name)
    labels = _labels(field)
    if labels is None:
        labels = dict(field.flatchoices)
    return force_str(labels.get(value, value), strings_only=True)
