"""Risk profiles (targeting rules over notice fields, with a lane and a reason an officer
reads), their versions, each member's random selection rate, and the selections screening
made (which profile, or random selection, picked which notice), kept with the notice's outcome
so that a profile's effectiveness is one aggregate over one table.

Notices live in a partitioned table (``arrivals_notice``): no foreign key can point at them,
so a selection names its notice by id and expected arrival, as alerts and hits do.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProfileScope(models.TextChoices):
    NATIONAL = "national", _("National")
    NETWORK = "network", _("Network")


class ProfileLane(models.TextChoices):
    RED = "red", _("Red")
    AMBER = "amber", _("Amber")


class RiskProfile(models.Model):
    """A targeting rule of one member: every criterion must hold on a notice (of the member's
    own incoming notices when national, of every member's when network) for the notice to
    take the profile's lane, with its name and description as the reason."""

    member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.PROTECT,
        related_name="risk_profiles",
        verbose_name=_("owning member"),
    )
    name = models.CharField(max_length=120, verbose_name=_("name"))
    description = models.TextField(
        max_length=2000,
        verbose_name=_("reason"),
        help_text=_("The reason an officer reads when the profile selects a notice."),
    )
    scope = models.CharField(
        max_length=8,
        choices=ProfileScope.choices,
        default=ProfileScope.NATIONAL,
        verbose_name=_("scope"),
    )
    lane = models.CharField(
        max_length=5, choices=ProfileLane.choices, default=ProfileLane.AMBER, verbose_name=_("lane")
    )
    modes = ArrayField(
        models.CharField(max_length=4),
        default=list,
        blank=True,
        verbose_name=_("modes of transport"),
        help_text=_("None: every mode."),
    )
    criteria = models.JSONField(default=list, verbose_name=_("criteria"))
    active = models.BooleanField(default=False, verbose_name=_("active"))
    valid_from = models.DateField(null=True, blank=True, verbose_name=_("valid from"))
    valid_until = models.DateField(null=True, blank=True, verbose_name=_("valid until"))
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("changed at"))
    deleted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("deleted at"))
    #: Which expected notices must be screened again after a change: "" (none), "member"
    #: (the owner's incoming) or "network" (every member's); cleared by the re-screening.
    rescreen_scope = models.CharField(
        max_length=8, blank=True, default="", verbose_name=_("re-screening pending")
    )
    #: The ``valid_until`` its owner was last reminded of (a new end date is reminded again).
    expiry_reminded_for = models.DateField(
        null=True, blank=True, verbose_name=_("expiry reminded for")
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("risk profile")
        verbose_name_plural = _("risk profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=ProfileScope.values), name="profile_scope_valid"
            ),
            models.CheckConstraint(
                condition=Q(lane__in=ProfileLane.values), name="profile_lane_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=models.F("valid_until")),
                name="profile_valid_from_before_until",
            ),
        ]
        indexes = [
            # Screening reads the active profiles; the page a member's.
            models.Index(
                fields=["active", "scope"],
                condition=Q(deleted_at__isnull=True),
                name="profile_active_idx",
            ),
            models.Index(fields=["member", "scope", "name"], name="profile_member_idx"),
            models.Index(
                fields=["rescreen_scope"],
                condition=~Q(rescreen_scope=""),
                name="profile_rescreen_idx",
            ),
            models.Index(
                fields=["valid_until"],
                condition=Q(active=True, deleted_at__isnull=True),
                name="profile_expiry_idx",
            ),
        ]

    def __str__(self):
        return self.name


#: The fields a version keeps (and a restore brings back).
VERSIONED_FIELDS = (
    "name",
    "description",
    "scope",
    "lane",
    "modes",
    "criteria",
    "active",
    "valid_from",
    "valid_until",
)


class RiskProfileVersion(models.Model):
    """One state of a profile, as it was written: every change adds one, so each earlier state
    can be listed and restored."""

    profile = models.ForeignKey(
        RiskProfile,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("risk profile"),
    )
    number = models.PositiveIntegerField(verbose_name=_("version"))
    state = models.JSONField(verbose_name=_("state"))
    change = models.CharField(max_length=16, verbose_name=_("change"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    written_at = models.DateTimeField(default=timezone.now, verbose_name=_("written at"))

    class Meta:
        ordering = ["profile", "-number"]
        verbose_name = _("risk profile version")
        verbose_name_plural = _("risk profile versions")
        constraints = [
            models.UniqueConstraint(fields=["profile", "number"], name="profile_version_unique"),
        ]

    def __str__(self):
        return f"{self.profile_id} v{self.number}"


class TargetingSettings(models.Model):
    """A member's random selection: the share of the notices no rule selects that are made
    amber anyway, the baseline every profile's hit rate is compared with."""

    member = models.OneToOneField(
        "members.MemberAdministration",
        on_delete=models.CASCADE,
        related_name="targeting_settings",
        verbose_name=_("member"),
    )
    random_rate = models.FloatField(default=0.0, verbose_name=_("random selection rate"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("changed at"))

    class Meta:
        verbose_name = _("targeting settings")
        verbose_name_plural = _("targeting settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(random_rate__gte=0) & Q(random_rate__lte=1),
                name="targeting_random_rate_range",
            ),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.random_rate}"


class Selection(models.Model):
    """A notice a profile selected (``profile``) or random selection picked (no profile),
    written when the notice is screened; its outcome is copied here when it is recorded.

    A manifest writes tens of thousands of these in one transaction, so the database checks
    no foreign key here (each would be a lookup at commit): the notice is in a partitioned
    table, and members and profiles are never removed in SQL (a profile is deleted by its
    ``deleted_at``; the ORM's cascade still removes the selections of a removed row)."""

    notice_id = models.BigIntegerField(verbose_name=_("notice"))
    expected_arrival = models.DateTimeField(verbose_name=_("expected arrival"))
    #: The first day of the expected arrival's month (UTC): the figures' months.
    month = models.DateField(verbose_name=_("month"))
    member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.CASCADE,
        db_index=False,  # selection_member_month_idx
        db_constraint=False,
        related_name="+",
        verbose_name=_("receiving member"),
    )
    profile = models.ForeignKey(
        RiskProfile,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=False,  # selection_profile_idx
        db_constraint=False,
        related_name="selections",
        verbose_name=_("risk profile"),
    )
    outcome = models.CharField(max_length=24, blank=True, default="", verbose_name=_("outcome"))

    class Meta:
        verbose_name = _("selection")
        verbose_name_plural = _("selections")
        constraints = [
            models.UniqueConstraint(
                fields=["notice_id", "profile"],
                name="selection_unique",
                nulls_distinct=False,
            ),
        ]
        indexes = [
            models.Index(fields=["profile", "month"], name="selection_profile_idx"),
            models.Index(fields=["member", "month"], name="selection_member_month_idx"),
        ]

    def __str__(self):
        return f"{self.notice_id}: {self.profile_id or 'random'}"


class KnownConsignee(models.Model):
    """A consignee a member has had notices for (its company key, as matching keys it): when
    the first was filed and the latest expected arrival. Kept up to date when notices are
    screened on filing, so that ``new_consignee`` is one lookup per batch; it outlives the
    notices retention removes."""

    member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.CASCADE,
        db_index=False,  # known_consignee_unique
        related_name="+",
        verbose_name=_("receiving member"),
    )
    key = models.CharField(max_length=220, verbose_name=_("company key"))
    first_filed_at = models.DateTimeField(verbose_name=_("first notice filed at"))
    last_expected_arrival = models.DateTimeField(verbose_name=_("latest expected arrival"))

    class Meta:
        verbose_name = _("known consignee")
        verbose_name_plural = _("known consignees")
        constraints = [
            models.UniqueConstraint(fields=["member", "key"], name="known_consignee_unique"),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.key}"
