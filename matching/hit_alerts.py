"""Hit alerts: the outbox rows for new hits, to the people of the hit's member who may act on
it (``matching.permissions.hit_alert_people_many``), with the same rows, channels and
delivery as every other alert."""

from __future__ import annotations

from django.db.models.base import ModelState
from django.utils import timezone

from alerts.models import AlertEvent

from . import permissions as rules
from .models import RecordType


def hits_alert(hits: list) -> list[int]:
    """Write the outbox rows for ``hits`` (Hit instances or ``pairing.Paired``): in-portal
    always, email when the person has an address, to the member's focal points who may open
    the member's record that was hit. One statement for the people of all the members, one
    for their alert preferences per kind of hit, and the outbox's one writer
    (``alerts.outbox.alerts_write``) for all the rows. Returns their ids."""
    from alerts.outbox import alerts_write
    from alerts.preferences import alert_modes, alert_rows

    if not hits:
        return []
    people_by_side = rules.hit_alert_people_many(
        {(hit.for_member_id, hit.record_type) for hit in hits}
    )
    everyone = {p.pk: p for people in people_by_side.values() for p in people}.values()
    # Each person's rows for each kind of hit, made once and copied for every hit (an import
    # alerts thousands of hits to the same few people).
    templates: dict[tuple[int, str, str], list] = {}
    now = timezone.now()
    for event in {_alert_event(hit) for hit in hits}:
        modes = alert_modes(everyone, event) if everyone else {}
        for side, people in people_by_side.items():
            templates[(*side, event)] = [
                row
                for person in people
                for row in alert_rows(person, modes=modes, hit=None, event=event, created_at=now)
            ]
    rows = [
        _instance_copy(template, hit_id=hit.pk)
        for hit in hits
        for template in templates[(hit.for_member_id, hit.record_type, _alert_event(hit))]
    ]
    return alerts_write(rows)


def _alert_event(hit) -> str:
    return AlertEvent.WATCHLIST_HIT if hit.record_type == RecordType.WATCH else AlertEvent.HIT


def _instance_copy(template, **changes):
    """A new, unsaved model instance with ``template``'s field values and ``changes`` (attnames),
    without ``Model.__init__``."""
    instance = template.__class__.__new__(template.__class__)
    instance.__dict__.update(template.__dict__)
    instance.__dict__.update(changes)
    instance._state = ModelState()
    return instance
