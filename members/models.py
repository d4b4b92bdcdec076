"""Member administrations, their control units, people and roles."""

from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class MemberStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    MEMBER = "member", _("Member")
    SUSPENDED = "suspended", _("Suspended")


class MemberAdministration(models.Model):
    """The customs administration of one member country of the network.

    Its rights (``Meta.permissions``) are granted as django-guardian object permissions on
    this row to the member's role groups; see ``members/permissions.py``.
    """

    code = CountryField(
        unique=True,
        verbose_name=_("country code"),
        help_text=_("ISO 3166-1 alpha-2 code of the member country."),
    )
    name = models.CharField(max_length=100, verbose_name=_("country name"))
    administration = models.CharField(max_length=200, verbose_name=_("customs administration"))
    status = models.CharField(
        max_length=12,
        choices=MemberStatus.choices,
        default=MemberStatus.MEMBER,
        db_index=True,
        verbose_name=_("status"),
    )
    joined_on = models.DateField(
        null=True,
        blank=True,
        verbose_name=_("joined on"),
        help_text=_("Date of accession to the IREN memorandum of understanding."),
    )
    email = models.EmailField(blank=True, verbose_name=_("contact email"))
    phone = models.CharField(max_length=50, blank=True, verbose_name=_("contact phone"))
    address = models.TextField(blank=True, verbose_name=_("postal address"))
    website = models.URLField(blank=True, verbose_name=_("website"))
    # Suspension (by a network admin): while ``status`` is suspended the member's people can do
    # nothing; these say since when and why.
    suspended_at = models.DateTimeField(null=True, blank=True, verbose_name=_("suspended at"))
    suspension_reason = models.TextField(
        blank=True, max_length=1000, verbose_name=_("reason for suspension")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("member administration")
        verbose_name_plural = _("member administrations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=MemberStatus.values),
                name="member_status_valid",
            ),
        ]
        permissions = [
            ("file_queries", _("File urgent queries on behalf of the member")),
            ("receive_alerts", _("Receive the member's query alerts")),
            ("view_queries", _("See every query the member is party to")),
            ("view_unit_queries", _("See the queries that concern one's own control unit")),
            ("view_seizures", _("See the member's seizure reports")),
            ("report_seizures", _("Enter and import the member's seizure reports")),
            ("manage_people", _("Manage the member's users and control units")),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def is_suspended(self) -> bool:
        return self.status == MemberStatus.SUSPENDED


class ControlUnitKind(models.TextChoices):
    SEAPORT = "seaport", _("Seaport")
    DRY_PORT = "dry-port", _("Dry port")
    AIRPORT = "airport", _("Airport")
    LAND_BORDER = "land-border", _("Land border")


class ControlUnit(models.Model):
    """A port control unit (PCU), air cargo control unit (ACCU) or land-border post."""

    code = models.CharField(
        max_length=32,
        unique=True,
        verbose_name=_("code"),
        help_text=_("Stable identifier, e.g. KZ-ALA-ACCU."),
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    member = models.ForeignKey(
        MemberAdministration,
        on_delete=models.PROTECT,
        related_name="control_units",
        verbose_name=_("member"),
    )
    kind = models.CharField(
        max_length=12, choices=ControlUnitKind.choices, db_index=True, verbose_name=_("kind")
    )
    city = models.CharField(max_length=100, verbose_name=_("city"))
    locode = models.CharField(
        max_length=6,
        blank=True,
        verbose_name=_("UN/LOCODE"),
        help_text=_("Five characters, e.g. KZALA."),
    )
    active = models.BooleanField(default=True, db_index=True, verbose_name=_("active"))

    class Meta:
        ordering = ["member__name", "code"]
        verbose_name = _("control unit")
        verbose_name_plural = _("control units")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ControlUnitKind.values),
                name="control_unit_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class RoleName(models.TextChoices):
    NETWORK_ADMIN = "network_admin", _("Network admin")
    MEMBER_ADMIN = "member_admin", _("Member admin")
    FOCAL_POINT = "focal_point", _("Focal point")
    UNIT_OFFICER = "unit_officer", _("Unit officer")
    ANALYST = "analyst", _("Analyst")


class Role(models.Model):
    """Ties a Django group to one role of one member (or to the network, for its admins)."""

    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, related_name="role", verbose_name=_("group")
    )
    member = models.ForeignKey(
        MemberAdministration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("member"),
    )
    name = models.CharField(max_length=20, choices=RoleName.choices, verbose_name=_("role"))

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["member", "name"], name="role_unique_per_member"),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(member__isnull=True),
                name="role_unique_network",
            ),
            # Network admins belong to no member; every other role belongs to one.
            models.CheckConstraint(
                condition=models.Q(name=RoleName.NETWORK_ADMIN, member__isnull=True)
                | models.Q(name__in=RoleName.values, member__isnull=False)
                & ~models.Q(name=RoleName.NETWORK_ADMIN),
                name="role_member_matches_name",
            ),
        ]

    def __str__(self):
        return self.group.name


class User(AbstractUser):
    """A person of the network: tied to one member (or none: the secretariat's network admins)
    and optionally to one of that member's control units."""

    member = models.ForeignKey(
        MemberAdministration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("member"),
    )
    control_unit = models.ForeignKey(
        ControlUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name=_("control unit"),
    )
    phone = models.CharField(max_length=50, blank=True, verbose_name=_("phone"))

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_ci",
            ),
            # A control unit is one of the user's member's units: no unit without a member.
            models.CheckConstraint(
                condition=models.Q(control_unit__isnull=True) | models.Q(member__isnull=False),
                name="user_control_unit_needs_member",
            ),
        ]

    @property
    def display_name(self):
        return self.get_full_name() or self.username
