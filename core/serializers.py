"""Serializer fields built once per class, and a choice's label read without inspection.

A ``ModelSerializer`` builds its fields from the model on every instance: for a query's
detail, about a millisecond of CPU, more than writing its data. ``FieldsBuiltOnce`` builds
them for the first instance of a class, keeps them unbound, and gives every instance copies
(the way DRF copies declared fields: each field made again from the arguments it was made
with), so instances never share a field. For serializers whose fields depend on nothing but
the class (no request, context or instance). Put it before ``ModelSerializer`` among a
class's bases. It has no docstring of its own: the API schema would show it as the
description of every serializer without one.
"""

from __future__ import annotations

import copy

from rest_framework import serializers


class FieldsBuiltOnce:
    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built")
        if built is None:
            built = super().get_fields()
            cls._fields_built = built
        return copy.deepcopy(built)


class ChoiceLabelField(serializers.CharField):
    """The label of the model's choice field ``choice`` (what ``get_<choice>_display`` gives),
    read-only. DRF, given the method as a source, inspects its signature on every row."""

    def __init__(self, choice: str, **kwargs):
        self.choice = choice
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, instance):
        return str(getattr(instance, f"get_{self.choice}_display")())
