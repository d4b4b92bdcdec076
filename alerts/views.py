"""The alert preferences page (under Notifications): per kind of event, in the portal only,
email at once or a daily digest. Thin over ``alert_preferences``."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members.forms import ServiceErrorsMixin

from . import preferences as alert_preferences
from .models import AlertKind, AlertMode


class AlertPreferencesForm(ServiceErrorsMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in AlertKind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=AlertMode.choices, widget=forms.RadioSelect
            )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    current = alert_preferences.alert_preferences(user=request.user)
    form = AlertPreferencesForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        try:
            alert_preferences.alert_preferences_set(user=request.user, modes=form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Your alert preferences were saved."))
            return redirect("exchange:alert-preferences")
    return render(request, "alerts/preferences.html", {"form": form})
