"""The vocabularies of an urgent query: its kind, priority, evaluations, status, outcomes and
the state of each recipient (codes in the API, translated labels on pages)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class QueryKind(models.TextChoices):
    REQUEST = "request", _("Request for information or assistance")
    RISK_ALERT = "risk-alert", _("Risk alert")


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    ROUTINE = "routine", _("Routine")


class SourceEvaluation(models.TextChoices):
    A = "A", _("A: no doubt about the source's reliability")
    B = "B", _("B: source usually reliable")
    C = "C", _("C: source not usually reliable")
    X = "X", _("X: reliability of the source cannot be assessed")


class InformationEvaluation(models.TextChoices):
    KNOWN_TRUE = "1", _("1: known to be true without reservation")
    KNOWN_TO_SOURCE = "2", _("2: known personally to the source")
    CORROBORATED = "3", _("3: not known personally to the source but corroborated")
    UNKNOWN = "4", _("4: cannot be judged")


class QueryStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class QueryOutcome(models.TextChoices):
    """What the sender records when closing a query."""

    RESOLVED = "resolved", _("Resolved")
    UNRESOLVED = "unresolved", _("Unresolved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RecipientState(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ANSWERED = "answered", _("Answered")


class RiskOutcome(models.TextChoices):
    """What a recipient of a risk alert reports came of it."""

    NOTHING_FOUND = "nothing-found", _("Examined, nothing found")
    SEIZED = "seized", _("Seized")
    NOT_EXAMINED = "not-examined", _("Not examined")
