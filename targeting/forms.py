"""The targeting page's forms: a profile (its criteria written one per line), a backtest, a
switch on or off, and the random rate. They parse; the services check and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from arrivals.models import TransportMode

from .criteria import FIELDS, IS
from .models import ProfileLane, ProfileScope, RiskProfile

_TRUE = {"true", "yes", "1", "да"}
_FALSE = {"false", "no", "0", "нет"}
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def criteria_from_text(text: str) -> tuple[list[dict], list[str]]:
    """``field op value, value`` per line into criteria; the lines that are not three parts."""
    criteria, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = line.split(None, 2)
        if len(parts) < 3:
            errors.append(
                _("Line %(n)s: write the field, the operator and the value(s).") % {"n": number}
            )
            continue
        field, op, raw = parts
        if op == IS:
            word = raw.strip().lower()
            value = True if word in _TRUE else False if word in _FALSE else raw
        elif op in ("gt", "lt"):
            value = raw.strip()
        else:
            value = [item.strip() for item in raw.split(",") if item.strip()]
        criteria.append({"field": field, "op": op, "value": value})
    return criteria, errors


def criteria_as_text(criteria: list[dict]) -> str:
    lines = []
    for criterion in criteria or []:
        value = criterion["value"]
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        lines.append(f"{criterion['field']} {criterion['op']} {value}")
    return "\n".join(lines)


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("What an officer reads when the profile selects a notice."),
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=ProfileScope.choices)
    lane = forms.ChoiceField(label=_("Lane"), choices=ProfileLane.choices)
    modes = forms.MultipleChoiceField(
        label=_("Modes of transport"),
        choices=TransportMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every mode."),
    )
    criteria = forms.CharField(
        label=_("Criteria"),
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=_DATE)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=_DATE)
    active = forms.BooleanField(label=_("Active (screens incoming notices)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].help_text = gettext(
            "One per line, all must hold: field, operator, values separated by commas "
            "(any of them matches). E.g. “hs_code prefix 2402, 2403”, "
            "“description contains tobacco, табак”, “gross_kg_per_package gt 25”, "
            "“to_order is true”. Fields: %(fields)s."
        ) % {"fields": ", ".join(FIELDS)}

    @classmethod
    def for_profile(cls, profile: RiskProfile, data=None):
        initial = {
            "name": profile.name,
            "description": profile.description,
            "scope": profile.scope,
            "lane": profile.lane,
            "modes": profile.modes,
            "criteria": criteria_as_text(profile.criteria),
            "valid_from": profile.valid_from,
            "valid_until": profile.valid_until,
            "active": profile.active,
        }
        return cls(data, initial=initial)

    def clean_criteria(self):
        criteria, errors = criteria_from_text(self.cleaned_data["criteria"])
        if errors:
            raise forms.ValidationError(errors)
        return criteria

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("valid_from", "valid_until"):
            data[name] = data[name].isoformat() if data[name] else None
        data["modes"] = list(data["modes"])
        return data


class BacktestForm(forms.Form):
    since = forms.DateField(label=_("Notices expected since"), widget=_DATE)


class RandomRateForm(forms.Form):
    random_rate = forms.DecimalField(
        label=_("Random selection, in per cent of the notices no rule selects"),
        min_value=0,
        max_value=100,
        decimal_places=2,
    )
