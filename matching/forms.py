"""Browser forms of cross-country matching (thin: the services validate)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.identifiers import IdentifierKind

from .models import HitState


class HitFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *HitState.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *IdentifierKind.choices]
    )


class IdentifierForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IdentifierKind.choices)
    value = forms.CharField(label=_("Value"), max_length=200)


class WatchEntryForm(IdentifierForm):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ExclusionForm(IdentifierForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000)
