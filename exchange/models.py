"""Urgent queries between members, their thread and attachments.

Visibility of every model here is decided by ``exchange.permissions.restrict_queries``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import ChoiceLabels
from core.handling import HandlingCode
from members.models import ReleaseState

from .choices import (  # noqa: F401  (where models and callers have always found them)
    InformationEvaluation,
    Priority,
    QueryKind,
    QueryOutcome,
    QueryStatus,
    RecipientState,
    RiskOutcome,
    SourceEvaluation,
)


class Query(ChoiceLabels, models.Model):
    """An urgent query (request or risk alert) from one member to one or more members."""

    reference = models.CharField(
        max_length=32,
        unique=True,
        verbose_name=_("reference"),
        help_text=_("Human-readable and unique, e.g. IREN-KZ-2026-00042."),
    )
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    sequence = models.PositiveIntegerField(verbose_name=_("sequence number"))
    kind = models.CharField(
        max_length=12, choices=QueryKind.choices, db_index=True, verbose_name=_("kind")
    )
    priority = models.CharField(
        max_length=8, choices=Priority.choices, db_index=True, verbose_name=_("priority")
    )
    handling_code = models.CharField(
        max_length=2, choices=HandlingCode.choices, verbose_name=_("handling code")
    )
    handling_restrictions = models.TextField(
        blank=True,
        verbose_name=_("handling restrictions"),
        help_text=_("Required with H3: the restrictions that apply."),
    )
    source_evaluation = models.CharField(
        max_length=1, choices=SourceEvaluation.choices, verbose_name=_("source evaluation")
    )
    information_evaluation = models.CharField(
        max_length=1,
        choices=InformationEvaluation.choices,
        verbose_name=_("information evaluation"),
    )
    sender_member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.PROTECT,
        related_name="sent_queries",
        verbose_name=_("sender member"),
    )
    sender_unit = models.ForeignKey(
        "members.ControlUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sent_queries",
        verbose_name=_("sender control unit"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="authored_queries",
        verbose_name=_("author"),
    )
    subject = models.CharField(max_length=200, verbose_name=_("subject"))
    body = models.TextField(verbose_name=_("body"))
    # Consignment details. Container numbers live in QueryContainer (indexed for search).
    bill_of_lading_numbers = models.JSONField(
        default=list, blank=True, verbose_name=_("bill of lading numbers")
    )
    air_waybill_numbers = models.JSONField(
        default=list, blank=True, verbose_name=_("air waybill numbers")
    )
    vessel_or_flight = models.CharField(
        max_length=100, blank=True, verbose_name=_("vessel or flight")
    )
    vessel_imo = models.CharField(
        max_length=7,
        blank=True,
        default="",
        db_default="",
        verbose_name=_("vessel IMO number"),
        help_text=_("Seven digits."),
    )
    shipper = models.CharField(max_length=200, blank=True, verbose_name=_("shipper"))
    consignee = models.CharField(max_length=200, blank=True, verbose_name=_("consignee"))
    exclude_from_matching = models.BooleanField(
        default=False,
        db_default=False,
        verbose_name=_("exclude from matching"),
        help_text=_("Other members never learn of this query through matching."),
    )
    hs_codes = models.JSONField(default=list, blank=True, verbose_name=_("HS codes"))
    route_countries = models.JSONField(
        default=list,
        blank=True,
        verbose_name=_("route countries"),
        help_text=_("ISO 3166-1 alpha-2 codes in the order the consignment travels."),
    )
    expected_arrival = models.DateTimeField(
        null=True, blank=True, verbose_name=_("expected arrival")
    )
    status = models.CharField(
        max_length=8,
        choices=QueryStatus.choices,
        default=QueryStatus.OPEN,
        db_index=True,
        verbose_name=_("status"),
    )
    outcome = models.CharField(
        max_length=12, choices=QueryOutcome.choices, blank=True, verbose_name=_("outcome")
    )
    outcome_note = models.TextField(blank=True, verbose_name=_("outcome note"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="closed_queries",
        verbose_name=_("closed by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("filed at"))
    due_at = models.DateTimeField(verbose_name=_("due at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("last activity"))
    # Release (``members.releases``): a query its member's policy holds is saved
    # ``awaiting_release``, with its addressing in ``held_recipients`` and no recipient rows;
    # it is routed when released. ``released_at`` is when it went out (its filing time when
    # nothing held it); ``released_by`` is set only when a releaser released it.
    release_state = models.CharField(
        max_length=16,
        choices=ReleaseState.choices,
        default=ReleaseState.RELEASED,
        db_default=ReleaseState.RELEASED,
        verbose_name=_("release"),
    )
    released_at = models.DateTimeField(null=True, blank=True, verbose_name=_("released at"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
    )
    returned_at = models.DateTimeField(null=True, blank=True, verbose_name=_("returned at"))
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("returned by"),
    )
    release_note = models.TextField(blank=True, verbose_name=_("note from the releaser"))
    held_recipients = models.JSONField(
        default=list,
        blank=True,
        verbose_name=_("recipients awaiting release"),
    )
    # The release watch stamps what it sent, so a second run sends nothing again.
    release_reminded_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("release reminder sent at")
    )
    release_escalated_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("release escalation sent at")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("query")
        verbose_name_plural = _("queries")
        constraints = [
            models.UniqueConstraint(
                fields=["sender_member", "year", "sequence"], name="query_sequence_per_member_year"
            ),
            models.CheckConstraint(
                condition=~Q(handling_code="H3") | ~Q(handling_restrictions=""),
                name="query_h3_states_restrictions",
            ),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_at__isnull=True))
                | (Q(status="closed") & Q(closed_at__isnull=False) & ~Q(outcome="")),
                name="query_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(due_at__gte=models.F("created_at")), name="query_due_after_filing"
            ),
            models.CheckConstraint(
                condition=Q(release_state__in=ReleaseState.values),
                name="query_release_state_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="query_created_idx"),
            models.Index(fields=["due_at"], name="query_due_idx"),
            models.Index(fields=["sender_member", "-created_at"], name="query_sender_created_idx"),
            models.Index(fields=["status", "due_at"], name="query_status_due_idx"),
            # The release queue and the rules that hide held queries: few rows, partial.
            models.Index(
                fields=["sender_member", "created_at"],
                condition=~Q(release_state="released"),
                name="query_held_idx",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status == QueryStatus.OPEN

    @property
    def is_released(self) -> bool:
        return self.release_state == ReleaseState.RELEASED

    @property
    def awaits_release(self) -> bool:
        return self.release_state == ReleaseState.AWAITING_RELEASE

    @property
    def was_held(self) -> bool:
        """Did a releaser release it (rather than nothing holding it)?"""
        return self.released_by_id is not None

    @property
    def takes_outcomes(self) -> bool:
        """Only a risk alert's recipients report what came of it."""
        return self.kind == QueryKind.RISK_ALERT


class QueryContainer(models.Model):
    """One ISO 6346 container number named in a query (a row each, so search uses an index)."""

    query = models.ForeignKey(
        Query, on_delete=models.CASCADE, related_name="containers", verbose_name=_("query")
    )
    number = models.CharField(max_length=11, db_index=True, verbose_name=_("container number"))
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        ordering = ["query", "position"]
        verbose_name = _("container number")
        verbose_name_plural = _("container numbers")
        constraints = [
            models.UniqueConstraint(fields=["query", "number"], name="query_container_unique"),
        ]

    def __str__(self):
        return self.number


class QueryRecipient(ChoiceLabels, models.Model):
    """A member a query is addressed to (optionally narrowed to some of its control units),
    with that member's progress: new → acknowledged → answered, and for a risk alert, the
    outcome it reported."""

    query = models.ForeignKey(
        Query, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("query")
    )
    member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.PROTECT,
        related_name="received_queries",
        verbose_name=_("member"),
    )
    control_units = models.ManyToManyField(
        "members.ControlUnit",
        blank=True,
        related_name="received_queries",
        verbose_name=_("control units"),
    )
    state = models.CharField(
        max_length=12,
        choices=RecipientState.choices,
        default=RecipientState.NEW,
        db_index=True,
        verbose_name=_("state"),
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True, verbose_name=_("acknowledged at"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("answered at"))
    outcome = models.CharField(
        max_length=16, choices=RiskOutcome.choices, blank=True, verbose_name=_("outcome")
    )
    outcome_reason = models.TextField(blank=True, verbose_name=_("outcome details"))
    outcome_reported_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("outcome reported at")
    )
    outcome_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outcome reported by"),
    )
    last_reminded_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("last reminded at")
    )
    reminder_count = models.PositiveIntegerField(default=0, verbose_name=_("reminders sent"))
    escalated_at = models.DateTimeField(null=True, blank=True, verbose_name=_("escalated at"))

    class Meta:
        ordering = ["query", "member__name"]
        verbose_name = _("query recipient")
        verbose_name_plural = _("query recipients")
        constraints = [
            models.UniqueConstraint(fields=["query", "member"], name="query_recipient_unique"),
            models.CheckConstraint(
                condition=Q(state="new")
                | (Q(state="acknowledged") & Q(acknowledged_at__isnull=False))
                | (
                    Q(state="answered")
                    & Q(acknowledged_at__isnull=False)
                    & Q(answered_at__isnull=False)
                ),
                name="query_recipient_state_timestamps",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="not-examined") | ~Q(outcome_reason=""),
                name="query_recipient_not_examined_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "query"], name="query_recipient_member_idx"),
            models.Index(
                fields=["query"],
                condition=Q(acknowledged_at__isnull=True),
                name="query_recipient_unacked_idx",
            ),
        ]

    def __str__(self):
        return f"{self.query.reference} → {self.member.code}"

    @property
    def awaits_acknowledgement(self) -> bool:
        return self.state == RecipientState.NEW


class Reply(models.Model):
    """One message in a query's thread, written by a party on behalf of its member."""

    query = models.ForeignKey(
        Query, on_delete=models.CASCADE, related_name="replies", verbose_name=_("query")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="query_replies",
        verbose_name=_("author"),
    )
    member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.PROTECT,
        related_name="query_replies",
        verbose_name=_("on behalf of"),
    )
    body = models.TextField(verbose_name=_("message"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("written at"))

    class Meta:
        ordering = ["query", "created_at", "id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        indexes = [models.Index(fields=["query", "created_at"], name="reply_query_created_idx")]

    def __str__(self):
        return f"{self.query.reference}: {self.body[:40]}"


def attachment_path(instance, filename):
    # The stored name never reuses the uploader's file name (kept in original_name instead).
    return f"exchange/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(ChoiceLabels, models.Model):
    """A file attached to a query or one of its replies. Stored under MEDIA_ROOT, which has no
    public URL; streamed only by views that check ``restrict_queries``."""

    query = models.ForeignKey(
        Query, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("query")
    )
    reply = models.ForeignKey(
        Reply,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("reply"),
    )
    file = models.FileField(upload_to=attachment_path, max_length=200, verbose_name=_("file"))
    original_name = models.CharField(max_length=200, verbose_name=_("file name"))
    content_type = models.CharField(max_length=100, verbose_name=_("content type"))
    size = models.PositiveBigIntegerField(verbose_name=_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="query_attachments",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(default=timezone.now, verbose_name=_("uploaded at"))

    class Meta:
        ordering = ["query", "uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class ReferenceCounter(models.Model):
    """The last reference sequence number used per sender member and year. Incremented with a
    single atomic upsert so two queries filed at once never get the same reference."""

    member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    last_number = models.PositiveIntegerField(default=0, verbose_name=_("last number"))

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="reference_counter_unique"),
        ]

    def __str__(self):
        return f"{self.member_id}/{self.year}: {self.last_number}"


# The outbox lives in the alerts app; these names stay importable from here.
from alerts.models import Alert, AlertChannel, AlertEvent, AlertState  # noqa: E402, F401
