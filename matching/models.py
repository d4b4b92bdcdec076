"""Cross-country matching: the identifier index, hits, watch entries, the network admins'
exclusion list and each member's choice about its national reports.

Records are named by ``record_type`` (``query``, ``seizure`` or ``arrival``, plain strings:
exchange never imports seizures or arrivals) and ``record_id``. Each index row carries what
matching needs to decide without calling back into the record's app: its owner, who may
already see it (``network`` or the member ids in the array ``party_ids``), its handling code
and whether it may be matched outward.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import ChoiceLabels
from core.identifiers import IdentifierKind


class RecordType(models.TextChoices):
    QUERY = "query", _("Urgent query")
    SEIZURE = "seizure", _("Seizure report")
    WATCH = "watch", _("Watch entry")
    ARRIVAL = "arrival", _("Pre-arrival notice")


class RecordVisibility(models.TextChoices):
    NETWORK = "network", _("Shared with the network")
    PARTIES = "parties", _("Its parties only")


class HitState(models.TextChoices):
    NEW = "new", _("New")
    SEEN = "seen", _("Seen")
    ASKED = "asked", _("Asked")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class IdentifierEntry(models.Model):
    """One identifier of one record, normalised, with what matching needs to know about the
    record. A record's rows are replaced as a whole whenever it is written."""

    kind = models.CharField(max_length=16, choices=IdentifierKind.choices, verbose_name=_("kind"))
    value = models.CharField(max_length=200, verbose_name=_("normalised value"))
    display = models.CharField(max_length=200, verbose_name=_("value as entered"))
    record_type = models.CharField(
        max_length=8, choices=RecordType.choices, verbose_name=_("record type")
    )
    record_id = models.PositiveBigIntegerField(verbose_name=_("record id"))
    record_reference = models.CharField(max_length=64, verbose_name=_("record reference"))
    owner_member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.CASCADE,
        db_index=False,
        # No database-level constraint: index rows are copied from records whose member the
        # database has checked already, and a batch's checks at COMMIT cost more than the
        # rest of its index write (docs/PERFORMANCE.md). Deleting a member still cascades.
        db_constraint=False,
        related_name="+",
        verbose_name=_("owning member"),
    )
    visibility = models.CharField(
        max_length=8, choices=RecordVisibility.choices, verbose_name=_("visibility")
    )
    party_ids = ArrayField(
        models.BigIntegerField(),
        default=list,
        blank=True,
        verbose_name=_("parties"),
        help_text=_("Ids of the members who may see the record."),
    )
    matchable_outward = models.BooleanField(default=True, verbose_name=_("matched outward"))
    handling = models.CharField(max_length=2, blank=True, verbose_name=_("handling code"))
    seen_on = models.DateField(verbose_name=_("seen on"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("indexed at"))

    class Meta:
        db_table = "exchange_identifierentry"  # the table it had in exchange
        verbose_name = _("identifier index entry")
        verbose_name_plural = _("identifier index entries")
        indexes = [
            models.Index(fields=["kind", "value"], name="identifier_kind_value_idx"),
            models.Index(fields=["record_type", "record_id"], name="identifier_record_idx"),
        ]

    def __str__(self):
        return f"{self.kind}:{self.value} ({self.record_type} {self.record_id})"


class Hit(ChoiceLabels, models.Model):
    """One side of a match: ``for_member`` learns that ``holder_member`` holds a record with
    the same identifier. ``holder_visible`` says whether ``for_member`` may already see that
    record (then no alert was sent). What a person is shown of either record is decided per
    person when the hit is read (``matching.permissions.hits_open_annotate``), never from
    this flag."""

    for_member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.CASCADE,
        db_index=False,
        # No database-level constraint: hits are made from index rows, whose members the
        # database has checked already, and a batch's checks at COMMIT cost more than the
        # rest of its index write (docs/PERFORMANCE.md). Deleting a member still cascades.
        db_constraint=False,
        related_name="matching_hits",
        verbose_name=_("for member"),
    )
    kind = models.CharField(max_length=16, choices=IdentifierKind.choices, verbose_name=_("kind"))
    value = models.CharField(max_length=200, verbose_name=_("normalised value"))
    display = models.CharField(max_length=200, verbose_name=_("value as entered"))
    record_type = models.CharField(
        max_length=8, choices=RecordType.choices, verbose_name=_("own record type")
    )
    record_id = models.PositiveBigIntegerField(verbose_name=_("own record id"))
    record_reference = models.CharField(max_length=64, verbose_name=_("own record reference"))
    holder_member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.CASCADE,
        db_constraint=False,  # as for_member
        related_name="+",
        verbose_name=_("holding member"),
    )
    holder_record_type = models.CharField(
        max_length=8, choices=RecordType.choices, verbose_name=_("holder's record type")
    )
    holder_record_id = models.PositiveBigIntegerField(verbose_name=_("holder's record id"))
    holder_record_reference = models.CharField(
        max_length=64, verbose_name=_("holder's record reference")
    )
    holder_visible = models.BooleanField(
        default=False, verbose_name=_("holder's record visible to the member")
    )
    month = models.DateField(verbose_name=_("month"), help_text=_("First day of the month."))
    state = models.CharField(
        max_length=10, choices=HitState.choices, default=HitState.NEW, verbose_name=_("state")
    )
    dismiss_reason = models.TextField(blank=True, verbose_name=_("reason for dismissal"))
    follow_up_query = models.ForeignKey(
        "exchange.Query",
        on_delete=models.SET_NULL,
        db_index=False,  # hit_follow_up_idx: only the hits that have one
        null=True,
        blank=True,
        related_name="follow_up_of_hits",
        verbose_name=_("follow-up query"),
    )
    alerted = models.BooleanField(default=False, verbose_name=_("alerted"))
    common = models.BooleanField(default=False, verbose_name=_("common value"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("found at"))
    state_changed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("state changed at")
    )

    class Meta:
        db_table = "exchange_hit"  # the table it had in exchange
        ordering = ["-created_at", "-id"]
        verbose_name = _("hit")
        verbose_name_plural = _("hits")
        constraints = [
            # Leads with the own record, so that it also serves "the hits of this record"
            # (one index fewer to write per hit).
            models.UniqueConstraint(
                fields=[
                    "record_type",
                    "record_id",
                    "for_member",
                    "holder_record_type",
                    "holder_record_id",
                    "kind",
                    "value",
                ],
                name="hit_unique_per_pair",
            ),
            models.CheckConstraint(condition=Q(state__in=HitState.values), name="hit_state_valid"),
            models.CheckConstraint(
                condition=~Q(state="dismissed") | ~Q(dismiss_reason=""),
                name="hit_dismissed_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["for_member", "-created_at"], name="hit_member_created_idx"),
            models.Index(fields=["for_member", "state"], name="hit_member_state_idx"),
            models.Index(
                fields=["holder_record_type", "holder_record_id"], name="hit_holder_record_idx"
            ),
            models.Index(fields=["kind", "value"], name="hit_kind_value_idx"),
            # Partial: a new hit has no follow-up query, so writing one costs this index nothing.
            models.Index(
                fields=["follow_up_query"],
                name="hit_follow_up_idx",
                condition=Q(follow_up_query__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.kind}:{self.value} for {self.for_member_id} ({self.state})"


class WatchEntry(ChoiceLabels, models.Model):
    """An identifier a member watches: any later record elsewhere in the network carrying it
    raises a hit for the member (by the same rules as any match)."""

    member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.CASCADE,
        related_name="watch_entries",
        verbose_name=_("member"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    kind = models.CharField(max_length=16, choices=IdentifierKind.choices, verbose_name=_("kind"))
    value = models.CharField(max_length=200, verbose_name=_("normalised value"))
    display = models.CharField(max_length=200, verbose_name=_("value as entered"))
    note = models.TextField(blank=True, verbose_name=_("note"))
    expires_on = models.DateField(null=True, blank=True, verbose_name=_("expires on"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        db_table = "exchange_watchentry"  # the table it had in exchange
        ordering = ["-created_at", "-id"]
        verbose_name = _("watch entry")
        verbose_name_plural = _("watch entries")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "value"], name="watch_entry_unique_per_member"
            ),
        ]
        indexes = [models.Index(fields=["kind", "value"], name="watch_kind_value_idx")]

    def __str__(self):
        return f"{self.kind}:{self.value} ({self.member_id})"


class MatchingExclusion(models.Model):
    """A value the network admins keep out of matching (``TO ORDER``, ``UNKNOWN``,
    placeholder containers): it never makes a hit."""

    kind = models.CharField(max_length=16, choices=IdentifierKind.choices, verbose_name=_("kind"))
    value = models.CharField(max_length=200, verbose_name=_("normalised value"))
    display = models.CharField(max_length=200, verbose_name=_("value as entered"))
    note = models.CharField(max_length=200, blank=True, verbose_name=_("note"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        db_table = "exchange_matchingexclusion"  # the table it had in exchange
        ordering = ["kind", "value"]
        verbose_name = _("matching exclusion")
        verbose_name_plural = _("matching exclusions")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="matching_exclusion_unique"),
        ]

    def __str__(self):
        return f"{self.kind}:{self.value}"


class MemberMatchingSetting(models.Model):
    """A member's choice whether its national reports take part in matching (they do unless
    its admins switch it off), with who changed it and when."""

    member = models.OneToOneField(
        "members.MemberAdministration",
        on_delete=models.CASCADE,
        related_name="matching_setting",
        verbose_name=_("member"),
    )
    national_reports_match = models.BooleanField(
        default=True, verbose_name=_("national reports take part in matching")
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("changed at"))

    class Meta:
        db_table = "exchange_membermatchingsetting"  # the table it had in exchange
        verbose_name = _("member matching setting")
        verbose_name_plural = _("member matching settings")

    def __str__(self):
        return f"{self.member_id}: {self.national_reports_match}"
