"""Seizure reports.

Quantities are stored twice: as reported (``quantity`` + ``unit``) and normalised to the base
unit of their dimension (``quantity_base`` in kg, l or pieces, with ``dimension``), so that
every total is an exact database sum."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.choices import ChoiceLabels
from members.models import ReleaseState

from .operations import Operation
from .vocabulary import (
    BASE_UNITS,
    Commodity,
    DetectionMethod,
    Dimension,
    Sharing,
    TransportMode,
    Unit,
)


class SeizureReport(ChoiceLabels, models.Model):
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
