"""Forms of the seizures app. They parse and present; the services check and write."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries

from members import permissions
from members.forms import ServiceErrorsMixin
from members.models import ControlUnit, MemberAdministration

from .models import (
    Category,
    Commodity,
    DetectionMethod,
    Dimension,
    Operation,
    Sharing,
    TransportMode,
    Unit,
)
from .selectors import GROUP_BY_CHOICES, SeizureFilters

_ANY = _("Any")
_UNKNOWN = _("Unknown")


def _blank(choices, label=_ANY):
    return [("", label), *choices]


class SeizureFilterForm(forms.Form):
    """The filters of the dashboard, the report list, the exports and the stats API. Codes in,
    objects out; an unknown code is a field error (a 400 in the API)."""

    # ``from`` is a Python keyword: the field is added in __init__.
    to = forms.DateField(
        label=pgettext_lazy("period", "To"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    member = forms.CharField(label=_("Member"), required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=_blank(Category.choices), required=False
    )
    commodity = forms.CharField(label=_("Commodity"), required=False)
    operation = forms.CharField(label=_("Operation"), required=False)
    transport_mode = forms.ChoiceField(
        label=_("Transport mode"), choices=_blank(TransportMode.choices), required=False
    )

    field_order = ["from", "to", "member", "category", "commodity", "operation", "transport_mode"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(
            label=pgettext_lazy("period", "From"),
            required=False,
            input_formats=["%Y-%m-%d"],
            widget=forms.DateInput(attrs={"type": "date"}),
        )
        self.order_fields(self.field_order)

    def with_choices(self):
        """Drop-downs for the browser (three small queries the API does not need)."""
        self.fields["member"].widget = forms.Select(
            choices=_blank(
                [
                    (str(m.code), m.display_name)
                    for m in MemberAdministration.objects.order_by("name")
                ]
            )
        )
        self.fields["commodity"].widget = forms.Select(
            choices=_blank([(c.code, c.display_name) for c in Commodity.objects.order_by("name")])
        )
        self.fields["operation"].widget = forms.Select(
            choices=_blank([(o.code, o.name) for o in Operation.objects.order_by("name")])
        )
        return self

    def clean_member(self):
        code = (self.cleaned_data.get("member") or "").strip().upper()
        if not code:
            return None
        member = MemberAdministration.objects.filter(code=code).first()
        if member is None:
            raise ValidationError(
                _("“%(code)s” is not a member of the network."), params={"code": code}
            )
        return member

    def clean_commodity(self):
        code = (self.cleaned_data.get("commodity") or "").strip().lower()
        if not code:
            return None
        commodity = Commodity.objects.filter(code=code).first()
        if commodity is None:
            raise ValidationError(_("“%(code)s” is not a commodity code."), params={"code": code})
        return commodity

    def clean_operation(self):
        code = (self.cleaned_data.get("operation") or "").strip().lower()
        if not code:
            return None
        operation = Operation.objects.filter(code=code).first()
        if operation is None:
            raise ValidationError(_("“%(code)s” is not an operation code."), params={"code": code})
        return operation

    def clean(self):
        data = super().clean()
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            self.add_error("to", _("The end of the period is before its start."))
        return data

    def filters(self) -> SeizureFilters:
        """The resolved filters (call after is_valid())."""
        data = self.cleaned_data
        return SeizureFilters(
            date_from=data.get("from"),
            date_to=data.get("to"),
            member=data.get("member"),
            category=data.get("category") or "",
            commodity=data.get("commodity"),
            operation=data.get("operation"),
            transport_mode=data.get("transport_mode") or "",
        )


class StatsForm(SeizureFilterForm):
    group_by = forms.ChoiceField(
        choices=[(g, g) for g in GROUP_BY_CHOICES],
        required=False,
        initial="category",
        error_messages={
            "invalid_choice": _("“%(value)s” is not a grouping; use one of: %(choices)s.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The list of groupings goes into the message once, formatted here.
        message = self.fields["group_by"].error_messages["invalid_choice"]
        self.fields["group_by"].error_messages["invalid_choice"] = str(message).replace(
            "%(choices)s", ", ".join(GROUP_BY_CHOICES)
        )

    def clean_group_by(self):
        return self.cleaned_data.get("group_by") or "category"


def _country_choices(blank_label=_UNKNOWN):
    return [("", blank_label), *list(countries)]


class SeizureReportForm(ServiceErrorsMixin, forms.Form):
    """Entry of one seizure report. Fields carry codes: the service resolves and checks them,
    exactly as for a row of an import file."""

    reference = forms.CharField(label=_("Reference"), max_length=50)
    member = forms.ChoiceField(label=_("Reporting member"))
    control_unit = forms.ChoiceField(label=_("Control unit"), required=False)
    seized_on = forms.CharField(
        label=_("Date seized"), widget=forms.DateInput(attrs={"type": "date"})
    )
    transport_mode = forms.ChoiceField(
        label=_("Transport mode"), choices=_blank(TransportMode.choices, "")
    )
    container_number = forms.CharField(
        label=_("Container number"),
        required=False,
        max_length=20,
        help_text=_("ISO 6346, e.g. CSQU3054383."),
    )
    vessel_or_flight = forms.CharField(label=_("Vessel or flight"), required=False, max_length=100)
    vehicle = forms.CharField(label=_("Vehicle"), required=False, max_length=100)
    commodity = forms.ChoiceField(label=_("Commodity"))
    quantity = forms.CharField(label=_("Quantity"), max_length=30)
    unit = forms.ChoiceField(label=_("Unit"), choices=_blank(Unit.choices, ""))
    estimated_value_usd = forms.CharField(
        label=_("Estimated value (USD)"), required=False, max_length=30
    )
    concealment = forms.CharField(label=_("Concealment method"), required=False, max_length=200)
    detection_method = forms.ChoiceField(
        label=_("Detection method"),
        choices=_blank(DetectionMethod.choices, _("Not recorded")),
        required=False,
    )
    origin_country = forms.ChoiceField(label=_("Origin country"), required=False)
    transit_countries = forms.MultipleChoiceField(
        label=_("Transit countries"), required=False, choices=()
    )
    destination_country = forms.ChoiceField(label=_("Destination country"), required=False)
    persons_detained = forms.CharField(label=_("Persons detained"), required=False, initial="0")
    revenue_recovered_usd = forms.CharField(
        label=_("Revenue recovered (USD)"), required=False, max_length=30
    )
    operation = forms.ChoiceField(label=_("Operation"), required=False)
    sharing = forms.ChoiceField(
        label=_("Sharing"), choices=Sharing.choices, initial=Sharing.NATIONAL
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        members = permissions.members_for(user, permissions.Right.REPORT_SEIZURES).order_by("name")
        self.fields["member"].choices = [(str(m.code), m.display_name) for m in members]
        # In the request's language (a class-level list would freeze the import's language).
        self.fields["transit_countries"].choices = list(countries)
        if len(self.fields["member"].choices) == 1:
            self.fields["member"].initial = self.fields["member"].choices[0][0]
        units = ControlUnit.objects.filter(member__in=members, active=True).order_by("code")
        self.fields["control_unit"].choices = _blank([(u.code, str(u)) for u in units], "")
        if getattr(user, "control_unit_id", None):
            self.fields["control_unit"].initial = user.control_unit.code
        self.fields["commodity"].choices = _blank(
            [
                (c.code, c.display_name)
                for c in Commodity.objects.filter(active=True).order_by("name")
            ],
            "",
        )
        self.fields["origin_country"].choices = _country_choices()
        self.fields["destination_country"].choices = _country_choices()
        self.fields["operation"].choices = _blank(
            [(o.code, o.name) for o in Operation.objects.order_by("-starts_on")], _("None")
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("One seizure report per row, with the columns listed below."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.SEIZURES_IMPORT_MAX_BYTES:
            raise ValidationError(_("The file is too large."))
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a CSV or XLSX file."))
        return upload


class OperationForm(ServiceErrorsMixin, forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=50, help_text=_("e.g. nicotiana"))
    name = forms.CharField(label=_("Name"), max_length=200)
    coordinating_member = forms.ModelChoiceField(
        label=_("Coordinating member"), queryset=MemberAdministration.objects.none()
    )
    participating_members = forms.ModelMultipleChoiceField(
        label=_("Participating members"),
        queryset=MemberAdministration.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    target_categories = forms.MultipleChoiceField(
        label=_("Target categories"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinating_member"].queryset = MemberAdministration.objects.filter(
            pk__in=permissions.operation_coordinator_member_ids(user)
        ).order_by("name")


class CommodityForm(ServiceErrorsMixin, forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=100)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    dimensions = forms.MultipleChoiceField(
        label=_("May be reported by"),
        choices=Dimension.choices,
        widget=forms.CheckboxSelectMultiple,
    )
