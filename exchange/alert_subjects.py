"""Extension point of the outbox: apps above the exchange (pre-arrival notices) write alerts
about their own records without the exchange knowing them.

An alert names its record by ``subject_type`` and ``subject_id`` (with ``subject_reference``
for display). The providing app registers, from its ``AppConfig.ready()``, how such an alert
is mailed, where it links to, which of them a person may still see, and the members it
concerns (for the audit trail).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class AlertSubject:
    """How the outbox handles alerts about one kind of record."""

    #: ``email(alert) -> EmailMessage``
    email: Callable
    #: ``link(alert) -> str``: the path of the record's page.
    link: Callable
    #: ``scope(user) -> Q`` on Alert rows: those whose record the user may still see.
    scope: Callable
    #: ``members(alert) -> list[str]``: the member codes the alert concerns.
    members: Callable


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
