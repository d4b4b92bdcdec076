"""Pre-aggregated totals of the seizure reports, kept exact by every write of a report."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .vocabulary import Commodity, Sharing


class _Cell(models.Model):
    """What every pre-aggregated cell has: whose reports, how shared, in which dimension, how
    many reports and how much (in the dimension's base unit)."""

    reporting_member = models.ForeignKey(
        "members.MemberAdministration",
        on_delete=models.CASCADE,
        db_index=False,
        related_name="+",
        verbose_name=_("reporting member"),
    )
    sharing = models.CharField(max_length=10, choices=Sharing.choices, verbose_name=_("sharing"))
    dimension = models.CharField(max_length=10, verbose_name=_("dimension"))
    reports = models.PositiveIntegerField(default=0, verbose_name=_("reports"))
    quantity_base = models.DecimalField(
        max_digits=30, decimal_places=9, default=0, verbose_name=_("total in base unit")
    )

    class Meta:
        abstract = True


class _TotalCell(_Cell):
    """A cell of one commodity."""

    commodity = models.ForeignKey(
        Commodity,
        on_delete=models.CASCADE,
        db_index=False,
        related_name="+",
        verbose_name=_("commodity"),
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


class SeizureRouteSum(_Cell):
    """The route totals of every commodity together: per year × reporting member × sharing ×
    route × dimension. The route chart without a category or commodity filter reads it (about
    a third of ``SeizureRouteTotal``'s cells)."""

    year = models.DateField(verbose_name=_("year"), help_text=_("Its first day."))
    origin_country = models.CharField(max_length=2, blank=True, verbose_name=_("origin"))
    destination_country = models.CharField(max_length=2, blank=True, verbose_name=_("destination"))

    class Meta:
        verbose_name = _("seizure route sum")
        verbose_name_plural = _("seizure route sums")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "year",
                    "reporting_member",
                    "sharing",
                    "origin_country",
                    "destination_country",
                    "dimension",
                ],
                name="seizure_route_sum_key",
            ),
        ]

    def __str__(self):
        return f"{self.year:%Y} {self.origin_country}-{self.destination_country}: {self.reports}"
