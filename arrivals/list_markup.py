"""The board's notice cards (``views.board``), written as Python: a page of thirty cards is
about five hundred template variables, tags and filters, most of the page's CPU time. Every
value is escaped as the template engine would."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from core.urls import reverse_each


def notice_cards_html(notices, direction: str) -> SafeString:
    """One ``<li>`` card per notice of the board's ``direction`` ("incoming" shows the lane,
    "outgoing" the outcome), or the empty-board line."""
    if not notices:
        return mark_safe(f'<li class="muted">{escape(_("No notices."))}</li>')  # noqa: S308
    incoming = direction == "incoming"
    outcome_label = escape(_("Outcome"))
    urls = reverse_each("arrivals:detail", [notice.pk for notice in notices])
    cards = []
    for notice, url in zip(notices, urls, strict=True):
        lane = escape(notice.lane) if incoming else ""
        lane_class = f" lane-{lane}" if lane else ""
        badge = (
            f' <span class="lane-badge lane-{lane}">{escape(notice.get_lane_display())}</span>'
            if lane
            else ""
        )
        origin = notice.from_unit.code if notice.from_unit_id else notice.from_member.code
        destination = notice.to_unit.code if notice.to_unit_id else notice.to_member.code
        when = localtime(notice.expected_arrival).strftime("%Y-%m-%d %H:%M")
        containers = "".join(
            f" · {escape(container.get('number', ''))}"
            for container in (notice.containers or [])[:2]
        )
        outcome = (
            f'<p data-testid="card-outcome">{outcome_label}: '
            f"{escape(notice.get_outcome_display())}</p>"
            if not incoming and notice.outcome
            else ""
        )
        cards.append(
            f'<li class="notice-card{lane_class}" data-testid="notice-card" '
            f'data-lane="{lane}">\n'
            f'    <h3><a href="{escape(url)}" data-testid="open-notice">'
            f"{escape(notice.reference)}</a>{badge}</h3>\n"
            f"    <p>{escape(origin)} → {escape(destination)} · "
            f"{escape(notice.get_mode_display())}</p>\n"
            f"    <p>{escape(_('Expected %(when)s') % {'when': when})} · "
            f"{escape(notice.get_status_display())}</p>\n"
            f"    <p>{escape(notice.transport_document)}{containers}</p>\n"
            f"    {outcome}\n"
            "  </li>"
        )
    return mark_safe("\n".join(cards))  # noqa: S308 (every value above is escaped)
