"""The browser's forms for notices: filing (containers and goods a line each), arrival,
outcome and manifest upload. Thin: the services check every rule; these only turn text lines
into the API's shape."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from core.handling import HandlingCode
from exchange.models import InformationEvaluation, SourceEvaluation

from .models import NoticeOutcome, TransportDocumentKind, TransportMode


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def containers_from_text(text: str) -> list[dict]:
    """``CSQU3054383 SEAL1;SEAL2`` per line → ``[{"number", "seals"}]``."""
    containers = []
    for line in _lines(text):
        number, _sep, seals = line.partition(" ")
        containers.append(
            {"number": number, "seals": [s for s in re.split(r"[;,\s]+", seals) if s]}
        )
    return containers


def goods_from_text(text: str) -> list[dict]:
    """``hs_code | description | packages | gross_kg`` per line → goods lines."""
    goods = []
    for line in _lines(text):
        parts = [p.strip() for p in line.split("|")] + ["", "", "", ""]
        goods.append(
            {
                "hs_code": parts[0],
                "description": parts[1],
                "packages": parts[2],
                "gross_kg": parts[3],
            }
        )
    return goods


def _cell(value) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def notice_initial(notice) -> dict:
    """The filing form's fields from a notice (the inverse of ``data_for_service``): "Copy
    into a new draft" of a returned notice."""
    initial = {
        name: getattr(notice, name)
        for name in NoticeForm.base_fields
        if name not in ("to_member", "to_unit", "from_unit", "transit_countries")
        and name not in ("containers", "goods")
    }
    initial.update(
        to_member=str(notice.to_member.code),
        to_unit=notice.to_unit.code if notice.to_unit_id else "",
        from_unit=notice.from_unit.code if notice.from_unit_id else "",
        transit_countries=";".join(notice.transit_countries or ()),
        containers="\n".join(
            " ".join([c["number"], ";".join(c.get("seals") or ())]).strip()
            for c in notice.containers or ()
        ),
        goods="\n".join(
            " | ".join(_cell(g.get(k)) for k in ("hs_code", "description", "packages", "gross_kg"))
            for g in notice.goods or ()
        ),
    )
    return {k: v for k, v in initial.items() if v not in (None, "")}


class NoticeForm(forms.Form):
    to_member = forms.CharField(label=_("Receiving member (country code)"), max_length=8)
    to_unit = forms.CharField(label=_("Receiving control unit (code)"), required=False)
    from_unit = forms.CharField(label=_("Sending control unit (code)"), required=False)
    mode = forms.ChoiceField(label=_("Mode"), choices=TransportMode.choices)
    conveyance = forms.CharField(
        label=_("Conveyance (vessel and voyage, flight, train or plate)"), required=False
    )
    vessel_imo = forms.CharField(label=_("Vessel IMO number"), required=False)
    transport_document_kind = forms.ChoiceField(
        label=_("Kind of transport document"), choices=TransportDocumentKind.choices
    )
    transport_document = forms.CharField(label=_("Transport document"))
    master_document = forms.CharField(label=_("Master document"), required=False)
    place_of_loading = forms.CharField(label=_("Place of loading (UN/LOCODE)"), required=False)
    place_of_discharge = forms.CharField(label=_("Place of discharge (UN/LOCODE)"), required=False)
    transit_countries = forms.CharField(
        label=_("Transit countries (codes, in order, separated by ;)"), required=False
    )
    departed_at = forms.DateTimeField(label=_("Departed at"), required=False)
    expected_arrival = forms.DateTimeField(label=_("Expected arrival"))
    shipper = forms.CharField(label=_("Shipper"), required=False)
    shipper_country = forms.CharField(label=_("Shipper country"), required=False)
    consignee = forms.CharField(label=_("Consignee"), required=False)
    consignee_country = forms.CharField(label=_("Consignee country"), required=False)
    notify_party = forms.CharField(label=_("Notify party"), required=False)
    containers = forms.CharField(
        label=_("Containers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: the number, then its seals separated by ;"),
    )
    goods = forms.CharField(
        label=_("Goods"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: HS code | description | packages | gross kg"),
    )
    handling_code = forms.ChoiceField(
        label=_("Handling code"), choices=HandlingCode.choices, initial=HandlingCode.H0
    )
    handling_restrictions = forms.CharField(
        label=_("Handling restrictions (required with H3)"), required=False
    )
    source_evaluation = forms.ChoiceField(
        label=_("Source evaluation"), choices=SourceEvaluation.choices, initial=SourceEvaluation.X
    )
    information_evaluation = forms.ChoiceField(
        label=_("Information evaluation"),
        choices=InformationEvaluation.choices,
        initial=InformationEvaluation.UNKNOWN,
    )
    remarks = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea)

    def data_for_service(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        data["containers"] = containers_from_text(self.cleaned_data.get("containers"))
        data["goods"] = goods_from_text(self.cleaned_data.get("goods"))
        return data


class ArrivalForm(forms.Form):
    arrived_at = forms.DateTimeField(label=_("Arrived at"), required=False)
    containers = forms.CharField(
        label=_("Containers found"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: the number, then its seals separated by ;"),
    )
    gross_kg = forms.DecimalField(label=_("Gross mass found (kg)"), required=False, min_value=0)

    def data_for_service(self) -> dict:
        return {
            "arrived_at": self.cleaned_data.get("arrived_at"),
            "containers": containers_from_text(self.cleaned_data.get("containers")),
            "gross_kg": self.cleaned_data.get("gross_kg"),
        }


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=NoticeOutcome.choices)
    seizure_report = forms.IntegerField(
        label=_("Seizure report (number in the portal)"), required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ManifestForm(forms.Form):
    file = forms.FileField(label=_("Manifest (CSV or XLSX)"))
