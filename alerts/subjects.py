"""Alerts about records of apps above alerts that an alert names by no foreign key
(pre-arrival notices): the app writes the rows through the outbox like every alert and tells
alerts, here, what it needs to know of such a record.

An alert names its record by ``subject_type`` and ``subject_id`` (with ``subject_reference``
for display). The providing app registers, from its ``AppConfig.ready()``, where such an
alert links to, which of them a person may still see, the members it concerns (for the audit
trail) and the facts its mail may carry; the mail's text is written in ``alerts.emails``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class AlertSubject:
    """What the outbox needs of one kind of record."""

    #: ``link(alert) -> str``: the path of the record's page.
    link: Callable
    #: ``scope(user) -> Q`` on Alert rows: those whose record the user may still see.
    scope: Callable
    #: ``members(alert) -> list[str]``: the member codes the alert concerns.
    members: Callable
    #: ``facts(alert) -> dict | None``: what the alert's mail may say of the record (plain
    #: values, no content), or None when the record no longer exists.
    facts: Callable


_subjects: dict[str, AlertSubject] = {}


def alert_subject_register(subject_type: str, subject: AlertSubject) -> None:
    _subjects[subject_type] = subject


def alert_subject(subject_type: str) -> AlertSubject | None:
    return _subjects.get(subject_type)


def alert_subjects_scope(user) -> Q | None:
    """Alert rows about registered records that ``user`` may still see (None when no app
    registered any)."""
    condition = None
    for subject in _subjects.values():
        scope = subject.scope(user)
        condition = scope if condition is None else condition | scope
    return condition
