"""``core.form_rendering.FastFormRenderer`` writes drop-downs, inputs and text areas byte for
byte as Django's widget templates do, for awkward values and for the portal's own forms."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from core.form_rendering import FastFormRenderer

AWKWARD = 'He said "<b>hi</b>" & left'


class Awkward(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "A"), ("b", AWKWARD), (3, 4)])
    grouped = forms.ChoiceField(
        required=False,
        choices=[("", "---"), ("Fruit", [("apple", "Apple"), ("pear", gettext_lazy("Pears"))])],
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y"), ("z", mark_safe("<i>Z</i>"))])
    disabled = forms.ChoiceField(choices=[("1", "One")], disabled=True)
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": AWKWARD, "data-x": True}))
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "autofocus": True}))
    number = forms.DecimalField()
    count = forms.IntegerField(widget=forms.NumberInput(attrs={"min": 0, "step": Decimal("0.5")}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    ok = forms.BooleanField(required=False)
    secret = forms.CharField(widget=forms.HiddenInput)
    email = forms.EmailField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "placeholder": AWKWARD}))
    empty_note = forms.CharField(required=False, widget=forms.Textarea)


BOUND = {
    "plain": "b",
    "grouped": "pear",
    "many": ["x", "z"],
    "text": AWKWARD,
    "search": "café & co",
    "number": "12345.67",
    "count": "1000000",
    "day": "2026-11-30",
    "ok": "on",
    "secret": '"quoted"',
    "note": AWKWARD + "\n\nsecond <line>",
    "empty_note": "",
}
INITIAL = {
    "number": Decimal("1234.5"),
    "day": datetime.date(2026, 1, 2),
    "count": 12345,
    "note": 0,
}


def _rendered(form_class, renderer, *args, **kwargs):
    form = form_class(*args, renderer=renderer, **kwargs)
    return [str(bound) for bound in form]


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize(
    ("args", "kwargs"), [((), {}), ((BOUND,), {}), ((), {"initial": INITIAL}), (({},), {})]
)
def test_awkward_widgets_are_written_as_djangos_templates_write_them(language, args, kwargs):
    with translation.override(language):
        fast = _rendered(Awkward, FastFormRenderer(), *args, **kwargs)
        slow = _rendered(Awkward, DjangoTemplates(), *args, **kwargs)
    assert fast == slow
    assert any("<select" in html for html in fast)


@pytest.mark.django_db
def test_the_portals_filter_and_filing_forms_are_written_as_before(rf, focal_kz, kz):
    from exchange.filtersets import QueryFilterSet
    from exchange.forms import CloseForm, OutcomeForm, QueryForm, ReplyForm
    from exchange.permissions import query_filing_senders
    from seizures.filtersets import SeizureListFilterSet

    filing_members, filing_units = query_filing_senders(focal_kz)
    request = rf.get("/", {"status": "open", "kind": "request", "q": AWKWARD})
    request.user = focal_kz
    forms_to_render = [
        QueryFilterSet(request.GET, queryset=None, request=request).form,
        SeizureListFilterSet(request.GET, queryset=None, request=request).with_choices().form,
        QueryForm(
            {"subject": AWKWARD, "priority": "high"},
            filing_members=filing_members,
            filing_units=filing_units,
        ),
        ReplyForm({"body": AWKWARD}),
        CloseForm(),
        OutcomeForm({"reason": AWKWARD}),
    ]
    for form in forms_to_render:
        fast = [str(bound) for bound in form]
        form.renderer = DjangoTemplates()
        slow = [str(bound) for bound in form]
        assert fast == slow
        assert any("<select" in html or "<textarea" in html for html in fast)
