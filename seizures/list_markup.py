"""The rows of the seizure report list (``views.report_list``), written as Python for the
reason ``chart_markup`` gives: a page of reports is about 700 template variables and filters,
and its rendering was most of the page's CPU time. Every value is escaped as the template
engine would, and each cell carries its column's label for the phone's card layout."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.choices import choice_label
from members import caching
from members.models import localized_name

from .models import SeizureReport
from .templatetags.seizures import quantity, unit_symbol


def empty_filters_html(filterset_class) -> SafeString:
    """The filter form with nothing chosen, as the dashboard and the report list show it
    unfiltered: its drop-downs come from the vocabularies alone, so it is drawn once per
    language and vocabulary generation (``members.caching.vocabulary_markup``)."""
    return caching.vocabulary_markup(
        f"seizures.filters:{filterset_class.__name__}",
        lambda: render_to_string(
            "seizures/_filters.html", {"form": filterset_class(None).with_choices().form}
        ),
    )


def column_labels() -> dict[str, str]:
    """The list's column headings, in the active language (also the cards' cell labels)."""
    return {
        "seized": _("Date seized"),
        "member": _("Member"),
        "reference": _("Reference"),
        "commodity": _("Commodity"),
        "quantity": _("Quantity"),
        "mode": _("Transport mode"),
        "route": _("Route"),
        "operation": _("Operation"),
        "sharing": _("Sharing"),
    }


class ReportRow(NamedTuple):
    """Everything one row of the list shows, and nothing else: read as it is by the
    unfiltered first page (``ROW_VALUES``), or taken from a report (``row_of``)."""

    pk: int
    seized_on: date
    member_code: str
    reference: str
    commodity_name: str
    commodity_name_ru: str
    quantity: Decimal
    unit: str
    transport_mode: str
    origin_country: str
    destination_country: str
    operation_code: str | None
    operation_name: str | None
    sharing: str


#: ``ReportRow``'s fields as a ``values_list`` of the reports reads them.
ROW_VALUES = (
    "pk",
    "seized_on",
    "reporting_member__code",
    "reference",
    "commodity__name",
    "commodity__name_ru",
    "quantity",
    "unit",
    "transport_mode",
    "origin_country",
    "destination_country",
    "operation__code",
    "operation__name",
    "sharing",
)


def rows_read(rows) -> list[ReportRow]:
    """``ROW_VALUES`` tuples as ``ReportRow``s."""
    return [ReportRow._make(row) for row in rows]


def row_of(report) -> ReportRow:
    """What the list shows of a report (read with ``selectors.seizure_list``'s related
    objects)."""
    operation = report.operation
    return ReportRow(
        report.pk,
        report.seized_on,
        report.reporting_member.code,
        report.reference,
        report.commodity.name,
        report.commodity.name_ru,
        report.quantity,
        report.unit,
        report.transport_mode,
        # The stored codes: the country fields' descriptors would make a ``Country`` of each.
        report.__dict__["origin_country"],
        report.__dict__["destination_country"],
        None if operation is None else operation.code,
        None if operation is None else operation.name,
        report.sharing,
    )


@lru_cache(maxsize=8192)
def _row_html(row: ReportRow, _language: str) -> str:
    """One report's ``<tr>``, in the active language (``_language``): a function of the row's
    values and the language alone, so it is made once per process for each (a page of 50
    rows was about a third of the list's CPU time). Every value is escaped."""
    label = {key: escape(text) for key, text in column_labels().items()}
    if row.operation_code is None:
        operation_cell = "—"
    else:
        url = escape(reverse("seizures:operation-detail", args=[row.operation_code]))
        operation_cell = f'<a href="{url}">{escape(row.operation_name)}</a>'
    detail_url = escape(reverse("seizures:report-detail", args=[row.pk]))
    commodity = localized_name(row.commodity_name, row.commodity_name_ru)
    origin = escape(row.origin_country or "?")
    destination = escape(row.destination_country or "?")
    sharing = escape(choice_label(SeizureReport, "sharing", row.sharing))
    return (
        '<tr data-testid="report-row">'
        f'<td data-label="{label["seized"]}" class="nowrap">'
        f"{escape(date_format(row.seized_on, 'DATE_FORMAT'))}</td>"
        f'<td data-label="{label["member"]}">{escape(row.member_code)}</td>'
        f'<td class="card-title card-action" data-label="{label["reference"]}">'
        f'<a href="{detail_url}" data-testid="open-report" class="nowrap">'
        f"{escape(row.reference)}</a></td>"
        f'<td data-label="{label["commodity"]}">{escape(commodity)}</td>'
        f'<td data-label="{label["quantity"]}" class="number">{quantity(row.quantity)} '
        f"{escape(unit_symbol(row.unit))}</td>"
        f'<td data-label="{label["mode"]}">'
        f"{escape(choice_label(SeizureReport, 'transport_mode', row.transport_mode))}</td>"
        f'<td data-label="{label["route"]}" class="nowrap">{origin} → {destination}</td>'
        f'<td data-label="{label["operation"]}">{operation_cell}</td>'
        f'<td data-label="{label["sharing"]}"><span class="badge" '
        f'data-sharing="{escape(row.sharing)}">{sharing}</span></td></tr>'
    )


def report_rows_html(rows) -> SafeString:
    """One ``<tr>`` per row (``ReportRow``s, or reports), or the empty-list row."""
    if not rows:
        message = escape(_("No seizures match the filters."))
        return mark_safe(f'<tr><td colspan="9" class="muted">{message}</td></tr>')  # noqa: S308
    language = get_language()
    return mark_safe(  # noqa: S308 (every value is escaped by _row_html)
        "\n".join(
            _row_html(row if isinstance(row, ReportRow) else row_of(row), language) for row in rows
        )
    )
