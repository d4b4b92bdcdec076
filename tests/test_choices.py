"""``core.choices.ChoiceLabels``: a model's ``get_<field>_display()`` answers as Django's own,
in the language active when it is called, for stored and unknown values alike."""

from django.db import models
from django.utils import translation

from exchange.models import Priority, Query
from seizures.models import SeizureReport, TransportMode


def test_the_label_follows_the_language_active_at_each_call():
    report = SeizureReport(transport_mode=TransportMode.RAIL)
    report.get_transport_mode_display()  # the mapping is built in English first
    with translation.override("ru"):
        assert report.get_transport_mode_display() == "Железнодорожный транспорт"
    with translation.override("en"):
        assert report.get_transport_mode_display() == "Rail"


def test_the_label_is_djangos_for_every_choice():
    field = Query._meta.get_field("priority")
    for value, _label in Priority.choices:
        query = Query(priority=value)
        with translation.override("ru"):
            assert query.get_priority_display() == models.Model._get_FIELD_display(query, field)


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert SeizureReport(transport_mode="hovercraft").get_transport_mode_display() == "hovercraft"
