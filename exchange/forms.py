"""Browser forms of the exchange app. They only parse; the services check the domain rules and
their field-keyed errors are shown on the matching fields."""

from django import forms
from django.conf import settings
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from members.forms import RequiredMarksMixin, ServiceErrorsMixin
from members.models import ControlUnit, MemberAdministration, MemberStatus

from . import drafts
from .models import (
    HandlingCode,
    InformationEvaluation,
    Priority,
    QueryKind,
    QueryOutcome,
    RiskOutcome,
    SourceEvaluation,
)


class UnitSelect(forms.SelectMultiple):
    """Control units as options that name their member (``data-member``), so that the page's
    script can offer only the units of the recipients chosen."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.members: dict[str, str] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.members:
            option["attrs"]["data-member"] = self.members[value]
        return option


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace(",", "\n").replace(";", "\n").splitlines() if p.strip()]


#: What each handling code does, said beside it on the filing form.
HANDLING_EFFECTS = {
    HandlingCode.H0: _(
        "The recipients may use it to fight crime. Members holding the same identifiers learn "
        "through matching that you hold a query, not what it says."
    ),
    HandlingCode.H1: _(
        "The recipients may not use it in court without your consent. Members holding the "
        "same identifiers learn through matching that you hold a query."
    ),
    HandlingCode.H2: _(
        "The recipients may not pass it on without your consent. Only the recipients learn of "
        "it through matching."
    ),
    HandlingCode.H3: _(
        "Only under the restrictions you state below. No member learns of it through matching."
    ),
}


class QueryForm(ServiceErrorsMixin, RequiredMarksMixin, forms.Form):
    sender_member = forms.ChoiceField(label=_("On behalf of"), required=False)
    sender_unit = forms.ChoiceField(label=_("From control unit"), required=False)
    recipients = forms.MultipleChoiceField(
        label=_("To members"), widget=forms.CheckboxSelectMultiple, required=False
    )
    recipient_units = forms.MultipleChoiceField(
        label=_("Only these control units of the recipients"),
        required=False,
        widget=UnitSelect,
        help_text=_("Leave empty to address the recipient members as a whole."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=QueryKind.choices)
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=Priority.choices,
    )
    handling_code = forms.ChoiceField(
        label=_("Handling code"),
        choices=HandlingCode.choices,
        initial=HandlingCode.H0,
        widget=forms.RadioSelect,
    )
    handling_restrictions = forms.CharField(
        label=_("Handling restrictions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required with H3."),
    )
    source_evaluation = forms.ChoiceField(
        label=_("Evaluation of the source"), choices=SourceEvaluation.choices, initial="X"
    )
    information_evaluation = forms.ChoiceField(
        label=_("Evaluation of the information"),
        choices=InformationEvaluation.choices,
        initial="4",
    )
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    container_numbers = forms.CharField(
        label=_("Container numbers"),
        required=False,
        help_text=_("ISO 6346, one per line or separated by commas, e.g. CSQU3054383."),
    )
    bill_of_lading_numbers = forms.CharField(label=_("Bill of lading numbers"), required=False)
    air_waybill_numbers = forms.CharField(
        label=_("Air waybill numbers"), required=False, help_text=_("E.g. 176-12345675.")
    )
    vessel_or_flight = forms.CharField(label=_("Vessel or flight"), max_length=100, required=False)
    vessel_imo = forms.CharField(
        label=_("Vessel IMO number"),
        max_length=20,
        required=False,
        help_text=_("Seven digits with a check digit, e.g. 9074729."),
    )
    shipper = forms.CharField(label=_("Shipper"), max_length=200, required=False)
    consignee = forms.CharField(label=_("Consignee"), max_length=200, required=False)
    exclude_from_matching = forms.BooleanField(
        label=_("Exclude from matching"),
        required=False,
        help_text=_("Other members never learn of this query through cross-country matching."),
    )
    #: The hit this query follows up ("Ask <member>" on the Hits page).
    hit = forms.IntegerField(required=False, widget=forms.HiddenInput())
    hs_codes = forms.CharField(label=_("HS codes"), required=False, help_text=_("E.g. 2402.20."))
    route_countries = forms.CharField(
        label=_("Route countries"),
        required=False,
        help_text=_("Country codes in the order the consignment travels, e.g. CN, KZ, UZ."),
    )
    expected_arrival = forms.DateTimeField(
        label=_("Expected arrival"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    #: Required by ``services.query_file``, which checks them (and says why).
    required_marks = ("recipients", "subject", "body")

    #: The page's sections, in the order a focal point thinks (``drafts.GROUPS``): whom it
    #: goes to and how urgently, what it says, the consignment, how it may be handled, files.
    SECTIONS = [
        (_("To whom, and how urgent"), [*drafts.ADDRESSING, "hit"]),
        (_("Message"), list(drafts.MESSAGE)),
        (_("Consignment"), list(drafts.CONSIGNMENT)),
        (_("Handling and evaluation"), list(drafts.HANDLING)),
        (_("Attachments"), list(drafts.FILES)),
    ]

    def hold_errors(self):
        """Show the posted values without checking them (the person is not done yet)."""
        self._errors = ErrorDict()

    def sections(self):
        """The fields grouped for the page, in the order above."""
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def handling_choices(self):
        """The handling codes as radio buttons, each with what it does to the query."""
        return [
            (radio, HANDLING_EFFECTS.get(radio.data["value"], ""))
            for radio in self["handling_code"]
        ]

    def __init__(self, *args, filing_members, filing_units, own_unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        hours = {key: f"{value:g}" for key, value in settings.EXCHANGE_DUE_HOURS.items()}
        self.fields["priority"].help_text = (
            _(
                "The due time follows from it: urgent %(urgent)s hours, high %(high)s hours, "
                "routine %(routine)s hours."
            )
            % hours
        )
        self.fields["sender_member"].choices = [
            (m.code.code, m.display_name) for m in filing_members
        ]
        if len(filing_members) <= 1:
            self.fields["sender_member"].widget = forms.HiddenInput()
            if filing_members:
                self.fields["sender_member"].initial = filing_members[0].code.code
        self.fields["sender_unit"].choices = [("", "—")] + [(u.code, str(u)) for u in filing_units]
        # An officer files from their own unit unless they choose another.
        if own_unit is not None and any(u.pk == own_unit.pk for u in filing_units):
            self.fields["sender_unit"].initial = own_unit.code
        own = {m.pk for m in filing_members}
        members = MemberAdministration.objects.filter(status=MemberStatus.MEMBER).order_by("name")
        self.fields["recipients"].choices = [
            (m.code.code, f"{m.display_name} ({m.code.code})") for m in members if m.pk not in own
        ]
        units = list(
            ControlUnit.objects.filter(active=True)
            .exclude(member_id__in=own)
            .select_related("member")
            .order_by("code")
        )
        # Every unit stays a valid choice (the service checks it belongs to a recipient); the
        # page's script only hides those of members not chosen.
        self.fields["recipient_units"].choices = [(u.code, str(u)) for u in units]
        self.fields["recipient_units"].widget.members = {u.code: u.member.code.code for u in units}

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        for name in (
            "container_numbers",
            "bill_of_lading_numbers",
            "air_waybill_numbers",
            "hs_codes",
            "route_countries",
        ):
            data[name] = _split(data.get(name) or "")
        data["sender_member"] = data.get("sender_member") or None
        data["sender_unit"] = data.get("sender_unit") or None
        data.pop("hit", None)
        return data


class ReplyForm(ServiceErrorsMixin, forms.Form):
    body = forms.CharField(
        label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)


class CloseForm(ServiceErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=QueryOutcome.choices)
    note = forms.CharField(
        label=_("Note on the outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OutcomeForm(ServiceErrorsMixin, RequiredMarksMixin, forms.Form):
    # No outcome is chosen beforehand: one careless click must not record a false result.
    outcome = forms.ChoiceField(
        label=_("What came of the alert"),
        choices=[("", _("Choose what came of it")), *RiskOutcome.choices],
        error_messages={"required": _("Choose what came of the alert.")},
    )
    reason = forms.CharField(
        label=_("Details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the consignment was not examined: say why."),
    )
