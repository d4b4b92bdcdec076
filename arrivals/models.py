"""Pre-arrival notices: what a control unit of departure knows about one transport document's
cargo, sent to the member (optionally the unit) where it is expected; its screening on
receipt, the arrival and the outcome that goes back to the sender.

The notice table is partitioned by month of ``expected_arrival`` (PostgreSQL declarative
partitioning, ``arrivals.partitioning``): its primary key in the database is
``(id, expected_arrival)``; Django sees ``id``. No foreign key can point at a partitioned
table's ``id`` alone, so alerts and hits name a notice by id (``subject_id``, ``record_id``).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.handling import HandlingCode
from exchange.models import InformationEvaluation, SourceEvaluation
from members.models import ReleaseState


class TransportMode(models.TextChoices):
    SEA = "sea", _("Sea")
    AIR = "air", _("Air")
    RAIL = "rail", _("Rail")
    ROAD = "road", _("Road")


class TransportDocumentKind(models.TextChoices):
    BILL_OF_LADING = "bill_of_lading", _("Bill of lading")
    AIR_WAYBILL = "air_waybill", _("Air waybill")
    CMR = "cmr", _("CMR consignment note")
    RAIL_WAYBILL = "rail_waybill", _("Rail waybill")


class NoticeStatus(models.TextChoices):
    EXPECTED = "expected", _("Expected")
    ARRIVED = "arrived", _("Arrived")
    CLOSED = "closed", _("Closed")


class Lane(models.TextChoices):
    RED = "red", _("Red")
    AMBER = "amber", _("Amber")
    GREEN = "green", _("Green")


class DiscrepancyKind(models.TextChoices):
    CONTAINER_MISSING = "container_missing", _("Container missing")
    CONTAINER_EXTRA = "container_extra", _("Container not in the notice")
    SEAL_CHANGED = "seal_changed", _("Seal changed")
    MASS = "mass", _("Gross mass differs")


class NoticeOutcome(models.TextChoices):
    NOT_EXAMINED = "not_examined", _("Not examined")
    EXAMINED_NOTHING_FOUND = "examined_nothing_found", _("Examined, nothing found")
    DISCREPANCY = "discrepancy", _("Discrepancy")
    SEIZURE = "seizure", _("Seizure")


#: Outcomes that are no finding: such notices are removed after the retention period.
NO_FINDING = (NoticeOutcome.NOT_EXAMINED, NoticeOutcome.EXAMINED_NOTHING_FOUND)


class ArrivalNotice(models.Model):
    """One pre-arrival notice: one transport document's cargo, from a control unit of one
    member to another member (optionally one of its units)."""

    id = models.BigAutoField(primary_key=True)
    reference = models.CharField(
        max_length=40,
        verbose_name=_("reference"),
        help_text=_("Unique, e.g. IREN-GE-ARR-2026-00001."),
    )
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    sequence = models.PositiveIntegerField(verbose_name=_("sequence number"))
    status = models.CharField(
        max_length=8,
        choices=NoticeStatus.choices,
        default=NoticeStatus.EXPECTED,
        verbose_name=_("status"),
    )
    # Conveyance
    mode = models.CharField(max_length=4, choices=TransportMode.choices, verbose_name=_("mode"))
    vessel_imo = models.CharField(
        max_length=7, blank=True, default="", verbose_name=_("vessel IMO number")
    )
    conveyance = models.CharField(
        max_length=100,
        blank=True,
        default="",
        verbose_name=_("conveyance"),
        help_text=_("Vessel and voyage, flight, train or vehicle plate."),
    )
    # Transport document
    transport_document = models.CharField(max_length=35, verbose_name=_("transport document"))
    transport_document_kind = models.CharField(
        max_length=16,
        choices=TransportDocumentKind.choices,
        verbose_name=_("kind of transport document"),
    )
    master_document = models.CharField(
        max_length=35, blank=True, default="", verbose_name=_("master document")
    )
    # Route
    place_of_loading = models.CharField(
        max_length=5, blank=True, default="", verbose_name=_("place of loading")
    )
    place_of_discharge = models.CharField(
        max_length=5, blank=True, default="", verbose_name=_("place of discharge")
    )
    transit_countries = ArrayField(
        models.CharField(max_length=2),
        default=list,
        blank=True,
        verbose_name=_("transit countries"),
    )
    # Times
    departed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("departed at"))
    expected_arrival = models.DateTimeField(verbose_name=_("expected arrival"))
    # Parties
    shipper = models.CharField(max_length=200, blank=True, default="", verbose_name=_("shipper"))
    shipper_country = models.CharField(
        max_length=2, blank=True, default="", verbose_name=_("shipper country")
    )
    consignee = models.CharField(
        max_length=200, blank=True, default="", verbose_name=_("consignee")
    )
    consignee_country = models.CharField(
        max_length=2, blank=True, default="", verbose_name=_("consignee country")
    )
    notify_party = models.CharField(
        max_length=200, blank=True, default="", verbose_name=_("notify party")
    )
    # Cargo
    containers = models.JSONField(
        default=list,
        blank=True,
        verbose_name=_("containers"),
        help_text=_('[{"number": ISO 6346, "seals": [...]}]'),
    )
    goods = models.JSONField(
        default=list,
        blank=True,
        verbose_name=_("goods"),
        help_text=_('[{"description", "hs_code", "packages", "gross_kg"}]'),
    )
    # Addressing
    from_member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.PROTECT,
        db_index=False,  # arrivals_* composite or partial indexes
        related_name="sent_arrival_notices",
        verbose_name=_("sending member"),
    )
    from_unit = models.ForeignKey(
        "members.ControlUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # arrivals_* composite or partial indexes
        related_name="sent_arrival_notices",
        verbose_name=_("sending control unit"),
    )
    to_member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.PROTECT,
        db_index=False,  # arrivals_* composite or partial indexes
        related_name="received_arrival_notices",
        verbose_name=_("receiving member"),
    )
    to_unit = models.ForeignKey(
        "members.ControlUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # arrivals_* composite or partial indexes
        related_name="received_arrival_notices",
        verbose_name=_("receiving control unit"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="authored_arrival_notices",
        verbose_name=_("author"),
    )
    # Handling and evaluation, as for queries
    handling_code = models.CharField(
        max_length=2,
        choices=HandlingCode.choices,
        default=HandlingCode.H0,
        verbose_name=_("handling code"),
    )
    handling_restrictions = models.TextField(
        blank=True, default="", verbose_name=_("handling restrictions")
    )
    source_evaluation = models.CharField(
        max_length=1,
        choices=SourceEvaluation.choices,
        default=SourceEvaluation.X,
        verbose_name=_("source evaluation"),
    )
    information_evaluation = models.CharField(
        max_length=1,
        choices=InformationEvaluation.choices,
        default=InformationEvaluation.UNKNOWN,
        verbose_name=_("information evaluation"),
    )
    remarks = models.TextField(blank=True, default="", verbose_name=_("remarks"))
    # Linked query (a notice linked to one is kept past retention)
    query = models.ForeignKey(
        "exchange.Query",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,  # arrivals_* composite or partial indexes
        related_name="arrival_notices",
        verbose_name=_("linked query"),
    )
    #: The notice's identifiers, normalised as ``kind:value`` (the board's identifier search).
    identifiers = ArrayField(
        models.CharField(max_length=220),
        default=list,
        blank=True,
        verbose_name=_("identifiers"),
    )
    # The receiving side's screening (never shown to the sender)
    lane = models.CharField(
        max_length=5, choices=Lane.choices, blank=True, default="", verbose_name=_("lane")
    )
    screening = models.JSONField(default=dict, blank=True, verbose_name=_("screening"))
    # Arrival
    arrived_at = models.DateTimeField(null=True, blank=True, verbose_name=_("arrived at"))
    arrived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("arrival recorded by"),
    )
    arrival = models.JSONField(default=dict, blank=True, verbose_name=_("arrival as recorded"))
    discrepancies = models.JSONField(default=list, blank=True, verbose_name=_("discrepancies"))
    # Outcome
    outcome = models.CharField(
        max_length=24,
        choices=NoticeOutcome.choices,
        blank=True,
        default="",
        verbose_name=_("outcome"),
    )
    outcome_note = models.TextField(blank=True, default="", verbose_name=_("outcome note"))
    seizure_report = models.ForeignKey(
        "seizures.SeizureReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # arrivals_* composite or partial indexes
        related_name="arrival_notices",
        verbose_name=_("seizure report"),
    )
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("closed by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("filed at"))
    # Release (``members.releases``): a notice its sending member's policy holds is saved
    # ``awaiting_release``, unscreened, unindexed and unseen by the receiving member; it goes
    # out when released. ``released_at`` is when it went out (its filing time when nothing
    # held it); ``released_by`` is set only when a releaser released it.
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
        db_index=False,
        related_name="+",
        verbose_name=_("released by"),
    )
    release_note = models.TextField(
        blank=True, default="", verbose_name=_("note from the releaser")
    )
    #: A held notice awaiting release with its manifest import (``arrivals.releasing``).
    import_job = models.ForeignKey(
        "arrivals.ArrivalImportJob",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # arrival_import_job_idx (partial)
        related_name="held_notices",
        verbose_name=_("held with the manifest import"),
    )

    class Meta:
        db_table = "arrivals_notice"
        ordering = ["expected_arrival", "id"]
        verbose_name = _("pre-arrival notice")
        verbose_name_plural = _("pre-arrival notices")
        constraints = [
            models.CheckConstraint(
                condition=~Q(handling_code="H3") | ~Q(handling_restrictions=""),
                name="arrival_h3_states_restrictions",
            ),
            models.CheckConstraint(
                condition=~Q(from_member=models.F("to_member")),
                name="arrival_to_another_member",
            ),
            models.CheckConstraint(
                condition=(Q(status="closed") & ~Q(outcome="") & Q(closed_at__isnull=False))
                | (~Q(status="closed") & Q(outcome="")),
                name="arrival_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="seizure") | Q(seizure_report__isnull=False),
                name="arrival_seizure_names_report",
            ),
            models.CheckConstraint(
                condition=Q(release_state__in=ReleaseState.values),
                name="arrival_release_state_valid",
            ),
        ]
        indexes = [
            # The incoming board: by receiving member (or unit), expected arrival.
            models.Index(
                fields=["to_member", "expected_arrival", "id"], name="arrival_incoming_idx"
            ),
            models.Index(fields=["to_unit", "expected_arrival"], name="arrival_to_unit_idx"),
            # The outgoing board.
            models.Index(
                fields=["from_member", "expected_arrival", "id"], name="arrival_outgoing_idx"
            ),
            models.Index(fields=["from_unit", "expected_arrival"], name="arrival_from_unit_idx"),
            models.Index(fields=["reference"], name="arrival_reference_idx"),
            models.Index(fields=["status", "expected_arrival"], name="arrival_status_idx"),
            models.Index(fields=["lane", "expected_arrival"], name="arrival_lane_idx"),
            models.Index(fields=["mode", "expected_arrival"], name="arrival_mode_idx"),
            models.Index(
                fields=["seizure_report"],
                condition=Q(seizure_report__isnull=False),
                name="arrival_seizure_report_idx",
            ),
            models.Index(
                fields=["query"], condition=Q(query__isnull=False), name="arrival_query_idx"
            ),
            GinIndex(fields=["identifiers"], name="arrival_identifiers_gin"),
            # The release queue and the rules that hide held notices: few rows, partial.
            models.Index(
                fields=["from_member", "created_at"],
                condition=~Q(release_state="released"),
                name="arrival_held_idx",
            ),
            models.Index(
                fields=["import_job"],
                condition=Q(import_job__isnull=False),
                name="arrival_import_job_idx",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_released(self) -> bool:
        return self.release_state == ReleaseState.RELEASED

    @property
    def awaits_release(self) -> bool:
        return self.release_state == ReleaseState.AWAITING_RELEASE

    @property
    def kept_past_retention(self) -> bool:
        """Linked to a discrepancy, a seizure or a query: kept after the retention period."""
        return bool(
            self.discrepancies
            or self.seizure_report_id
            or self.query_id
            or self.outcome in (NoticeOutcome.DISCREPANCY, NoticeOutcome.SEIZURE)
        )


class ArrivalReferenceCounter(models.Model):
    """The last notice number used per sending member and year (one atomic upsert per
    notice; a reference cannot be unique in the partitioned table itself)."""

    member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    last_number = models.PositiveIntegerField(default=0, verbose_name=_("last number"))

    class Meta:
        verbose_name = _("notice reference counter")
        verbose_name_plural = _("notice reference counters")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"], name="arrival_reference_counter_unique"
            ),
        ]

    def __str__(self):
        return f"{self.member_id}/{self.year}: {self.last_number}"


class ArrivalImportJob(models.Model):
    """A manifest upload too large to check and store within a request: run by a worker,
    with progress the uploader's page polls."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    filename = models.CharField(max_length=200, blank=True, verbose_name=_("file name"))
    content = models.BinaryField(verbose_name=_("file"))
    state = models.CharField(
        max_length=8, choices=State.choices, default=State.PENDING, verbose_name=_("state")
    )
    total_rows = models.PositiveIntegerField(default=0, verbose_name=_("rows"))
    processed_rows = models.PositiveIntegerField(default=0, verbose_name=_("rows checked"))
    imported = models.PositiveIntegerField(default=0, verbose_name=_("notices imported"))
    lines = models.PositiveIntegerField(default=0, verbose_name=_("lines imported"))
    errors = models.JSONField(default=dict, blank=True, verbose_name=_("errors"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("uploaded at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    # Release (``arrivals.releasing``): an import whose notices the sending member's policy
    # holds awaits release as one item (``held`` notices, summed up in ``held_summary``);
    # empty when nothing in it was held.
    release_state = models.CharField(
        max_length=16,
        choices=ReleaseState.choices,
        blank=True,
        default="",
        db_default="",
        verbose_name=_("release"),
    )
    from_member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sending member of the held notices"),
    )
    held = models.PositiveIntegerField(default=0, verbose_name=_("notices awaiting release"))
    #: ``{"lines", "handling_codes", "to_members"}`` of the held notices: no content.
    held_summary = models.JSONField(default=dict, blank=True, verbose_name=_("held summary"))
    released_at = models.DateTimeField(null=True, blank=True, verbose_name=_("released at"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
    )
    release_note = models.TextField(blank=True, default="", verbose_name=_("releaser's note"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("manifest import")
        verbose_name_plural = _("manifest imports")
        indexes = [
            models.Index(fields=["state", "created_at"], name="arrival_job_state_idx"),
            models.Index(
                fields=["from_member", "created_at"],
                condition=Q(release_state="awaiting_release"),
                name="arrival_job_held_idx",
            ),
        ]

    def __str__(self):
        return f"{self.filename} ({self.state})"
