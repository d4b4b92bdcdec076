"""Member administrations, their control units, people and roles."""

from django.contrib.auth.models import AbstractUser, Group
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

from core.choices import ChoiceLabels


def localized_name(name: str, name_ru: str) -> str:
    """A vocabulary entry's name in the active language: its Russian name when the portal
    speaks Russian and one is recorded, else the (English) name."""
    if name_ru and (get_language() or "").startswith("ru"):
        return name_ru
    return name


class MemberStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    MEMBER = "member", _("Member")
    SUSPENDED = "suspended", _("Suspended")


class MemberAdministration(ChoiceLabels, models.Model):
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
    administration_ru = models.CharField(
        max_length=200,
        blank=True,
        verbose_name=_("customs administration in Russian"),
        help_text=_("Optional; shown when the portal is used in Russian."),
    )
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
            ("release", _("Release what leaves the country under the member's release policy")),
            ("manage_profiles", _("Write and read the member's risk profiles")),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.code})"

    @property
    def display_administration(self) -> str:
        """The administration's official name in the active language."""
        return localized_name(self.administration, self.administration_ru)

    @property
    def display_name(self) -> str:
        """The country's name in the active language (django-countries' translation), or the
        recorded name in English or for a code django-countries does not know."""
        if (get_language() or "en").startswith("en"):
            return self.name
        return str(countries.name(str(self.code))) or self.name

    @property
    def is_suspended(self) -> bool:
        return self.status == MemberStatus.SUSPENDED


class ControlUnitKind(models.TextChoices):
    SEAPORT = "seaport", _("Seaport")
    DRY_PORT = "dry-port", _("Dry port")
    AIRPORT = "airport", _("Airport")
    LAND_BORDER = "land-border", _("Land border")


class ControlUnit(ChoiceLabels, models.Model):
    """A port control unit (PCU), air cargo control unit (ACCU) or land-border post."""

    code = models.CharField(
        max_length=32,
        unique=True,
        verbose_name=_("code"),
        help_text=_("Stable identifier, e.g. KZ-ALA-ACCU."),
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    name_ru = models.CharField(
        max_length=200,
        blank=True,
        verbose_name=_("name in Russian"),
        help_text=_("Optional; shown when the portal is used in Russian."),
    )
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
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        return localized_name(self.name, self.name_ru)


class RoleName(models.TextChoices):
    NETWORK_ADMIN = "network_admin", _("Network admin")
    MEMBER_ADMIN = "member_admin", _("Member admin")
    FOCAL_POINT = "focal_point", _("Focal point")
    UNIT_OFFICER = "unit_officer", _("Unit officer")
    ANALYST = "analyst", _("Analyst")
    RELEASER = "releaser", _("Releaser")


class Role(ChoiceLabels, models.Model):
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
    invited_at = models.DateTimeField(
        null=True,
        blank=True,
        verbose_name=_("invited at"),
        help_text=_("When the last invitation (a set-password link) was sent."),
    )

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
    def invitation_status(self) -> str:
        """``accepted`` (a password was set), ``pending`` (the link still works), ``expired``
        (older than ``PASSWORD_RESET_TIMEOUT``) or ``not-invited``."""
        from datetime import timedelta

        from django.conf import settings
        from django.utils import timezone

        if self.has_usable_password() or self.last_login is not None:
            return "accepted"
        if self.invited_at is None:
            return "not-invited"
        age = timezone.now() - self.invited_at
        if age > timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT):
            return "expired"
        return "pending"

    @property
    def display_name(self):
        return self.get_full_name() or self.username


class AuditEventQuerySet(models.QuerySet):
    """Audit events are never changed or removed by the application (``audit_prune`` removes
    expired ones through SQL of its own, see ``members/audit.py``)."""

    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    def delete(self):
        raise TypeError("Audit events are append-only.")

    def redacted(self, redact):
        """The same rows, each passed through ``redact`` as it is read (slices, pages,
        ``iterator()`` and every filter chained on afterwards included); see
        ``members.audit_permissions.audit_event_redactor``."""
        clone = self._chain()
        clone._iterable_class = type(
            "RedactedAuditEvents", (_RedactedModelIterable,), {"redact": staticmethod(redact)}
        )
        return clone


class _RedactedModelIterable(models.query.ModelIterable):
    redact = staticmethod(lambda event: event)

    def __iter__(self):
        for event in super().__iter__():
            yield self.redact(event)


class AuditEvent(ChoiceLabels, models.Model):
    """One recorded action: who, for which member, did what to which object, concerning which
    members. Append-only and hash-chained: ``hash`` is SHA-256 over ``prev_hash`` (the previous
    row's ``hash``) and this row's canonical fields; see ``members/audit.py`` and
    docs/AUDIT.md. Rows are written only by ``members.audit.audit_record``."""

    at = models.DateTimeField(db_index=True, verbose_name=_("at"))
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_username = models.CharField(max_length=150, blank=True, verbose_name=_("username"))
    actor_member = models.ForeignKey(
        MemberAdministration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor's member"),
    )
    action = models.CharField(max_length=64, verbose_name=_("action"))
    object_type = models.CharField(max_length=64, blank=True, verbose_name=_("object type"))
    object_id = models.BigIntegerField(null=True, blank=True, verbose_name=_("object id"))
    object_reference = models.CharField(
        max_length=100, blank=True, verbose_name=_("object reference")
    )
    members = ArrayField(
        models.CharField(max_length=2),
        default=list,
        blank=True,
        verbose_name=_("members concerned"),
        help_text=_("Country codes, sorted."),
    )
    ip = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("IP address"))
    user_agent = models.CharField(max_length=300, blank=True, verbose_name=_("user agent"))
    request_id = models.CharField(max_length=64, blank=True, verbose_name=_("request id"))
    detail = models.JSONField(default=dict, blank=True, verbose_name=_("detail"))
    prev_hash = models.CharField(max_length=64, verbose_name=_("previous hash"))
    hash = models.CharField(max_length=64, verbose_name=_("hash"))

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            # No fork in the chain: two writers that read the same tip cannot both append to
            # it (the loser retries on the new tip; see members/audit.py).
            models.UniqueConstraint(fields=["prev_hash"], name="audit_event_prev_hash_unique"),
        ]
        indexes = [
            models.Index(fields=["actor", "-id"], name="audit_actor_idx"),
            # The audit filter ``actor`` is a case-insensitive username (the snapshot, so
            # deleted or renamed people are still found).
            models.Index(Upper("actor_username"), F("id").desc(), name="audit_actor_username_idx"),
            models.Index(fields=["actor_member", "-id"], name="audit_actor_member_idx"),
            models.Index(fields=["action", "-id"], name="audit_action_idx"),
            models.Index(fields=["object_reference", "-id"], name="audit_reference_idx"),
            models.Index(fields=["object_type", "object_id", "-id"], name="audit_object_idx"),
            GinIndex(fields=["members"], name="audit_members_gin_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username or '-'} {self.action}"

    def save(self, *args, **kwargs):
        raise TypeError("Audit events are written by members.audit.audit_record only.")

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only.")

    @property
    def member_codes(self) -> list[str]:
        return list(self.members)


class IdempotencyKey(models.Model):
    """One answered POST sent with an ``Idempotency-Key`` header: a retry with the same key
    (same user) gets this answer again instead of doing the work twice. See
    members/idempotency.py."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="idempotency_keys",
        verbose_name=_("user"),
    )
    key = models.CharField(max_length=255, verbose_name=_("key"))
    method = models.CharField(max_length=8, verbose_name=_("method"))
    path = models.CharField(max_length=500, verbose_name=_("path"))
    fingerprint = models.CharField(max_length=64, verbose_name=_("request fingerprint"))
    response_status = models.PositiveSmallIntegerField(verbose_name=_("response status"))
    response_body = models.JSONField(null=True, blank=True, verbose_name=_("response body"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created_idx")]

    def __str__(self):
        return f"{self.user_id}:{self.key}"


class ReleaseState(models.TextChoices):
    """Where an item stands under its member's release policy (see ``members.releases``)."""

    AWAITING_RELEASE = "awaiting_release", _("Awaiting release")
    RELEASED = "released", _("Released")
    RETURNED = "returned", _("Returned")


#: The kinds of item a release policy may list (an app registers how each is held and released
#: in ``members.releases``).
RELEASE_POLICY_KINDS = ("query", "arrival", "seizure")


class ReleasePolicy(models.Model):
    """What a member requires a second person to release before it leaves the country: items
    of the listed kinds and handling codes (see ``members.releases.release_required``). No row,
    or empty lists, means nothing is held."""

    member = models.OneToOneField(
        MemberAdministration,
        on_delete=models.CASCADE,
        related_name="release_policy",
        verbose_name=_("member"),
    )
    kinds = ArrayField(
        models.CharField(max_length=16),
        default=list,
        blank=True,
        verbose_name=_("kinds of item"),
    )
    handling_codes = ArrayField(
        models.CharField(max_length=2),
        default=list,
        blank=True,
        verbose_name=_("handling codes"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("changed at"))
    updated_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("release policy")
        verbose_name_plural = _("release policies")

    def __str__(self):
        return f"{self.member_id}: {','.join(self.kinds)} / {','.join(self.handling_codes)}"
