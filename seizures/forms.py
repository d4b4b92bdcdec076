"""Forms of the seizures app. They parse and present; the services check and write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.forms import LocalNumberField
from members.forms import RequiredMarksMixin, ServiceErrorsMixin
from members.models import MemberAdministration

from . import permissions
from .importing import import_size_check
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

_ANY = _("Any")
_UNKNOWN = _("Unknown")


def _blank(choices, label=_ANY):
    return [("", label), *choices]


def _country_choices(blank_label=_UNKNOWN):
    return [("", blank_label), *list(countries)]


class SeizureReportForm(ServiceErrorsMixin, RequiredMarksMixin, forms.Form):
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
    bill_of_lading = forms.CharField(label=_("Bill of lading"), required=False, max_length=60)
    air_waybill = forms.CharField(
        label=_("Air waybill"), required=False, max_length=20, help_text=_("E.g. 176-12345675.")
    )
    vessel_imo = forms.CharField(
        label=_("Vessel IMO number"),
        required=False,
        max_length=20,
        help_text=_("Seven digits with a check digit, e.g. 9074729."),
    )
    shipper = forms.CharField(label=_("Shipper"), required=False, max_length=200)
    consignee = forms.CharField(label=_("Consignee"), required=False, max_length=200)
    commodity = forms.ChoiceField(label=_("Commodity"))
    quantity = LocalNumberField(label=_("Quantity"))
    unit = forms.ChoiceField(label=_("Unit"), choices=_blank(Unit.choices, ""))
    estimated_value_usd = LocalNumberField(label=_("Estimated value (USD)"), required=False)
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
    revenue_recovered_usd = LocalNumberField(label=_("Revenue recovered (USD)"), required=False)
    operation = forms.ChoiceField(label=_("Operation"), required=False)
    sharing = forms.ChoiceField(
        label=_("Sharing"), choices=Sharing.choices, initial=Sharing.NATIONAL
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    exclude_from_matching = forms.BooleanField(
        label=_("Exclude from matching"),
        required=False,
        help_text=_("Other members never learn of this report through cross-country matching."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        members = permissions.reporting_members(user).order_by("name")
        self.fields["member"].choices = [(str(m.code), m.display_name) for m in members]
        # In the request's language (a class-level list would freeze the import's language).
        self.fields["transit_countries"].choices = list(countries)
        if len(self.fields["member"].choices) == 1:
            self.fields["member"].initial = self.fields["member"].choices[0][0]
        units = permissions.reporting_control_units(user).filter(active=True).order_by("code")
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
        try:
            import_size_check(upload.size)
        except ValidationError as error:
            raise ValidationError(error.message_dict["file"]) from None
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a CSV or XLSX file."))
        return upload


class OperationForm(ServiceErrorsMixin, RequiredMarksMixin, forms.Form):
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


class CommodityForm(ServiceErrorsMixin, RequiredMarksMixin, forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=100)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    dimensions = forms.MultipleChoiceField(
        label=_("May be reported by"),
        choices=Dimension.choices,
        widget=forms.CheckboxSelectMultiple,
    )
