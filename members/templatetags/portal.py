"""Template filters shared by every page: durations, dates with their zone, deadlines.

Load with ``{% load portal %}``. Every unit is a whole translatable phrase, so Russian can
abbreviate and order them as it needs."""

from datetime import datetime, timedelta
from functools import lru_cache

from django import template
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


def _duration_text(seconds: int) -> str:
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        if hours:
            return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
        return _("%(days)d d") % {"days": days}
    if hours:
        if minutes:
            return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
        return _("%(hours)d h") % {"hours": hours}
    if minutes:
        return _("%(minutes)d min") % {"minutes": minutes}
    return _("%(seconds)d s") % {"seconds": seconds}


@register.filter
def humanize_duration(value) -> str:
    """A timedelta (or seconds) as people read it: "13 s", "4 h 12 min", "2 d 3 h".
    Two units at most; nothing for None."""
    if value is None or value == "":
        return ""
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return _duration_text(max(0, round(seconds)))


@register.filter
def when(value) -> str:
    """A moment in the portal's one date-and-time format, with its zone ("20 Nov 2026, 14:05
    UTC"); nothing for None. Each text is made once per process (``_when_text``): a page of
    queries shows about fifty of them, and Django's formatting costs some 80 µs each."""
    if not value:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
        key = (value.replace(tzinfo=None), value.utcoffset(), value.tzname())
    else:
        key = (value, None, None)
    return _when_text(*key, get_language(), settings.TIME_ZONE, value)


@lru_cache(maxsize=8192)
def _when_text(_local, _offset, _zone_name, _language, zone: str, value) -> str:
    """``when``'s text of ``value`` (in local time), cached on what decides it: the local
    wall-clock value, its offset and zone name, the language and the portal's zone."""
    return _("%(moment)s %(zone)s") % {
        "moment": formats.date_format(value, "SHORT_DATETIME_FORMAT"),
        "zone": zone,
    }


@register.filter
def due_in(value, now=None) -> str:
    """How long until a deadline, or how long past it: "in 3 h 10 min", "overdue by 2 h"."""
    if not value:
        return ""
    now = now or timezone.now()
    seconds = round((value - now).total_seconds())
    if seconds >= 0:
        return _("in %(duration)s") % {"duration": _duration_text(seconds)}
    return _("overdue by %(duration)s") % {"duration": _duration_text(-seconds)}


@register.filter
def country_name(code) -> str:
    """A country's name in the active language, from its ISO code ("KZ" -> "Казахстан")."""
    from django_countries import countries

    return str(countries.name(str(code))) or str(code) if code else ""


@register.filter
def marked_required(bound_field) -> bool:
    """Whether a form field gets the required mark (see ``members.forms.RequiredMarksMixin``)."""
    form = bound_field.form
    if hasattr(form, "is_marked_required"):
        return form.is_marked_required(bound_field.name)
    return bound_field.field.required


@register.simple_tag(takes_context=True)
def sort_header(context, name: str, label, css_class: str = ""):
    """A table header that sorts by ``name`` (``?sort=name``, again for ``-name``), keeping the
    other filters; the active column says so (an arrow and ``aria-sort``)."""
    from django.utils.html import format_html
    from django.utils.translation import gettext

    request = context["request"]
    current = request.GET.get("sort", "")
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("cursor", None)
    if current == name:
        params["sort"], state, arrow = f"-{name}", "ascending", " ▲"
        title = gettext("Sorted ascending; click to sort descending")
    elif current == f"-{name}":
        params["sort"], state, arrow = name, "descending", " ▼"
        title = gettext("Sorted descending; click to sort ascending")
    else:
        params["sort"], state, arrow = name, None, ""
        title = gettext("Sort by this column")
    return format_html(
        '<th{}{}><a class="sort" href="?{}" title="{}" data-sort="{}">{}{}</a></th>',
        format_html(' class="{}"', css_class) if css_class else "",
        format_html(' aria-sort="{}"', state) if state else "",
        params.urlencode(),
        title,
        name,
        label,
        arrow,
    )


#: Query parameters that are no filter (sorting, paging).
_NOT_FILTERS = frozenset({"sort", "ordering", "page", "cursor", "before", "scale", "year"})


@register.filter
def active_filters(form) -> int:
    """How many of a filter form's visible fields are set to something other than their
    default (for the "Filters" button's count)."""
    if form is None or not getattr(form, "is_bound", False):
        return 0
    count = 0
    for field in form.visible_fields():
        if field.name in _NOT_FILTERS:
            continue
        data = form.data
        raw = (
            data.getlist(field.html_name)
            if hasattr(data, "getlist")
            else [data.get(field.html_name)]
        )
        values = [v for v in raw if v is not None and str(v).strip()]
        initial = field.initial if field.initial not in (None, "") else None
        if values and not (initial is not None and values == [str(initial)]):
            count += 1
    return count


@register.simple_tag
def invitation_link_hours() -> int:
    """How many hours an invitation (or password-reset) link is valid: the token's real
    lifetime, PASSWORD_RESET_TIMEOUT (set from INVITATION_LINK_HOURS)."""
    return settings.PASSWORD_RESET_TIMEOUT // 3600
