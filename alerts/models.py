"""Each person's choice, per kind of event, of how alerts reach them: in the portal only, by
email at once (the default), or in one daily digest email (the ``exchange.send_digests`` task)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import ChoiceLabels


class AlertKind(models.TextChoices):
    QUERY_RECEIVED = "query-received", _("Query received")
    REPLY = "reply", _("Reply")
    REMINDER = "reminder", _("Reminder")
    HIT = "hit", _("Hit")
    WATCHLIST_HIT = "watchlist-hit", _("Watchlist hit")
    ARRIVAL = "arrival", _("Pre-arrival notice")


class AlertMode(models.TextChoices):
    PORTAL = "portal", _("In the portal only")
    IMMEDIATE = "immediate", _("Email at once")
    DIGEST = "digest", _("Daily digest email")


#: The kind of event (as people choose it) of each alert event. Events not listed here
#: (acknowledged, outcome, closed) always mail at once.
EVENT_KINDS = {
    "filed": AlertKind.QUERY_RECEIVED,
    "reply": AlertKind.REPLY,
    "reminder": AlertKind.REMINDER,
    "escalation": AlertKind.REMINDER,
    "hit": AlertKind.HIT,
    "watchlist-hit": AlertKind.WATCHLIST_HIT,
    "arrival-red": AlertKind.ARRIVAL,
    "arrival-outcome": AlertKind.ARRIVAL,
    "release-reminder": AlertKind.REMINDER,
    "release-escalate": AlertKind.REMINDER,
}


class AlertPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="alert_preferences",
        verbose_name=_("person"),
    )
    event = models.CharField(max_length=16, choices=AlertKind.choices, verbose_name=_("event"))
    mode = models.CharField(
        max_length=10,
        choices=AlertMode.choices,
        default=AlertMode.IMMEDIATE,
        verbose_name=_("how alerts reach the person"),
    )

    class Meta:
        db_table = "exchange_alertpreference"  # the table it had in exchange
        verbose_name = _("alert preference")
        verbose_name_plural = _("alert preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="alert_preference_unique"),
            models.CheckConstraint(
                condition=models.Q(mode__in=AlertMode.values), name="alert_preference_mode_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.event}: {self.mode}"


class AlertEvent(models.TextChoices):
    FILED = "filed", _("New query")
    REPLY = "reply", _("New reply")
    ACKNOWLEDGED = "acknowledged", _("Query acknowledged")
    OUTCOME = "outcome", _("Outcome reported")
    CLOSED = "closed", _("Query closed")
    REMINDER = "reminder", _("Reminder: query not acknowledged")
    ESCALATION = "escalation", _("Escalation: urgent query not acknowledged")
    HIT = "hit", _("Match with another member's record")
    WATCHLIST_HIT = "watchlist-hit", _("Match with a watched identifier")
    ARRIVAL_RED = "arrival-red", _("Red pre-arrival notice")
    ARRIVAL_NOTICE = "arrival-notice", _("Pre-arrival notice")
    ARRIVAL_OUTCOME = "arrival-outcome", _("Outcome of a pre-arrival notice")
    AWAITING_RELEASE = "awaiting-release", _("Awaiting your release")
    RELEASE_REMINDER = "release-reminder", _("Reminder: urgent item awaiting release")
    RELEASE_ESCALATION = "release-escalate", _("Escalation: urgent item not released")
    RELEASED = "released", _("Released")
    RETURNED = "returned", _("Returned with a note")
    PROFILE_EXPIRING = "profile-expiring", _("Risk profile about to expire")


class AlertChannel(models.TextChoices):
    PORTAL = "portal", _("In-portal notification")
    EMAIL = "email", _("Email")


class AlertState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Alert(ChoiceLabels, models.Model):
    """The outbox: one row per person, channel and event, written in the same transaction as
    the event. A worker claims it (``claimed_at``), delivers it and stamps ``sent_at``; a
    periodic task re-sends whatever is due (``next_attempt_at``), backing off after each
    failure. A permanent failure, or too many attempts, ends it ``failed``: network admins see
    those and may send them again. The in-portal notification is the ``portal`` row itself:
    the bell counts those sent and not yet read."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exchange_alerts",
        verbose_name=_("recipient"),
    )
    query = models.ForeignKey(
        "exchange.Query",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("query"),
    )
    reply = models.ForeignKey(
        "exchange.Reply",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("reply"),
    )
    # A hit alert names the hit and no query: the member it alerts may not be a party to it.
    hit = models.ForeignKey(
        "matching.Hit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("hit"),
    )
    # An alert about a record of an app above alerts that it names by no foreign key (a
    # pre-arrival notice; ``alerts.subjects``): its kind, id and reference.
    subject_type = models.CharField(
        max_length=16, blank=True, default="", db_default="", verbose_name=_("subject type")
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True, verbose_name=_("subject id"))
    subject_reference = models.CharField(
        max_length=64, blank=True, default="", db_default="", verbose_name=_("subject reference")
    )
    # An alert about an item held under a release policy that is no query (a seizure report,
    # an import): its kind (``members.releases``), id and reference; a query's has ``query``.
    release_kind = models.CharField(
        max_length=20, blank=True, default="", db_default="", verbose_name=_("kind of item")
    )
    release_item_id = models.BigIntegerField(null=True, blank=True, verbose_name=_("item"))
    release_reference = models.CharField(
        max_length=100, blank=True, default="", db_default="", verbose_name=_("item reference")
    )
    #: A returned item's note from its releaser, for its author.
    note = models.TextField(blank=True, default="", db_default="", verbose_name=_("note"))
    event = models.CharField(max_length=16, choices=AlertEvent.choices, verbose_name=_("event"))
    channel = models.CharField(
        max_length=8, choices=AlertChannel.choices, verbose_name=_("channel")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("claimed at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))
    # Per-person preferences (``models_alerts``): a portal row of an event the person takes
    # in the daily digest; ``digested_at`` is stamped when the digest claims it.
    digest = models.BooleanField(default=False, db_default=False, verbose_name=_("in the digest"))
    digested_at = models.DateTimeField(null=True, blank=True, verbose_name=_("digested at"))
    state = models.CharField(
        max_length=8,
        choices=AlertState.choices,
        default=AlertState.PENDING,
        verbose_name=_("state"),
    )
    next_attempt_at = models.DateTimeField(default=timezone.now, verbose_name=_("next attempt at"))
    failed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("failed at"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))

    class Meta:
        db_table = "exchange_alert"  # the table it had in exchange
        ordering = ["-created_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.CheckConstraint(
                condition=Q(query__isnull=False)
                | Q(hit__isnull=False)
                | Q(subject_id__isnull=False)
                | Q(release_item_id__isnull=False),
                name="alert_names_query_or_hit",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "channel", "read_at", "-created_at"],
                name="alert_recipient_idx",
            ),
            # The re-send's work list: due pending rows, oldest due first.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(state="pending"),
                name="alert_due_idx",
            ),
            models.Index(
                fields=["failed_at"],
                condition=Q(state="failed"),
                name="alert_failed_idx",
            ),
            models.Index(fields=["query", "recipient"], name="alert_query_recipient_idx"),
            models.Index(
                fields=["subject_type", "subject_id"],
                condition=Q(subject_id__isnull=False),
                name="alert_subject_idx",
            ),
            # The daily digest's work list: rows waiting for their person's digest.
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(digest=True, digested_at__isnull=True),
                name="alert_digest_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_event_display()} {self.query_id} → {self.recipient_id} ({self.channel})"
