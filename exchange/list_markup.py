"""The rows of the inbox (``views.inbox``), written as Python for the reason
``seizures.list_markup`` gives: a page of queries is about 40 template nodes a row, and their
rendering was the largest part of the page's CPU time. Every value is escaped as the template
engine would, and each cell carries its column's label for the phone's card layout."""

from __future__ import annotations

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from members.compiled import prefetched
from members.templatetags.portal import due_in, when

from .choices import Priority, QueryStatus

_PRIORITY_CLASSES = {Priority.URGENT: " badge-alert", Priority.HIGH: " badge-warn"}


def column_labels() -> dict[str, str]:
    """The inbox's column headings, in the active language (also the cards' cell labels)."""
    return {
        "reference": _("Reference"),
        "priority": _("Priority"),
        "kind": _("Kind"),
        "subject": _("Subject"),
        "from": _("From"),
        "to": _("To"),
        "containers": _("Containers"),
        "state": _("State"),
        "due": _("Due"),
    }


def _recipients(query) -> str:
    return ", ".join(
        f'<span title="{escape(r.get_state_display())}">{escape(r.member.code)}'
        f"{'*' if r.awaits_acknowledgement else ''}</span>"
        for r in prefetched(query, "recipients")
    )


def _containers(query) -> str:
    numbers = [
        f'<span class="nowrap">{escape(c.number)}</span>' for c in prefetched(query, "containers")
    ]
    return ", ".join(numbers) or "—"


def _due(query, now) -> str:
    due_at = query.due_at
    # What the ``date`` filter's "c" writes, without building a formatter per row.
    moment = escape(timezone.localtime(due_at).isoformat()) if due_at else ""
    cell = f'<time datetime="{moment}">{escape(when(due_at))}</time>'
    if query.status != QueryStatus.CLOSED:
        late = " due-overdue" if query.is_overdue else ""
        cell += f'<br><small class="due-in{late}">{escape(due_in(due_at, now))}</small>'
    return cell


def query_rows_html(queries, labels: dict[str, str]) -> SafeString:
    """One ``<tr>`` per query (each with ``detail_url`` and the ``is_overdue`` and
    ``is_unread`` of ``selectors.query_list``, its recipients and containers prefetched), or
    the empty-list row."""
    if not queries:
        message = escape(_("No queries match."))
        return mark_safe(f'<tr><td colspan="9">{message}</td></tr>')  # noqa: S308
    label = {key: escape(text) for key, text in labels.items()}
    # Translated outside the f-strings, where gettext's extraction finds them.
    unread, overdue = escape(_("unread")), escape(_("overdue"))
    unread_badge = f' <span class="badge badge-alert">{unread}</span>'
    overdue_badge = f' <span class="badge badge-alert">{overdue}</span>'
    now = timezone.now()
    rows = []
    for query in queries:
        classes = ("overdue " if query.is_overdue else "") + ("unread" if query.is_unread else "")
        sender = escape(query.sender_member.code)
        if query.sender_unit_id:
            sender += f" · {escape(query.sender_unit.code)}"
        rows.append(
            f'<tr class="{classes}" data-reference="{escape(query.reference)}" '
            'data-testid="query-row">'
            f'<td class="card-title"><a href="{escape(query.detail_url)}" '
            f'data-testid="open-query" class="nowrap">{escape(query.reference)}</a>'
            f"{unread_badge if query.is_unread else ''}</td>"
            f'<td data-label="{label["priority"]}"><span class="badge'
            f'{_PRIORITY_CLASSES.get(query.priority, "")}">'
            f"{escape(query.get_priority_display())}</span></td>"
            f'<td data-label="{label["kind"]}">{escape(query.get_kind_display())}</td>'
            f'<td data-label="{label["subject"]}"><span><span class="muted nowrap">'
            f"[{escape(query.handling_code)} {escape(query.source_evaluation)}"
            f"{escape(query.information_evaluation)}]</span> {escape(query.subject)}</span></td>"
            f'<td data-label="{label["from"]}">{sender}</td>'
            f'<td data-label="{label["to"]}"><span>{_recipients(query)}</span></td>'
            f'<td data-label="{label["containers"]}"><span>{_containers(query)}</span></td>'
            f'<td data-label="{label["state"]}"><span>{escape(query.get_status_display())}'
            f"{overdue_badge if query.is_overdue else ''}</span></td>"
            f'<td data-label="{label["due"]}"><span>{_due(query, now)}</span></td>'
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every value above is escaped)
