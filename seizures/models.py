"""Seizure reports, the commodity vocabulary, joint operations and import jobs.

Quantities are stored twice: as reported (``quantity`` + ``unit``) and normalised to the base
unit of their dimension (``quantity_base`` in kg, l or pieces, with ``dimension``), so that
every total is an exact database sum.

(Over 400 lines: four models with their choices and constraints, one docstring each; the
vocabulary, reports, operations and import jobs belong together in one migration history.)
"""

from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from members.models import ReleaseState, localized_name


class Category(models.TextChoices):
    NARCOTICS = "narcotics", _("Narcotics")
    PSYCHOTROPICS = "psychotropics", _("Psychotropic substances")
    PRECURSORS = "precursors", _("Precursors")
    TOBACCO = "tobacco", _("Tobacco")
    ALCOHOL = "alcohol", _("Alcohol")
    CITES = "cites", _("CITES species")
    IPR = "ipr", _("IPR infringing goods")
    STRATEGIC_GOODS = "strategic-goods", _("Strategic goods")
    METALS_MINERALS = "metals-minerals", _("Metals and minerals")
    CONSUMER_GOODS = "consumer-goods", _("Consumer goods")
    CURRENCY = "currency", _("Currency")
    WEAPONS = "weapons", _("Weapons")
    OTHER = "other", _("Other")


class Dimension(models.TextChoices):
    MASS = "mass", _("Mass")
    VOLUME = "volume", _("Volume")
    COUNT = "count", _("Count")


class Unit(models.TextChoices):
    MG = "mg", _("milligrams")
    G = "g", _("grams")
    KG = "kg", _("kilograms")
    T = "t", _("tonnes")
    ML = "ml", _("millilitres")
    L = "l", _("litres")
    PIECES = "pieces", _("pieces")
    PILLS = "pills", _("pills")
    AMPOULES = "ampoules", _("ampoules")


#: unit -> (dimension, factor to the dimension's base unit)
UNITS: dict[str, tuple[str, Decimal]] = {
    Unit.MG: (Dimension.MASS, Decimal("0.000001")),
    Unit.G: (Dimension.MASS, Decimal("0.001")),
    Unit.KG: (Dimension.MASS, Decimal("1")),
    Unit.T: (Dimension.MASS, Decimal("1000")),
    Unit.ML: (Dimension.VOLUME, Decimal("0.001")),
    Unit.L: (Dimension.VOLUME, Decimal("1")),
    Unit.PIECES: (Dimension.COUNT, Decimal("1")),
    Unit.PILLS: (Dimension.COUNT, Decimal("1")),
    Unit.AMPOULES: (Dimension.COUNT, Decimal("1")),
}

#: Places kept by ``quantity_base`` (its decimal_places).
_BASE_PLACES = Decimal("0.000000001")


def normalise_quantity(quantity: Decimal, unit: str) -> tuple[Decimal, str]:
    """The one conversion of a reported quantity to its dimension's base unit (kg, l or
    pieces): returns (quantity in the base unit, dimension)."""
    dimension, factor = UNITS[unit]
    return (quantity * factor).quantize(_BASE_PLACES), str(dimension)


#: dimension -> the base unit its totals are given in
BASE_UNITS: dict[str, str] = {
    Dimension.MASS: "kg",
    Dimension.VOLUME: "l",
    Dimension.COUNT: "pieces",
}


class TransportMode(models.TextChoices):
    SEA_CONTAINER = "sea-container", _("Sea container")
    AIR_CARGO = "air-cargo", _("Air cargo")
    ROAD = "road", _("Road")
    RAIL = "rail", _("Rail")
    POSTAL = "postal", _("Postal")
    PASSENGER = "passenger", _("Passenger")


class DetectionMethod(models.TextChoices):
    PROFILING = "profiling", _("Profiling")
    PRE_ARRIVAL = "pre-arrival", _("Pre-arrival information")
    X_RAY = "x-ray", _("X-ray")
    CANINE = "canine", _("Canine")
    INTELLIGENCE = "intelligence", _("Intelligence")
    RANDOM = "random", _("Random check")


class Sharing(models.TextChoices):
    NATIONAL = "national", _("National (own member only)")
    NETWORK = "network", _("Network (all members)")


class Commodity(models.Model):
    """An entry of the controlled commodity vocabulary, kept by network admins."""

    code = models.SlugField(
        max_length=50,
        unique=True,
        verbose_name=_("code"),
        help_text=_("Stable identifier used in imports and the API, e.g. heroin."),
    )
    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    name_ru = models.CharField(
        max_length=100,
        blank=True,
        verbose_name=_("name in Russian"),
        help_text=_("Shown when the portal is used in Russian; the English name otherwise."),
    )
    category = models.CharField(
        max_length=20, choices=Category.choices, db_index=True, verbose_name=_("category")
    )
    allows_mass = models.BooleanField(default=False, verbose_name=_("may be reported by mass"))
    allows_volume = models.BooleanField(default=False, verbose_name=_("may be reported by volume"))
    allows_count = models.BooleanField(default=False, verbose_name=_("may be reported by count"))
    active = models.BooleanField(default=True, verbose_name=_("active"))

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("commodity")
        verbose_name_plural = _("commodities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(allows_mass=True)
                | models.Q(allows_volume=True)
                | models.Q(allows_count=True),
                name="commodity_has_a_dimension",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (Russian if one is recorded, English otherwise)."""
        return localized_name(self.name, self.name_ru)

    @property
    def dimension_labels(self) -> list[str]:
        """The admissible dimensions, translated (for pages)."""
        labels = dict(Dimension.choices)
        return [str(labels[d]) for d in self.dimensions]

    @property
    def dimensions(self) -> list[str]:
        """The dimensions this commodity may be reported in, in a stable order."""
        allowed = {
            Dimension.MASS: self.allows_mass,
            Dimension.VOLUME: self.allows_volume,
            Dimension.COUNT: self.allows_count,
        }
        return [str(d) for d, ok in allowed.items() if ok]

    def allows(self, dimension: str) -> bool:
        return dimension in self.dimensions


class Operation(models.Model):
    """A joint, time-boxed operation (e.g. "Nicotiana" on tobacco) that seizures link to."""

    code = models.SlugField(
        max_length=50,
        unique=True,
        verbose_name=_("code"),
        help_text=_("Stable identifier used in imports, e.g. nicotiana."),
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    coordinating_member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.PROTECT,
        related_name="coordinated_operations",
        verbose_name=_("coordinating member"),
    )
    participating_members = models.ManyToManyField(
        "members.MemberAdministration",
        related_name="operations",
        blank=True,
        verbose_name=_("participating members"),
    )
    starts_on = models.DateField(verbose_name=_("start date"))
    ends_on = models.DateField(verbose_name=_("end date"))
    target_categories = models.JSONField(
        default=list,
        blank=True,
        verbose_name=_("target categories"),
        help_text=_("Category codes, e.g. tobacco."),
    )
    description = models.TextField(blank=True, verbose_name=_("description"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-starts_on", "code"]
        verbose_name = _("operation")
        verbose_name_plural = _("operations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="operation_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def target_category_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [str(labels.get(c, c)) for c in self.target_categories]

    def member_ids(self) -> set[int]:
        """The coordinating member and every participant."""
        ids = {m.pk for m in self.participating_members.all()}
        ids.add(self.coordinating_member_id)
        return ids


class SeizureReport(models.Model):
    """One seizure, with fields after the WCO Customs Enforcement Network's."""

    reference = models.CharField(
        max_length=50,
        verbose_name=_("reference"),
        help_text=_("The member's own case reference; unique within the member."),
    )
    # No single-column index on reporting_member, commodity or operation: the composite
    # indexes below lead with them, and every index slows the imports down.
    reporting_member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.PROTECT,
        db_index=False,
        related_name="seizure_reports",
        verbose_name=_("reporting member"),
    )
    control_unit = models.ForeignKey(
        "members.ControlUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # seizure_control_unit: only the reports that name one
        related_name="seizure_reports",
        verbose_name=_("control unit"),
    )
    seized_on = models.DateField(verbose_name=_("date seized"))
    transport_mode = models.CharField(
        max_length=20, choices=TransportMode.choices, verbose_name=_("transport mode")
    )
    container_number = models.CharField(
        max_length=11,
        blank=True,
        verbose_name=_("container number"),
        help_text=_("ISO 6346, e.g. CSQU3054383."),
    )
    vessel_or_flight = models.CharField(
        max_length=100, blank=True, verbose_name=_("vessel or flight")
    )
    vehicle = models.CharField(max_length=100, blank=True, verbose_name=_("vehicle"))
    # Identifiers for cross-country matching (exchange's identifier index).
    bill_of_lading = models.CharField(
        max_length=35, blank=True, default="", db_default="", verbose_name=_("bill of lading")
    )
    air_waybill = models.CharField(
        max_length=12,
        blank=True,
        default="",
        db_default="",
        verbose_name=_("air waybill"),
        help_text=_("e.g. 176-12345675."),
    )
    vessel_imo = models.CharField(
        max_length=7,
        blank=True,
        default="",
        db_default="",
        verbose_name=_("vessel IMO number"),
        help_text=_("Seven digits."),
    )
    shipper = models.CharField(
        max_length=200, blank=True, default="", db_default="", verbose_name=_("shipper")
    )
    consignee = models.CharField(
        max_length=200, blank=True, default="", db_default="", verbose_name=_("consignee")
    )
    exclude_from_matching = models.BooleanField(
        default=False,
        db_default=False,
        verbose_name=_("exclude from matching"),
        help_text=_("Other members never learn of this report through matching."),
    )
    commodity = models.ForeignKey(
        Commodity,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="seizure_reports",
        verbose_name=_("commodity"),
    )
    quantity = models.DecimalField(max_digits=15, decimal_places=3, verbose_name=_("quantity"))
    unit = models.CharField(max_length=10, choices=Unit.choices, verbose_name=_("unit"))
    quantity_base = models.DecimalField(
        max_digits=24,
        decimal_places=9,
        verbose_name=_("quantity in base unit"),
        help_text=_("The quantity in kg, l or pieces, according to its dimension."),
    )
    dimension = models.CharField(
        max_length=10, choices=Dimension.choices, verbose_name=_("dimension")
    )
    estimated_value_usd = models.DecimalField(
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        verbose_name=_("estimated value (USD)"),
    )
    concealment = models.CharField(max_length=200, blank=True, verbose_name=_("concealment method"))
    detection_method = models.CharField(
        max_length=20,
        choices=DetectionMethod.choices,
        blank=True,
        verbose_name=_("detection method"),
    )
    origin_country = CountryField(blank=True, verbose_name=_("origin country"))
    transit_countries = CountryField(
        multiple=True,
        multiple_sort=False,  # the order is the route's
        blank=True,
        verbose_name=_("transit countries"),
    )
    destination_country = CountryField(blank=True, verbose_name=_("destination country"))
    persons_detained = models.PositiveIntegerField(default=0, verbose_name=_("persons detained"))
    revenue_recovered_usd = models.DecimalField(
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        verbose_name=_("revenue recovered (USD)"),
    )
    operation = models.ForeignKey(
        Operation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="seizure_reports",
        verbose_name=_("operation"),
    )
    query = models.ForeignKey(
        "exchange.Query",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,  # seizure_query: only the reports that name one
        related_name="seizure_reports",
        verbose_name=_("linked urgent query"),
    )
    sharing = models.CharField(
        max_length=10,
        choices=Sharing.choices,
        default=Sharing.NATIONAL,
        verbose_name=_("sharing"),
    )
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    # Release (``members.releases``): a network-shared report its member's policy holds is
    # saved ``awaiting_release``: read by its author and the member's releasers only, counted
    # in no total and matched against nothing until released. ``import_job``: the import it
    # came with, when the import as a whole awaits release.
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
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
    )
    release_note = models.TextField(
        blank=True, default="", db_default="", verbose_name=_("note from the releaser")
    )
    import_job = models.ForeignKey(
        "ImportJob",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,  # seizure_held_import: only held imports' reports name one
        related_name="held_reports",
        verbose_name=_("import awaiting release"),
    )

    class Meta:
        ordering = ["-seized_on", "-pk"]
        verbose_name = _("seizure report")
        verbose_name_plural = _("seizure reports")
        constraints = [
            models.UniqueConstraint(
                fields=["reporting_member", "reference"],
                name="seizure_reference_unique_per_member",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="seizure_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_base__gt=0), name="seizure_quantity_base_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(sharing__in=["national", "network"]),
                name="seizure_sharing_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(dimension__in=["mass", "volume", "count"]),
                name="seizure_dimension_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(release_state__in=ReleaseState.values),
                name="seizure_release_state_valid",
            ),
        ]
        indexes = [
            # The unique constraint serves (reporting_member) and (reporting_member, reference).
            models.Index(fields=["reporting_member", "seized_on"], name="seizure_member_date"),
            models.Index(fields=["sharing", "seized_on"], name="seizure_sharing_date"),
            models.Index(fields=["seized_on"], name="seizure_date"),
            models.Index(fields=["commodity", "seized_on"], name="seizure_commodity_date"),
            # Partial where the column is mostly empty (an import's rows name no control unit,
            # operation or query): such a row costs these indexes nothing, and ``= …`` filters
            # and on_delete lookups still use them.
            models.Index(
                fields=["operation", "seized_on"],
                name="seizure_operation_date",
                condition=models.Q(operation__isnull=False),
            ),
            models.Index(
                fields=["control_unit"],
                name="seizure_control_unit",
                condition=models.Q(control_unit__isnull=False),
            ),
            models.Index(
                fields=["query"], name="seizure_query", condition=models.Q(query__isnull=False)
            ),
            models.Index(fields=["transport_mode", "seized_on"], name="seizure_transport_date"),
            models.Index(fields=["detection_method"], name="seizure_detection"),
            models.Index(fields=["origin_country", "destination_country"], name="seizure_route"),
            # The release queue and the rules that hide held reports: few rows, partial.
            models.Index(
                fields=["reporting_member", "created_at"],
                condition=~models.Q(release_state="released"),
                name="seizure_held_idx",
            ),
            models.Index(
                fields=["import_job"],
                condition=models.Q(import_job__isnull=False),
                name="seizure_held_import",
            ),
        ]

    def __str__(self):
        return f"{self.reporting_member.code}/{self.reference}"

    @property
    def base_unit(self) -> str:
        return BASE_UNITS.get(self.dimension, "")

    @property
    def is_released(self) -> bool:
        return self.release_state == ReleaseState.RELEASED


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Rejected")


def _import_upload_to(instance, filename):
    return f"seizure-imports/{instance.created_by_id or 0}/{filename}"


class ImportJob(models.Model):
    """One uploaded file of seizure reports; its progress and its row report."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="seizure_import_jobs",
        verbose_name=_("created by"),
    )
    file = models.FileField(upload_to=_import_upload_to, verbose_name=_("file"))
    filename = models.CharField(max_length=255, verbose_name=_("file name"))
    status = models.CharField(
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.PENDING,
        db_index=True,
        verbose_name=_("status"),
    )
    total_rows = models.PositiveIntegerField(default=0, verbose_name=_("rows"))
    processed_rows = models.PositiveIntegerField(default=0, verbose_name=_("rows checked"))
    imported = models.PositiveIntegerField(default=0, verbose_name=_("reports imported"))
    errors = models.JSONField(default=list, blank=True, verbose_name=_("errors"))
    #: Lines for the uploader about a file that was imported (e.g. columns ignored).
    notes = models.JSONField(default=list, blank=True, verbose_name=_("notes"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    # The worker running the job stamps this every SEIZURES_IMPORT_HEARTBEAT_SECONDS; a running
    # job whose stamp is older than SEIZURES_IMPORT_LEASE_SECONDS lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last sign of life"))
    resumes = models.PositiveSmallIntegerField(default=0, verbose_name=_("times resumed"))
    # Release: an import whose network-shared reports its member's policy holds awaits release
    # as one job (``held`` of them); empty when nothing in it was held.
    release_state = models.CharField(
        max_length=16,
        choices=ReleaseState.choices,
        blank=True,
        default="",
        db_default="",
        verbose_name=_("release"),
    )
    reporting_member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reporting member of the held reports"),
    )
    held = models.PositiveIntegerField(default=0, verbose_name=_("reports awaiting release"))
    released_at = models.DateTimeField(null=True, blank=True, verbose_name=_("released at"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
    )
    release_note = models.TextField(blank=True, verbose_name=_("note from the releaser"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("seizure import")
        verbose_name_plural = _("seizure imports")

    def __str__(self):
        return self.filename

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)

    @property
    def waiting_to_resume(self) -> bool:
        """Its worker stopped (died, or a transient error gave the job back) and another one
        will take it up: the page says so rather than show a progress bar that never moves."""
        from datetime import timedelta

        from django.utils import timezone

        if self.status == ImportStatus.PENDING:
            return self.processed_rows > 0 or self.resumes > 0
        if self.status != ImportStatus.RUNNING:
            return False
        last = self.heartbeat_at or self.started_at
        lease = timedelta(seconds=settings.SEIZURES_IMPORT_LEASE_SECONDS)
        return last is not None and last < timezone.now() - lease

    @property
    def percent(self) -> int:
        # A rejected file is not "done": its bar must not show full (issue 11).
        if self.status == ImportStatus.SUCCEEDED:
            return 100
        if self.status == ImportStatus.FAILED:
            return 0
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))


class ImportCheckpoint(models.Model):
    """What checking the rows of an import job found, for one stretch of rows: the reports to
    write, the problems, and the (member, reference) pairs seen. A job taken up again after its
    worker died starts after its last checkpoint instead of from the first row; the
    checkpoints go when the job ends."""

    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="checkpoints", verbose_name=_("import")
    )
    rows_done = models.PositiveIntegerField(verbose_name=_("rows checked"))
    reports = models.JSONField(default=list, encoder=DjangoJSONEncoder)
    problems = models.JSONField(default=list, encoder=DjangoJSONEncoder)
    seen = models.JSONField(default=list, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["job", "rows_done"]
        verbose_name = _("import checkpoint")
        verbose_name_plural = _("import checkpoints")
        constraints = [
            models.UniqueConstraint(fields=["job", "rows_done"], name="import_checkpoint_uniq")
        ]

    def __str__(self):
        return f"{self.job_id}: {self.rows_done}"


class _TotalCell(models.Model):
    """What every pre-aggregated cell has: whose reports, how shared, which commodity, in
    which dimension, how many reports and how much (in the dimension's base unit)."""

    reporting_member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.CASCADE,
        db_index=False,
        related_name="+",
        verbose_name=_("reporting member"),
    )
    sharing = models.CharField(max_length=10, choices=Sharing.choices, verbose_name=_("sharing"))
    commodity = models.ForeignKey(
        Commodity,
        on_delete=models.CASCADE,
        db_index=False,
        related_name="+",
        verbose_name=_("commodity"),
    )
    dimension = models.CharField(max_length=10, verbose_name=_("dimension"))
    reports = models.PositiveIntegerField(default=0, verbose_name=_("reports"))
    quantity_base = models.DecimalField(
        max_digits=30, decimal_places=9, default=0, verbose_name=_("total in base unit")
    )

    class Meta:
        abstract = True


class SeizureTotal(_TotalCell):
    """Pre-aggregated totals of the seizure reports per month × reporting member × sharing ×
    commodity × transport mode × detection method × operation × dimension: what the dashboard
    and the stats API read instead of a million reports (``seizures.totals``).

    Kept exact by every write of a report, in the write's own transaction; checked against the
    reports by ``manage.py seizure_totals_check``. ``sharing`` is part of the key so that the
    same visibility rule as the reports' applies (``permissions.restrict_seizure_totals``).
    """

    month = models.DateField(verbose_name=_("month"), help_text=_("Its first day."))
    transport_mode = models.CharField(max_length=20, verbose_name=_("transport mode"))
    detection_method = models.CharField(max_length=20, blank=True, verbose_name=_("detection"))
    # The operation's id, 0 for none: a plain integer so that the unique key has no NULL
    # (ON CONFLICT never matches NULLs).
    operation_key = models.PositiveIntegerField(default=0, verbose_name=_("operation"))

    class Meta:
        verbose_name = _("seizure total")
        verbose_name_plural = _("seizure totals")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "month",
                    "reporting_member",
                    "sharing",
                    "commodity",
                    "transport_mode",
                    "detection_method",
                    "operation_key",
                    "dimension",
                ],
                name="seizure_total_key",
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.reporting_member_id} {self.commodity_id}: {self.reports}"


class SeizureRouteTotal(_TotalCell):
    """Pre-aggregated totals per year × reporting member × sharing × commodity × route
    (origin, destination) × dimension: the route chart. By year, not month, because routes
    multiply the cells (225 routes × months would make about as many rows as reports)."""

    year = models.DateField(verbose_name=_("year"), help_text=_("Its first day."))
    origin_country = models.CharField(max_length=2, blank=True, verbose_name=_("origin"))
    destination_country = models.CharField(max_length=2, blank=True, verbose_name=_("destination"))

    class Meta:
        verbose_name = _("seizure route total")
        verbose_name_plural = _("seizure route totals")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "year",
                    "reporting_member",
                    "sharing",
                    "commodity",
                    "origin_country",
                    "destination_country",
                    "dimension",
                ],
                name="seizure_route_total_key",
            ),
        ]
        # A category or commodity filter, over a period.
        indexes = [models.Index(fields=["commodity", "year"], name="seizure_route_total_commodity")]

    def __str__(self):
        return f"{self.year:%Y} {self.origin_country}-{self.destination_country}: {self.reports}"
