"""The rows of the seizure report list (``views.report_list``), written as Python for the
reason ``chart_markup`` gives: a page of reports is about 700 template variables and filters,
and its rendering was most of the page's CPU time. Every value is escaped as the template
engine would, and each cell carries its column's label for the phone's card layout."""

from __future__ import annotations

from functools import lru_cache

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from members import caching

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


@lru_cache(maxsize=4096)
def _day_text(day, _language: str) -> str:
    """A day in the active language's date format, escaped: made once per day and language
    (Django's formatting costs some 60 µs a row)."""
    return escape(date_format(day, "DATE_FORMAT"))


def report_rows_html(reports, labels: dict[str, str]) -> SafeString:
    """One ``<tr>`` per report (each with ``detail_url`` set), or the empty-list row."""
    if not reports:
        message = escape(_("No seizures match the filters."))
        return mark_safe(f'<tr><td colspan="9" class="muted">{message}</td></tr>')  # noqa: S308
    label = {key: escape(text) for key, text in labels.items()}
    operation_urls: dict[str, str] = {}
    rows = []
    for report in reports:
        operation = report.operation
        if operation is None:
            operation_cell = "—"
        else:
            if operation.code not in operation_urls:
                operation_urls[operation.code] = escape(
                    reverse("seizures:operation-detail", args=[operation.code])
                )
            operation_cell = (
                f'<a href="{operation_urls[operation.code]}">{escape(operation.name)}</a>'
            )
        # The stored codes: the country fields' descriptors would make a ``Country`` of each.
        origin = escape(report.__dict__["origin_country"] or "?")
        destination = escape(report.__dict__["destination_country"] or "?")
        rows.append(
            '<tr data-testid="report-row">'
            f'<td data-label="{label["seized"]}" class="nowrap">'
            f"{_day_text(report.seized_on, get_language())}</td>"
            f'<td data-label="{label["member"]}">{escape(report.reporting_member.code)}</td>'
            f'<td class="card-title card-action" data-label="{label["reference"]}">'
            f'<a href="{escape(report.detail_url)}" data-testid="open-report" class="nowrap">'
            f"{escape(report.reference)}</a></td>"
            f'<td data-label="{label["commodity"]}">{escape(report.commodity.display_name)}</td>'
            f'<td data-label="{label["quantity"]}" class="number">{quantity(report.quantity)} '
            f"{escape(unit_symbol(report.unit))}</td>"
            f'<td data-label="{label["mode"]}">{escape(report.get_transport_mode_display())}</td>'
            f'<td data-label="{label["route"]}" class="nowrap">{origin} → {destination}</td>'
            f'<td data-label="{label["operation"]}">{operation_cell}</td>'
            f'<td data-label="{label["sharing"]}"><span class="badge" '
            f'data-sharing="{escape(report.sharing)}">{escape(report.get_sharing_display())}'
            "</span></td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every value above is escaped)
