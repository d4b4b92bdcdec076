from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.handling import HandlingCode

from .models import RELEASE_POLICY_KINDS, ControlUnit, ControlUnitKind
from .permissions import MEMBER_ROLES


class ServiceErrorsMixin:
    """Show a service's field-keyed ValidationError on the form's fields."""

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                target = field if field in self.fields else None
                for e in errors:
                    for message in e.messages:
                        self.add_error(target, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


class RequiredMarksMixin:
    """Marks the fields a person must fill (``aria-required`` here, an asterisk in
    ``form_fields.html``): the form's required fields, plus ``required_marks``, the fields a
    service requires though the form leaves the check to it."""

    required_marks: tuple[str, ...] = ()
    _GROUP_WIDGETS = (forms.CheckboxSelectMultiple, forms.RadioSelect, forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if self.is_marked_required(name) and not isinstance(field.widget, self._GROUP_WIDGETS):
                field.widget.attrs["aria-required"] = "true"

    def is_marked_required(self, name: str) -> bool:
        return self.fields[name].required or name in self.required_marks


class OnboardMemberForm(ServiceErrorsMixin, RequiredMarksMixin, forms.Form):
    code = forms.CharField(
        label=_("Country code"),
        max_length=2,
        min_length=2,
        help_text=_("ISO 3166-1 alpha-2, e.g. AZ."),
    )
    name = forms.CharField(label=_("Country name"), max_length=100)
    administration = forms.CharField(label=_("Customs administration"), max_length=200)
    administration_ru = forms.CharField(
        label=_("Customs administration in Russian"),
        max_length=200,
        required=False,
        help_text=_("Optional; shown when the portal is used in Russian."),
    )
    joined_on = forms.DateField(
        label=_("Accession date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Date of accession to the IREN memorandum of understanding."),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean_joined_on(self):
        joined_on = self.cleaned_data["joined_on"]
        if joined_on > timezone.localdate():
            raise ValidationError(_("The accession date cannot be in the future."))
        return joined_on


class FocalPointForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("Enter the focal point's email."))
        return data


FocalPointFormSet = forms.formset_factory(FocalPointForm, extra=3, max_num=10)


class PersonForm(ServiceErrorsMixin, RequiredMarksMixin, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=[(r.value, r.label) for r in MEMBER_ROLES],
        widget=forms.CheckboxSelectMultiple,
    )
    control_unit = forms.ModelChoiceField(
        label=_("Control unit"), queryset=ControlUnit.objects.none(), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["control_unit"].queryset = member.control_units.filter(active=True)


class ControlUnitForm(ServiceErrorsMixin, RequiredMarksMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=200)
    name_ru = forms.CharField(
        label=_("Name in Russian"),
        max_length=200,
        required=False,
        help_text=_("Optional; shown when the portal is used in Russian."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ControlUnitKind.choices)
    city = forms.CharField(label=_("City"), max_length=100)
    locode = forms.CharField(label=_("UN/LOCODE"), max_length=6, required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class SuspendMemberForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Shown to network admins; the member's people only learn that access is suspended."
        ),
    )


class PortalAuthenticationForm(AuthenticationForm):
    """The login form, with a clear message for the people of a suspended member (told only
    once their password is right: nobody learns a member's state by guessing)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "member_suspended": _(
            "Your administration's access to the IREN Portal is suspended. Contact the "
            "network secretariat."
        ),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError as error:
            if getattr(error, "code", None) == "invalid_login" and self._suspended_member_user():
                raise ValidationError(
                    self.error_messages["member_suspended"], code="member_suspended"
                ) from None
            raise

    def _suspended_member_user(self) -> bool:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return False
        user = (
            get_user_model()
            ._default_manager.filter(username=username, is_active=True)
            .select_related("member")
            .first()
        )
        return bool(
            user is not None
            and user.member is not None
            and user.member.is_suspended
            and user.check_password(password)
        )


class PortalPasswordResetForm(PasswordResetForm):
    """Django's reset form skips users without a usable password. Here those are people who
    were invited but never chose one (e.g. the invitation expired): let them ask for a link."""

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in users if user.has_usable_password() or user.last_login is None)


RELEASE_KIND_LABELS = {
    "query": _("Urgent queries"),
    "arrival": _("Pre-arrival notices"),
    "seizure": _("Network-shared seizure reports"),
}


class ReleasePolicyForm(forms.Form):
    """A member's release policy: the kinds of item and the handling codes a second person
    must release before they leave the country."""

    kinds = forms.MultipleChoiceField(
        label=_("Kinds of item that need release"),
        choices=[(kind, RELEASE_KIND_LABELS[kind]) for kind in RELEASE_POLICY_KINDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    handling_codes = forms.MultipleChoiceField(
        label=_("Handling codes that need release"),
        help_text=_("None ticked: every handling code. Seizure reports have none."),
        choices=HandlingCode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the author"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
